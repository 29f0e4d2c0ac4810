"""Stage 3 (full-text documents): incoming stamp, header, heading, signature and recipients.

Each part leaves the body and becomes structured metadata; the body keeps the text only.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .citations import CODE
from .clean import plain
from .dates import Found, _year, find_dates, make_date
from .gazetteer import load_json
from .record import Document
from .text import fold, is_caps
from .truecase import truecase

_DOC_NUMBER = re.compile(r"^Số\s*:?\s*(" + CODE + r")\s*$", re.IGNORECASE)
_PLACE_DATE = re.compile(r"^(?P<place>[^\d,]{2,40}),\s*(?P<date>ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})\.?$",
                         re.IGNORECASE)
_SUBJECT = re.compile(r"^(?:về|v/v|về việc)\s+\S", re.IGNORECASE)


@lru_cache(maxsize=1)
def _layout() -> dict:
    data = dict(load_json("documents.json"))   # a copy: the cached data stays as read
    data["headings_folded"] = {fold(k): v for k, v in data["headings"].items()}
    data["mottos_folded"] = {fold(m) for m in data["mottos"]}
    data["prefix_re"] = re.compile(r"^(?:" + "|".join(map(re.escape, data["signature_prefixes"])) + r")\s+\S")
    data["titles_folded"] = {fold(t) for t in data["signature_titles"]}
    data["marks_re"] = re.compile("|".join(map(re.escape, sorted(data["signature_marks"], key=len, reverse=True))))
    trailers = "|".join(map(re.escape, data["stamp_trailers"]))
    data["stamp_re"] = re.compile(
        r"^(?P<office>[^\n]{4,80}(?:\n[^\n]{4,60})?)\n(?:CÔNG VĂN\s+)?" + re.escape(data["stamp_marker"])
        + r"\b\s*(?:Số\s*:?\s*(?P<num>\d+))?\s*\n?\s*Ngày\s*:?\s*(?P<date>\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{2,4})"
        + r"(?P<trail>(?:\n(?:" + trailers + r")\b[^\n]*)*)", re.IGNORECASE)
    return data


def take_stamp(doc: Document) -> None:
    """The incoming-mail stamp (receiving office, number, date) is provenance, not text."""
    head = doc.blocks[:10]
    text = "\n".join(b.text for b in head)
    m = _layout()["stamp_re"].search(text)
    if not m or not is_caps(m.group("office")):
        return
    office = " ".join(m.group("office").split("\n"))
    d, mth, y = re.split(r"\s?/\s?", m.group("date"))
    date = make_date(_year(y), int(mth), int(d))
    doc.received = {
        "office": truecase(office, doc.raw),
        "number": m.group("num"),
        "date": date.isoformat() if date else None,
    }
    first_line = text[:m.start()].count("\n")
    last_line = text[:m.end()].count("\n")
    del doc.blocks[first_line:last_line + 1]


def take_header(doc: Document) -> None:
    """Mottos, issuing body, number, place-date line, the type heading and the subject."""
    layout = _layout()
    issuer_lines: list[str] = []
    heading_at = None
    for i, block in enumerate(doc.blocks[:14]):
        if fold(block.text) in layout["headings_folded"] and is_caps(block.text):
            heading_at = i
            break
    if heading_at is None:
        return
    doc.full_text = True
    doc.doc_heading = doc.blocks[heading_at].text
    doc.doc_type = layout["headings_folded"][fold(doc.doc_heading)]
    for block in doc.blocks[:heading_at]:
        text = block.text
        if fold(text) in layout["mottos_folded"]:
            continue
        if m := _DOC_NUMBER.match(text):
            doc.doc_number = m.group(1)
        elif m := _PLACE_DATE.match(text):
            doc.place_date = text
        elif is_caps(text):
            issuer_lines.append(text)
    end = heading_at + 1
    # "CỦA BAN THƯỜNG VỤ TỈNH ỦY (KHÓA XX)" names the issuer under the heading.
    if end < len(doc.blocks) and is_caps(doc.blocks[end].text) and fold(doc.blocks[end].text).startswith("của "):
        issuer_lines = [doc.blocks[end].text[4:]]
        end += 1
    # The subject line(s) under the heading: "về …", "thực hiện …", or a name such as
    # "Chuyển đổi số trong hoạt động tư pháp …"; a subject never ends with a full stop.
    subject: list[str] = []
    if end < len(doc.blocks):
        text = doc.blocks[end].text
        if _SUBJECT.match(text) or (len(text.split()) <= 60 and not re.search(r"[.:;]$", text)
                                     and not is_caps(text)):
            subject.append(text)
            end += 1
    for block in doc.blocks[end:end + 2]:
        if _PLACE_DATE.match(block.text):
            doc.place_date = block.text
    if issuer_lines:
        doc.issuer = truecase(" ".join(issuer_lines), doc.raw)
    if subject:
        doc.doc_subject = " ".join(subject)
    doc.blocks = [b for b in doc.blocks[end:] if b.text != doc.place_date]


def issued_date(doc: Document) -> Found | None:
    """The document's own date, from its place-date line ("Hà Nội, ngày 6 tháng 2 năm 2017")."""
    found = find_dates(doc.place_date) if doc.place_date else []
    return Found(found[0].date) if found else None


def take_recipients(doc: Document) -> None:
    """'Nơi nhận:' and the list under it."""
    marker = fold(_layout()["recipients_marker"])
    for i, block in enumerate(doc.blocks):
        if not fold(block.text).startswith(marker):
            continue
        rest = block.text.split(":", 1)[1].strip() if ":" in block.text else ""
        items = [rest] if rest else []
        end = i + 1
        while end < len(doc.blocks) and doc.blocks[end].kind == "item":
            items.append(plain(doc.blocks[end]))
            end += 1
        doc.recipients = [re.sub(r"[,;.]+$", "", x).strip() for x in items if x.strip(" ,;.")]
        doc.full_text = True
        del doc.blocks[i:end]
        return


def take_signature(doc: Document) -> None:
    """'T/M BAN THƯỜNG VỤ / BÍ THƯ / ★ Hồ Quốc Dũng' at the end: signer, not author."""
    layout = _layout()
    tail_start = max(0, len(doc.blocks) - 6)
    for i in range(tail_start, len(doc.blocks)):
        text = doc.blocks[i].text
        if not (layout["prefix_re"].match(text) or fold(text) in layout["titles_folded"]):
            continue
        title_parts: list[str] = []
        j = i
        while j < len(doc.blocks):
            text = layout["marks_re"].sub("", doc.blocks[j].text).strip()
            if text and not is_caps(text):
                break
            if text:   # "(Đã ký)" and "★" between title and name are marks only
                title_parts.append(doc.blocks[j].text)
            j += 1
        if j >= len(doc.blocks):
            return
        name = layout["marks_re"].sub("", doc.blocks[j].text).strip(" .")
        if not (1 < len(name.split()) <= 5 and all(w[:1].isupper() for w in name.split())):
            return
        doc.signer = name
        doc.signer_title = " — ".join(truecase(t, doc.raw) for t in title_parts)
        doc.full_text = True
        del doc.blocks[i:j + 1]
        return


def flag_gaps(doc: Document) -> None:
    """A paragraph that stops without punctuation and a next one starting in lower case:
    text lost at a page break. Also a body that ends mid-sentence."""
    for prev, nxt in zip(doc.blocks, doc.blocks[1:]):
        if prev.kind in ("para", "numbered") and not re.search(r"[.!?:;…\"”)]$", prev.text) \
                and nxt.text[:1].islower():
            doc.flag("text-gap", "body",
                     f"Có thể thiếu chữ ở chỗ ngắt trang (dòng {nxt.line} của bản gốc): "
                     f"“…{' '.join(prev.text.split()[-5:])}” / “{' '.join(nxt.text.split()[:5])}…”. "
                     "Đối chiếu với bản gốc, sửa nội dung rồi xoá mục này.")
    if doc.blocks and re.search(r"[^\W\d_]$", doc.blocks[-1].text) and len(doc.blocks[-1].text.split()) > 12:
        doc.flag("text-truncated", "body",
                 "Bài có vẻ bị cắt cụt (đoạn cuối dừng giữa câu). Bổ sung từ bản gốc rồi xoá mục này.")
