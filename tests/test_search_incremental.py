"""The search index after a small change (scrapers/index.py, "Recent pages"): a new article
re-indexes only the recent bundles (of the main bundles and of the periods), an edited or
deleted one its main bundle, and the result holds the same pages, filters and words as an
index built from scratch.

Two archives are built with Pelican: 40 synthetic articles, and the same plus one new
article (the newest). Copying the second's article pages over the first's output is what
`cctp build` leaves after the article is added: the new page, and its neighbours rewritten
(their links to the previous and next articles changed, which the index must ignore).
"""
from __future__ import annotations

import gzip
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote_plus

import pytest

from conftest import build_site, synthetic_content, write_article
from test_browser import serve_under_sub_path, visit  # noqa: F401 - fixture
from test_search_browser import all_results, open_search, with_budgets
from scrapers.index import (BUNDLE, RECENT, TERMINATOR, IndexBuildError, _new_prefixes, build_index, decode_text,
                            indexed_part, plan_recent)

GENERATED, SEED = 40, 23
NEW = ({"status": "published", "lang": "vi", "scope": "province", "date_basis": "published",
        "title": "Tỉnh Bắc Kạn thí điểm phiên tòa trực tuyến xét xử lưu động", "slug": "bac-kan-phien-toa-truc-tuyen",
        "date": "2025-12-30", "province": "Bắc Kạn", "doc_type": "news"},
       "Tòa án nhân dân tỉnh Bắc Kạn tổ chức phiên tòa trực tuyến đầu tiên; đường truyền ổn định, "
       "các bên tham gia tranh tụng đầy đủ. Đây là bước đi của cải cách tư pháp ở vùng cao như huyện Pác Nặm.")
NEW_PAGE = f"bai-viet/{NEW[0]['slug']}/index.html"


@pytest.fixture(scope="module")
def archives(tmp_path_factory) -> tuple[Path, Path]:
    """(output before, output after one new article), neither indexed."""
    base = tmp_path_factory.mktemp("incremental-search")
    content = synthetic_content(base / "before", GENERATED, seed=SEED)
    before = build_site(content, base / "before" / "output", index=False)
    shutil.copytree(content, base / "after" / "content")
    write_article(base / "after" / "content", *NEW)
    after = build_site(base / "after" / "content", base / "after" / "output", index=False)
    return before, after


def fresh_copy(site: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name / "output"
    shutil.copytree(site, target)
    return target


def add_pages(site: Path, source: Path) -> None:
    """Copy `source`'s article pages over `site`'s (what an incremental site build leaves)."""
    for page in source.glob("bai-viet/**/*.html"):
        target = site / page.relative_to(source)
        if not target.exists() or target.read_bytes() != page.read_bytes():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(page, target)


def shards(site: Path) -> dict:
    return json.loads((site / BUNDLE / "shards.json").read_text(encoding="utf-8"))


def records(site: Path, level: str = "main") -> dict[str, dict]:
    """URL → what Pagefind recorded of the page (text, filters, metadata), over the bundles of a
    level ("periods_recent": the periods' recent bundle)."""
    out = {}
    parts = shards(site).get(level) or []
    for part in parts if isinstance(parts, list) else [parts]:
        if not part["path"]:  # a period whose pages are all recent
            continue
        for fragment in (site / BUNDLE / part["path"] / "fragment").glob("*.pf_fragment"):
            data = gzip.decompress(fragment.read_bytes())
            record = json.loads(data[data.index(b"{"):])
            assert record["url"] not in out, f"{record['url']} is in two bundles"
            out[record["url"]] = {k: record[k] for k in ("content", "filters", "meta", "word_count")}
    return out


def test_neighbours_rewritten_by_a_new_article_are_unchanged_to_the_index(archives):
    before, after = archives
    rewritten = [p.relative_to(after) for p in after.glob("bai-viet/**/*.html")
                 if (before / p.relative_to(after)).is_file()
                 and (before / p.relative_to(after)).read_bytes() != p.read_bytes()]
    assert rewritten, "the new article should change its neighbours' pages (previous/next links)"
    for page in rewritten:
        old, new = ((site / page).read_text(encoding="utf-8") for site in (before, after))
        assert indexed_part(old) == indexed_part(new), page


def test_a_new_article_reindexes_the_recent_bundles_only(archives, tmp_path):
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    first = build_index(site)
    assert RECENT not in {s["key"] for s in shards(site)["main"]} and "periods_recent" not in shards(site)
    assert sum(name.startswith("chinh/") for name in first["rebuilt"]) == 1
    views = {view.name: view.stat().st_mtime_ns for view in site.parent.glob(".cache/search-index/views-*/*")}
    assert len(views) == GENERATED
    periods_before = shards(site)["periods"]
    add_pages(site, after)
    done = build_index(site)
    # Two search views written, both the new page's (as it is, and with its period for
    # giai-doan/moi): the others are kept from the last build.
    now = {view.name: view.stat().st_mtime_ns for view in site.parent.glob(".cache/search-index/views-*/*")}
    assert len(now) == GENERATED + 2 and {name: now[name] for name in views} == views
    assert sorted(done["rebuilt"]) == [f"chinh/{RECENT}", f"giai-doan/{RECENT}"]
    assert done["recent"] == 1
    recent = shards(site)["main"][-1]
    assert recent["key"] == RECENT and recent["recent"] and recent["pages"] == 1
    # The page's Pagefind id, and where it falls in date order: after every article not later.
    dates = [re.search(r'data-pagefind-sort="date:([^"]+)"', p.read_text(encoding="utf-8")).group(1)
             for p in before.glob("bai-viet/*/index.html")]
    assert list(recent["order"].values()) == [sum(d <= NEW[0]["date"] for d in dates)]
    assert list(recent["order"]) == [p.stem for p in (site / BUNDLE / "chinh" / RECENT / "fragment").iterdir()]
    # Its period's own bundle is left as it was; shards.json counts the page in the period, and
    # says the period has one in the periods' recent bundle, where it falls after the period's
    # own articles not later.
    periods = shards(site)["periods"]
    newest = periods[0]
    assert [p for p in periods if p.get("recent")] == [newest] and newest["recent"] == 1
    assert [(p["key"], p["path"], p["digest"]) for p in periods] == [(p["key"], p["path"], p["digest"]) for p in periods_before]
    assert newest["pages"] == periods_before[0]["pages"] + 1
    in_period = [d for d in dates if newest["from"] <= d[:7] <= newest["to"]]
    period_recent = shards(site)["periods_recent"]
    assert period_recent["pages"] == 1 and period_recent["path"] == f"giai-doan/{RECENT}/"
    assert list(period_recent["order"].values()) == [sum(d <= NEW[0]["date"] for d in in_period)]
    assert list(period_recent["order"]) == [p.stem for p in (site / BUNDLE / "giai-doan" / RECENT / "fragment").iterdir()]
    # What the search page needs to keep a search to the bundles holding its words: the words
    # of the recent pages, and where the others' end ("pac" is only in the new article).
    assert {"phien", "toa", "truc", "tuyen", "pac"} <= set(recent["words"]) and "khanh" not in recent["words"]
    assert any(f"pac{TERMINATOR}".startswith(prefix) for prefix in recent["new"])
    assert not any(f"toa{TERMINATOR}".startswith(prefix) for prefix in recent["new"])
    assert any(f"pac{TERMINATOR}".startswith(prefix) for prefix in newest["new"])
    assert build_index(site)["rebuilt"] == []  # nothing changed: nothing indexed

    # Same pages, text, filters, metadata and common words as an index built from scratch; a
    # period's recent page carries its period as a filter besides.
    scratch = fresh_copy(after, tmp_path, "scratch")
    build_index(scratch)
    assert records(site) == records(scratch)
    added = records(site, "periods_recent")
    assert [r["filters"].pop("giai-doan") for r in added.values()] == [[newest["key"]]]
    assert records(site, "periods") | added == records(scratch, "periods")
    mine, theirs = shards(site), shards(scratch)
    assert mine["common"] == theirs["common"] and mine["pages"] == theirs["pages"] == GENERATED + 1
    assert [(p["key"], p["pages"], p["from"], p["to"]) for p in mine["periods"]] == \
        [(p["key"], p["pages"], p["from"], p["to"]) for p in theirs["periods"]]
    new = records(site)[f"/bai-viet/{NEW[0]['slug']}/"]
    assert decode_text(new["meta"]["title"]) == NEW[0]["title"]
    assert new["filters"]["tinh"] == ["bac-kan"] and new["filters"]["nam"] == ["2025"]


def test_an_edited_or_deleted_article_reindexes_its_main_bundle_which_takes_the_recent_pages_back(archives, tmp_path):
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site)
    add_pages(site, after)
    build_index(site)
    # Deleting the recent page: only the recent bundles go (its period never held it).
    shutil.rmtree(site / "bai-viet" / NEW[0]["slug"])
    done = build_index(site)
    assert RECENT not in {s["key"] for s in shards(site)["main"]} and "periods_recent" not in shards(site)
    assert not (site / BUNDLE / "chinh" / RECENT).exists() and not (site / BUNDLE / "giai-doan" / RECENT).exists()
    assert done["rebuilt"] == [] and not any(p.get("recent") for p in shards(site)["periods"])
    add_pages(site, after)
    build_index(site)
    # Editing an older article: its main bundle is indexed again, with the recent page in it.
    page = next(p for p in sorted(site.glob("bai-viet/*/index.html")) if p.parent.name != NEW[0]["slug"])
    html = page.read_text(encoding="utf-8")
    page.write_text(html.replace('<div class="article__text prose">', '<div class="article__text prose"><p>Bổ sung.</p>', 1),
                    encoding="utf-8")
    done = build_index(site)
    assert [s["key"] for s in shards(site)["main"]] == [shards(site)["main"][0]["key"]]  # recent folded back
    assert "periods_recent" not in shards(site) and not (site / BUNDLE / "giai-doan" / RECENT).exists()
    assert records(site, "periods") == records(site)  # every page in its period's own bundle again
    assert any(name.startswith("chinh/") and name != f"chinh/{RECENT}" for name in done["rebuilt"])
    assert "bổ sung" in decode_text(records(site)[f"/bai-viet/{page.parent.name}/"]["content"]).lower()
    assert len(list(site.parent.glob(".cache/search-index/views-*/*"))) == GENERATED + 1  # the old view is gone
    # Deleting an article of a main bundle: gone from the index, never stale.
    shutil.rmtree(page.parent)
    build_index(site)
    assert f"/bai-viet/{page.parent.name}/" not in records(site)
    assert shards(site)["pages"] == GENERATED


def add_new_year_page(site: Path, after: Path) -> None:
    """The new article as the first of 2026, a year of its own."""
    page = site / "bai-viet" / "bai-dau-nam-2026" / "index.html"
    page.parent.mkdir()
    page.write_text((after / NEW_PAGE).read_text(encoding="utf-8").replace("2025-12-30", "2026-01-02")
                    .replace("nam:2025", "nam:2026"), encoding="utf-8")


def test_a_period_of_recent_pages_only_has_no_bundle_of_its_own(archives, tmp_path):
    # The first article of a new year, whose period holds no other: found through giai-doan/moi
    # alone until the recent pages are folded back.
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site, period_pages=GENERATED)  # every year in one period
    add_new_year_page(site, after)
    done = build_index(site, period_pages=GENERATED)
    newest = shards(site)["periods"][0]
    assert newest["key"] == "2026" and newest["path"] is None and newest["pages"] == newest["recent"] == 1
    assert not (site / BUNDLE / "giai-doan" / "2026").exists()
    assert sorted(done["rebuilt"]) == [f"chinh/{RECENT}", f"giai-doan/{RECENT}"]
    assert list(shards(site)["periods_recent"]["order"].values()) == [0]  # no page of its own before it
    assert [r["filters"]["giai-doan"] for r in records(site, "periods_recent").values()] == [["2026"]]
    build_index(site, period_pages=GENERATED, full=True)
    newest = shards(site)["periods"][0]
    assert newest["path"] == "giai-doan/2026/" and "recent" not in newest and "periods_recent" not in shards(site)
    assert len(records(site, "periods")) == GENERATED + 1


def test_the_recent_bundle_is_folded_back_past_its_limit_or_on_a_full_build(archives, tmp_path):
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site)
    add_pages(site, after)
    copies = []
    for i in range(2):  # two more new pages, copies of the new one under other slugs
        copy = site / "bai-viet" / f"{NEW[0]['slug']}-{i}" / "index.html"
        copy.parent.mkdir()
        copy.write_text((after / NEW_PAGE).read_text(encoding="utf-8").replace("trực tuyến", f"trực tuyến {i}"),
                        encoding="utf-8")
        copies.append(copy)
    assert build_index(site, recent_pages=3)["recent"] == 3
    copies[0].parent.rename(copies[0].parent.with_name("them-mot-bai"))
    done = build_index(site, recent_pages=2)  # one deleted, one added: 3 would be over the limit
    assert done["recent"] == 0 and RECENT not in {s["key"] for s in shards(site)["main"]}
    assert len(records(site)) == GENERATED + 3
    shutil.copytree(copies[1].parent, copies[1].parent.with_name("mot-bai-nua"))
    assert build_index(site)["recent"] == 1
    done = build_index(site, full=True)
    assert done["recent"] == 0 and len(records(site)) == GENERATED + 4


def test_the_memo_is_trusted_only_when_it_matches_the_index(archives, tmp_path):
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site)
    shutil.rmtree(site / BUNDLE)  # e.g. a site built anew into an empty folder
    add_pages(site, after)
    done = build_index(site)
    assert done["recent"] == 0 and len(records(site)) == GENERATED + 1


def test_plan_recent_sends_additions_to_the_recent_bundle_and_changes_to_their_main_bundle():
    def files(**pages):  # page → [size, mtime, hash, date]
        return {page: [0, 0, digest, date] for page, (digest, date) in pages.items()}
    known = files(a=("1", "2012-01-01"), b=("1", "2015-06-01"), c=("1", "2020-01-01"), d=("1", None))
    memo = {"main_pages": 10, "files": known, "main": {"2015": {"pages": ["b", "c"]}, "2012": {"pages": ["a", "d"]}}}
    now = known | files(e=("1", "2021-01-01"), f=("1", "2013-01-01"), g=("1", "2001-01-01"))
    plan, recent = plan_recent(now, memo, main_pages=10)
    assert plan == {"2015": ["b", "c"], "2012": ["a", "d"]} and recent == ["e", "f", "g"]
    # b edited: its bundle is planned with its new page; the 2012 bundle's stay recent.
    plan, recent = plan_recent(now | files(b=("2", "2015-06-01")), memo, main_pages=10)
    assert plan == {"2015": ["b", "c", "e"], "2012": ["a", "d"]} and recent == ["f", "g"]
    # d deleted (undated pages belong to the oldest bundle).
    plan, recent = plan_recent({k: v for k, v in now.items() if k != "d"}, memo, main_pages=10)
    assert plan == {"2015": ["b", "c"], "2012": ["a", "f", "g"]} and recent == ["e"]
    assert plan_recent(now, memo, main_pages=10, recent_pages=2) is None  # over the limit: plan anew
    assert plan_recent(now | files(b=("2", "2015-06-01")), memo, main_pages=2) is None  # a bundle over its size
    assert plan_recent(now, {**memo, "main_pages": 9}, main_pages=10) is None


def test_new_prefixes_are_the_shortest_beginnings_no_known_word_has():
    t = TERMINATOR
    known = {f"toa{t}", f"tong{t}", f"pa{t}"}
    # "toa" is known; "ton" begins "tong" but "tonx" nothing; "pac" goes past "pa"; "pa" itself
    # is known only as a whole word.
    assert _new_prefixes([f"toa{t}", f"tonx{t}", f"pac{t}", f"x{t}", f"to{t}"], known) == \
        ["pac", "tonx", f"to{t}", "x"]


def test_a_page_that_is_not_utf8_is_named(archives, tmp_path):
    before, _ = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site)
    page = next(site.glob("bai-viet/*/index.html"))
    page.write_bytes(page.read_bytes() + b"\xff")
    digest = shards(site)["main"][0]["digest"]
    with pytest.raises(IndexBuildError, match=str(page)):
        build_index(site)
    assert shards(site)["main"][0]["digest"] == digest  # the index is left as it was


# --- The search page over the incremental index --------------------------------------------

# Small periods, so that the new article's holds others (a large archive's hold 300 pages).
PERIOD_PAGES = 12


@pytest.fixture(scope="module")
def incremental_url(archives, tmp_path_factory):
    """(the search page over the index after the new article, over one built from scratch);
    each also served at tim-kiem-0/ with a ranking budget of zero: period by period."""
    before, after = archives
    site = fresh_copy(before, tmp_path_factory.mktemp("incremental-site"), "site")
    build_index(site, period_pages=PERIOD_PAGES)
    add_pages(site, after)
    for folder in ("tim-kiem", "theme"):  # the search page as the new build has it
        shutil.rmtree(site / folder)
        shutil.copytree(after / folder, site / folder)
    build_index(site, period_pages=PERIOD_PAGES)
    assert shards(site)["main"][-1]["key"] == RECENT and shards(site)["periods"][0]["recent"] == 1
    assert shards(site)["periods"][0]["pages"] > 1 and len(shards(site)["periods"]) > 2
    scratch = fresh_copy(after, tmp_path_factory.mktemp("incremental-scratch"), "site")
    build_index(scratch, period_pages=PERIOD_PAGES)
    for built in (site, scratch):
        with_budgets(built, (0,))
    with serve_under_sub_path(site, tmp_path_factory.mktemp("serve-incremental")) as mine, \
            serve_under_sub_path(scratch, tmp_path_factory.mktemp("serve-scratch")) as theirs:
        yield mine + "tim-kiem/", theirs + "tim-kiem/"


def search(visit, url: str, query: str) -> tuple[str, list[str]]:
    v = visit(url)
    open_search(v, url + query)
    summary = v.page.inner_text(".search__summary")
    titles = [r["title"] for r in all_results(v, limit=200)]
    v.check_clean()
    return summary, titles


QUERIES = ["?q=" + quote_plus("phiên tòa trực tuyến"), "?q=" + quote_plus("bac kan") + "&tinh=bac-kan",
           "?tinh=bac-kan", "?q=" + quote_plus("cải cách tư pháp") + "&nam=2025"]


@pytest.mark.browser
@pytest.mark.parametrize("query", QUERIES)
def test_the_search_page_finds_the_new_article_as_a_full_index_does(visit, incremental_url, query):
    mine, theirs = (search(visit, url, query) for url in incremental_url)
    assert NEW[0]["title"] in mine[1]
    assert mine[0] == theirs[0]  # same count, same filters
    assert sorted(mine[1]) == sorted(theirs[1])


@pytest.mark.browser
@pytest.mark.parametrize("query", QUERIES)
def test_period_by_period_the_search_page_finds_the_new_article_as_a_full_index_does(visit, incremental_url, query):
    """Each period's search holds its pages of giai-doan/moi (only the new article's period
    has one)."""
    mine, theirs = (search(visit, url.replace("tim-kiem/", "tim-kiem-0/"), query) for url in incremental_url)
    assert NEW[0]["title"] in mine[1]
    assert mine[0] == theirs[0]
    assert sorted(mine[1]) == sorted(theirs[1]) and len(mine[1]) == len(set(mine[1]))


@pytest.mark.browser
def test_a_period_without_a_bundle_of_its_own_is_searched_as_a_full_index_is(visit, archives, tmp_path):
    before, after = archives
    site = fresh_copy(before, tmp_path, "site")
    build_index(site, period_pages=GENERATED)
    add_new_year_page(site, after)
    build_index(site, period_pages=GENERATED)
    assert shards(site)["periods"][0]["path"] is None
    scratch = fresh_copy(site, tmp_path, "scratch")
    build_index(scratch, period_pages=GENERATED, full=True)
    for built in (site, scratch):
        with_budgets(built, (0,))
    with serve_under_sub_path(site, tmp_path / "serve-site") as mine_url, \
            serve_under_sub_path(scratch, tmp_path / "serve-scratch") as theirs_url:
        for query in ("?q=" + quote_plus("phiên tòa trực tuyến"), "?q=" + quote_plus("tư pháp") + "&sap-xep=moi-nhat"):
            mine, theirs = (search(visit, url + "tim-kiem-0/", query) for url in (mine_url, theirs_url))
            assert NEW[0]["title"] in mine[1] and mine == theirs, query


# Pagefind leaves a word out of the search of a bundle that lacks it (matching the rest there):
# a word the new article lacks (its recent bundles lack it), and one only it has (the others do).
SCOPED = [("phiên tòa khánh hòa", False), ("bác bỏ trực tuyến", False), ("pác nặm cải cách", True)]


@pytest.mark.browser
@pytest.mark.parametrize("page", ["tim-kiem/", "tim-kiem-0/"], ids=["at-once", "period-by-period"])
@pytest.mark.parametrize("words,found", SCOPED, ids=["lacks", "lacks-2", "only"])
def test_a_word_some_bundles_lack_finds_what_a_full_index_does(visit, incremental_url, page, words, found):
    mine, theirs = (search(visit, url.replace("tim-kiem/", page), "?q=" + quote_plus(words)) for url in incremental_url)
    assert (NEW[0]["title"] in mine[1]) is found and mine[1]
    assert mine[0] == theirs[0] and sorted(mine[1]) == sorted(theirs[1])


@pytest.mark.browser
@pytest.mark.parametrize("page", ["tim-kiem/", "tim-kiem-0/"], ids=["at-once", "period-by-period"])
def test_the_new_article_is_in_date_order_when_sorted(visit, incremental_url, page):
    """Pagefind sorts each bundle by its own positions; the page puts chinh/moi's back among
    the main bundles' pages, and giai-doan/moi's among its period's."""
    urls = [url.replace("tim-kiem/", page) for url in incremental_url]
    for query in ("?tinh=bac-kan&sap-xep=moi-nhat", "?nam=2025&sap-xep=moi-nhat", "?q=" + quote_plus("tư pháp") + "&sap-xep=moi-nhat"):
        mine, theirs = (search(visit, url, query) for url in urls)
        assert NEW[0]["title"] in mine[1] and mine[1] == theirs[1], query
        if "tinh=" in query:
            assert mine[1][0] == NEW[0]["title"]
    mine, theirs = (search(visit, url, "?tinh=bac-kan&sap-xep=cu-nhat") for url in urls)
    assert mine[1][-1] == NEW[0]["title"] and mine[1] == theirs[1]
