"""plugins/cctp_fragments: a list entry sees the site-wide settings of the page it is rendered
for: the upper-case names of the page's variables, picked again for a page whose names or
settings differ from the last one's."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cctp_fragments  # noqa: E402


def page(**variables):
    return SimpleNamespace(parent=dict(variables), vars={})


def test_each_page_sees_its_own_site_settings():
    cctp_fragments.stop()
    settings = {"SITEURL": "https://a.vn", "SITENAME": "Kho", "TAGS": ["x"]}
    first = cctp_fragments._site_context(page(article="a", **settings))
    assert first == settings
    # The next page: same names, same objects under the upper-case ones: the same dict.
    assert cctp_fragments._site_context(page(article="b", **settings)) is first
    # Another value (a page at another depth with relative URLs), another name, a new one.
    assert cctp_fragments._site_context(page(article="c", **{**settings, "SITEURL": ".."}))["SITEURL"] == ".."
    assert cctp_fragments._site_context(page(article="d", **settings))["SITEURL"] == "https://a.vn"
    assert cctp_fragments._site_context(page(articles="e", **settings, FEED="f"))["FEED"] == "f"
    assert "FEED" not in cctp_fragments._site_context(page(articles="e", **settings, feed="f"))
    # An equal but distinct list: picked again (the identity is what is compared).
    assert cctp_fragments._site_context(page(article="g", **{**settings, "TAGS": ["x"]})) == settings
    # What the template set itself, upper-case: never remembered.
    assigned = page(article="h", **settings)
    assigned.vars = {"SITEURL": "/khac"}
    assigned.get_all = lambda: {**assigned.parent, **assigned.vars}
    assert cctp_fragments._site_context(assigned)["SITEURL"] == "/khac"
    cctp_fragments.stop()
