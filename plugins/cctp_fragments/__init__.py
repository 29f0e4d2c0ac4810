"""Parts of a page that read the same wherever they appear, rendered once per build.

An article's entry in a listing is shown on a dozen listing pages (home, year, month,
province, 2025 unit, each topic and tag, document type, author) and its short entry in
other articles' related lists and on the pages of the documents it cites. The Jinja filter
``fragment`` renders such a partial for one item:

    {{ article|fragment("partials/article-item.html", heading_level=3) }}

The partial sees ``item``, the keyword parameters and the site-wide settings (the
upper-case names: SITEURL, DEFAULT_LANG…), nothing of the page it lands on, so one
rendering serves every page with the same SITEURL (pages at the same depth when URLs are
relative). With FRAGMENT_MEMO (on with the build-speed plugins) each one is kept from
``all_generators_finalized``, when URLs and summaries are final, to the end of the build;
without it every use renders afresh, which is what tests/test_fast_build.py compares with.
"""
from __future__ import annotations

import operator

from jinja2 import pass_context
from markupsafe import Markup
from pelican import signals

_memo: dict[int, tuple[object, dict]] = {}  # id(item) -> (item, {key: Markup}); holds item so its id stays its own
_state = {"on": False}
# The site context of the page being rendered: (its variables, their upper-case ones, the
# names of its variables). A page renders its fragments one after another, and picking the
# upper-case names out of a few hundred took 2 % of a full build (profiled at 2,000
# articles); the next page's variables have the same names and the same upper-case values
# (the settings), whose dict is then used again (7,920 pages in a full build at 10,000).
_last_site: list = [None, None, None]


def _site_context(context) -> dict:
    # Jinja does not change a context's parent while rendering; what the template sets goes
    # to context.vars, which may change between two fragments: an upper-case name there is
    # never remembered.
    if any(name.isupper() for name in context.vars):
        return {name: value for name, value in context.get_all().items() if name.isupper()}
    parent = context.parent
    if parent is not _last_site[0]:
        site = _last_site[1]
        # The same names, and the same object under each upper-case one (compared in C).
        if not (site is not None and parent.keys() == _last_site[2]
                and all(map(operator.is_, map(parent.__getitem__, site), site.values()))):
            site = {name: value for name, value in parent.items() if name.isupper()}
        _last_site[:] = [parent, site, parent.keys()]  # holds the dict, so its id stays its own
    return _last_site[1]


@pass_context
def fragment(context, item, template: str, **params) -> Markup:
    if not _state["on"]:
        return _render(context, item, template, params)
    key = (template, context.get("SITEURL"), tuple(sorted(params.items())))
    entry = _memo.get(id(item))
    if entry is None:
        entry = _memo[id(item)] = (item, {})
    done = entry[1]
    if key not in done:
        done[key] = _render(context, item, template, params)
    return done[key]


def _render(context, item, template: str, params: dict) -> Markup:
    partial = context.environment.get_template(template)
    return Markup(partial.render({**_site_context(context), **params, "item": item}))


def add_filter(generator) -> None:
    generator.env.filters["fragment"] = fragment


def start(generators) -> None:
    """all_generators_finalized: URLs and summaries no longer change from here on."""
    _memo.clear()
    settings = generators[0].settings if generators else {}
    _state["on"] = bool(settings.get("FRAGMENT_MEMO", True))


def stop(_pelican=None) -> None:
    _memo.clear()
    _last_site[:] = [None, None, None]
    _state["on"] = False


def register() -> None:
    signals.generator_init.connect(add_filter)
    signals.all_generators_finalized.connect(start)
    signals.finalized.connect(stop)
