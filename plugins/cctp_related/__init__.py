"""Related articles and previous/next, for the article page.

``article.related``: up to RELATED_MAX articles sharing a cited document (weighs most), the
province, or a topic (least). Candidates are only each shared group's near neighbours in
time (RELATED_WINDOW either side), so the cost grows with articles × groups per article,
not with articles². ``article.older`` / ``article.newer``: the neighbours in the same
province, or among the articles without one; ``article.sequence_name`` says which.

Runs after cctp_documents (it needs ``cited_slugs``): list it later in PLUGINS.
"""
from __future__ import annotations

import heapq
from collections import Counter, defaultdict

from pelican import signals
from pelican.generators import Generator

WEIGHTS = {"document": 3, "province": 2, "topic": 1}
DEFAULTS = {"RELATED_MAX": 5, "RELATED_WINDOW": 8}


def group_keys(article) -> list[tuple[str, str]]:
    keys = [("document", slug) for slug in getattr(article, "cited_slugs", [])]
    province = getattr(article, "province_info", None)
    if province:
        keys.append(("province", province.slug))
    keys += [("topic", t["slug"]) for t in getattr(article, "topic_items", [])]
    return list(dict.fromkeys(keys))


class RelatedGenerator(Generator):
    def generate_context(self) -> None:
        articles = self.context.get("articles", [])  # newest first
        limit = self.settings.get("RELATED_MAX", DEFAULTS["RELATED_MAX"])
        window = self.settings.get("RELATED_WINDOW", DEFAULTS["RELATED_WINDOW"])
        groups: dict[tuple[str, str], list] = defaultdict(list)
        places: dict[int, list[tuple[tuple[str, str], int]]] = {}
        for article in articles:
            mine = []
            for key in group_keys(article):
                mine.append((key, len(groups[key])))
                groups[key].append(article)
            places[id(article)] = mine
        rank = {id(a): i for i, a in enumerate(articles)}
        by_id = {id(a): a for a in articles}
        for article in articles:
            scores: Counter = Counter()
            for key, at in places[id(article)]:
                members = groups[key]
                for other in members[max(0, at - window): at + window + 1]:
                    if other is not article:
                        scores[id(other)] += WEIGHTS[key[0]]
            here = rank[id(article)]
            best = heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -abs(rank[kv[0]] - here)))
            article.related = [by_id[i] for i, _ in best]
        self.set_neighbours(articles)

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


def get_generators(pelican):
    return RelatedGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
