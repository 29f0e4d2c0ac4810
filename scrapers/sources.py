"""Reading raw inputs: text files (and, later, fetched pages) into Document records."""
from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

from .record import Document


class SourceError(Exception):
    """A raw input that cannot be read; the message names the file."""


def expand(paths: list[str]) -> list[Path]:
    """Files named, and every readable file (READERS) in a directory named, in a stable order."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.iterdir() if f.suffix.lower() in READERS and f.is_file()))
        elif p.exists():
            out.append(p)
        else:
            raise SourceError(f"{p}: không tìm thấy tệp hoặc thư mục")
    return out


def read(path: Path, source_name: str) -> Document:
    """The Document a raw file holds, read by the reader for its kind."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise SourceError(f"{path}: không đọc được loại tệp '{path.suffix}' "
                          f"(nhận: {', '.join(sorted(READERS))})")
    return reader(path, source_name)


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


# suffix → reader(path, project-relative name) -> Document. Readers for other kinds of
# input (saved web pages, PDF) register here.
def _reader_in(module: str):
    """`read_file` of another module, imported on first use (it imports SourceError from here)."""
    def reader(path: Path, source_name: str) -> Document:
        return importlib.import_module(module).read_file(path, source_name)
    return reader


READERS = {".txt": read_text, ".html": _reader_in("scrapers.html"), ".htm": _reader_in("scrapers.html"),
           ".pdf": _reader_in("scrapers.pdf")}
