"""Authors: bylines at the end or the top, agency tags before the lead, '(Theo TTXVN)'.
Photo credits never make an author (clean.drop_captions removes them first)."""
from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import gazetteer, load_json
from .record import Document
from .text import fold, is_caps


@lru_cache(maxsize=1)
def _cues() -> dict:
    data = load_json("bylines.json")
    alt = lambda words: "|".join(sorted(map(re.escape, words), key=len, reverse=True))  # noqa: E731
    agencies = alt(data["agencies"])
    return {
        "label": re.compile(rf"^(?:{alt(data['author_labels'])})\s*:\s*(?P<name>.+)$", re.IGNORECASE),
        "source": re.compile(rf"^\(?\s*(?:{alt(data['source_labels'])})\s*:?\s+(?P<name>(?:[^().,;:!?\s]|\.(?=\w))+(?:\s+(?:[^().,;:!?\s]|\.(?=\w))+){{0,8}})\s*\)?\.?$",
                             re.IGNORECASE),
        # "TTXVN - ", "(PLVN) - ", "VOV.VN - ", "(Chinhphu.vn) - ", "Da Nang (VNA) – "
        "prefix": re.compile(rf"^(?:[A-ZĐ][\w.’']*(?:\s+[A-ZĐ][\w.’']*){{0,3}}\s+(?=\())?\(?"
                             rf"(?P<tag>{agencies}|[A-ZĐ]{{2,8}}|[A-Za-z]+\.(?:vn|VN))\)?\s*[-–—]\s+(?=\S)"),
        # "… in 2020. — VNS": an English agency closing the last paragraph.
        "suffix": re.compile(rf"\s+[—–-]\s*(?P<tag>{agencies}|[A-Z]{{2,6}})\.?$"),
        "with_credit": re.compile(r"^(?P<names>[^()/]+?)\s*(?:\((?:theo|nguồn)\s*:?\s*(?P<outlet>[^()]+)\)|"
                                  r"/\s*(?P<outlet2>[^/()]{2,40}))$", re.IGNORECASE),
        # "Ngọc Ánh (TTXVN)", "Thu Hằng (tổng hợp)", "Kim Oanh (VKSND thành phố Phúc Yên)"
        "with_note": re.compile(r"^(?P<names>[^()/]+?)\s*\((?P<note>[^()]{2,80})\)$"),
        "compilation": {fold(w) for w in data["compilation_words"]},
        "label_prefix": re.compile(r"^(?:by|written by|người viết|tác giả)\s*:?\s+", re.IGNORECASE),
        "honorific": re.compile(r"^(?:" + "|".join(map(re.escape, sorted(data["honorifics"], key=len, reverse=True)))
                                + r")\s*"),
        "agencies": {fold(a) for a in data["agencies"]},
        "collective": {fold(c) for c in data["collective"]},
        "max": data["max_name_words"],
        "places": {fold(p.name) for p in gazetteer().provinces},
    }


def _names(text: str) -> list[str] | None:
    """'Hồng Nga', 'Minh Anh - Quốc Huy', 'PV': the names a byline holds, else None."""
    cues = _cues()
    text = cues["label_prefix"].sub("", text.strip().rstrip("."))
    if fold(text) in cues["collective"] or fold(text) in cues["agencies"]:
        return [text]
    parts = [cues["honorific"].sub("", p.strip()) for p in re.split(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+", text)]
    parts = [p for p in parts if p]
    for i, part in enumerate(parts):
        words = part.split()
        if not (1 <= len(words) <= cues["max"]) or fold(part) in cues["places"]:
            return None
        # Ê Đê and other names carry apostrophes (H’Ly Niê) and hyphens.
        if not all(w[:1].isupper() and re.sub(r"[-’']", "", w).isalpha() for w in words):
            return None
        if len(words) == 1 and len(part) < 2:
            return None
        if is_caps(part) and len(words) > 1:
            parts[i] = " ".join(w[:1] + w[1:].lower() for w in words)   # "TUẤN PHÙNG" → "Tuấn Phùng"
    return parts or None


def _read_byline(text: str) -> tuple[list[str] | None, str | None]:
    """(names, credited outlet) a byline line holds; (None, None) when it is no byline.
    'Mai Hoa (Theo Báo Lạng Sơn)' and 'Thanh Hà/VOV-Đông Bắc' hold both."""
    cues = _cues()
    if credit := cues["source"].match(text):
        return None, credit.group("name").strip()
    if (both := cues["with_credit"].match(text)) and (names := _names(both.group("names"))):
        return names, (both.group("outlet") or both.group("outlet2")).strip()
    if (noted := cues["with_note"].match(text)) and (names := _names(noted.group("names"))):
        note = noted.group("note").strip()
        return names, (note if fold(note) in cues["agencies"] else None)
    if m := cues["label"].match(text):
        return _names(m.group("name")), None
    return _names(text), None


def _peel_last(doc: Document) -> bool:
    """Take one byline or credit (with an affiliation line under it) off the end."""
    blocks = doc.blocks
    affiliation = None
    end = len(blocks)
    if end >= 2 and re.fullmatch(r"\(([^()]{3,120})\)", blocks[-1].text.strip()) \
            and not _cues()["source"].match(blocks[-1].text.strip()):
        affiliation = blocks[-1].text.strip()[1:-1]
        end -= 1
    if end < 2:
        return False
    line = blocks[end - 1].text.strip()
    names, outlet = _read_byline(line)
    if not ((outlet and not doc.agency) or (names and not doc.authors)):
        return False
    noted = _cues()["with_note"].match(line)
    if names and noted and affiliation is None and not outlet and fold(noted.group("note")) not in _cues()["compilation"]:
        affiliation = noted.group("note").strip()
    if outlet and not doc.agency:
        doc.agency = outlet
    if names and not doc.authors:
        doc.authors, doc.author_affiliation = names, affiliation
    del blocks[end - 1:]
    return True


def take_end_byline(doc: Document) -> None:
    """Bylines and credits after the last paragraph ('Hoàng Thanh Huyền / (Ban Nội chính…)',
    'Minh Anh / Nguồn: Báo Thái Nguyên'), in whatever order they come."""
    for _ in range(3):
        if not _peel_last(doc):
            return


def take_top_byline(doc: Document) -> None:
    """A labelled byline above the lead ('Người viết: Trần Thu Hà')."""
    for block in doc.blocks[:3]:
        if _cues()["label"].match(block.text.strip()):
            names, _ = _read_byline(block.text.strip())
            if names:
                doc.authors = doc.authors or names
                doc.blocks.remove(block)
                return


def take_agency_prefix(doc: Document) -> None:
    """'TTXVN - Ngày 9/12, …': the tag credits the agency and leaves the lead; so does
    '— VNS' closing an English item."""
    for block in doc.blocks[:3]:
        if m := _cues()["prefix"].match(block.text):
            doc.agency = doc.agency or m.group("tag")
            block.text = block.text[m.end():]
            break
    if doc.blocks and (m := _cues()["suffix"].search(doc.blocks[-1].text)):
        doc.agency = doc.agency or m.group("tag")
        doc.blocks[-1].text = doc.blocks[-1].text[:m.start()]


def settle(doc: Document) -> None:
    """People are authors; collective bylines ('PV', 'Nhóm PV') credit the outlet's staff,
    so they go with agencies; names are written one way (NFC, single spaces). A page's own
    author markup fills in when the text has no byline."""
    cues = _cues()
    if not doc.authors and doc.page_authors:
        doc.authors = [n for a in doc.page_authors for n in (_names(a) or [])]
    collective = [a for a in doc.authors if fold(a) in cues["collective"] or fold(a) in cues["agencies"]]
    if collective:
        doc.authors = [a for a in doc.authors if a not in collective]
        doc.agency = doc.agency or collective[0]
    doc.authors = [" ".join(a.split()) for a in doc.authors]
