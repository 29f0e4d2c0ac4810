"""An article's or page's URL and save_as computed once per build instead of on every use.

Pelican recomputes ``url`` and ``save_as`` from the settings on each access (a copy of the
metadata, two absolute paths and a format), and templates ask for them dozens of times per
article: listings, related items, navigation, feeds. Once every generator has finished its
context (``all_generators_finalized``), plugins no longer change slugs or metadata, so from
then until the end of the build each answer is remembered on the object. The memo carries a
per-build token, so a later build in the same process (``make serve``) starts afresh.

Each of those computations, and Pelican's reading of every file, also asks for the source
file's path relative to the content folder (two absolute paths and a relpath). The answer
depends only on those strings and the working folder, so it is remembered for the life of the
process (it took 3 of the ~20 CPU seconds of one new article at 10,000 articles, profiled).
"""
from __future__ import annotations

import os

from pelican import signals
from pelican.contents import Content

_stock = Content.get_url_setting
_stock_relative = Content.get_relative_source_path
_build = {"token": None}
_relative_memo: dict[tuple, str | None] = {}


def get_relative_source_path(self, source_path: str | None = None) -> str | None:
    path = source_path or self.source_path
    if path is None:
        return None
    key = (os.getcwd(), self.settings["PATH"], path)
    found = _relative_memo.get(key)
    if found is None:
        found = _relative_memo[key] = _stock_relative(self, path)
    return found


def get_url_setting(self, key: str) -> str:
    token = _build["token"]
    if token is None:
        return _stock(self, key)
    memo = self.__dict__.get("_cctp_url_memo")
    if memo is None or memo[0] is not token:
        memo = self.__dict__["_cctp_url_memo"] = (token, {})
    values = memo[1]
    if key not in values:
        values[key] = _stock(self, key)
    return values[key]


def freeze(_generators=None) -> None:
    _build["token"] = object()


def thaw(_pelican=None) -> None:
    _build["token"] = None


def register() -> None:
    Content.get_url_setting = get_url_setting
    Content.get_relative_source_path = get_relative_source_path
    signals.all_generators_finalized.connect(freeze)
    signals.finalized.connect(thaw)
