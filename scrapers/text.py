"""Text normalisation shared by every stage: NFC, a folding key for matching, and slugs."""
from __future__ import annotations

import functools
import re
import unicodedata

from slugify import slugify

_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style placement puts the tone on the second vowel of an open oa/oe/uy syllable
# ("hoà", "uỷ"); the new style on the first ("hòa", "ủy"). Both are in daily use, often in
# one text, so the folding key moves it to one place (the second vowel). Done on composed
# lower-case text with a table: folding runs on every block of every document.
_MOVE = {
    unicodedata.normalize("NFC", first + tone) + second: first + unicodedata.normalize("NFC", second + tone)
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")) for tone in _TONES
}
_NEW_STYLE = re.compile("(?:" + "|".join(_MOVE) + r")(?![^\W\d_])")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.lru_cache(maxsize=None)
def slug(text: str) -> str:
    """python-slugify's slug of a name, label or code, kept: the build asks for the same few
    thousand (authors, tags, document types, codes) once per article."""
    return slugify(text)


def fold(text: str) -> str:
    """Matching key: NFC, case-folded, tone placement unified (Hòa = Hoà, ủy = uỷ).
    Keeps the length of composed Vietnamese text, so positions map back to the original."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return _NEW_STYLE.sub(lambda m: _MOVE[m.group(0)], text.casefold())


def strip_diacritics(text: str) -> str:
    """ASCII-ish key: 'Đắk Lắk' → 'dak lak' (đ folded too)."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+", " ", text).strip()


def is_caps(text: str) -> bool:
    """Printed in capitals (headings, stamps, signature blocks): every letter upper case."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)
