"""Browsing the archive without search: topics, document types, authors, 2025 units,
months, cited documents, the implementation tracker, maps, related articles, sanitising,
and what search engines and feed readers get. Outcomes are read from the built HTML."""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from bs4 import BeautifulSoup

from conftest import SAMPLES
from scrapers.check import check_file
from scrapers.gazetteer import gazetteer, topics

BASE = SAMPLES["news"][0]


def article(slug: str, province: str | None, date: str, citations=(), topics_=("lanh-dao-cua-dang",),
            doc_type: str = "news", **extra) -> tuple[dict, str]:
    meta = {**BASE, "slug": slug, "title": f"Bài {slug}", "date": date, "province": province,
            "scope": "province" if province else "national", "doc_type": doc_type,
            "topics": list(topics_), "citations": list(citations), "review": [],
            "source": {"file": f"raw/test/{slug}.txt", "url": None, "sha256": slug, "retrieved": None}, **extra}
    return meta, f"Nội dung của bài {slug}."


NQ49 = {"code": "49-NQ/TW", "type": "Nghị quyết", "date": "2005-06-02", "issuer": "Bộ Chính trị"}
NQ49_UNDATED = {"code": "49-NQ/TW", "type": "Nghị quyết", "date": None, "issuer": None}
PLAN_08 = {"code": "08-KH/BCĐ", "type": "Kế hoạch", "date": None, "issuer": None}
UNSAFE_BODY = ('Đoạn đầu.\n\n<script>alert("x")</script>\n\n<img src="a.png" onerror="alert(1)">\n\n'
               '[bấm vào đây](javascript:alert(2)) và <a href="https://example.org/ok">liên kết tốt</a>.')

ARTICLES = [
    article("bk-a", "Bắc Kạn", "2022-03-10", [NQ49, PLAN_08], authors=["Hồng Nga"], agency="TTXVN"),
    article("ls-b", "Lạng Sơn", "2022-05-02", [NQ49_UNDATED, PLAN_08], doc_type="plan"),
    article("bk-c", "Bắc Kạn", "2022-06-20", topics_=("toa-an",)),
    article("hn-d", "Hà Nội", "2021-01-05", topics_=("thi-hanh-an",)),
    article("tn-e", "Thái Nguyên", "2023-09-09", [NQ49], authors=["Hồng Nga"]),
    article("qg-f", None, "2023-10-10", [{"code": "84-KL/TW", "type": "Kết luận", "date": "2020-07-29",
                                         "issuer": "Bộ Chính trị"}], topics_=("toa-an",)),
    article("unsafe-g", "Hà Nội", "2021-02-02", source={"file": None, "url": "javascript:alert(3)",
                                                        "sha256": "g", "retrieved": None}),
    article("directive-h", "Bình Định", "2022-05-30", [NQ49], doc_type="directive", doc_number="14-CT/TU",
            issuer="Ban Thường vụ Tỉnh ủy Bình Định", signer="Hồ Quốc Dũng"),
]


@pytest.fixture(scope="session")
def browse_site(make_site):
    articles = [(m, UNSAFE_BODY if m["slug"] == "unsafe-g" else b) for m, b in ARTICLES]
    return make_site(articles, index=False)


@pytest.fixture(scope="session")
def publish_site(make_site):
    return make_site(ARTICLES, index=False, settings="publishconf.py",
                     env={"CCTP_SITEURL": "https://example.org/luu-tru"})


def page(output, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path / "index.html").read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    return " ".join(node.get_text(" ").split())


def listed(p: BeautifulSoup, selector: str = ".article-list__title a, .compact-list a") -> list[str]:
    return [a["href"].rstrip("/").rsplit("/", 1)[-1] for a in p.select(selector)]


# --- Cited documents --------------------------------------------------------------------

def test_cited_document_page_groups_citing_articles_by_province(browse_site):
    doc = page(browse_site, "van-ban/49-nq-tw-2005-06-02")
    assert "49-NQ/TW" in text(doc.find("h1"))
    facts = text(doc.select_one(".facts"))
    assert "02/06/2005" in facts and "Bộ Chính trị" in facts
    assert "Về Chiến lược cải cách tư pháp đến năm 2020" in text(doc.select_one(".document-title"))
    sections = {s["id"]: listed(s) for s in doc.select("section.document-section")}
    # The undated citation in Lạng Sơn is the one key document with that code.
    assert sections == {"tinh-bac-kan": ["bk-a"], "tinh-lang-son": ["ls-b"], "tinh-thai-nguyen": ["tn-e"],
                        "tinh-binh-dinh": ["directive-h"]}
    assert doc.select_one("#tinh-bac-kan h2 a")["href"] == "../../tinh/bac-kan/"


def test_undated_local_codes_are_one_document_per_province(browse_site):
    assert listed(page(browse_site, "van-ban/08-kh-bcd-bac-kan")) == ["bk-a"]
    assert listed(page(browse_site, "van-ban/08-kh-bcd-lang-son")) == ["ls-b"]
    assert not (browse_site / "van-ban/08-kh-bcd").exists()


def test_article_links_each_citation_to_its_document_page(browse_site):
    links = {text(a): a["href"] for a in page(browse_site, "bai-viet/ls-b").select(".citations a")}
    assert links == {"49-NQ/TW": "../../van-ban/49-nq-tw-2005-06-02/", "08-KH/BCĐ": "../../van-ban/08-kh-bcd-lang-son/"}


def test_documents_index_lists_key_documents_first(browse_site):
    index = page(browse_site, "van-ban")
    hrefs = [a["href"] for a in index.select(".document-list a")]
    assert hrefs[:2] == ["../van-ban/49-nq-tw-2005-06-02/", "../van-ban/84-kl-tw-2020-07-29/"]  # by date
    assert "../van-ban/08-kh-bcd-bac-kan/" in hrefs


# --- Tracker ----------------------------------------------------------------------------

def test_tracker_cells_count_and_link_each_provinces_citing_articles(browse_site):
    tracker = page(browse_site, "theo-doi-thuc-hien")
    columns = [text(th.select_one(".doc-code")) for th in tracker.select("thead th.tracker__doc")]
    assert columns == ["49-NQ/TW"]  # 84-KL/TW is cited only by an article without a province
    rows = {text(tr.th): tr for tr in tracker.select("tbody tr") if tr.th and tr.th.get("scope") == "row"}
    assert len(rows) == 63
    cell = rows["Bắc Kạn"].select_one("td a")
    assert cell["href"] == "../van-ban/49-nq-tw-2005-06-02/#tinh-bac-kan" and text(cell) == "1"
    header = tracker.select("thead th")[1 + [c for c in columns].index("49-NQ/TW")]
    assert header.a["href"] == "../van-ban/49-nq-tw-2005-06-02/"
    assert rows["Hà Nội"].select_one("td a") is None and "0/1" in text(rows["Hà Nội"])


# --- Topics, document types, authors, 2025 units, months ---------------------------------

def test_topic_pages_and_index(browse_site):
    assert listed(page(browse_site, "chu-de/toa-an")) == ["qg-f", "bk-c"]
    index = page(browse_site, "chu-de")
    assert len(index.select(".group-list li")) == len(topics())
    label = topics()["toa-an"]["label"]
    assert f"{label} (2)" in text(index)
    links = {a["href"] for a in page(browse_site, "bai-viet/bk-c").select(".meta-panel a")}
    assert "../../chu-de/toa-an/" in links


def test_doc_type_pages_use_vietnamese_slugs(browse_site):
    assert listed(page(browse_site, "loai-tai-lieu/ke-hoach")) == ["ls-b"]
    assert "directive-h" in listed(page(browse_site, "loai-tai-lieu/chi-thi"))
    assert page(browse_site, "bai-viet/ls-b").select_one('.meta-panel a[href="../../loai-tai-lieu/ke-hoach/"]')


def test_author_and_agency_pages(browse_site):
    assert listed(page(browse_site, "tac-gia/hong-nga")) == ["tn-e", "bk-a"]
    agency = page(browse_site, "tac-gia/ttxvn")
    assert text(agency.find("h1")) == "Cơ quan, báo: TTXVN" and listed(agency) == ["bk-a"]
    panel = page(browse_site, "bai-viet/bk-a").select_one(".meta-panel")
    assert panel.find("a", href="../../tac-gia/ttxvn/") and panel.find("a", href="../../tac-gia/hong-nga/")


def test_2025_unit_page_lists_its_old_provinces_articles(browse_site):
    unit = page(browse_site, "don-vi-2025/thai-nguyen")  # Thái Nguyên + Bắc Kạn
    assert listed(unit) == ["tn-e", "bk-c", "bk-a"]
    assert "Bắc Kạn" in text(unit.select_one(".lead")) and "Thái Nguyên" in text(unit.select_one(".lead"))
    index = page(browse_site, "don-vi-2025")
    assert len(index.select("tbody tr")) == 34 == len(index.select(".map__area"))
    panel = page(browse_site, "bai-viet/bk-a").select_one(".meta-panel .unit-2025 a")
    assert panel["href"] == "../../don-vi-2025/thai-nguyen/"


def test_month_pages_and_year_timeline(browse_site):
    assert listed(page(browse_site, "nam/2022/thang-05")) == ["directive-h", "ls-b"]
    year = page(browse_site, "nam/2022")
    bars = {a.title.get_text(): a["href"] for a in year.select(".timeline a")}
    assert bars["Tháng 5/2022: 2 bài viết"] == "../../nam/2022/thang-05/"
    assert len(bars) == 3  # March, May, June; empty months are not links
    home = page(browse_site, "")
    assert home.select_one(".timeline svg[role=img] title")


# --- Maps -------------------------------------------------------------------------------

def test_province_map_links_shaded_provinces_and_draws_the_archipelagos(browse_site):
    index = page(browse_site, "tinh")
    svg = index.select_one("svg.map__svg")
    areas = svg.select(".map__area")
    assert len(areas) == len(gazetteer().provinces) == 63
    links = {a["href"]: a["aria-label"] for a in svg.find_all("a")}
    assert links["../tinh/bac-kan/"] == "Bắc Kạn: 2 bài viết"
    assert "../tinh/ha-noi/" in links and "../tinh/ca-mau/" not in links
    shaded = svg.find("a", href="../tinh/bac-kan/").path["class"]
    assert "map__area--0" not in shaded
    labels = [text(t) for t in svg.select("text.map__label")]
    assert labels == ["Quần đảo Hoàng Sa", "Quần đảo Trường Sa"]
    assert len(svg.select(".map__archipelago circle")) >= 20
    rows = index.select(".data-table tbody tr")
    assert len(rows) == 63
    bac_kan = next(r for r in rows if text(r.th) == "Bắc Kạn")
    assert [text(td) for td in bac_kan.find_all("td")][1:] == ["2", "Tỉnh Thái Nguyên"]


def test_province_page_lists_key_documents_and_years(browse_site):
    p = page(browse_site, "tinh/bac-kan")
    facts = text(p.select_one(".facts"))
    assert "2022: 2" in facts
    assert p.select_one('.facts a[href="../../van-ban/49-nq-tw-2005-06-02/#tinh-bac-kan"]')


# --- Article page: related, previous/next -----------------------------------------------

def test_related_articles_share_a_document_province_or_topic(browse_site):
    related = listed(page(browse_site, "bai-viet/bk-a").select_one(".related"))
    # The same cited document (and topic) outweighs the same province, which outweighs a topic.
    assert set(related[:3]) == {"ls-b", "tn-e", "directive-h"}
    assert related[3:] == ["bk-c", "unsafe-g"]
    assert "hn-d" not in related  # nothing in common


def test_previous_and_next_stay_in_the_province(browse_site):
    nav = page(browse_site, "bai-viet/bk-a").select_one("nav.article-nav")
    assert "Bắc Kạn" in text(nav)
    assert nav.select_one("a[rel=next]")["href"] == "../../bai-viet/bk-c/"
    assert nav.select_one("a[rel=prev]") is None


# --- Sanitising -------------------------------------------------------------------------

def test_unsafe_html_is_removed_from_the_page(browse_site):
    html = (browse_site / "bai-viet/unsafe-g/index.html").read_text(encoding="utf-8")
    body = BeautifulSoup(html, "html.parser")
    assert [s.get("type") for s in body.find_all("script")] == ["application/ld+json"]
    assert "alert(" not in html and "onerror" not in html and "javascript:" not in html
    assert body.select_one('.prose a[href="https://example.org/ok"]')
    assert body.select_one(".prose img")["src"] == "a.png"


def test_cctp_check_warns_about_unsafe_html(tmp_path):
    from conftest import write_article
    path = write_article(tmp_path, ARTICLES[6][0], UNSAFE_BODY)
    findings, _ = check_file(path, is_page=False)
    warnings = [str(f) for f in findings if not f.error]
    unsafe = [w for w in warnings if "HTML không an toàn" in w]
    assert len(unsafe) == 1
    assert "<script>" in unsafe[0] and "onerror" in unsafe[0] and "javascript:" in unsafe[0]
    assert not any(f.error for f in findings)
    clean = write_article(tmp_path, {**ARTICLES[0][0], "slug": "sach"}, "Đoạn **đậm** và [liên kết](https://a.vn).")
    assert not [f for f in check_file(clean, is_page=False)[0] if "HTML" in f.message]


# --- Search engines, previews, feeds ----------------------------------------------------

def jsonld(p: BeautifulSoup) -> dict:
    return json.loads(p.find("script", type="application/ld+json").string)


def test_structured_data_news_and_full_text_documents(browse_site):
    news = jsonld(page(browse_site, "bai-viet/bk-a"))
    assert news["@type"] == "NewsArticle" and news["headline"] == "Bài bk-a"
    assert news["datePublished"] == "2022-03-10" and news["inLanguage"] == "vi"
    assert {"@type": "Organization", "name": "TTXVN"} in news["author"]
    assert news["contentLocation"]["name"] == "Bắc Kạn"
    assert "url" not in news  # the relative build has no site address
    doc = jsonld(page(browse_site, "bai-viet/directive-h"))
    assert doc["@type"] == "DigitalDocument" and doc["identifier"] == "14-CT/TU"
    assert {"@type": "Organization", "name": "Ban Thường vụ Tỉnh ủy Bình Định"} in doc["author"]


def test_relative_build_has_robots_but_no_sitemap_or_canonical(browse_site):
    assert (browse_site / "robots.txt").read_text(encoding="utf-8").startswith("User-agent: *")
    assert not (browse_site / "sitemap.xml").exists()
    assert page(browse_site, "bai-viet/bk-a").find("link", rel="canonical") is None


def test_publish_build_canonical_open_graph_sitemap_and_feeds(publish_site):
    site = "https://example.org/luu-tru"
    art = page(publish_site, "bai-viet/bk-a")
    assert art.find("link", rel="canonical")["href"] == f"{site}/bai-viet/bk-a/"
    og = {m["property"]: m["content"] for m in art.find_all("meta", property=True)}
    assert og["og:url"] == f"{site}/bai-viet/bk-a/" and og["og:type"] == "article"
    assert og["og:title"] == "Bài bk-a" and og["og:locale"] == "vi_VN"
    assert jsonld(art)["url"] == f"{site}/bai-viet/bk-a/"
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text for e in ET.parse(publish_site / "sitemap.xml").getroot().findall("s:url/s:loc", ns)]
    assert f"{site}/bai-viet/bk-a/" in locs and f"{site}/van-ban/49-nq-tw-2005-06-02/" in locs
    assert f"{site}/" in locs and not any("/trang/" in u or "pagefind" in u for u in locs)
    assert f"Sitemap: {site}/sitemap.xml" in (publish_site / "robots.txt").read_text(encoding="utf-8")
    atom = "{http://www.w3.org/2005/Atom}"
    for feed, expected in [("feeds/all.atom.xml", 8), ("tinh/bac-kan/atom.xml", 2), ("chu-de/toa-an/atom.xml", 2)]:
        entries = ET.parse(publish_site / feed).getroot().findall(f"{atom}entry")
        assert len(entries) == expected, feed
    links = [e.find(f"{atom}link").get("href") for e in ET.parse(publish_site / "tinh/bac-kan/atom.xml").getroot().findall(f"{atom}entry")]
    assert links == [f"{site}/bai-viet/bk-c/", f"{site}/bai-viet/bk-a/"]
    assert page(publish_site, "tinh/bac-kan").select_one(f'a[href="{site}/tinh/bac-kan/atom.xml"]')


def test_every_page_declares_vietnamese_and_one_h1(corpus_site):
    for path in sorted(corpus_site.rglob("*.html"))[::7]:
        if "pagefind" in path.parts:
            continue
        html = path.read_text(encoding="utf-8")
        assert '<html lang="vi">' in html, path
        assert len(re.findall(r"<h1[\s>]", html)) == 1, path


def test_the_sitemap_is_written_whole_when_it_changes_and_old_numbered_ones_go(tmp_path, monkeypatch):
    """cctp_sitemap writes a file only when its bytes change, by replacing it whole (a new
    file: a live site never serves half of one), and removes numbered sitemaps no longer
    needed (the clean-up of `cctp build` leaves them to it)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
    import cctp_sitemap as sitemap

    for n in range(5):
        (tmp_path / f"bai-{n}").mkdir()
        (tmp_path / f"bai-{n}" / "index.html").write_text("x", encoding="utf-8")

    def files() -> dict[str, int]:
        return {p.name: p.stat().st_ino for p in tmp_path.glob("sitemap*.xml")}

    monkeypatch.setattr(sitemap, "LIMIT", 2)
    sitemap.write_sitemap(tmp_path, "https://example.org")
    first = files()
    assert sorted(first) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    sitemap.write_sitemap(tmp_path, "https://example.org")
    assert files() == first  # the same pages: no file written
    (tmp_path / "bai-4" / "index.html").unlink()
    sitemap.write_sitemap(tmp_path, "https://example.org")
    now = files()  # four pages: two numbered files as they were, the index written anew
    assert sorted(now) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap.xml"]
    assert now["sitemap-2.xml"] == first["sitemap-2.xml"] and now["sitemap.xml"] != first["sitemap.xml"]
    monkeypatch.setattr(sitemap, "LIMIT", 50_000)
    sitemap.write_sitemap(tmp_path, "https://example.org")
    assert list(files()) == ["sitemap.xml"]
    assert "<loc>https://example.org/bai-3/</loc>" in (tmp_path / "sitemap.xml").read_text(encoding="utf-8")
