"""The archive in a real browser, served under a sub-path, with JavaScript off: a reader
clicks from the home page to a province, one of its articles, a document it cites and
another province's article citing the same document. Screenshots at 1280 and 375 px are
saved under test-artifacts/screenshots/ (README: "Ảnh chụp màn hình").

Uses the mid-size corpus build (conftest.corpus_site) and test_browser's server and page
helpers.
"""
from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT
from test_browser import SUB_PATH, Visit, serve_under_sub_path

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
WIDTHS = (1280, 375)


class WithOptions:
    """A browser whose new contexts get extra options (Visit opens its own context)."""

    def __init__(self, browser, **options):
        self.browser, self.options = browser, options

    def new_context(self, **kwargs):
        return self.browser.new_context(**{**kwargs, **self.options})


@pytest.fixture(scope="module")
def corpus_url(corpus_site, tmp_path_factory):
    with serve_under_sub_path(corpus_site, tmp_path_factory.mktemp("serve-corpus")) as url:
        yield url


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _slug(href: str) -> str:
    return href.split("#")[0].rstrip("/").rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def journey(corpus_site) -> dict:
    """A key document cited in two provinces, with an article of the first province that is
    on the first page of that province's listing, and one of the second province."""
    for doc_page in sorted((corpus_site / "van-ban").glob("*/index.html")):
        doc = _soup(doc_page)
        if "then chốt" not in doc.select_one(".facts").get_text():
            continue
        sections = {s["id"].removeprefix("tinh-"): [_slug(a["href"]) for a in s.select(".compact-list a")]
                    for s in doc.select("section.document-section") if s["id"].startswith("tinh-")}
        if len(sections) < 2:
            continue
        for first, cited in sections.items():
            listing = _soup(corpus_site / "tinh" / first / "index.html")
            on_page = [_slug(a["href"]) for a in listing.select(".article-list__title a")]
            hit = next((s for s in on_page if s in cited), None)
            if hit:
                second = next(p for p in sections if p != first)
                return {"document": doc_page.parent.name, "province": first, "article": hit,
                        "name": listing.find("h1").get_text(strip=True),
                        "other_province": second, "other_article": sections[second][0]}
    pytest.fail("the corpus has no key document cited in two provinces")


def test_click_from_home_to_another_provinces_article_without_javascript(browser, corpus_url, journey):
    v = Visit(WithOptions(browser, java_script_enabled=False), corpus_url)
    page = v.page
    page.goto(corpus_url)
    page.locator("nav.site-nav").get_by_role("link", name="Tỉnh/thành").click()
    page.wait_for_url(f"**/{SUB_PATH}/tinh/")
    assert page.locator("svg.map__svg .map__area").count() == 63
    page.locator(".province-list").get_by_role("link", name=journey["name"], exact=True).click()
    page.wait_for_url(f"**/{SUB_PATH}/tinh/{journey['province']}/")
    assert page.locator("h1").inner_text() == journey["name"]
    page.locator(f".article-list__title a[href$='/{journey['article']}/']").click()
    page.wait_for_url(f"**/{SUB_PATH}/bai-viet/{journey['article']}/")
    assert journey["name"] in page.locator(".meta-panel").inner_text()
    page.locator(f".citations a[href$='/van-ban/{journey['document']}/']").first.click()
    page.wait_for_url(f"**/{SUB_PATH}/van-ban/{journey['document']}/")
    section = page.locator(f"#tinh-{journey['other_province']}")
    other_name = section.locator("h2 a").inner_text()
    section.locator(f"a[href$='/{journey['other_article']}/']").click()
    page.wait_for_url(f"**/{SUB_PATH}/bai-viet/{journey['other_article']}/")
    assert other_name in page.locator(".meta-panel").inner_text()
    assert page.locator(f".citations a[href$='/van-ban/{journey['document']}/']").count() >= 1
    v.check_clean()
    v.context.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_and_no_sideways_scrolling(browser, corpus_url, journey, width):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    v = Visit(WithOptions(browser, viewport={"width": width, "height": 900}), corpus_url)
    pages = {"trang-chu": "", "bai-viet": f"bai-viet/{journey['article']}/", "tinh": "tinh/",
             "theo-doi": "theo-doi-thuc-hien/", "van-ban": f"van-ban/{journey['document']}/"}
    for name, path in pages.items():
        v.page.goto(corpus_url + path)
        overflow = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        if name != "van-ban":
            v.page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)
    v.check_clean()
    v.context.close()
    for name in ("trang-chu", "bai-viet", "tinh", "theo-doi"):
        assert (SCREENSHOTS / f"{name}-{width}.png").stat().st_size > 10_000


def test_narrowest_phones_do_not_scroll_sideways(browser, corpus_url, journey):
    v = Visit(WithOptions(browser, viewport={"width": 360, "height": 740}), corpus_url)
    for path in ("", f"bai-viet/{journey['article']}/", "tinh/", f"tinh/{journey['province']}/",
                 "don-vi-2025/", "theo-doi-thuc-hien/", f"van-ban/{journey['document']}/", "van-ban/",
                 "nam/2022/", "chu-de/", "tac-gia/"):
        v.page.goto(corpus_url + path)
        overflow = v.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at 360px"
    v.check_clean()
    v.context.close()


def test_print_stylesheet_hides_navigation(browser, corpus_url, journey):
    v = Visit(browser, corpus_url)
    v.page.goto(corpus_url + f"bai-viet/{journey['article']}/")
    v.page.emulate_media(media="print")
    assert v.page.locator(".site-header").is_hidden() and v.page.locator(".related").is_hidden()
    assert v.page.locator("h1").is_visible() and v.page.locator(".article__text").is_visible()
    v.check_clean()
    v.context.close()
