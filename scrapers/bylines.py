"""Authors: bylines at the end or the top, agency tags before the lead, '(Theo TTXVN)'.
Photo credits never make an author (clean.drop_captions removes them first)."""
from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import gazetteer, load_json
from .record import Document
from .text import fold


@lru_cache(maxsize=1)
def _cues() -> dict:
    data = load_json("bylines.json")
    alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # noqa: E731
    agencies = alt(data["agencies"])
    return {
        "label": re.compile(rf"^(?:{alt(data['author_labels'])})\s*:\s*(?P<name>.+)$", re.IGNORECASE),
        "source": re.compile(rf"^\(?\s*(?:{alt(data['source_labels'])})\s*:?\s+(?P<name>[^().,;:!?]{{2,60}}?)\s*\)?\.?$", re.IGNORECASE),
        "prefix": re.compile(rf"^\(?(?P<tag>{agencies})\)?\s*[-–—]\s+(?=\S)"),
        "agencies": {fold(a) for a in data["agencies"]},
        "collective": {fold(c) for c in data["collective"]},
        "max": data["max_name_words"],
        "places": {fold(p.name) for p in gazetteer().provinces},
    }


def _names(text: str) -> list[str] | None:
    """'Hồng Nga', 'Minh Anh - Quốc Huy', 'PV': the names a byline holds, else None."""
    cues = _cues()
    text = text.strip().rstrip(".")
    if fold(text) in cues["collective"] or fold(text) in cues["agencies"]:
        return [text]
    parts = [p.strip() for p in re.split(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+", text) if p.strip()]
    for part in parts:
        words = part.split()
        if not (1 <= len(words) <= cues["max"]) or fold(part) in cues["places"]:
            return None
        if not all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words):
            return None
        if len(words) == 1 and len(part) < 2:
            return None
    return parts or None


def take_end_byline(doc: Document) -> None:
    """The byline after the last paragraph, with an affiliation line in parentheses."""
    cues = _cues()
    tail = doc.blocks[-3:]
    for offset in range(len(tail)):
        i = len(doc.blocks) - len(tail) + offset
        text = doc.blocks[i].text.strip()
        affiliation = None
        end = i + 1
        if end < len(doc.blocks) and re.fullmatch(r"\(([^()]{3,120})\)", doc.blocks[end].text.strip()):
            affiliation = doc.blocks[end].text.strip()[1:-1]
            end += 1
        if end != len(doc.blocks):
            continue
        credit = cues["source"].match(text)
        if credit:
            names = None
        elif m := cues["label"].match(text):
            names = _names(m.group("name"))
        else:
            names = _names(text)
        if not (credit or names):
            continue
        if credit:
            doc.agency = credit.group("name").strip()
        if names:
            doc.authors = names
            doc.author_affiliation = affiliation
        del doc.blocks[i:end]
        return


def take_agency_prefix(doc: Document) -> None:
    """'TTXVN - Ngày 9/12, …': the tag credits the agency and leaves the lead."""
    for block in doc.blocks[:3]:
        if m := _cues()["prefix"].match(block.text):
            doc.agency = doc.agency or m.group("tag")
            block.text = block.text[m.end():]
            return


def settle(doc: Document) -> None:
    """A personal byline wins; an agency credits the item only when no person does."""
    if not doc.authors and doc.agency:
        doc.authors = [doc.agency]
