"""Listings paged from the oldest article, so that an older page keeps its articles and its
address for good.

Pelican pages a listing from the newest article: one new article moves an article onto the
next page on every page of each listing it joins (home, year, month, province, topics, tags,
document type, author…), and a page's address shows different articles from one week to the
next. Here older page n (``…/trang/n/``, the last of ``PAGINATION_PATTERNS``) holds the n-th
``per_page`` articles counted from the oldest; the listing's own address shows the newest
``per_page`` to ``2 × per_page − 1``. A new article changes the listing's own page and, once
every ``per_page`` articles, adds an older page.

Older pages are rendered with ``listing-older.html`` from page-level values only (the
listing's heading, its address, the page's articles and the addresses of its neighbours), so
an incremental build (``cctp_incremental``) finds them unchanged when an article joins the
listing. The heading is the listing template's ``heading`` block, rendered once per listing.

An article added with an old date still moves the pages between its place and the newest;
that is what a listing sorted by date means.
"""
from __future__ import annotations

import posixpath
from typing import NamedTuple

from markupsafe import Markup
from pelican.writers import Writer

OLDER_TEMPLATE = "listing-older.html"
_stock = {}


class PageLink(NamedTuple):
    """A neighbouring page, by its address only: a page's content must not depend on what its
    neighbours hold (the newest page changes with every article). Plain values (a tuple), which
    cctp_incremental digests as such: about 15,000 of these are made in a build."""
    number: int
    url: str


class ListingPage(NamedTuple):
    """One page of a listing (Pelican's ``*_page``): ``number`` is 1 for the listing's own
    page and n for older page n, which are rendered with another template."""
    number: int
    object_list: list
    url: str
    save_as: str


def older_pages(count: int, per_page: int) -> int:
    """How many full older pages a listing of `count` articles has: the newest page keeps
    between per_page and 2 × per_page − 1 articles, so it is never nearly empty."""
    return max(0, count // per_page - 1)


def older_slice(count: int, per_page: int, number: int) -> slice:
    """Older page `number`'s part of a newest-first list of `count` articles."""
    stop = count - (number - 1) * per_page
    return slice(stop - per_page, stop)


def older_address(settings, name: str, url: str, number: int) -> tuple[str, str]:
    """(url, save_as) of older page `number`, from the last pagination pattern."""
    rule = settings["PAGINATION_PATTERNS"][-1]
    dirname, filename = posixpath.split(name)
    stem, extension = posixpath.splitext(name)
    fields = {"save_as": name, "url": url, "name": stem, "extension": extension,
              "base_name": dirname if filename in ("index.htm", "index.html") else stem,
              "number": number}
    return tuple(getattr(rule, key).format(**fields).removeprefix("/") for key in ("URL", "SAVE_AS"))


def _heading(template, context: dict, kwargs: dict) -> Markup:
    block = template.blocks.get("heading")
    if block is None:
        return Markup(context.get("SITENAME", ""))
    return Markup("".join(block(template.new_context({**context, **kwargs}))).strip())


def write_file(self, name, template, context, relative_urls=False, paginated=None,
               template_name=None, override_output=False, url=None, **kwargs):
    inner = _stock["write_file"]
    if paginated is None:  # as Pelican's writer decides it
        paginated = {k: v for k, v in kwargs.items() if k in ("articles", "dates")}
    if not name or not paginated or template_name not in self.settings["PAGINATED_TEMPLATES"]:
        return inner(self, name, template, context, relative_urls=relative_urls,
                     paginated=paginated, template_name=template_name,
                     override_output=override_output, url=url, **kwargs)
    per_page = (self.settings["PAGINATED_TEMPLATES"][template_name]
                or self.settings["DEFAULT_PAGINATION"])
    count = len(next(iter(paginated.values())))
    older = older_pages(count, per_page)
    addresses = {n: older_address(self.settings, name, url or "", n) for n in range(1, older + 1)}
    front_size = count - older * per_page

    def link(number: int) -> PageLink:
        return PageLink(number, addresses[number][0]) if number else PageLink(1, url or "")

    front = dict(kwargs)
    for key, items in paginated.items():
        front.update({f"{key}_page": ListingPage(1, items[:front_size], url or "", name),
                      f"{key}_previous_page": None,
                      f"{key}_next_page": link(older) if older else None})
    inner(self, name, template, context, relative_urls=relative_urls, paginated={},
          template_name=template_name, override_output=override_output, url=url, **front)
    if not older:
        return
    heading = _heading(template, context, kwargs)
    older_template = template.environment.get_template(OLDER_TEMPLATE)
    for number in range(older, 0, -1):
        page_url, save_as = addresses[number]
        part = older_slice(count, per_page, number)
        values = {"listing_heading": heading, "listing_url": url or ""}
        for key, items in paginated.items():
            values.update({f"{key}_page": ListingPage(number, items[part], page_url, save_as),
                           f"{key}_previous_page": link(number + 1 if number < older else 0),
                           f"{key}_next_page": link(number - 1) if number > 1 else None})
        inner(self, save_as, older_template, context, relative_urls=relative_urls, paginated={},
              template_name=template_name, override_output=override_output, url=page_url, **values)


def register() -> None:
    # Outermost of the writer's wrappers (cctp_incremental, cctp_parallel_write come first in
    # PLUGINS), so each of them sees one call per page. Pelican registers plugins again for
    # each build in one process (`make serve`): never wrap this wrapper itself.
    if Writer.write_file is not write_file:
        _stock["write_file"] = Writer.write_file
    Writer.write_file = write_file
