"""Bytes of a web page → text: valid UTF-8 is UTF-8; otherwise the declared charset, then the
page's own declaration, then detection; ftfy mends mojibake left in the text. Output is NFC."""
from __future__ import annotations

import codecs
import re

import charset_normalizer
import ftfy

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_FIX = ftfy.TextFixerConfig(unescape_html=False, uncurl_quotes=False, fix_character_width=False,
                            fix_latin_ligatures=False, fix_line_breaks=False, normalization="NFC")


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        return codecs.lookup(name.strip()).name
    except LookupError:
        return None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def declared_in(data: bytes) -> str | None:
    """The charset a page or feed declares inside itself (meta tag, XML declaration)."""
    head = data[:4096]
    m = _META.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii", "ignore") if m else None


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """(text, encoding used)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return mend(data.decode(name, errors="replace")), name
    if _is_utf8(data):
        # Text in another charset is almost never valid UTF-8 with multi-byte sequences:
        # a body that is, is UTF-8 whatever a server or template declared.
        return mend(data.decode("utf-8")), "utf-8"
    for candidate in (_codec(declared), _codec(declared_in(data))):
        if not candidate:
            continue
        try:
            return mend(data.decode(candidate)), candidate
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    name = _codec(best.encoding) if best else None
    if name:
        return mend(data.decode(name, errors="replace")), name
    return mend(data.decode("utf-8", errors="replace")), "utf-8"


def mend(text: str) -> str:
    """Undo mojibake (UTF-8 read as cp1252 and the like); leave quotes and widths alone."""
    return ftfy.fix_text(text, config=_FIX)
