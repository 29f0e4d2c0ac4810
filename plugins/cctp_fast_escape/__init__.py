"""Jinja's escaping of a plain string without MarkupSafe 3's two Python calls.

With autoescape on, each `{{ value }}` of every template is written as `escape(value)`, which
compiled templates import from jinja2.runtime: about 120 per page, 2 million in a full build
of 10,000 articles. MarkupSafe 3 made `escape` a Python function that, for a plain string,
escapes it in C and then calls `Markup(...)`, whose own Python `__new__` looks for `__html__`
on a string that cannot have one. Here a plain string is escaped in C and made a Markup by
`str.__new__`, which is what `Markup.__new__` ends up doing for it; anything else goes to
MarkupSafe's `escape` as before (tests/test_fast_escape.py). 0.39 → 0.19 µs per call.
Templates bind `escape` when they are loaded, so this is in place before any is.
"""
from __future__ import annotations

import jinja2.runtime
import markupsafe

try:
    from markupsafe import _escape_inner
except ImportError:  # another MarkupSafe: its own escape stays
    _escape_inner = None

_stock_escape = markupsafe.escape
_new = str.__new__
Markup = markupsafe.Markup


def escape(value, /):
    if type(value) is str:
        return _new(Markup, _escape_inner(value))
    return _stock_escape(value)


def install(on: bool = True) -> bool:
    """Swap the fast escape in (or the stock one back); False when MarkupSafe has no
    `_escape_inner` (before 3.0), whose `escape` is C already."""
    if _escape_inner is None:
        return False
    jinja2.runtime.escape = escape if on else _stock_escape
    return True


def register() -> None:
    install()
