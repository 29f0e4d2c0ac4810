"""Reading raw inputs: text files (and, later, fetched pages) into Document records."""
from __future__ import annotations

import hashlib
from pathlib import Path

from .record import Document


class SourceError(Exception):
    """A raw input that cannot be read; the message names the file."""


def expand(paths: list[str]) -> list[Path]:
    """Files named, and every .txt in a directory named, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.txt")))
        elif p.exists():
            out.append(p)
        else:
            raise SourceError(f"{p}: không tìm thấy tệp hoặc thư mục")
    return out


def read_text(path: Path, source_name: str) -> Document:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise SourceError(f"{path}:{line}: không phải văn bản UTF-8 ({exc.reason})") from exc
    if not text.strip():
        raise SourceError(f"{path}: tệp rỗng")
    return Document(raw=text, source_file=source_name, source_sha256=hashlib.sha256(data).hexdigest())
