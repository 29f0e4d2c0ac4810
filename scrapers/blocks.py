"""Stage 1: raw text → normalised lines → paragraph blocks (hard wraps joined)."""
from __future__ import annotations

import re

from .record import Block
from .text import is_caps, nfc

_SPACES = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_END_PUNCT = re.compile(r"[.!?:;…\"”’)\]]$|\./\.$")
_ITEM = re.compile(r"^[-–•*+]\s+(?=\S)")
_NUMBERED = re.compile(r"^(\d{1,2}|[a-zđ]|[IVX]{1,5})[.)]\s+(?=\S)")
_MD_HEADING = re.compile(r"^#{1,6}\s+")


_COLUMNS = re.compile(r"\t+|[ \u00a0]{3,}")


def normalise(raw: str) -> list[tuple[int, str]]:
    """NFC, unified spaces and line ends; a two-column line (document headers laid out with
    tabs: 'TỈNH ỦY CÀ MAU<tab>ĐẢNG CỘNG SẢN VIỆT NAM') becomes one line per column.
    Returns (line number, text) pairs."""
    text = nfc(raw).replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    text = _INVISIBLE.sub("", text)
    out: list[tuple[int, str]] = []
    for i, line in enumerate(text.split("\n"), 1):
        cells = [c for c in _COLUMNS.split(line.strip()) if c.strip()] or [""]
        out.extend((i, _SPACES.sub(" ", cell).strip()) for cell in cells)
    return out


def _starts_lower(text: str) -> bool:
    first = text[:1]
    return first.isalpha() and first.islower()


def _kind(line: str) -> str:
    if _MD_HEADING.match(line):
        return "heading"
    if _ITEM.match(line):
        return "item"
    if _NUMBERED.match(line):
        return "numbered"
    return "para"


def _continues(prev: str, line: str, wrap_width: int) -> bool:
    """Whether `line` is the hard-wrapped continuation of `prev` (same paragraph)."""
    if _kind(line) != "para" or _END_PUNCT.search(prev):
        return False
    # A heading in capitals ("KẾ HOẠCH") stands alone above its subject line.
    if is_caps(prev) != is_caps(line):
        return False
    # Short lines in a row are a list (tags, menus), not a wrapped paragraph.
    if (_starts_lower(line) or line[:1] in ",;)") and len(prev) >= 30:
        return True
    # A line cut near the block's usual width is a wrap even before a capital (a name).
    return wrap_width >= 50 and len(prev) >= 0.85 * wrap_width


def segment(lines: list[tuple[int, str]]) -> list[Block]:
    """Group lines into blocks: blank lines separate; inside a group, join wraps."""
    groups: list[list[tuple[int, str]]] = [[]]
    for number, line in lines:
        if line:
            groups[-1].append((number, line))
        elif groups[-1]:
            groups.append([])
    blocks: list[Block] = []
    for group in groups:
        if not group:
            continue
        width = max(len(t) for _, t in group) if len(group) >= 3 else 0
        current: Block | None = None
        for number, line in group:
            if current is not None and current.kind in ("para", "numbered", "item") \
                    and _continues(current.text, line, width):
                current.text = f"{current.text} {line}"
                continue
            kind = _kind(line)
            text = _MD_HEADING.sub("", line) if kind == "heading" else line
            current = Block(text, kind, number)
            blocks.append(current)
    return blocks
