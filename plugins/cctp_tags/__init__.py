"""Tag slugs from python-slugify, so "49-NQ/TW" becomes ``49-nq-tw`` (Pelican's own slugify
drops the slash: ``49-nqtw``) and tag URLs match the slugs the ingest writes elsewhere."""
from __future__ import annotations

import logging
from itertools import chain

from pelican import signals

from scrapers.text import nfc, slug

log = logging.getLogger(__name__)


def set_tag_slugs(generator) -> None:
    """article_generator_pretaxonomy: runs before tags are grouped, since Tag hashes by slug."""
    for article in chain(generator.articles, generator.translations,
                         generator.hidden_articles, generator.hidden_translations,
                         generator.drafts, generator.drafts_translations):
        kept = []
        for tag in getattr(article, "tags", []):
            tag.name = nfc(tag.name)
            tag.slug = slug(tag.name)
            if tag.slug:
                kept.append(tag)
            else:
                log.warning("%s: tag %r has no usable slug; dropped", article.source_path, tag.name)
        if hasattr(article, "tags"):
            article.tags = kept


def register() -> None:
    signals.article_generator_pretaxonomy.connect(set_tag_slugs)
