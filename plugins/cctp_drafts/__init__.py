"""Drafts (`status: draft`) are never part of the public build.

DRAFT_SAVE_AS = '' already keeps Pelican from writing them; dropping them from the
generators as well keeps them out of every listing and template context, and avoids
Pelican's draft writer, which needs a category that this site does not have.
"""
from __future__ import annotations

import logging

from pelican import signals

log = logging.getLogger(__name__)


def _drop(generator, *names: str) -> None:
    # Clear in place: the shared template context holds these same list objects.
    count = 0
    for name in names:
        items = getattr(generator, name, None)
        if items:
            count += len(items)
            items.clear()
    if count:
        log.info("%s: left out %d draft(s)", type(generator).__name__, count)


def drop_article_drafts(generator) -> None:
    _drop(generator, "drafts", "drafts_translations")


def drop_page_drafts(generator) -> None:
    _drop(generator, "draft_pages", "draft_translations")


def register() -> None:
    signals.article_generator_finalized.connect(drop_article_drafts)
    signals.page_generator_finalized.connect(drop_page_drafts)
