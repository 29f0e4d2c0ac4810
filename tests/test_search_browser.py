"""The search page in headless Chromium over a built archive of 240 synthetic articles
(bench/corpus.py, seed 16: 55 provinces, Đắk Lắk and Điện Biên among them) plus a few
written here to pin rankings down. Expected counts come from the archive itself (front matter
and the text of the built pages), never from the page under test. Served under a sub-path by
test_browser's server.
"""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, quote_plus, urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import build_site, read_front_matter, synthetic_content, write_article
from scrapers.index import build_index
from scrapers.gazetteer import gazetteer
from scrapers.text import strip_diacritics
from test_a11y import SERIOUS, axe_script  # noqa: F401 - fixture
from test_browser import SUB_PATH, Visit, serve_under_sub_path, visit  # noqa: F401 - fixture

pytestmark = pytest.mark.browser

GENERATED, SEED = 240, 16
ROOT_ID = "#tim-kiem"
RESULT_LINK = ".pagefind-ui__result-link"
COMMON = {"status": "published", "lang": "vi", "scope": "province", "date_basis": "published"}
# Written on top of the generated archive: each pins one ranking or matching rule.
EXTRA = {
    "pho-bien": ({**COMMON, "title": "Đẩy mạnh phổ biến, giáo dục pháp luật ở cơ sở", "slug": "an-giang-pho-bien-phap-luat",
                  "date": "2024-03-05", "province": "An Giang", "doc_type": "news"},
                 "Công tác phổ biến pháp luật được đại diện các sở, ngành đánh giá cao. Phổ biến pháp luật cho "
                 "người dân vùng biên giới; diện tích phổ biến rộng, các buổi phổ biến được tổ chức thường xuyên."),
    "mentions-dak-lak": ({**COMMON, "title": "Gia Lai trao đổi kinh nghiệm với tỉnh bạn", "slug": "gia-lai-trao-doi-kinh-nghiem",
                          "date": "2022-08-19", "province": "Gia Lai", "doc_type": "news"},
                         "Đoàn công tác tỉnh Gia Lai làm việc với Ban Nội chính Tỉnh ủy Đắk Lắk về cải cách tư pháp."),
    "scattered": ({**COMMON, "title": "Kiểm tra việc giải quyết tranh chấp", "slug": "ha-nam-kiem-tra-giai-quyet-tranh-chap",
                   "date": "2021-11-02", "province": "Hà Nam", "doc_type": "news"},
                  "Đoàn kiểm tra thi hành nghiêm quy định, xem xét hồ sơ các vụ án hành chính và việc dân sự."),
    "old-tone": ({**COMMON, "title": "Nâng cao chất lượng hoà giải ở cơ sở", "slug": "ben-tre-hoa-giai-o-co-so",
                  "date": "2020-06-30", "province": "Bến Tre", "doc_type": "news"},
                 "Tổ hoà giải ở cơ sở được kiện toàn; uỷ ban nhân dân xã hỗ trợ kinh phí."),
}


# --- The archive and what it says -------------------------------------------------------

@pytest.fixture(scope="session")
def search_archive(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("search-archive")
    content = synthetic_content(base, GENERATED, seed=SEED)
    for meta, body in EXTRA.values():
        write_article(content, meta, body)
    return build_site(content, base / "output")


def folded_words(text: str) -> list[str]:
    return [w for w in (re.sub(r"[^\w]", "", strip_diacritics(t)) for t in text.split()) if w]


@pytest.fixture(scope="session")
def archive(search_archive) -> list[dict]:
    """Every article: its front matter and the words of what is indexed (title and text)."""
    articles = []
    for path in sorted((search_archive.parent / "content" / "articles").rglob("*.md")):
        meta = read_front_matter(path)
        page = BeautifulSoup((search_archive / "bai-viet" / meta["slug"] / "index.html").read_text(encoding="utf-8"),
                             "html.parser")
        indexed = page.select_one("h1").get_text(" ") + " " + page.select_one(".article__text").get_text(" ")
        articles.append({**meta, "year": str(meta["date"])[:4], "words": folded_words(indexed),
                         # Runs of letters and digits, as the index splits "5/3/2023" into three words.
                         "tokens": set(re.findall(r"[a-z0-9]+", strip_diacritics(indexed).lower()))})
    return articles


def has_phrase(words: list[str], phrase: str) -> bool:
    target = phrase.split()
    return any(words[i:i + len(target)] == target for i in range(len(words) - len(target) + 1))


@pytest.fixture(scope="session")
def search_url(search_archive, tmp_path_factory):
    with serve_under_sub_path(search_archive, tmp_path_factory.mktemp("serve-search")) as url:
        yield url + "tim-kiem/"


# --- Driving the page -------------------------------------------------------------------

def completed(v: Visit) -> str:
    return v.page.eval_on_selector(ROOT_ID, "el => el.dataset.completed || '0'")


def wait_done(v: Visit, before: str) -> None:
    v.page.wait_for_function(
        "n => { const el = document.querySelector('#tim-kiem'); return (el.dataset.completed || '0') !== n"
        " && el.dataset.state === 'done'; }", arg=before)


def open_search(v: Visit, url: str) -> None:
    """Open the page and wait for the search in its address, if any, to finish."""
    v.page.goto(url)
    v.page.wait_for_function("['done', 'idle'].includes(document.querySelector('#tim-kiem').dataset.state)")


def ask(v: Visit, query: str) -> None:
    before = completed(v)
    v.page.fill("#tu-khoa", query)
    v.page.press("#tu-khoa", "Enter")
    wait_done(v, before)


def total(v: Visit) -> int:
    text = v.page.inner_text(".search__summary")
    found = re.match(r"Tìm thấy (\d+) bài viết", text)
    return int(found.group(1)) if found else 0


def shown(v: Visit) -> list[dict]:
    """The results on the page: title and the labelled tags under it."""
    out = []
    for item in v.page.locator(".search-result").all():
        tags = dict(" ".join(t.split()).split(": ", 1) for t in item.locator(".pagefind-ui__result-tag").all_inner_texts())
        out.append({"title": item.locator(RESULT_LINK).inner_text().strip(), **tags,
                    "text": item.inner_text()})
    return out


def all_results(v: Visit, limit: int = 100) -> list[dict]:
    """The results after pressing "Xem thêm" until all, or at least `limit`, are shown. Each
    press waits for the page to be done (filter counts loading after the pointer came over the
    filters re-render the form above the button)."""
    more = v.page.locator(".search__more")
    while more.is_visible() and v.page.locator(".search-result").count() < limit:
        count = v.page.locator(".search-result").count()
        v.page.wait_for_function("document.querySelector('#tim-kiem').dataset.state === 'done'")
        more.click()
        v.page.wait_for_function(f"document.querySelectorAll('.search-result').length > {count}")
    return shown(v)


def option_counts(v: Visit, name: str) -> dict[str, int]:
    counts = {}
    for label in v.page.locator(f"select[name='{name}'] option").all_inner_texts():
        found = re.match(r"(.+) \((\d+)\)$", label.strip())
        if found:
            counts[found.group(1)] = int(found.group(2))
    return counts


def params(v: Visit) -> dict[str, list[str]]:
    return parse_qs(urlparse(v.page.url).query)


def province_title(key: str) -> str:
    return EXTRA[key][0]["title"]


# --- Tests -------------------------------------------------------------------------------

PAIRS = [("dak lak", "Đắk Lắk"), ("dien bien", "Điện Biên"), ("thi hanh an dan su", "thi hành án dân sự"),
         ("dong nai", "Đồng Nai"), ("hoa giai", "hòa giải")]


def test_unaccented_decomposed_and_old_style_queries_find_what_the_accented_one_finds(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url)
    for plain, accented in PAIRS:
        seen = {}
        for query in (accented, plain, unicodedata.normalize("NFD", accented), accented.upper()):
            ask(v, query)
            seen[query] = (total(v), [r["title"] for r in shown(v)])
        first = seen[accented]
        assert first[0] > 0, accented
        assert all(s == first for s in seen.values()), (accented, seen)
    ask(v, '"hòa giải ở cơ sở"')
    new_style = (total(v), [r["title"] for r in all_results(v)])
    ask(v, '"hoà giải ở cơ sở"')
    assert (total(v), [r["title"] for r in all_results(v)]) == new_style
    assert province_title("old-tone") in new_style[1]
    v.check_clean()


def test_dak_lak_lists_dak_lak_articles_first(visit, search_url, archive):
    v = visit(search_url)
    open_search(v, search_url + "?q=dak+lak")
    results = all_results(v)
    in_province = [a for a in archive if a.get("province") == "Đắk Lắk"]
    assert len(in_province) >= 3
    first = results[:len(in_province)]
    assert {r["Tỉnh/thành"] for r in first} == {"Đắk Lắk"}
    assert Counter(r["title"] for r in first) == Counter(a["title"] for a in in_province)
    titles = [r["title"] for r in results]
    assert province_title("mentions-dak-lak") in titles[len(in_province):]  # named in the text only
    assert "Bài của Đắk Lắk" in v.page.inner_text(".search__summary")
    v.check_clean()


def test_dien_bien_ranks_the_province_above_pho_bien(visit, search_url, archive):
    v = visit(search_url)
    open_search(v, search_url + "?q=dien+bien")
    titles = [r["title"] for r in all_results(v)]
    province = Counter(a["title"] for a in archive if a.get("province") == "Điện Biên")
    count = sum(province.values())
    assert count and Counter(titles[:count]) == province
    assert province_title("pho-bien") in titles
    assert titles.index(province_title("pho-bien")) >= count
    # The button narrows to the province; the address says so.
    v.page.get_by_role("button", name="Chỉ xem bài của Điện Biên").click()
    v.page.wait_for_function("document.querySelector('#tim-kiem').dataset.state === 'done'"
                             " && location.search.includes('tinh=dien-bien')")
    assert total(v) == count
    v.check_clean()


def year_named(archive: list[dict], words: list[str]) -> tuple[str, list[dict], list[dict]]:
    """A year whose number is in several articles of that year and of other years, with
    `words`: (year, the matches dated that year, the other matches). The one with the fewest
    articles, so that its articles are far fewer than the query's matches."""
    for year in sorted({a["year"] for a in archive}, key=lambda y: sum(a["year"] == y for a in archive)):
        matches = [a for a in archive if year in a["tokens"] and all(w in a["tokens"] for w in words)]
        dated = [a for a in matches if a["year"] == year]
        if len(dated) >= 3 and len(matches) - len(dated) >= 3:
            return year, dated, [a for a in matches if a["year"] != year]
    raise AssertionError("no such year in the test archive")


def test_a_year_named_in_the_query_lists_that_years_articles_first(visit, search_url, archive):
    year, dated, others = year_named(archive, ["tu", "phap"])
    v = visit(search_url)
    open_search(v, search_url + "?q=" + quote_plus(f"tư pháp {year}"))
    assert total(v) == len(dated) + len(others)
    results = all_results(v, limit=1000)
    assert Counter(r["title"] for r in results[:len(dated)]) == Counter(a["title"] for a in dated)
    assert {r["Ngày"][-4:] for r in results[:len(dated)]} == {year}
    assert year not in {r["Ngày"][-4:] for r in results[len(dated):]}
    assert f"Bài năm {year} ({len(dated)}) được xếp trước." in v.page.inner_text(".search__summary")
    # The button narrows to the year; the address says so.
    v.page.get_by_role("button", name=f"Chỉ xem bài năm {year}").click()
    v.page.wait_for_function("document.querySelector('#tim-kiem').dataset.state === 'done'"
                             f" && location.search.includes('nam={year}')")
    assert total(v) == len(dated)
    v.check_clean()


def test_quoted_phrase_matches_the_phrase_only(visit, search_url, archive):
    v = visit(search_url)
    open_search(v, search_url)
    phrase = "thi hành án dân sự"
    expected = Counter(a["title"] for a in archive if has_phrase(a["words"], strip_diacritics(phrase)))
    count = sum(expected.values())
    ask(v, f'"{phrase}"')
    assert total(v) == count > 0
    assert "cụm từ “thi hành án dân sự”" in v.page.inner_text(".search__summary")
    assert province_title("scattered") not in {r["title"] for r in all_results(v, limit=count)}
    ask(v, '"thi hanh an dan su"')
    assert total(v) == count
    ask(v, phrase)  # unquoted: the words anywhere, the side-by-side ones first
    assert total(v) > count
    # Within one province, to see the whole list: the phrase's articles, then the one that
    # has the words apart.
    before = completed(v)
    v.page.select_option("select[name='tinh']", "ha-nam")
    wait_done(v, before)
    together = Counter(a["title"] for a in archive
                       if a.get("province") == "Hà Nam" and has_phrase(a["words"], strip_diacritics(phrase)))
    titles = [r["title"] for r in all_results(v)]
    assert Counter(titles[:sum(together.values())]) == together
    assert province_title("scattered") in titles[sum(together.values()):]
    v.check_clean()


def test_province_and_year_filters_count_the_archive(visit, search_url, archive):
    v = visit(search_url)
    open_search(v, search_url + "?tinh=dak-lak")
    in_province = [a for a in archive if a.get("province") == "Đắk Lắk"]
    assert total(v) == len(in_province)
    assert option_counts(v, "nam") == Counter(a["year"] for a in in_province)
    names = {p.slug: p.name for p in gazetteer().provinces}
    assert option_counts(v, "tinh") == Counter(a["province"] for a in archive if a.get("province"))
    assert names["dak-lak"] in v.page.inner_text("select[name='tinh'] option:checked")
    year, count = Counter(a["year"] for a in in_province).most_common(1)[0]
    before = completed(v)
    v.page.select_option("select[name='nam']", year)
    wait_done(v, before)
    assert total(v) == count and params(v) == {"tinh": ["dak-lak"], "nam": [year]}
    assert {r["Ngày"][-4:] for r in shown(v)} == {year}
    # With a query, the counts are those of the query's results.
    before = completed(v)
    v.page.fill("#tu-khoa", "tranh tụng")
    v.page.press("#tu-khoa", "Enter")
    wait_done(v, before)
    with_words = [a for a in archive if has_phrase(a["words"], "tranh") and has_phrase(a["words"], "tung")]
    counts = option_counts(v, "nam")
    assert counts.pop(year) == Counter(a["year"] for a in with_words if a.get("province") == "Đắk Lắk")[year]
    assert counts == Counter(a["year"] for a in with_words if a.get("province") == "Đắk Lắk" and a["year"] != year)
    v.check_clean()


def test_filter_counts_load_when_the_reader_turns_to_the_filters(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url + "?q=dak+lak")
    assert option_counts(v, "nam") == {}  # the values are offered, not yet counted
    assert "2023" in v.page.locator("select[name='nam'] option").all_inner_texts()
    before = completed(v)
    v.page.focus("select[name='nam']")
    wait_done(v, before)
    years = option_counts(v, "nam")
    assert years and sum(years.values()) == total(v)  # one year per article
    v.check_clean()


def test_sorting_by_date(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url + "?q=" + quote_plus("cải cách tư pháp") + "&sap-xep=moi-nhat")
    newest = [r["Ngày"] for r in all_results(v, limit=30)]
    as_dates = [d[6:] + d[3:5] + d[:2] for d in newest]
    assert len(as_dates) > 20 and as_dates == sorted(as_dates, reverse=True)
    before = completed(v)
    v.page.select_option("#sap-xep", "cu-nhat")
    wait_done(v, before)
    oldest = [d[6:] + d[3:5] + d[:2] for d in (r["Ngày"] for r in shown(v))]
    assert oldest == sorted(oldest) and oldest[-1] <= as_dates[-1]
    assert params(v)["sap-xep"] == ["cu-nhat"]
    v.check_clean()


def test_the_address_reproduces_a_search_and_the_back_button_restores_it(visit, browser, search_url):
    v = visit(search_url)
    open_search(v, search_url)
    ask(v, "Tòa án")
    before = completed(v)
    v.page.select_option("select[name='loai']", "tin-tuc")
    wait_done(v, before)
    filtered = (total(v), [r["title"] for r in shown(v)])
    before = completed(v)
    v.page.select_option("#sap-xep", "moi-nhat")
    wait_done(v, before)
    address = v.page.url
    assert params(v) == {"q": ["Tòa án"], "loai": ["tin-tuc"], "sap-xep": ["moi-nhat"]}
    sorted_view = (total(v), [r["title"] for r in shown(v)])

    other = Visit(browser, search_url)
    try:
        open_search(other, address)
        assert (total(other), [r["title"] for r in shown(other)]) == sorted_view
        assert other.page.input_value("#tu-khoa") == "Tòa án"
        assert other.page.input_value("select[name='loai']") == "tin-tuc"
        assert other.page.input_value("#sap-xep") == "moi-nhat"
        other.check_clean()
    finally:
        other.context.close()

    before = completed(v)
    v.page.go_back()
    wait_done(v, before)
    assert "sap-xep" not in params(v) and v.page.input_value("#sap-xep") == ""
    assert (total(v), [r["title"] for r in shown(v)]) == filtered
    v.check_clean()


def test_no_results_say_what_to_try_and_clear_filters(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url + "?q=zzxqjw&nam=2020")
    status = v.page.inner_text(".search__status")
    assert "Không tìm thấy bài viết nào cho “zzxqjw”" in status and "Kiểm tra lỗi gõ" in status
    assert v.page.locator(".search-result").count() == 0
    clear = v.page.get_by_role("button", name="Bỏ mọi bộ lọc")
    clear.focus()
    before = completed(v)
    v.page.keyboard.press("Enter")
    wait_done(v, before)
    assert params(v) == {"q": ["zzxqjw"]} and v.page.input_value("select[name='nam']") == ""
    ask(v, "xyzzyq dak lak")  # a word that matches nothing is named, not silently dropped
    assert total(v) > 0
    assert "“xyzzyq”" in v.page.inner_text(".search__missing")
    v.check_clean()


def test_keyboard_only_from_query_to_article(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url)
    assert v.page.is_visible(".search__help")
    for _ in range(30):
        v.page.keyboard.press("Tab")
        if v.page.evaluate("document.activeElement.id") == "tu-khoa":
            break
    else:
        pytest.fail("Tab never reached the query box")
    before = completed(v)
    v.page.keyboard.type("dak lak")
    v.page.keyboard.press("Enter")
    wait_done(v, before)
    first = v.page.locator(RESULT_LINK).first.inner_text()
    for _ in range(30):
        v.page.keyboard.press("Tab")
        if v.page.evaluate("document.activeElement.classList.contains('pagefind-ui__result-link')"):
            break
    else:
        pytest.fail("Tab never reached a result")
    assert v.page.evaluate("document.activeElement.textContent") == first
    v.page.keyboard.press("Enter")
    v.page.wait_for_url(f"**/{SUB_PATH}/bai-viet/**")
    assert v.page.inner_text("h1") == first
    v.check_clean()


def test_results_never_show_the_index_spelling(visit, search_url):
    v = visit(search_url)
    open_search(v, search_url + "?q=" + quote_plus("Đồng Tháp"))
    texts = [r["text"] for r in all_results(v)]
    assert texts and all("`" not in t for t in texts)
    assert all(r.isascii() is False for r in texts)
    assert "<mark>" in v.page.inner_html(".search-result__excerpt >> nth=0")
    v.check_clean()


@pytest.mark.parametrize("address", ["", "?q=dak+lak&nam=2023", "?q=zzxqjw"])
def test_no_serious_accessibility_violations_on_the_search_page(visit, search_url, axe_script, address):
    v = visit(search_url)
    open_search(v, search_url + address)
    v.page.add_script_tag(path=axe_script)
    result = v.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{r['impact']}: {r['id']} — {r['help']} ({len(r['nodes'])}×, e.g. {r['nodes'][0]['target']})"
               for r in result["violations"] if r["impact"] in SERIOUS]
    assert serious == []


# --- Ranking period by period ------------------------------------------------------------
# On a large archive a query that matches most articles is ranked one period at a time
# (docs/search.md, "Size and speed"). This archive is too small for that, so the same built
# site is served with a ranking budget of zero: every query goes period by period.

# Beside it, the same page with other budgets (tim-kiem-<budget>/), five a decade: a query over
# its budget may still rank the articles of a year it names at once, a fraction of its cost.
BUDGETS = tuple(round(10 ** (3 + i / 5)) for i in range(16))


def with_budgets(site: Path, budgets: tuple[int, ...], default: int | None = None) -> None:
    """The search page of `site` served with each ranking budget at tim-kiem-<budget>/, and
    with `default` (if given) at tim-kiem/ itself."""
    page = site / "tim-kiem" / "index.html"
    html = page.read_text(encoding="utf-8")
    data = re.search(r'(<script type="application/json" id="du-lieu-tim-kiem">)(.*?)(</script>)', html, re.S)
    for budget in ((default,) if default is not None else ()) + budgets:
        patched = json.loads(data.group(2)) | {"ranking_budget": budget}
        target = page if budget == default else site / f"tim-kiem-{budget}" / "index.html"
        target.parent.mkdir(exist_ok=True)
        target.write_text(html.replace(data.group(2), json.dumps(patched, ensure_ascii=False)), encoding="utf-8")


@pytest.fixture(scope="session")
def period_url(search_archive, tmp_path_factory):
    site = tmp_path_factory.mktemp("period-archive") / "output"
    shutil.copytree(search_archive, site)
    with_budgets(site, BUDGETS, default=0)
    build_index(site, period_pages=40)  # several periods, as a large archive has
    with serve_under_sub_path(site, tmp_path_factory.mktemp("serve-period")) as url:
        yield url + "tim-kiem/"


def period_of(periods: list[dict], day: str) -> int:
    """The position (newest first) of the period holding a result dated dd/mm/yyyy."""
    month = f"{day[6:]}-{day[3:5]}"
    return next(i for i, p in enumerate(periods) if p["from"] <= month <= p["to"])


def test_period_by_period_finds_the_same_articles_newest_period_first(visit, period_url, archive):
    v = visit(period_url)
    open_search(v, period_url + "?q=" + quote_plus("cải cách tư pháp"))
    words = strip_diacritics("cải cách tư pháp").split()
    expected = Counter(a["title"] for a in archive if all(w in a["words"] for w in words))
    assert total(v) == sum(expected.values()) > 20
    assert "trong từng giai đoạn, giai đoạn mới nhất trước" in v.page.inner_text(".search__summary")
    results = all_results(v, limit=1000)
    assert Counter(r["title"] for r in results) == expected
    periods = json.loads(v.page.evaluate("fetch('../pagefind/shards.json').then(r => r.text())"))["periods"]
    assert len(periods) > 3
    order = [period_of(periods, r["Ngày"]) for r in results]
    assert order == sorted(order) and len(set(order)) > 3  # period by period, newest first
    v.check_clean()


def words_that_may_rarely_meet(info: dict, archive: list[dict], newest_fills_a_page: bool) -> tuple[str, list[dict]]:
    """Two common words the page cannot tell meet often (independent, they would be in under a
    fifth of the articles), found together in several periods, and whose matches in the newest
    period fill a first page (10) or not."""
    counts, pages, newest = info["common"]["words"], info["pages"], info["periods"][0]
    words = sorted(w for w in counts if w.isalpha())
    vocabulary = [(a, {w.lower() for w in a["words"]}) for a in archive]
    for i, first in enumerate(words):
        for second in words[i + 1:]:
            if counts[first] * counts[second] >= 0.2 * pages * pages:
                continue
            matches = [a for a, held in vocabulary if first in held and second in held]
            months = [str(a["date"])[:7] for a in matches]
            in_newest = sum(newest["from"] <= m <= newest["to"] for m in months)
            periods = {p["key"] for p in info["periods"] for m in months if p["from"] and p["from"] <= m <= p["to"]}
            if len(periods) > 2 and (in_newest >= 10) == newest_fills_a_page:
                return f"{first} {second}", matches
    raise AssertionError("no such pair of words in the test archive")


@pytest.mark.parametrize("newest_fills_a_page", [True, False], ids=["newest-period-full", "counted-first"])
def test_words_that_may_rarely_meet_are_found_period_by_period(visit, period_url, archive, newest_fills_a_page):
    # The page tries the newest period first: if it fills a page the results are shown at once
    # and counted after; otherwise the matches are counted first. Either way: every match, once,
    # period by period, newest first, with the right total.
    v = visit(period_url)
    open_search(v, period_url)
    info = json.loads(v.page.evaluate("fetch('../pagefind/shards.json').then(r => r.text())"))
    query, matches = words_that_may_rarely_meet(info, archive, newest_fills_a_page)
    # What the session fetched until the results were shown ("shown" marks the moment).
    requested: list[str] = []
    v.context.on("request", lambda request: requested.append(request.url))
    v.page.expose_function("noteShown", lambda: requested.append("shown"))
    v.page.evaluate("""document.querySelector('#tim-kiem').addEventListener(
        'tim-kiem:ket-qua', () => window.noteShown(), {once: true})""")
    ask(v, query)
    if newest_fills_a_page:
        # The session's first query: the main bundles' index files (which only count it, after
        # the results are shown) are not fetched before them: on a slow link the results come
        # first. (Pagefind's script, the same for every bundle, is taken from the first.)
        before = [url.split("/pagefind/")[-1] for url in requested[:requested.index("shown")]]
        assert any(url.startswith("giai-doan/") for url in before)
        main = [url for url in before if url.startswith("chinh/") and not url.endswith(".js")]
        assert main == [], main
    assert total(v) == len(matches)
    results = all_results(v, limit=1000)
    assert Counter(r["title"] for r in results) == Counter(a["title"] for a in matches)
    order = [period_of(info["periods"], r["Ngày"]) for r in results]
    assert order == sorted(order) and len(set(order)) > 2
    v.check_clean()


def test_a_year_named_in_the_query_comes_first_period_by_period(visit, period_url, archive):
    # The named year's articles first (its periods, or ranked at once under its filter when
    # that is within the budget), then the other periods newest first: every match, once.
    year, dated, others = year_named(archive, ["tu", "phap"])
    v = visit(period_url)
    address = "?q=" + quote_plus(f"tư pháp {year}")
    requested: list[str] = []
    v.page.on("request", lambda request: requested.append(request.url))
    info = json.loads(v.page.goto(period_url.replace("tim-kiem/", "pagefind/shards.json")).text())
    own_periods = {p["path"] for p in info["periods"] if p["from"] and p["from"][:4] == p["to"][:4] == year}
    assert own_periods
    ways = []  # (budget, ranked at once) of each budget checked
    for budget in (0, *BUDGETS):
        requested.clear()
        open_search(v, period_url.replace("tim-kiem/", f"tim-kiem-{budget}/" if budget else "tim-kiem/") + address)
        summary = v.page.inner_text(".search__summary")
        assert "trong từng giai đoạn" in summary, budget  # not yet cheap enough for the whole query
        # A period searched fetches its index chunks (one only opened in idle time does not).
        at_once = not any(f"/pagefind/{path}index/" in url for url in requested for path in own_periods)
        if ways and not at_once:
            continue
        ways.append((budget, at_once))
        assert f"năm {year} trước, rồi giai đoạn mới nhất trước" in summary
        results = all_results(v, limit=1000)
        assert Counter(r["title"] for r in results) == Counter(a["title"] for a in dated + others), budget
        assert {r["Ngày"][-4:] for r in results[:len(dated)]} == {year}
        order = [period_of(info["periods"], r["Ngày"]) for r in results[len(dated):]]
        assert order == sorted(order)
        if at_once:
            break
    # Both ways were taken: the year's periods searched, then (a larger budget) the year ranked at once.
    assert [way for _, way in ways] == [False, True], ways
    v.check_clean()


def test_period_by_period_sorts_and_lists_filters_by_date(visit, period_url, archive):
    v = visit(period_url)
    open_search(v, period_url + "?q=" + quote_plus("cải cách tư pháp") + "&sap-xep=cu-nhat")
    oldest = [d[6:] + d[3:5] + d[:2] for d in (r["Ngày"] for r in all_results(v, limit=40))]
    assert len(oldest) > 20 and oldest == sorted(oldest)
    open_search(v, period_url + "?tinh=dak-lak")
    in_province = [a for a in archive if a.get("province") == "Đắk Lắk"]
    assert total(v) == len(in_province)
    newest = [d[6:] + d[3:5] + d[:2] for d in (r["Ngày"] for r in all_results(v))]
    assert len(newest) == len(in_province) and newest == sorted(newest, reverse=True)
    v.check_clean()


def test_more_pressed_again_before_its_results_came_shows_every_batch_in_order(visit, period_url):
    # Four pages: the presses after the first wait for periods not yet searched.
    address = period_url + "?q=" + quote_plus("cải cách tư pháp") + "&sap-xep=moi-nhat"
    v = visit(period_url)
    open_search(v, address)
    expected = [(r["title"], r["Ngày"]) for r in all_results(v, limit=40)][:40]
    assert len(expected) == 40
    open_search(v, address)
    v.page.eval_on_selector(".search__more", "button => { for (let i = 0; i < 3; i += 1) button.click(); }")
    v.page.wait_for_function("document.querySelectorAll('.search-result').length >= 40")
    v.page.wait_for_function("document.querySelector('#tim-kiem').dataset.state === 'done'")
    assert [(r["title"], r["Ngày"]) for r in shown(v)] == expected
    v.check_clean()


# --- Several main bundles ----------------------------------------------------------------
# Past MAIN_PAGES articles the index has one main bundle per run of years. Pagefind sorts a
# merged search by each page's place in its own bundle, which cannot be compared between
# bundles: a date sort must still come out in date order.

@pytest.fixture(scope="session")
def mains_url(search_archive, tmp_path_factory):
    site = tmp_path_factory.mktemp("mains-archive") / "output"
    shutil.copytree(search_archive, site)
    build_index(site, main_pages=60)
    with serve_under_sub_path(site, tmp_path_factory.mktemp("serve-mains")) as url:
        yield url + "tim-kiem/"


def test_a_date_sort_over_several_main_bundles_is_in_date_order(visit, mains_url, archive):
    v = visit(mains_url)
    for query, reverse in (("?q=" + quote_plus("cải cách tư pháp") + "&sap-xep=moi-nhat", True),
                           ("?q=" + quote_plus("cải cách tư pháp") + "&sap-xep=cu-nhat", False),
                           ("?tinh=dak-lak", True)):
        open_search(v, mains_url + query)
        dates = [d[6:] + d[3:5] + d[:2] for d in (r["Ngày"] for r in all_results(v, limit=60))]
        assert len(dates) > 5 and dates == sorted(dates, reverse=reverse), query
    shards = json.loads(v.page.evaluate("fetch('../pagefind/shards.json').then(r => r.text())"))
    assert len(shards["main"]) > 2
    v.check_clean()
