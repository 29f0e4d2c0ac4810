"""Normalise article front matter into the shapes the templates use.

Raw values are kept where they are already display-ready; what is derived at build time
(docs/front-matter.md: the 2025 unit, region, topic and document-type labels, year) is added
as new attributes. Unknown provinces or topics are logged and shown as written: `cctp check`
rejects them before a build, so the site must not fail on them.
"""
from __future__ import annotations

import datetime as dt
import logging

from pelican import signals
from pelican.contents import Article

from scrapers.gazetteer import doc_types, gazetteer, topics

log = logging.getLogger(__name__)

DATE_BASIS_LABELS = {
    "published": "Ngày đăng",
    "event": "Ngày diễn ra",
    "issued": "Ngày ban hành",
    "received": "Ngày đến",
}
SCOPE_LABELS = {"province": "Cấp tỉnh", "national": "Toàn quốc", "unknown": "Chưa xác định"}
LANG_LABELS = {"vi": "Tiếng Việt", "en": "Tiếng Anh"}


def iso_date(value) -> str | None:
    """An ISO date string for a YAML date, datetime or string; other text is kept as is."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def iso_datetime(value) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    return iso_date(value)


def _as_list(value) -> list:
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _citation(raw) -> dict:
    if not isinstance(raw, dict):  # a bare code
        return {"code": str(raw), "type": None, "date": None, "issuer": None, "title": None}
    return {
        "code": str(raw.get("code") or "").strip(),
        "type": raw.get("type"),
        "date": iso_date(raw.get("date")),
        "issuer": raw.get("issuer"),
        "title": raw.get("title"),
    }


def _review(raw) -> dict:
    if not isinstance(raw, dict):
        return {"code": None, "field": None, "message": str(raw)}
    return {"code": raw.get("code"), "field": raw.get("field"), "message": raw.get("message")}


def _topic(slug: str, source: str) -> dict:
    known = topics().get(slug)
    if known is None:
        log.warning("%s: unknown topic %r (shown as written)", source, slug)
        return {"slug": slug, "label": slug}
    return {"slug": slug, "label": known["label"]}


def normalise(content) -> None:
    """content_object_init: attach normalised and derived metadata to an article."""
    if not isinstance(content, Article):
        return
    meta = content.metadata
    source = content.relative_source_path or content.source_path

    name = meta.get("province")
    province = gazetteer().province(name)
    if name and province is None:
        log.warning("%s: unknown province %r (shown as written)", source, name)
    content.province_name = province.name if province else name
    content.province_info = province
    # A post-2025 item may name only its 2025 unit (front matter `unit_2025`, province null).
    content.unit_2025 = gazetteer().unit(province.unit_2025 if province else meta.get("unit_2025"))

    content.scope_label = SCOPE_LABELS.get(meta.get("scope"))
    content.lang_label = LANG_LABELS.get(content.lang, content.lang)
    content.date_basis_label = DATE_BASIS_LABELS.get(meta.get("date_basis"), "Ngày")
    kind = doc_types().get(meta.get("doc_type"))
    content.doc_type_label = kind["label"] if kind else meta.get("doc_type")
    content.topic_items = [_topic(str(t), source) for t in _as_list(meta.get("topics"))]

    # pelican-yaml-metadata has made these Author objects; the templates want names.
    content.author_names = [str(a) for a in getattr(content, "authors", [])]
    content.citations = [_citation(c) for c in _as_list(meta.get("citations"))]
    content.recipients = [str(r) for r in _as_list(meta.get("recipients"))]
    content.review = [_review(r) for r in _as_list(meta.get("review"))]

    received = meta.get("received")
    if isinstance(received, dict):
        content.received = {**received, "date": iso_date(received.get("date"))}
    src = meta.get("source")
    if isinstance(src, dict):
        content.source = {**src, "retrieved": iso_datetime(src.get("retrieved"))}


def register() -> None:
    signals.content_object_init.connect(normalise)
