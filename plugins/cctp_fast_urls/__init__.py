"""An article's or page's URL and save_as computed once per build instead of on every use.

Pelican recomputes ``url`` and ``save_as`` from the settings on each access (a copy of the
metadata, two absolute paths and a format), and templates ask for them dozens of times per
article: listings, related items, navigation, feeds. Once every generator has finished its
context (``all_generators_finalized``), plugins no longer change slugs or metadata, so from
then until the end of the build each answer is remembered on the object. The memo carries a
per-build token, so a later build in the same process (``make serve``) starts afresh.
"""
from __future__ import annotations

from pelican import signals
from pelican.contents import Content

_stock = Content.get_url_setting
_build = {"token": None}


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
    signals.all_generators_finalized.connect(freeze)
    signals.finalized.connect(thaw)
