"""Topic pages (``TOPIC_SAVE_AS``, labels from scrapers/data/topics.json), an index of all
topics with counts (``TOPICS_SAVE_AS``) and, when ``TOPIC_FEED_ATOM`` is set, a feed per
topic. Each of an article's ``topic_items`` gets its ``url``."""
from __future__ import annotations

from pelican import signals

from cctp_listing import GroupedGenerator
from scrapers.gazetteer import topics


class TopicGenerator(GroupedGenerator):
    name = "topic"
    index_name = "topics"
    feed_title = "Chủ đề: {name}"
    defaults = {
        "TOPIC_URL": "chu-de/{slug}/",
        "TOPIC_SAVE_AS": "chu-de/{slug}/index.html",
        "TOPICS_URL": "chu-de/",
        "TOPICS_SAVE_AS": "chu-de/index.html",
    }

    def known_groups(self):
        return ((t["slug"], t["label"], t) for t in topics().values())

    def keys(self, article):
        # Unknown topics (cctp check rejects them) get no page.
        return [(t["slug"], t["label"], None) for t in getattr(article, "topic_items", [])
                if t["slug"] in topics()]

    def annotate(self, article, groups):
        # New items, not the article's own changed in place: cctp_incremental digests an
        # article by how it was made plus what was set on it since.
        if hasattr(article, "topic_items"):
            urls = {g.slug: g.url for g in groups}
            article.topic_items = [{**item, "url": urls.get(item["slug"])} for item in article.topic_items]


def get_generators(pelican):
    return TopicGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
