"""One raw document → one Document record, through small stages with one job each."""
from __future__ import annotations

import re

from slugify import slugify

from . import bylines, citations, classify, clean, dates, headers, parts, places, titles
from .blocks import normalise, segment
from .record import Document
from .text import fold

SLUG_MAX = 80


_VIETNAMESE = re.compile(r"[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
_LETTER = re.compile(r"[^\W\d_]")


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
    published = headers.take_datelines(doc)
    titles.take_title(doc)
    published = published or headers.take_datelines(doc)
    bylines.take_top_byline(doc)
    bylines.take_agency_prefix(doc)
    if not doc.full_text:    # a document's signer is no byline
        bylines.take_end_byline(doc)
    published = published or headers.take_datelines(doc, tail=True) or headers.page_date(doc)
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
