"""Author pages: one per person credited in ``authors`` and per agency credited in
``agency`` (``BYLINE_SAVE_AS``, under ``tac-gia/``), and an index sorted by article count.
Pelican's own author pages stay off (AUTHOR_SAVE_AS is ''), hence the name "byline".
Each article gets ``author_links`` and ``agency_link``: (name, url) pairs."""
from __future__ import annotations

from pelican import signals

from cctp_listing import GroupedGenerator
from scrapers.text import slug


def _agency(article) -> str | None:
    value = article.metadata.get("agency")
    return str(value).strip() if value else None


class AuthorGenerator(GroupedGenerator):
    name = "byline"
    index_name = "bylines"
    defaults = {
        "BYLINE_URL": "tac-gia/{slug}/",
        "BYLINE_SAVE_AS": "tac-gia/{slug}/index.html",
        "BYLINES_URL": "tac-gia/",
        "BYLINES_SAVE_AS": "tac-gia/index.html",
    }

    def keys(self, article):
        names = list(getattr(article, "author_names", []))
        agency = _agency(article)
        if agency:
            names.append(agency)
        return [(slug(n), n, "agency" if n == agency else "person") for n in names if slug(n)]

    def annotate(self, article, groups):
        urls = {g.name: g.url for g in groups}
        article.author_links = [(n, urls.get(n)) for n in getattr(article, "author_names", [])]
        agency = _agency(article)
        article.agency_link = (agency, urls.get(agency)) if agency else None

    def order(self, groups):
        return sorted(groups, key=lambda g: (-g.count, g.name))


def get_generators(pelican):
    return AuthorGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
