"""One raw document → one Document record, through small stages with one job each."""
from __future__ import annotations

import datetime as dt
import re

from slugify import slugify

from . import bylines, citations, classify, clean, dates, parts, places, titles
from .blocks import normalise, segment
from .record import Document
from .text import fold

SLUG_MAX = 80


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
        names, outlet, _ = bylines._read_byline(rest) if rest else (None, None, None)
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
            near_names, outlet, affiliation = bylines._read_byline(near.text)
            if near_names:
                names = near_names
                doc.agency = doc.agency or outlet
                doc.author_affiliation = doc.author_affiliation or affiliation
                doc.blocks.remove(near)
        if names:
            doc.authors = names
    return published


_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
_LETTER = re.compile(r"[^\W\d_]")


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


def detect_language(doc: Document) -> None:
    """English when hardly any letter carries a Vietnamese diacritic."""
    sample = fold(doc.body_text()[:4000])
    letters = len(_LETTER.findall(sample))
    if letters and len(_VIETNAMESE.findall(sample)) / letters < 0.02:
        doc.lang = "en"


def process(doc: Document) -> Document:
    doc.blocks = segment(normalise(doc.raw))
    clean.drop_debris(doc)
    clean.take_tags(doc)
    parts.take_stamp(doc)
    parts.take_header(doc)
    parts.take_recipients(doc)
    parts.take_signature(doc)
    published = take_datelines(doc)
    titles.take_title(doc)
    published = published or take_datelines(doc)
    bylines.take_top_byline(doc)
    bylines.take_agency_prefix(doc)
    if not doc.full_text:    # a document's signer is no byline
        bylines.take_end_byline(doc)
    published = published or take_datelines(doc, tail=True) or page_date(doc)
    clean.drop_captions(doc)
    bylines.settle(doc)
    parts.flag_gaps(doc)
    detect_language(doc)
    citations.extract(doc)
    places.extract(doc)
    places.qualify_issuer(doc)
    titles.document_title(doc)
    titles.derive_title(doc)
    dates.resolve(doc, published, parts.issued_date(doc))
    places.resolve_2025(doc)
    classify.doc_type(doc)
    classify.assign_topics(doc)
    classify.assign_tags(doc)
    if doc.full_text and not doc.doc_number:
        doc.flag("doc-number-missing", "doc_number",
                 "Văn bản không ghi số hiệu (có thể mất khi quét). Điền 'doc_number' nếu biết (ví dụ '14-CT/TU') rồi xoá mục này.")
    doc.slug = slugify(doc.title or "bai-viet", max_length=SLUG_MAX, word_boundary=True, save_order=True)
    return doc
