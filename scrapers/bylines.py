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
        "org": re.compile(r"^(?:" + "|".join(map(re.escape, data["org_words"])) + r")\b", re.IGNORECASE),
        "label_prefix": re.compile(r"^(?:by|written by|người viết|tác giả)\s*:?\s+", re.IGNORECASE),
        "honorific": re.compile(r"^(?:" + "|".join(map(re.escape, sorted(data["honorifics"], key=len, reverse=True)))
                                + r")\s*"),
        "agencies": {fold(a) for a in data["agencies"]},
        "collective": {fold(c) for c in data["collective"]},
        "max": data["max_name_words"],
        "places": {fold(p.name) for p in gazetteer().provinces},
    }


def person_names(text: str) -> list[str] | None:
    """'Hồng Nga', 'Minh Anh - Quốc Huy', 'PV': the names a byline holds, else None."""
    cues = _cues()
    text = cues["label_prefix"].sub("", text.strip().rstrip("."))
    if fold(text) in cues["collective"] or fold(text) in cues["agencies"]:
        return [text]
    text = cues["honorific"].sub("", text)
    parts = [cues["honorific"].sub("", p.strip()) for p in re.split(r"\s+[-–—]\s+|\s*,\s*|\s+và\s+", text)]
    parts = [p for p in parts if p]
    for i, part in enumerate(parts):
        words = part.split()
        if not (1 <= len(words) <= cues["max"]) or fold(part) in cues["places"]:
            return None
        # Ê Đê and other names carry apostrophes (H’Ly Niê) and hyphens.
        if not all(w[:1].isupper() and re.sub(r"[-’']", "", w).isalpha() for w in words):
            return None
        if len(words) == 1:
            return None     # a lone word ("SA", "Mon", a place) is too weak to be a byline
        if is_caps(part) and len(words) > 1:
            parts[i] = " ".join(w[:1] + w[1:].lower() for w in words)   # "TUẤN PHÙNG" → "Tuấn Phùng"
    return parts or None


def _labelled(text: str) -> list[str] | None:
    """What follows an explicit author label is a byline even in lower case
    ("Tác giả: Văn phòng Cục"), if it is short and no sentence."""
    text = text.strip().rstrip(".")
    return [text] if 1 <= len(text.split()) <= 6 and not re.search(r"[.!?;:]", text) else None


def read_byline(text: str) -> tuple[list[str] | None, str | None, str | None]:
    """(names, credited outlet, affiliation) a byline line holds; all None when it is no byline.
    'Mai Hoa (Theo Báo Lạng Sơn)', 'Thanh Hà/VOV-Đông Bắc', 'Ngọc Ánh (TTXVN)',
    'Trần Khánh Vy - Ban Nội chính Tỉnh ủy', 'VÕ HÙNG - Báo Quảng Ngãi'."""
    cues = _cues()
    if credit := cues["source"].match(text):
        return None, credit.group("name").strip(), None
    if (both := cues["with_credit"].match(text)) and (names := person_names(both.group("names"))):
        return names, (both.group("outlet") or both.group("outlet2")).strip(), None
    if (noted := cues["with_note"].match(text)) and (names := person_names(noted.group("names"))):
        note = noted.group("note").strip()
        if fold(note) in cues["agencies"]:
            return names, note, None
        return names, None, (None if fold(note) in cues["compilation"] else note)
    person, _, org = text.partition(" - ")
    if org and cues["org"].match(org.strip()) and (names := person_names(person)):
        org = org.strip()
        outlet = re.match(r"(?:báo|đài|tạp chí|cổng)\b", org, re.IGNORECASE)
        return names, (org if outlet else None), (None if outlet else org)
    if m := cues["label"].match(text):
        return person_names(m.group("name")) or _labelled(m.group("name")), None, None
    # "(TTXVN/Vietnam+)", "VOV.VN" standing alone: an agency, not a person.
    bare = text.strip("() ")
    if fold(bare) in cues["agencies"]:
        return None, bare, None
    return person_names(text), None, None


def _peel_last(doc: Document) -> bool:
    """Take one byline or credit (with an affiliation line under it) off the end."""
    blocks = doc.blocks
    affiliation = None
    end = len(blocks)
    last = blocks[-1].text.strip()
    if end >= 2 and re.fullmatch(r"\(([^()]{3,120})\)", last) and not _cues()["source"].match(last) \
            and fold(last.strip("()")) not in _cues()["agencies"]:
        affiliation = blocks[-1].text.strip()[1:-1]
        end -= 1
    if end < 2:
        return False
    names, outlet, own_affiliation = read_byline(blocks[end - 1].text.strip())
    if not ((outlet and not doc.agency) or (names and not doc.authors)):
        return False
    if outlet and not doc.agency:
        doc.agency = outlet
    if names and not doc.authors:
        doc.authors, doc.author_affiliation = names, affiliation or own_affiliation
    del blocks[end - 1:]
    return True


def take_end_byline(doc: Document) -> None:
    """Bylines and credits after the last paragraph ('Hoàng Thanh Huyền / (Ban Nội chính…)',
    'Minh Anh / Nguồn: Báo Thái Nguyên'), in whatever order they come; crew credits
    ('Quay phim: …', 'Ảnh: …') under them are no bylines and go first."""
    from .clean import is_credit
    while len(doc.blocks) > 1 and is_credit(doc.blocks[-1]):
        doc.blocks.pop()
    for _ in range(3):
        if not _peel_last(doc):
            return


def take_top_byline(doc: Document) -> None:
    """A byline above the lead: labelled ('Người viết: Trần Thu Hà'), a credit ('(Theo
    baotravinh.vn)'), or a name right under the title ('PGS, TS NGUYỄN ĐỨC MINH') with its
    workplace on the next line."""
    for i, block in enumerate(doc.blocks[:3]):
        text = block.text.strip()
        labelled, credit = _cues()["label"].match(text), _cues()["source"].match(text)
        if not (labelled or credit or i == 0):
            continue
        names, outlet, affiliation = read_byline(text)
        if not (names or outlet) or (i == 0 and not (labelled or credit) and len(doc.blocks) < 3):
            continue
        doc.authors = doc.authors or (names or [])
        doc.agency = doc.agency or outlet
        doc.blocks.remove(block)
        if names and i == 0 and not labelled and doc.blocks and _is_workplace(doc.blocks[0].text):
            doc.author_affiliation = doc.author_affiliation or affiliation or doc.blocks.pop(0).text.strip()
        return


def _is_workplace(text: str) -> bool:
    """'Viện Nhà nước và Pháp luật': a short organisation name, no sentence."""
    return len(text.split()) <= 10 and bool(_cues()["org"].match(text)) and not re.search(r"[.!?;:]$", text)


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
    """Authors are the bylines as signed: people, or the outlet's reporters as a group ('PV',
    'Nhóm PV'); an agency tag standing where a byline goes ('(Theo TTXVN)') is the agency.
    Names are written one way (NFC, single spaces). A page's own author markup fills in
    when the text has no byline."""
    cues = _cues()
    if not doc.authors and doc.page_authors:
        doc.authors = [n for a in doc.page_authors for n in (person_names(a) or [])]
    agencies = [a for a in doc.authors if fold(a) in cues["agencies"]]
    if agencies:
        doc.authors = [a for a in doc.authors if a not in agencies]
        doc.agency = doc.agency or agencies[0]
    doc.authors = [" ".join(a.split()) for a in doc.authors]
