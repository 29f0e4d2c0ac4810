"""The lines around an article's date at the top or the foot of a page: the date line
itself ('Thứ Tư, 13/04/2022, 11:01 [GMT+7]', 'Nội chính | Hồng Phúc | 09:15 16/06/2022') and
the byline standing next to it; or, for a web page, the date its markup states."""
from __future__ import annotations

import datetime as dt

from . import bylines, dates
from .record import Document


def take_datelines(doc: Document, tail: bool = False) -> dates.Found | None:
    """Date lines at the top ('Thứ Tư, 13/04/2022, 11:01 [GMT+7]', 'Hoàng Anh 18:11, 27/09/2023'),
    or, with `tail`, under the text ('Cập nhật: 21/02/2022 08:30').
    A date line above the title without a time is the page header's today, not the article's."""
    published = None
    for block in list(doc.blocks[-3:] if tail else doc.blocks[:6]):
        hit = dates.dateline(block.text)
        if not hit:
            continue
        found, rest = hit
        names, outlet, _ = bylines.read_byline(rest) if rest else (None, None, None)
        if rest and not (names or outlet):
            continue    # a sentence that holds a date, not a date line
        doc.agency = doc.agency or outlet
        index = doc.blocks.index(block)
        doc.blocks.remove(block)
        masthead = index == 0 and doc.title is None and found.time is None and len(doc.blocks) > 1
        if masthead:
            doc.page_header_date = found.date.isoformat()
            continue
        if published:
            continue
        published = found
        # "Minh Khang" on its own line just above "13/01/2024 06:45" (not the title itself:
        # before the title is taken it is block 0).
        above = doc.blocks[index - 1] if index >= (1 if doc.title else 2) else None
        below = doc.blocks[index] if index < len(doc.blocks) - 1 else None
        # … or on its own line just below it ("08:15 24/11/2023" / "Vũ Linh").
        for near in (above, below):
            if names or near is None:
                continue
            near_names, outlet, affiliation = bylines.read_byline(near.text)
            if near_names:
                names = near_names
                doc.agency = doc.agency or outlet
                doc.author_affiliation = doc.author_affiliation or affiliation
                doc.blocks.remove(near)
        if names:
            doc.authors = names
    return published


def page_date(doc: Document) -> dates.Found | None:
    """The publication date a web page states in its markup, when the text shows none."""
    try:
        stamp = dt.datetime.fromisoformat(doc.page_date) if doc.page_date else None
    except ValueError:
        return None
    if stamp is None or dates.make_date(stamp.year, stamp.month, stamp.day) is None:
        return None
    with_time = "T" in doc.page_date
    return dates.Found(stamp.date(), (stamp.hour, stamp.minute) if with_time else None)
