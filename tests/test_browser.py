"""Search in a real browser: headless Chromium over a local server, the site under a sub-path.

The built output is copied to <tmp>/sub/archive/ and <tmp> is served, so every page lives at
/sub/archive/…: any root-absolute URL (to the Pagefind bundle, a result, a stylesheet)
would break here. Requests to any other host are refused and reported.
"""
from __future__ import annotations

import shutil
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

# The browser fixture lives in conftest: one Playwright per session for every browser test module.
from conftest import SAMPLES, article_files, read_front_matter
from editor_support import local_site

pytestmark = pytest.mark.browser

SUB_PATH = "sub/archive"
RESULT_LINK = ".pagefind-ui__result-link"
TIMEOUT_MS = 15_000


@contextmanager
def serve_under_sub_path(output: Path, tmp: Path):
    """Serve a copy of `output` at http://127.0.0.1:<free port>/sub/archive/."""
    shutil.copytree(output, tmp / SUB_PATH)
    with local_site(tmp) as root:
        yield f"{root}{SUB_PATH}/"


@pytest.fixture(scope="session")
def sample_url(sample_site, tmp_path_factory):
    with serve_under_sub_path(sample_site, tmp_path_factory.mktemp("serve")) as url:
        yield url


@pytest.fixture(scope="session")
def real_url(built_site, tmp_path_factory):
    with serve_under_sub_path(built_site, tmp_path_factory.mktemp("serve-real")) as url:
        yield url


class Visit:
    """A page that refuses requests to other hosts and remembers them, and JS errors."""

    def __init__(self, browser, base_url: str):
        self.origin = "{0.scheme}://{0.netloc}".format(urlparse(base_url))
        self.context = browser.new_context(locale="vi-VN")
        self.foreign: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.origin + "/"):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def result_titles(self) -> list[str]:
        self.page.wait_for_selector(RESULT_LINK)
        return [t.strip() for t in self.page.locator(RESULT_LINK).all_inner_texts()]

    def check_clean(self) -> None:
        assert self.foreign == [], "requests left the site"
        assert self.errors == [], "JavaScript errors"


@pytest.fixture
def visit(browser):
    visits = []

    def _open(base_url: str) -> Visit:
        v = Visit(browser, base_url)
        visits.append(v)
        return v
    yield _open
    for v in visits:
        v.context.close()


def title(key: str) -> str:
    return SAMPLES[key][0]["title"]


def test_typing_a_query_finds_the_article_and_links_to_it(visit, sample_url):
    v = visit(sample_url)
    v.page.goto(sample_url + "tim-kiem/")
    box = v.page.locator(".pagefind-ui__search-input")
    assert box.get_attribute("placeholder") == "Tìm kiếm"  # Pagefind's Vietnamese strings
    box.fill("giám định")
    titles = v.result_titles()
    assert title("project") in titles and title("directive") in titles
    assert title("tagged") not in titles
    assert "q=gi%C3%A1m+%C4%91%E1%BB%8Bnh" in v.page.url or "q=gi%C3%A1m%20%C4%91%E1%BB%8Bnh" in v.page.url
    v.page.locator(RESULT_LINK, has_text=title("project")).click()
    v.page.wait_for_url(f"**/{SUB_PATH}/bai-viet/{SAMPLES['project'][0]['slug']}/")
    assert v.page.locator("h1").inner_text() == title("project")
    # The stylesheet loaded from under the sub-path.
    assert v.page.evaluate("getComputedStyle(document.querySelector('.meta-panel')).display") != "inline"
    v.check_clean()


def test_query_in_the_address_runs_on_load_with_filters_and_meta(visit, sample_url):
    v = visit(sample_url)
    v.page.goto(sample_url + "tim-kiem/?q=" + quote("công nghệ thông tin"))
    assert v.result_titles() == [title("tagged")]
    assert v.page.locator(".pagefind-ui__search-input").input_value() == "công nghệ thông tin"
    tags = v.page.locator(".pagefind-ui__result-tag").all_inner_texts()
    assert {"Ngày: 09/12/2023", "Tỉnh/thành: Hậu Giang"} <= {" ".join(t.split()) for t in tags}
    filters = " ".join(v.page.locator(".pagefind-ui__filter-name").all_inner_texts())
    assert "Tỉnh/thành" in filters and "Năm" in filters
    v.check_clean()


def test_header_search_form_leads_to_results(visit, sample_url):
    v = visit(sample_url)
    v.page.goto(sample_url + "tinh/bac-kan/")
    v.page.locator("#tim-nhanh").fill("Hậu Giang")
    v.page.locator("#tim-nhanh").press("Enter")
    v.page.wait_for_url(f"**/{SUB_PATH}/tim-kiem/?q=*")
    assert title("tagged") in v.result_titles()
    v.check_clean()


def test_real_site_search_finds_sample_002(visit, built_site, real_url):
    sample = next((p for p in article_files()
                   if "002_" in str((read_front_matter(p).get("source") or {}).get("file"))), None)
    if sample is None:
        pytest.skip("no article from raw/seeds/002_* in content/articles yet: run the ingest first")
    meta = read_front_matter(sample)
    query = "bổ trợ tư pháp"
    assert query in sample.read_text(encoding="utf-8"), f"{sample} no longer mentions {query!r}"
    v = visit(real_url)
    v.page.goto(real_url + "tim-kiem/")
    v.page.locator(".pagefind-ui__search-input").fill(query)
    assert meta["title"] in v.result_titles()
    v.page.goto(real_url + "tim-kiem/?q=" + quote(query))
    assert meta["title"] in v.result_titles()
    v.check_clean()
