"""An article's or page's URL and save_as computed once per build instead of on every use.

Pelican recomputes ``url`` and ``save_as`` from the settings on each access (a copy of the
metadata, two absolute paths and a format), and templates ask for them dozens of times per
article: listings, related items, navigation, feeds. Once every generator has finished its
context (``all_generators_finalized``), plugins no longer change slugs or metadata, so from
then until the end of the build each answer is remembered on the object. The memo carries a
per-build token, so a later build in the same process (``make serve``) starts afresh.

Two answers they are made from are remembered for the life of the process, since they depend
only on their inputs, and each article restored from the cache (cctp_read_cache) would compute
them afresh (profiled at 10,000 articles, one new one: 3 and 1.2 of ~20 CPU seconds):

- the source file's path relative to the content folder, found lexically when the path is a
  plain absolute path inside it (Pelican makes two absolute paths and a relpath), and
  remembered per path (each url and save_as asks for it);
- the slug of a category, tag or author name (each restored article has its own objects).

And an URL setting is formatted with the few values it names, instead of Pelican's copy of the
article's whole metadata made into keyword arguments (about 40 names) for each of them: the
same string, from the same values (an URL setting that reaches into a value, `{date.year}`,
is left to Pelican).
"""
from __future__ import annotations

import datetime
import os
import string

import pelican.urlwrappers
from pelican import signals
from pelican.contents import Content
from pelican.utils import path_to_url

_stock = Content.get_url_setting
_stock_expand = Content._expand_settings
_stock_relative = Content.get_relative_source_path
_stock_slugify = pelican.urlwrappers.slugify
_build = {"token": None}
_base_memo: dict = {}
_relative_memo: dict = {}
_slug_memo: dict[tuple, str] = {}
_fields_memo: dict[str, tuple | None] = {}


def get_relative_source_path(self, source_path: str | None = None) -> str | None:
    path = source_path or self.source_path
    if path is None:
        return None
    key = self.settings["PATH"]  # Pelican makes it absolute; a relative one depends on the folder
    if not os.path.isabs(key):
        key = (os.getcwd(), key)
    # Asked about three times per article per build (url_format computes it for every url
    # and save_as, whether the metadata has a path or not).
    found = _relative_memo.get((path, key))
    if found is not None:
        return found
    base = _base_memo.get(key)
    if base is None:
        base = _base_memo[key] = os.path.abspath(self.settings["PATH"]) + os.sep
    if path.startswith(base) and os.path.isabs(path) and os.path.normpath(path) == path:
        found = path[len(base):].replace(os.sep, "/")
    else:
        found = _stock_relative(self, path)
    _relative_memo[(path, key)] = found
    return found


def slugify(value, regex_subs=(), preserve_case=False, use_unicode=False):
    key = (value, tuple(tuple(pair) for pair in regex_subs), preserve_case, use_unicode)
    found = _slug_memo.get(key)
    if found is None:
        found = _slug_memo[key] = _stock_slugify(value, regex_subs=regex_subs, preserve_case=preserve_case,
                                                 use_unicode=use_unicode)
    return found


def _fields(template: str) -> tuple | None:
    """The names an URL setting formats, or None when one is more than a plain name."""
    if template not in _fields_memo:
        names = []
        for _, name, _, _ in string.Formatter().parse(template):
            if name is None:
                continue
            if not name.isidentifier():  # {0}, {date.year}, {metadata[x]}
                names = None
                break
            names.append(name)
        _fields_memo[template] = None if names is None else tuple(dict.fromkeys(names))
    return _fields_memo[template]


# The values Pelican's url_format puts over the metadata's, as it computes them.
_DERIVED = {
    "path": lambda c: path_to_url(c.metadata.get("path", c.get_relative_source_path())),
    "slug": lambda c: getattr(c, "slug", ""),
    "lang": lambda c: getattr(c, "lang", "en"),
    "date": lambda c: c.date if hasattr(c, "date") else datetime.datetime.now(),
    "author": lambda c: c.author.slug if hasattr(c, "author") else "",
    "category": lambda c: c.category.slug if hasattr(c, "category") else "",
}


def _expand_settings(self, key: str, klass: str | None = None) -> str:
    """Content._expand_settings with only the values the setting names (see the docstring)."""
    template = str(self.settings[f"{klass or self.__class__.__name__}_{key}".upper()])
    names = _fields(template)
    if names is None:
        return _stock_expand(self, key, klass)
    values = {}
    metadata = self.metadata
    for name in names:
        derive = _DERIVED.get(name)
        if derive is not None:
            values[name] = derive(self)
        elif name in metadata:
            values[name] = metadata[name]
        else:  # Pelican's KeyError, as Pelican raises it
            return _stock_expand(self, key, klass)
    return template.format_map(values)


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
    Content._expand_settings = _expand_settings
    Content.get_relative_source_path = get_relative_source_path
    pelican.urlwrappers.slugify = slugify
    signals.all_generators_finalized.connect(freeze)
    signals.finalized.connect(thaw)
