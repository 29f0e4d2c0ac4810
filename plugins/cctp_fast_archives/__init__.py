"""Pelican's period archives (year/month/day), tag, category and author lists, and its
translations, built without its quadratic scans.

Pelican 4.12's ArticlesGenerator._build_period_archives fills each period's ``articles`` with
``[a for a in articles if a in dates]``: every article tested against a list, for every
period, which is quadratic in the number of articles (seconds at 10,000, minutes at
100,000). The upstream fix is docs/upstream/pelican-period-archives-linear.patch. Until a
Pelican release carries it, this plugin lets the stock method group the dates with an empty
``articles`` (so the scan costs nothing) and then puts each period's dates in ``articles``
order, which is the same list the stock comprehension builds.

``generate_tags``, ``generate_categories`` and ``generate_authors`` each build a ``dates``
list with ``[a for a in self.dates if a in articles]``: every article of the archive tested
against each tag's (category's, author's) list, for every tag. At 10,000 articles that is
seconds of CPU per build, even for the author and category pages this site does not write.
While they run, the loop they make over ``self.tags`` (``categories``, ``authors``) sets
``self.dates`` to the group's own articles in date order before each group, and a long list
is given an ``in`` by identity through a set (articles have no ``__eq__``: ``in`` was identity
already), so the comprehension builds the same list from the group's articles alone.

``process_translations`` (pelican.utils, called for articles, hidden articles, drafts and
pages) ends with ``[x for x in content_list if x not in index]``: every item tested against
the list of originals, quadratic again (1.5 s of a 10,000-article build, profiled). The
upstream fix is docs/upstream/pelican-process-translations-linear.patch. Here, when no two
items share a translation id and none is marked as a translation, which is this archive's
case, the answer is known without it: every item is its own original, sorted by the id, with
no translations. Any other list goes to Pelican's function.

``_check_disabled_readers`` walks the content folder once more after the articles (and the
pages) are read, to warn about files that only a disabled reader (one missing its library)
could read. With no reader disabled, which is the case with this project's dependencies,
that walk of every file finds nothing by construction (0.06 s at 10,000 articles); it is
not made.
"""
from __future__ import annotations

from operator import attrgetter

import pelican.generators
import pelican.utils
from pelican import signals
from pelican.generators import ArticlesGenerator

_stock = ArticlesGenerator._build_period_archives
_stock_translations = pelican.utils.process_translations
_stock_disabled = pelican.generators.Generator._check_disabled_readers


def process_translations(content_list, translation_id=None):
    if not translation_id or any("translation" in item.metadata for item in content_list):
        return _stock_translations(content_list, translation_id)
    key = attrgetter(*([translation_id] if isinstance(translation_id, str) else translation_id))
    try:
        ids = [key(item) for item in content_list]
        unique = len(set(ids)) == len(ids)
        if unique:
            content_list.sort(key=key)  # in place, as Pelican's function does
    except (AttributeError, TypeError):  # Pelican's function says what is wrong
        unique = False
    if not unique:
        return _stock_translations(content_list, translation_id)
    for item in content_list:
        item.translations = []
    return list(content_list), []


def _check_disabled_readers(self, paths, exclude=None) -> None:
    if self.readers.disabled_extensions:
        _stock_disabled(self, paths, exclude)


def _build_period_archives(self, sorted_articles, articles, settings):
    archives = _stock(self, sorted_articles, [], settings)
    position = {id(article): i for i, article in enumerate(articles)}
    for periods in archives.values():
        for archive in periods:
            # Articles compare by identity, and `dates` may hold some outside `articles`.
            mine = [a for a in archive["dates"] if id(a) in position]
            archive["articles"] = sorted(mine, key=lambda a: position[id(a)])
    return archives


class _Members(list):
    """A list whose `in` tests identity through a set: what `in` means for articles."""

    def __init__(self, items):
        super().__init__(items)
        self._ids = {id(item) for item in items}

    def __contains__(self, item) -> bool:
        return id(item) in self._ids


# Below this, scanning the list in C is faster than a set lookup through Python.
SHORT = 32


class _Groups:
    """What the stock method loops over (``.items()`` for tags, the pairs otherwise)."""

    def __init__(self, pairs):
        self.pairs = pairs

    def items(self):
        return self.pairs

    def __iter__(self):
        return self.pairs


def _group_by_group(stock, attribute: str):
    """`stock` (generate_tags…) run with `self.dates` narrowed to each group's articles."""
    def generate(self, write):
        groups, dates = getattr(self, attribute), self.dates
        position = {id(article): i for i, article in enumerate(dates)}

        def pairs():
            for key, items in (groups.items() if isinstance(groups, dict) else groups):
                own = {id(a): a for a in items if id(a) in position}
                self.dates = sorted(own.values(), key=lambda a: position[id(a)])
                yield key, (_Members(items) if len(items) > SHORT else items)

        setattr(self, attribute, _Groups(pairs()))
        try:
            return stock(self, write)
        finally:
            setattr(self, attribute, groups)
            self.dates = dates
    generate.stock = stock
    return generate


def install(_pelican=None) -> None:
    if ArticlesGenerator._build_period_archives is _stock:
        ArticlesGenerator._build_period_archives = _build_period_archives
    # The generators call it by the name they imported.
    pelican.generators.process_translations = process_translations
    pelican.generators.Generator._check_disabled_readers = _check_disabled_readers
    for method, attribute in (("generate_tags", "tags"), ("generate_categories", "categories"),
                              ("generate_authors", "authors")):
        current = getattr(ArticlesGenerator, method)
        if not hasattr(current, "stock"):
            setattr(ArticlesGenerator, method, _group_by_group(current, attribute))


def register() -> None:
    signals.initialized.connect(install)
