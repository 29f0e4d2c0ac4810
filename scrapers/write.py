"""Last stage: a Document as a Markdown file with YAML front matter, written safely.

The file carries a checksum of itself, so a re-run can tell an editor's change from its
own earlier output: the editor's text always wins.
"""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

import yaml

from .record import Block, Document

INGEST_VERSION = 1
_CHECKSUM = re.compile(r"^(  checksum: )([0-9a-f]{64})$", re.MULTILINE)
_MD_START = re.compile(r"^(#{1,6}\s|>|[-+*]\s|\d+[.)]\s|={3,}|-{3,}|\|)")
_SHA_LINE = re.compile(r"^ +(?:- )?sha256: ([0-9a-f]{64})$", re.MULTILINE)
_FRONT = re.compile(r"\A---\n(.*?\n)---\n\n?", re.DOTALL)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str):
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


def _list(dumper: yaml.SafeDumper, value: list):
    # Short lists of plain values read best on one line; citations, recipients and
    # review reasons one entry per line.
    flow = all(isinstance(v, (str, int, float)) for v in value) and len(repr(value)) < 100
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


def _dict(dumper: yaml.SafeDumper, value: dict):
    return dumper.represent_mapping("tag:yaml.org,2002:map", value.items(), flow_style=False)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(list, _list)
_Dumper.add_representer(dict, _dict)


def front_matter(doc: Document) -> dict:
    """The fields in their fixed order (see docs/front-matter.md); empty optionals left out."""
    meta: dict = {
        "title": doc.title,
        "slug": doc.slug,
        "date": doc.date,
        "date_basis": doc.date_basis,
        "status": doc.status,
        "lang": doc.lang,
        "scope": doc.scope,
        "province": doc.province,
        "province_basis": doc.province_basis,
        "unit_2025": doc.unit_2025,
        "doc_type": doc.doc_type,
        "authors": doc.authors,
        "author_affiliation": doc.author_affiliation,
        "agency": doc.agency,
        "topics": doc.topics,
        "topic_evidence": doc.topic_evidence,
        "tags": doc.tags,
        "citations": doc.citations,
        "about": doc.about,
    }
    if doc.full_text:
        meta.update({
            "doc_number": doc.doc_number,
            "issuer": doc.issuer,
            "signer": doc.signer,
            "signer_title": doc.signer_title,
            "recipients": doc.recipients,
            "received": doc.received,
        })
    meta["source"] = {"file": doc.source_file, "url": doc.source_url,
                      "sha256": doc.source_sha256, "retrieved": doc.retrieved}
    if doc.also_sources:
        meta["also_sources"] = doc.also_sources
    meta["review"] = [r.as_dict() for r in doc.review]
    if not doc.date:
        del meta["date"], meta["date_basis"]
    for key in ("province_basis", "unit_2025", "author_affiliation", "agency", "about", "doc_number", "issuer", "signer", "signer_title", "received"):
        if meta.get(key) is None:
            meta.pop(key, None)
    return meta


def _escape(text: str) -> str:
    return "\\" + text if _MD_START.match(text) else text


def body(blocks: list[Block]) -> str:
    """Paragraphs, numbered clauses and lists as Markdown; consecutive items form one list."""
    out: list[str] = []
    for i, block in enumerate(blocks):
        if block.kind == "item":
            line = "- " + re.sub(r"^[-–•*+]\s+", "", block.text)
            joined = i > 0 and blocks[i - 1].kind == "item"
            out.append(("\n" if joined else "\n\n") + line if out else line)
            continue
        text = {"heading": "## " + block.text, "numbered": block.text}.get(block.kind, _escape(block.text))
        out.append(("\n\n" if out else "") + text)
    return "".join(out) + "\n"


def render(doc: Document) -> str:
    return compose(front_matter(doc), body(doc.blocks))


def compose(meta: dict, markdown: str) -> str:
    """A whole article file: front matter, the ingest's own block with the checksum, body."""
    meta = {k: v for k, v in meta.items() if k != "ingest"}
    head = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
    head += f"ingest:\n  version: {INGEST_VERSION}\n  checksum: {'0' * 64}\n"
    text = f"---\n{head}---\n\n{markdown}"
    return _CHECKSUM.sub(lambda m: m.group(1) + checksum(text), text)


def split(text: str) -> tuple[dict, str]:
    """(front matter, Markdown body) of an article file."""
    m = _FRONT.match(text)
    if not m:
        raise ValueError("không có phần thông tin đầu bài giữa hai dòng '---'")
    return yaml.safe_load(m.group(1)) or {}, text[m.end():]


def checksum(text: str) -> str:
    """sha256 of the file with its own checksum value blanked."""
    blank = _CHECKSUM.sub(lambda m: m.group(1), text)
    return hashlib.sha256(blank.encode("utf-8")).hexdigest()


def edited(text: str) -> bool:
    """True when the file is no longer what the ingest wrote (or never was)."""
    m = _CHECKSUM.search(text)
    return m is None or m.group(2) != checksum(text)


def source_index(content: Path) -> dict[str, Path]:
    """sha256 of each article's own raw source → its file."""
    return source_indexes(content)[0]


def source_indexes(content: Path) -> tuple[dict[str, Path], dict[str, Path]]:
    """(sha256 of each article's own raw source → its file,
        sha256 of each source an article absorbed as a duplicate → that file)."""
    own: dict[str, Path] = {}
    absorbed: dict[str, Path] = {}
    for path in sorted(content.rglob("*.md")):
        head = path.read_text(encoding="utf-8", errors="replace").split("\n---", 1)[0]
        for i, m in enumerate(_SHA_LINE.finditer(head)):
            (own if i == 0 else absorbed).setdefault(m.group(1), path)
    return own, absorbed


def atomic_write(path: Path, data: str | bytes) -> None:
    """Write via a temporary file in the same folder, so no half-written file is ever seen.
    Text is written as UTF-8 with \\n line ends; bytes as they are."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def article_path(content: Path, doc: Document) -> Path:
    folder = doc.date[:4] if doc.date else "undated"
    return content / "articles" / folder / f"{doc.slug}.md"
