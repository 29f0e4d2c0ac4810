"""Build tests: the site built from made-up articles (always) and from content/ (once ingested)."""
from __future__ import annotations

import datetime as dt
import gzip
import json
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from conftest import ROOT, SAMPLES, article_files, read_front_matter
from scrapers.gazetteer import gazetteer, topics
from scrapers.index import HUB, IndexBuildError, build_index, main as index_main

sys.path.insert(0, str(ROOT / "plugins"))
from cctp_dates import front_matter_has_time, vn_date, vn_day  # noqa: E402

ARTICLE = "bai-viet/{slug}/index.html"


def soup(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def slug(key: str) -> str:
    return SAMPLES[key][0]["slug"]


def article_page(output: Path, key: str) -> BeautifulSoup:
    return soup(output, ARTICLE.format(slug=slug(key)))


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


def pagefind_fragments(output: Path, level: str = "chinh") -> list[dict]:
    """The per-page records Pagefind wrote in one set of bundles (scrapers/index.py): gzip, a
    'pagefind_dcd' signature, then JSON."""
    records = []
    for path in (output / "pagefind").glob(f"{level}/*/fragment/*.pf_fragment"):
        if path.parent.parent.name == HUB:  # the one-page hub no query finds
            continue
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(b"pagefind_dcd")
        records.append(json.loads(data[len(b"pagefind_dcd"):]))
    return records


# --- Vietnamese dates -------------------------------------------------------------------

def test_weekday_names_cover_a_week():
    days = [vn_date(dt.date(2022, 4, 11) + dt.timedelta(days=i)) for i in range(7)]
    assert [d.split(",")[0] for d in days] == [
        "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]
    assert days[2] == "Thứ Tư, 13/04/2022"


def test_vn_date_time_only_when_asked_and_in_local_time():
    utc = dt.datetime(2022, 4, 13, 4, 1, tzinfo=dt.timezone.utc)
    assert vn_date(utc, True, tz="Asia/Ho_Chi_Minh") == "Thứ Tư, 13/04/2022, 11:01"
    assert vn_date(utc, False, tz="Asia/Ho_Chi_Minh") == "Thứ Tư, 13/04/2022"
    assert vn_date(None) == ""


def test_vn_day_accepts_dates_strings_and_partial_dates():
    assert vn_day(dt.date(2021, 12, 15)) == "15/12/2021"
    assert vn_day("2022-06-03") == "03/06/2022"
    assert vn_day("2022-06") == "06/2022"
    assert vn_day("2022") == "2022"
    assert vn_day("đầu năm 2022") == "đầu năm 2022"


@pytest.mark.parametrize("header, expected", [
    ("date: 2022-04-13T11:01:00+07:00", True),
    ("date: '2022-04-13 11:01'", True),
    ("date: 2022-04-13", False),
    ("date: '2022-04-13'", False),
    ("title: x", False),
])
def test_front_matter_has_time(header, expected):
    assert front_matter_has_time(f"---\ntitle: t\n{header}\n---\nbody date: 2022-01-01T10:00\n") is expected


# --- Article pages ----------------------------------------------------------------------

def test_article_page_shows_its_metadata(sample_site):
    meta = SAMPLES["project"][0]
    page = article_page(sample_site, "project")
    title = page.find("h1", attrs={"data-pagefind-meta": "title"})
    assert text(title) == meta["title"]
    panel = text(page.select_one(".meta-panel"))
    assert "Ngày đăng" in panel
    assert "Thứ Tư, 13/04/2022, 11:01" in panel
    assert "Thái Nguyên" in panel and "Tỉnh Thái Nguyên" in panel  # province and its 2025 unit
    assert "Bắc Kạn" in panel  # merged into the same 2025 unit
    assert "Hoàng Thanh Huyền (Ban Nội chính Tỉnh ủy Thái Nguyên)" in panel
    assert "Loại tài liệu Đề án" in panel
    for slug_ in meta["topics"]:
        assert topics()[slug_]["label"] in panel
    tag_links = {a["href"] for a in page.select(".meta-panel a[rel=tag]")}
    assert tag_links == {"../../the/49-nq-tw/", "../../the/thai-nguyen/"}
    assert "Đề án số 10-ĐA/TU ngày 15/12/2021 của Ban Chấp hành Đảng bộ tỉnh" in panel
    assert "Nghị quyết số 49-NQ/TW ngày 02/06/2005 của Bộ Chính trị" in panel
    assert "raw/seeds/002_ef9b73df81c7ad29.txt" in panel
    province = page.select_one('.meta-panel a[href="../../tinh/thai-nguyen/"]')
    assert text(province) == "Thái Nguyên"


def test_date_without_time_shows_no_time(sample_site):
    page = article_page(sample_site, "news")
    time = page.select_one(".meta-panel time")
    assert text(time) == "Thứ Tư, 14/07/2021"
    assert time["datetime"] == "2021-07-14"
    assert "Ngày diễn ra" in text(page.select_one(".meta-panel"))


def test_source_url_retrieved_and_review_notes(sample_site):
    page = article_page(sample_site, "news")
    panel = page.select_one(".meta-panel")
    assert panel.find("a", href="https://backan.example.vn/tin/123")
    assert "Truy cập 01/05/2024" in text(panel)
    assert "Tiêu đề được tạo từ đoạn mở đầu" in text(panel)


def test_full_text_document_header(sample_site):
    page = article_page(sample_site, "directive")
    header = text(page.select_one(".doc-header"))
    assert "14-CT/TU" in header
    assert "Ban Thường vụ Tỉnh ủy Bình Định" in header
    assert "Hồ Quốc Dũng — T/M Ban Thường vụ — Bí thư" in header
    assert [text(li) for li in page.select(".doc-header li")] == [
        "Ban Bí thư Trung ương Đảng", "Ban Nội chính Trung ương"]
    assert "Sở Nội vụ tỉnh Bình Định, số đến 6123, ngày 03/06/2022" in header
    panel = text(page.select_one(".meta-panel"))
    assert "Ngày ban hành Thứ Hai, 30/05/2022" in panel
    assert "Tỉnh Gia Lai" in panel


def test_english_article_is_marked_english_inside_a_vietnamese_page(sample_site):
    page = article_page(sample_site, "english")
    assert page.html["lang"] == "vi"
    assert page.find("article")["lang"] == "en"
    panel = page.select_one(".meta-panel")
    assert panel["lang"] == "vi"
    assert "Toàn quốc" in text(panel) and "Tiếng Anh" in text(panel)


def test_pagefind_regions_on_article_pages(sample_site):
    page = article_page(sample_site, "project")
    bodies = page.select("[data-pagefind-body]")
    assert len(bodies) == 1
    body = bodies[0]
    assert body.find("h1", attrs={"data-pagefind-meta": "title"})
    assert "bổ trợ tư pháp" in text(body.select_one(".article__text"))
    assert body.select_one(".meta-panel").has_attr("data-pagefind-ignore")
    # Filters, sort and result metadata: partials/pagefind-data.html, tested in test_search.py.


def test_only_article_pages_carry_a_pagefind_body(sample_site):
    for path in html_files(sample_site):
        is_article = path.relative_to(sample_site).parts[0] == "bai-viet"
        assert ("data-pagefind-body" in path.read_text(encoding="utf-8")) is is_article, path


# --- Listings ---------------------------------------------------------------------------

def listed_slugs(page: BeautifulSoup) -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in page.select(".article-list__title a")]


def test_home_lists_latest_articles_newest_first(sample_site):
    published = [m for m, _ in SAMPLES.values() if m["status"] == "published"]
    newest_first = [m["slug"] for m in sorted(published, key=lambda m: str(m["date"]), reverse=True)]
    assert listed_slugs(soup(sample_site, "index.html")) == newest_first


def test_province_page_lists_its_articles_and_2025_unit(sample_site):
    page = soup(sample_site, "tinh/bac-kan/index.html")
    assert text(page.find("h1")) == "Bắc Kạn"
    assert "Tỉnh Thái Nguyên" in text(page.select_one(".facts"))
    assert listed_slugs(page) == [slug("news")]
    assert listed_slugs(soup(sample_site, "tinh/thai-nguyen/index.html")) == [slug("project")]
    assert not (sample_site / "tinh/ha-noi").exists()  # no articles, no page


def test_province_index_lists_all_63_by_region(sample_site):
    page = soup(sample_site, "tinh/index.html")
    items = page.select(".province-list li")
    assert len(items) == len(gazetteer().provinces) == 63
    regions = [text(h) for h in page.select(".region h2")]
    assert sorted(regions) == sorted({p.region for p in gazetteer().provinces})
    by_name = {text(li).split(" (")[0]: li for li in items}
    assert by_name["Thái Nguyên"].a["href"] == "../tinh/thai-nguyen/"
    assert "(1)" in text(by_name["Thái Nguyên"])
    assert by_name["Hà Nội"].a is None and "(0)" in text(by_name["Hà Nội"])


def test_tag_pages_use_python_slugify(sample_site):
    page = soup(sample_site, "the/49-nq-tw/index.html")
    assert text(page.find("h1")) == "Thẻ: 49-NQ/TW"
    assert listed_slugs(page) == [slug("project")]
    assert listed_slugs(soup(sample_site, "the/cong-nghe-thong-tin/index.html")) == [slug("tagged")]
    index = {a["href"] for a in soup(sample_site, "the/index.html").select(".tag-cloud a")}
    assert {"../the/49-nq-tw/", "../the/hau-giang/", "../the/cong-nghe-thong-tin/"} <= index


def test_year_pages_and_index(sample_site):
    assert set(listed_slugs(soup(sample_site, "nam/2022/index.html"))) == {slug("project"), slug("directive")}
    years = [a["href"] for a in soup(sample_site, "nam/index.html").select(".year-list a")]
    assert years == ["../nam/2023/", "../nam/2022/", "../nam/2021/"]


def _numbered_articles(count: int) -> list:
    base = SAMPLES["tagged"][0]
    first = dt.date(2022, 1, 1)
    return [({**base, "slug": f"bai-{i:02d}", "title": f"Bài số {i:02d}",
              "date": (first + dt.timedelta(days=i)).isoformat()}, f"Nội dung bài {i}.")
            for i in range(1, count + 1)]


LISTINGS = [("", "."), ("tinh/hau-giang/", "../.."), ("the/hau-giang/", "../.."), ("nam/2022/", "../..")]


def test_listings_are_paged_from_the_oldest_article(make_site):
    """45 articles, 20 a page: the listing's own page shows the newest 25, older page 1 the
    oldest 20; each page links to its neighbours; no page shows a total that would change."""
    output = make_site(_numbered_articles(45), index=False)
    newest_first = [f"bai-{i:02d}" for i in range(45, 0, -1)]
    for listing, root in LISTINGS:
        front, older = soup(output, listing + "index.html"), soup(output, listing + "trang/1/index.html")
        assert listed_slugs(front) == newest_first[:25], listing
        assert listed_slugs(older) == newest_first[25:], listing
        assert not (output / listing / "trang/2").exists()
        assert front.select_one(".pagination a[rel=next]")["href"] == f"{root}/{listing}trang/1/"
        assert not front.select(".pagination a[rel=prev]")
        assert older.select_one(".pagination a[rel=prev]")["href"].endswith(f"/{listing}")
        assert not older.select(".pagination a[rel=next]")
        assert "02/01/2022 đến 21/01/2022" in text(older.select_one(".lead")), listing
        assert "Trang" not in text(older.select_one(".pagination"))
    assert text(soup(output, "tinh/hau-giang/trang/1/index.html").find("h1")) == "Hậu Giang"
    assert text(soup(output, "nam/2022/trang/1/index.html").find("h1")) == "Năm 2022"
    assert text(soup(output, "trang/1/index.html").find("h1")) == "Tất cả bài viết"


def test_an_older_page_keeps_its_articles_as_the_listing_grows(make_site):
    output = make_site(_numbered_articles(60), index=False)
    for listing, _ in LISTINGS:
        pages = [soup(output, listing + path) for path in ("index.html", "trang/2/index.html", "trang/1/index.html")]
        assert [listed_slugs(p) for p in pages] == [
            [f"bai-{i:02d}" for i in range(start, start - 20, -1)] for start in (60, 40, 20)], listing
        assert pages[1].select_one(".pagination a[rel=prev]")["href"].endswith(f"/{listing}")
        assert pages[1].select_one(".pagination a[rel=next]")["href"].endswith(f"/{listing}trang/1/")
        assert pages[2].select_one(".pagination a[rel=prev]")["href"].endswith(f"/{listing}trang/2/")


def test_about_and_404_pages(sample_site):
    about = soup(sample_site, "gioi-thieu/index.html")
    assert text(about.find("h1")) == "Giới thiệu"
    assert about.find("a", href="../gioi-thieu/")  # footer link
    missing = soup(sample_site, "404.html")
    assert "Không tìm thấy trang" in text(missing.find("h1"))
    assert missing.select_one("main form.search-form input[name=q]")


# --- Search -----------------------------------------------------------------------------

def test_search_page_uses_local_pagefind_ui_in_vietnamese(sample_site):
    page = soup(sample_site, "tim-kiem/index.html")
    assert page.html["lang"] == "vi"
    # Its scripts and controls belong to the search (test_search.py); they are local files.
    assert all(not s["src"].startswith(("http", "/")) for s in page.find_all("script", src=True))
    assert not page.select("[data-pagefind-body]")


def test_every_page_has_the_search_form(sample_site):
    for path in html_files(sample_site):
        form = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser").select_one("header form.search-form")
        assert form is not None and form["action"].endswith("tim-kiem/") and form.find("input", attrs={"name": "q"}), path


def test_pagefind_index_holds_exactly_the_published_articles(sample_site):
    state = json.loads((sample_site / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    for part in state["main"] + state["periods"]:
        bundle = sample_site / "pagefind" / part["path"]
        assert (bundle / "pagefind-entry.json").is_file() and (bundle / "pagefind.js").is_file()
        assert not (bundle / "pagefind-ui.js").exists()  # the default UI is not used
    published = {f"/bai-viet/{m['slug']}/" for m, _ in SAMPLES.values() if m["status"] == "published"}
    # Each published article once in the main bundles and once in the period bundles.
    for level in ("chinh", "giai-doan"):
        records = [r["url"] for r in pagefind_fragments(sample_site, level)]
        assert sorted(records) == sorted(published)
    # What each record holds (a spelled search view, filters, meta) is test_search.py's.


# --- What must never be in the output ---------------------------------------------------

def test_drafts_are_written_nowhere(sample_site):
    meta, body = SAMPLES["draft"]
    secret = "zqxnhapbimat"
    assert secret in body
    for path in sample_site.rglob("*"):
        assert meta["slug"] not in str(path)
        if path.is_file() and path.suffix in {".html", ".xml", ".json", ".js"}:
            content = path.read_text(encoding="utf-8", errors="replace")
            assert secret not in content and meta["title"] not in content, path
    assert all(secret not in r["content"] for r in pagefind_fragments(sample_site))


def test_no_category_author_archive_or_draft_pages(sample_site):
    for name in ("category", "categories.html", "author", "authors.html", "archives.html", "drafts",
                 "feeds"):
        assert not (sample_site / name).exists(), name


def assert_no_external_assets(output: Path) -> None:
    """Stylesheets, scripts, images and other embedded resources come from the site itself;
    internal links are relative so the site works under any sub-path."""
    for path in html_files(output):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in page.find_all(["script", "img", "iframe", "source", "video", "audio", "embed"], src=True):
            assert not urlparse(tag["src"]).netloc and not tag["src"].startswith("/"), (path, tag)
        for tag in page.find_all("link", href=True):
            assert not urlparse(tag["href"]).netloc and not tag["href"].startswith("/"), (path, tag)
        for tag in page.find_all(["a", "form"]):
            target = tag.get("href") or tag.get("action") or ""
            assert not target.startswith("/"), (path, tag)  # root-absolute breaks sub-paths


def test_no_external_or_root_absolute_assets(sample_site):
    assert_no_external_assets(sample_site)
    css = (sample_site / "theme/css/site.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "@font-face" not in css


def test_unknown_province_and_topic_do_not_break_the_build(make_site):
    meta = {**SAMPLES["news"][0], "slug": "tinh-la", "province": "Xứ Đoài",
            "topics": ["khong-co-chu-de-nay"], "doc_type": "loai-la"}
    output = make_site([(meta, "Nội dung.")], index=False)
    panel = text(soup(output, ARTICLE.format(slug="tinh-la")).select_one(".meta-panel"))
    assert "Xứ Đoài" in panel and "khong-co-chu-de-nay" in panel and "loai-la" in panel
    assert not (output / "tinh/xu-doai").exists()


def test_publish_build_has_absolute_urls_and_a_feed(make_site):
    output = make_site([SAMPLES["project"], SAMPLES["draft"]], settings="publishconf.py",
                       env={"CCTP_SITEURL": "https://example.org/cctp/"})
    page = article_page(output, "project")
    assert page.find("link", rel="stylesheet")["href"] == "https://example.org/cctp/theme/css/site.css"
    assert page.select_one("header form.search-form")["action"] == "https://example.org/cctp/tim-kiem/"
    feed = (output / "feeds/all.atom.xml").read_text(encoding="utf-8")
    assert "https://example.org/cctp/bai-viet/thai-nguyen-trien-khai-de-an/" in feed
    assert SAMPLES["draft"][0]["title"] not in feed
    assert (output / "the/49-nq-tw/atom.xml").is_file()


def test_index_refuses_a_missing_or_article_less_site(tmp_path, capsys):
    with pytest.raises(IndexBuildError, match="không có thư mục này"):
        build_index(tmp_path / "nowhere")
    (tmp_path / "index.html").write_text("<html lang=vi><body>x</body></html>", encoding="utf-8")
    assert index_main([str(tmp_path)]) == 1
    assert "không có trang bài viết" in capsys.readouterr().err
    assert not (tmp_path / "pagefind").exists()


# --- The repository's own content -------------------------------------------------------

def published_articles() -> list[dict]:
    return [m for m in map(read_front_matter, article_files()) if m.get("status") != "draft"]


def test_real_content_every_published_article_has_a_page(built_site):
    metas = [read_front_matter(p) for p in article_files()]
    for meta in metas:
        written = (built_site / ARTICLE.format(slug=meta["slug"])).is_file()
        assert written is (meta.get("status") != "draft"), meta["slug"]
    urls = {r["url"] for r in pagefind_fragments(built_site)}
    assert urls == {f"/bai-viet/{m['slug']}/" for m in published_articles()}


def test_real_content_province_index_and_assets(built_site):
    assert len(soup(built_site, "tinh/index.html").select(".province-list li")) == 63
    for meta in published_articles():
        province = gazetteer().province(meta.get("province"))
        if province:
            assert meta["slug"] in (built_site / f"tinh/{province.slug}/index.html").read_text(encoding="utf-8")
    assert_no_external_assets(built_site)
