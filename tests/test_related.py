"""Related articles (plugins/cctp_related) follow their definition on a random archive: the
articles sharing a group (cited document, province, topic) within the window of near
neighbours in that group, scored by the weights; highest score first, then nearest in time,
then the first one met. (The article page's list is checked in tests/test_site_browse.py.)"""
from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
from cctp_related import WEIGHTS, RelatedGenerator, group_keys  # noqa: E402


def archive(seed: int, size: int) -> list:
    rng = random.Random(seed)
    return [SimpleNamespace(
        name=f"a{i}",
        save_as=f"bai-viet/a{i}/index.html",
        cited_slugs=rng.sample(["49-nq-tw", "08-nq-tw", "27-nq-tw", "luat-to-chuc-toa-an"], rng.randint(0, 2)),
        province_info=rng.choice([None, *(SimpleNamespace(slug=s) for s in ("ha-noi", "dak-lak", "hue"))]),
        topic_items=[{"slug": t} for t in rng.sample(["hoa-giai", "tranh-tung", "thi-hanh-an"], rng.randint(0, 2))],
    ) for i in range(size)]


def by_definition(articles: list, limit: int, window: int) -> dict[str, list[str]]:
    members: dict = {}
    for article in articles:
        for key in group_keys(article):
            members.setdefault(key, []).append(article)
    out = {}
    for here, article in enumerate(articles):
        scores: dict = {}  # first met first
        for key in group_keys(article):
            group = members[key]
            at = group.index(article)
            for other in group[max(0, at - window): at + window + 1]:
                if other is not article:
                    scores[other.name] = scores.get(other.name, 0) + WEIGHTS[key[0]]
        place = {a.name: i for i, a in enumerate(articles)}
        met = list(scores)
        ranked = sorted(met, key=lambda n: (-scores[n], abs(place[n] - here), met.index(n)))
        out[article.name] = ranked[:limit]
    return out


def test_related_articles_follow_their_definition():
    for seed in range(5):
        articles = archive(seed, 300)
        generator = SimpleNamespace(context={"articles": articles},
                                    settings={"RELATED_MAX": 5, "RELATED_WINDOW": 8},
                                    set_neighbours=lambda _articles: None)
        RelatedGenerator.generate_context(generator)
        RelatedGenerator.rank(generator)
        found = {a.name: [r.name for r in a.related] for a in articles}
        assert found == by_definition(articles, 5, 8)
        assert any(len(names) == 5 for names in found.values())


def test_a_process_ranks_the_articles_whose_pages_it_writes():
    """With pages written by several processes (cctp_parallel_write), each ranks its own
    articles' related items only, as the whole archive's ranking has them."""
    articles = archive(7, 200)
    generator = SimpleNamespace(context={"articles": articles}, settings={},
                                set_neighbours=lambda _articles: None)
    RelatedGenerator.generate_context(generator)
    mine = {a.save_as for a in articles[::3]}
    RelatedGenerator.rank(generator, owns=mine.__contains__)
    assert all(hasattr(a, "related") == (a.save_as in mine) for a in articles)
    expected = by_definition(articles, 5, 8)
    assert all([r.name for r in a.related] == expected[a.name] for a in articles if a.save_as in mine)
