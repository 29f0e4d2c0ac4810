"""Clean every article's and page's HTML at build time with the allow-list in
scrapers/sanitize.py (nh3), and drop a source URL whose scheme is not http(s)/mailto.

Runs on content_object_init, before Pelican derives the summary from the content, so
listings and feeds get the cleaned text too.
"""
from __future__ import annotations

import logging

from pelican import signals
from pelican.contents import Content

from scrapers.sanitize import clean, clean_and_report, safe_url

log = logging.getLogger(__name__)


def sanitise_content(content) -> None:
    if not isinstance(content, Content) or not getattr(content, "_content", None):
        return
    content._content, parts = clean_and_report(content._content)
    if parts:
        log.warning("%s: HTML không an toàn đã bị loại: %s", content.relative_source_path, ", ".join(parts))
    summary = content.metadata.get("summary")
    if summary:
        content.metadata["summary"] = clean(summary)
        content._summary = content.metadata["summary"]


def sanitise_source_url(content) -> None:
    # cctp_metadata may already have copied the source into content.source: fix both.
    for source in (content.metadata.get("source"), getattr(content, "source", None)):
        if isinstance(source, dict) and source.get("url") and not safe_url(source["url"]):
            log.warning("%s: source.url %r bị bỏ (chỉ http, https, mailto)",
                        content.relative_source_path, source["url"])
            source["url"] = None


def sanitise(content) -> None:
    """content_object_init: both cleanings, in one receiver so their order is fixed."""
    sanitise_content(content)
    sanitise_source_url(content)


def register() -> None:
    signals.content_object_init.connect(sanitise)
