"""Pelican's period archives (year/month/day) built without the quadratic scan.

Pelican 4.12's ArticlesGenerator._build_period_archives fills each period's ``articles`` with
``[a for a in articles if a in dates]``: every article tested against a list, for every
period, which is quadratic in the number of articles (seconds at 10,000, minutes at
100,000). The upstream fix is docs/upstream/pelican-period-archives-linear.patch. Until a
Pelican release carries it, this plugin lets the stock method group the dates with an empty
``articles`` (so the scan costs nothing) and then puts each period's dates in ``articles``
order, which is the same list the stock comprehension builds.
"""
from __future__ import annotations

from pelican import signals
from pelican.generators import ArticlesGenerator

_stock = ArticlesGenerator._build_period_archives


def _build_period_archives(self, sorted_articles, articles, settings):
    archives = _stock(self, sorted_articles, [], settings)
    position = {id(article): i for i, article in enumerate(articles)}
    for periods in archives.values():
        for archive in periods:
            # Articles compare by identity, and `dates` may hold some outside `articles`.
            mine = [a for a in archive["dates"] if id(a) in position]
            archive["articles"] = sorted(mine, key=lambda a: position[id(a)])
    return archives


def install(_pelican=None) -> None:
    if ArticlesGenerator._build_period_archives is _stock:
        ArticlesGenerator._build_period_archives = _build_period_archives


def register() -> None:
    signals.initialized.connect(install)
