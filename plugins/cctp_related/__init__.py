"""Related articles and previous/next, for the article page.

``article.related``: up to RELATED_MAX articles sharing a cited document (weighs most), the
province, or a topic (least). Candidates are only each shared group's near neighbours in
time (RELATED_WINDOW either side), so the cost grows with articles × groups per article,
not with articles². ``article.older`` / ``article.newer``: the neighbours in the same
province, or among the articles without one; ``article.sequence_name`` says which.

Only article pages show related items, so they are ranked once the pages are about to be
written (get_writer), for the articles whose pages this process writes (``Writer.owns``, with
cctp_parallel_write): after one new article at 10,000 articles, the ranking (about 0.15 s)
left the context that every process waits for, and the listings' process ranks its share only.

Runs after cctp_documents (it needs ``cited_slugs``), and after cctp_parallel_write (which
forks at get_writer): list it later in PLUGINS.
"""
from __future__ import annotations

from collections import defaultdict

from pelican import signals
from pelican.generators import Generator
from pelican.writers import Writer

WEIGHTS = {"document": 3, "province": 2, "topic": 1}
DEFAULTS = {"RELATED_MAX": 5, "RELATED_WINDOW": 8}
_waiting: list = []  # this build's generators whose articles are not ranked yet


def group_keys(article) -> list[tuple[str, str]]:
    keys = [("document", slug) for slug in getattr(article, "cited_slugs", [])]
    province = getattr(article, "province_info", None)
    if province:
        keys.append(("province", province.slug))
    keys += [("topic", t["slug"]) for t in getattr(article, "topic_items", [])]
    return list(dict.fromkeys(keys))


def best(scores: dict[int, int], here: int, limit: int, size: int) -> list[int]:
    """The `limit` best of `scores` (article place → score): highest score, then nearest to
    `here`, then the first scored. One integer per candidate, so the comparisons stay in C;
    only for the candidates scoring at least the limit-th best score."""
    span = len(scores) + 1
    # Sorted in C (heapq.nlargest loops in Python): a few dozen candidates per article.
    cut = sorted(scores.values(), reverse=True)[limit - 1] if len(scores) > limit else 0
    keyed = [((score * (size + 1) - abs(other - here)) * span - order, other)
             for order, (other, score) in enumerate(scores.items()) if score >= cut]
    keyed.sort(reverse=True)  # every key differs (by `order`): the same as nlargest
    return [other for _, other in keyed[:limit]]


class RelatedGenerator(Generator):
    def generate_context(self) -> None:
        articles = self.context.get("articles", [])  # newest first
        limit = self.settings.get("RELATED_MAX", DEFAULTS["RELATED_MAX"])
        window = self.settings.get("RELATED_WINDOW", DEFAULTS["RELATED_WINDOW"])
        # Articles by their place in the list (which is also how close in time they are).
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        places: list[list[tuple[int, list[int], int]]] = []
        for here, article in enumerate(articles):
            mine = []
            for key in group_keys(article):
                members = groups[key]
                mine.append((WEIGHTS[key[0]], members, len(members)))
                members.append(here)
            places.append(mine)
        self.ranking = (articles, places, limit, window)
        _waiting[:] = [self]
        self.set_neighbours(articles)

    def rank(self, owns=None) -> None:
        """Each article's related items; only those whose page `owns(name)` says is written."""
        articles, places, limit, window = self.ranking
        for here, article in enumerate(articles):
            if owns is not None and not owns(article.save_as):
                continue
            scores: dict[int, int] = {}
            for weight, members, at in places[here]:
                for other in members[max(0, at - window): at + window + 1]:
                    scores[other] = scores.get(other, 0) + weight
            scores.pop(here, None)
            article.related = [articles[i] for i in best(scores, here, limit, len(articles))]

    def set_neighbours(self, articles) -> None:
        sequences: dict[str, list] = defaultdict(list)
        for article in articles:
            province = getattr(article, "province_info", None)
            sequences[province.slug if province else ""].append(article)
        for key, members in sequences.items():
            for i, article in enumerate(members):
                article.newer = members[i - 1] if i > 0 else None
                article.older = members[i + 1] if i + 1 < len(members) else None
                article.sequence_name = getattr(article, "province_name", None) if key else None


def rank_written(_pelican) -> None:
    """get_writer: the articles whose pages this process writes get their related items."""
    owns = getattr(Writer, "owns", None)
    for generator in _waiting:
        generator.rank(None if owns is None else (lambda name: owns(None, name)))
    _waiting.clear()


def get_generators(pelican):
    return RelatedGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
    signals.get_writer.connect(rank_written)
