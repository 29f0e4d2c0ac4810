"""Titles: the first line when it is one (recased when printed in capitals), the name and
subject of a full-text document, or, failing both, a title derived from the lead."""
from __future__ import annotations

import re

from .record import Document
from .truecase import Casing, truecase
from .text import fold, is_caps

MAX_TITLE_WORDS = 40
DERIVED_WORDS = 30


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= MAX_TITLE_WORDS and not re.search(r"(?<!\.\.)\.$", text)


def recase(title: str, reference: str) -> str:
    """Recase a run of capitals; the word after a leading run joins the sentence
    ('… TỈNH LẠNG SƠN Ban hành Kế hoạch' → '… tỉnh Lạng Sơn ban hành Kế hoạch')."""
    tokens = title.split()
    caps = [is_caps(t) or not any(c.isalpha() for c in t) for t in tokens]
    if sum(caps) < 3 or all(caps):
        return truecase(title, reference) if all(caps) and sum(caps) >= 2 else title
    run = 0
    while run < len(tokens) and caps[run]:
        run += 1
    head = truecase(" ".join(tokens[:run]), reference)
    rest = tokens[run:]
    if run >= 2 and rest:
        local = Casing()
        local.learn(reference)
        form = local.form(fold(" ".join(rest[:2]))) or local.form(fold(rest[0]))
        if form and form[:1].islower():
            rest[0] = rest[0][:1].lower() + rest[0][1:]
    return " ".join([head, *rest]) if run else title


def _is_lead(text: str) -> bool:
    return len(text.split()) > MAX_TITLE_WORDS or bool(re.search(r"(?<!\.\.)[.:]$", text))


def take_title(doc: Document) -> None:
    """The title is the first line before the lead that reads as one (five words or more);
    the shorter lines above it (the site's name, a section label) go with it. Failing
    that, a short first line."""
    if doc.full_text:
        return
    if doc.page_title:
        # The page says its own title (og:title, JSON-LD): it wins, and its copy in the text goes.
        doc.title = recase(doc.page_title, doc.raw)
        doc.blocks = [b for i, b in enumerate(doc.blocks) if not (i < 5 and fold(b.text) == fold(doc.page_title))]
        return
    if len(doc.blocks) < 2:
        return
    for i, block in enumerate(doc.blocks[:5]):
        if _is_lead(block.text):
            break
        if _looks_like_title(block.text) and len(block.text.split()) >= 5 and i + 1 < len(doc.blocks):
            doc.title = recase(block.text, doc.raw)
            del doc.blocks[:i + 1]
            return
    if _looks_like_title(doc.blocks[0].text):
        doc.title = recase(doc.blocks[0].text, doc.raw)
        del doc.blocks[0]


def document_title(doc: Document) -> None:
    """'Chỉ thị của Ban Thường vụ Tỉnh ủy Bình Định về …' for a full-text document."""
    if not doc.full_text or doc.title or not doc.doc_heading:
        return
    name = truecase(doc.doc_heading, doc.raw)
    if doc.doc_number:
        name += f" số {doc.doc_number}"
    if doc.issuer:
        name += f" của {doc.issuer}" + (f" ({doc.issuer_term})" if doc.issuer_term else "")
    if doc.doc_subject:
        name += f" {doc.doc_subject}"
    doc.title = name


def derive_title(doc: Document) -> None:
    """No title in the input: the lead's first clause, flagged for an editor."""
    if doc.title or not doc.blocks:
        return
    sentence = re.split(r"(?<=[.!?])\s+", doc.blocks[0].text)[0].rstrip(".")
    clause = re.split(r"\s*;\s*", sentence)[0]
    words = clause.split()
    if len(words) > DERIVED_WORDS:
        # Cut at the last comma that leaves a readable phrase, else at a word boundary.
        cut = " ".join(words[:DERIVED_WORDS])
        comma = cut.rfind(",")
        clause = cut[:comma] if comma > len(cut) // 2 else cut + "…"
    doc.title = clause.strip(" ,")
    doc.title_derived = True
    doc.flag("title-derived", "title",
             "Bản gốc không có tiêu đề; tiêu đề được tạo từ câu mở đầu. Sửa 'title' cho đúng rồi xoá mục này.")
