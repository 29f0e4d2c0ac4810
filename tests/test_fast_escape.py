"""plugins/cctp_fast_escape escapes as MarkupSafe does, and autoescaping templates use it."""
from __future__ import annotations

import sys
from pathlib import Path

import jinja2
import markupsafe
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
import cctp_fast_escape  # noqa: E402


class Html:
    def __html__(self):
        return "<b>đã an toàn</b>"


class Text(str):
    pass


VALUES = ["", "Ủy ban nhân dân tỉnh Thừa Thiên Huế", "a & b < c > d \"e\" 'f'", "&amp; đã", "\x00\ud800",
          markupsafe.Markup("<i>x</i>"), Text("<sub>"), Html(), 42, 3.5, None, ["<"], b"<"]


@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_escapes_as_markupsafe(value):
    want = markupsafe.escape(value)
    got = cctp_fast_escape.escape(value)
    assert got == want and type(got) is type(want)


def test_autoescaping_templates_use_it(monkeypatch):
    if not cctp_fast_escape.install():
        pytest.skip("MarkupSafe without _escape_inner: its escape is C already")
    seen = []
    inner = cctp_fast_escape._escape_inner
    monkeypatch.setattr(cctp_fast_escape, "_escape_inner", lambda s: seen.append(s) or inner(s))
    try:
        template = jinja2.Environment(autoescape=True).from_string("<p>{{ a }}|{{ b }}|{{ c }}</p>")
        assert template.render(a="Đà Nẵng <&>", b=markupsafe.Markup("<br>"), c=7) == \
            "<p>Đà Nẵng &lt;&amp;&gt;|<br>|7</p>"
    finally:
        cctp_fast_escape.install(False)
    assert seen == ["Đà Nẵng <&>"]  # the plain string went through the fast path
    assert jinja2.runtime.escape is markupsafe.escape
