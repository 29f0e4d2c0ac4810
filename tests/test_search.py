"""Search without a browser: the text code the index is written in, the search view Pagefind
reads, and what each article and the search page carry for search (docs/search.md)."""
from __future__ import annotations

import gzip
import json
import unicodedata

import pytest
from bs4 import BeautifulSoup

from conftest import SAMPLES
from scrapers.gazetteer import gazetteer
from scrapers.index import CODE, EVERY_PAGE, MARK, TERMINATOR, decode_text, encode_text, letter_forms, plan_main, plan_periods, search_view
from scrapers.text import strip_diacritics

ALL_LETTERS = "".join(letter_forms().values())
TEXTS = [
    "Đắk Lắk: Điện Biên, thi hành án dân sự (10-ĐA/TU) — NGHỊ QUYẾT số 49-NQ/TW",
    "hoà giải và hòa giải, uỷ ban và ủy ban; Quảng Ngãi, Bà Rịa - Vũng Tàu.",
    ALL_LETTERS + " " + ALL_LETTERS.upper(),
    "nghiêng`ngả `` a`b`",        # the code's own mark, alone and glued to words
    "München, Ωmega, naïve 2Đ x2ệ",  # letters Vietnamese does not use are left as they are
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_code_round_trips(text):
    assert decode_text(encode_text(text)) == text


def test_decomposed_input_round_trips_to_composed_text():
    text = "Thừa Thiên Huế, Đồng Tháp"
    assert decode_text(encode_text(unicodedata.normalize("NFD", text))) == text


def test_vietnamese_words_become_ascii_words_ended_and_with_a_glued_code():
    text = "Tỉnh Đắk Lắk tăng cường phổ biến pháp luật"
    encoded = encode_text(text)
    assert encoded.replace(TERMINATOR, "").isascii()
    words = encoded.split()
    assert len(words) == len(text.split())  # one token per word: positions are the text's
    for word, original in zip(words, text.split()):
        letters, _, code = word.partition(TERMINATOR)
        assert letters.lower() == strip_diacritics(original)  # "tu" never a prefix of "tuan…"
        assert set(code) <= set(MARK + CODE)


def test_terminator_in_the_text_is_dropped_from_the_view_only():
    assert decode_text(encode_text(f"a{TERMINATOR}b")) == "ab"


def test_index_is_cut_in_main_bundles_and_calendar_periods():
    months = {f"p{i}": (2024, 1 + i % 12) for i in range(30)} | {"old": (2010, 5), "none": None}
    months |= {f"o{i}": (2011 + i % 3, 1) for i in range(12)}  # 2011-2013: 4 pages a year
    periods = plan_periods(months, limit=10)
    # 2024 is cut into quarters (halves would hold 15); small years share a period; newest first.
    assert list(periods) == ["2024-q4", "2024-q3", "2024-q2", "2024-q1", "2013", "2010-2012", "khong-ngay"]
    assert sorted(sum(periods.values(), [])) == sorted(months)
    main = plan_main(months, limit=20)
    assert list(main) == ["2024", "2010"] and len(main["2024"]) == 30  # a year is never split
    assert len(main["2010"]) == 14
    whole = plan_main(months, limit=100)
    assert list(whole) == ["2010"] and sorted(whole["2010"]) == sorted(months)


def test_search_view_keeps_markup_and_attribute_values():
    html = ('<div data-pagefind-body><h1 data-pagefind-meta="title">Điện Biên</h1>'
            '<span data-pagefind-filter="tinh:dien-bien" title="Điện Biên"></span><p>Đắk Lắk &amp; Gia Lai</p></div>')
    view = search_view(html)
    assert '<span data-pagefind-filter="tinh:dien-bien" title="Điện Biên"></span>' in view
    assert "<h1 data-pagefind-meta=\"title\">Dien" in view and f"&amp; Gia{TERMINATOR} Lai{TERMINATOR}" in view
    # Decoded, the view is the page, but for the word every article holds (terminators only).
    assert decode_text(view) == html.replace("<div data-pagefind-body>", "<div data-pagefind-body> ")
    assert f"<div data-pagefind-body>{EVERY_PAGE} <h1" in view


# --- What the build writes ---------------------------------------------------------------

def page(output, path):
    return BeautifulSoup((output / path).read_text(encoding="utf-8"), "html.parser")


def fragments(output):
    for path in (output / "pagefind").glob("chinh/*/fragment/*.pf_fragment"):
        yield json.loads(gzip.decompress(path.read_bytes())[len(b"pagefind_dcd"):])


def test_article_carries_its_search_data_once_inside_the_indexed_region(sample_site):
    meta = SAMPLES["project"][0]
    article = page(sample_site, f"bai-viet/{meta['slug']}/index.html")
    body = article.select_one("[data-pagefind-body]")
    data = body.select(".pagefind-data")
    assert len(data) == 1 and data[0].has_attr("hidden") and data[0].has_attr("data-pagefind-ignore")
    filters = sorted(el["data-pagefind-filter"] for el in body.select("[data-pagefind-filter]"))
    assert filters == ["chu-de:bo-tro-tu-phap", "chu-de:lanh-dao-cua-dang", "don-vi:thai-nguyen",
                       "loai:de-an", "nam:2022", "tinh-thai-nguyen:1", "tinh:thai-nguyen"]
    assert [el["data-pagefind-sort"] for el in body.select("[data-pagefind-sort]")] == ["date:2022-04-13"]
    assert body.select_one('[data-pagefind-meta="tinh"]').get_text() == "Thái Nguyên"
    panel = body.select_one(".meta-panel")
    assert panel.has_attr("data-pagefind-ignore")
    assert not panel.select("[data-pagefind-filter], [data-pagefind-meta], [data-pagefind-sort]")


def test_index_records_filters_sort_and_spelled_text(sample_site):
    records = {r["url"]: r for r in fragments(sample_site)}
    project = records[f"/bai-viet/{SAMPLES['project'][0]['slug']}/"]
    assert decode_text(project["meta"]["title"]) == SAMPLES["project"][0]["title"]
    assert decode_text(project["meta"]["tinh"]) == "Thái Nguyên"
    assert project["meta"]["ngay"] == "2022-04-13"
    assert project["filters"]["tinh"] == ["thai-nguyen"] and project["filters"]["nam"] == ["2022"]
    assert project["content"].replace(TERMINATOR, "").isascii()
    assert "bổ trợ tư pháp" in decode_text(project["content"])
    assert "Ngày đăng" not in decode_text(project["content"])  # the metadata panel is not indexed
    english = records[f"/bai-viet/{SAMPLES['english'][0]['slug']}/"]
    assert "tinh" not in english["filters"] and english["filters"]["nam"] == ["2023"]


def test_search_page_embeds_its_data_and_loads_no_default_ui(sample_site):
    search = page(sample_site, "tim-kiem/index.html")
    data = json.loads(search.find("script", id="du-lieu-tim-kiem").string)
    assert [f["key"] for f in data["filters"]] == ["tinh", "don-vi", "nam", "loai", "chu-de"]
    assert len(data["provinces"]) == len(gazetteer().provinces) == 63
    keys = {p["slug"]: p["keys"] for p in data["provinces"]}
    assert {"dak lak", "daklak"} <= set(keys["dak-lak"]) and "dien bien" in keys["dien-bien"]
    assert all(" " in k or len(k) >= 5 for ks in keys.values() for k in ks)  # no "hn", "hue"
    assert data["codec"]["letters"]["d"] == "đ" and data["codec"]["mark"] == MARK
    scripts = [s.get("src") for s in search.find_all("script", src=True)]
    assert scripts == ["../theme/js/search.js"] and search.find("script", src=True)["type"] == "module"
    assert search.select_one("#tim-kiem")["data-bundle"] == "../pagefind/"
    labels = [el.get_text() for el in search.select("label.pagefind-ui__filter-name")]
    assert labels[:3] == ["Tỉnh/thành", "Đơn vị hành chính từ 01/07/2025", "Năm"]


def test_an_article_carries_its_filters_from_when_it_is_made(monkeypatch, tmp_path):
    """The filters follow from the article alone: made with it (content_object_init), so the
    finished-article cache keeps them and a build restoring 10,000 articles does not make them
    again; the years the search page offers are gathered from them."""
    from types import SimpleNamespace

    from pelican import signals
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import read_settings
    from pelican.utils import SafeDatetime

    from conftest import ROOT
    monkeypatch.syspath_prepend(str(ROOT / "plugins"))
    import cctp_metadata
    import cctp_search
    from cctp_read_cache import finished

    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache")})
    source = tmp_path / "bai.md"
    source.write_text("x", encoding="utf-8")
    # The plugins' receivers are called by hand below, in the order under test.
    monkeypatch.setattr(signals.content_object_init, "receivers", {})
    made = Article("<p>Hòa giải.</p>", settings=settings, source_path=str(source), context={},
                   metadata={"title": "Hội nghị", "date": SafeDatetime(2023, 5, 2), "province": "Đắk Lắk",
                             "topics": ["toa-an"]})
    cctp_search.attach_filters(made)  # before cctp_metadata: left for later
    assert not hasattr(made, "search_filters")
    cctp_metadata.normalise(made)
    cctp_search.attach_filters(made)
    assert {("tinh", "dak-lak"), ("nam", "2023"), ("chu-de", "toa-an")} <= set(made.search_filters)
    assert made.search_filters == cctp_search.article_filters(made)

    monkeypatch.setitem(finished._salt, id(settings), (settings, "stamp"))
    memo = finished.Memo(Readers(settings, "ArticlesGenerator-Readers"))
    memo.keep(str(source), (1, 2), made, [])
    restored = memo.restore(str(source), memo.entry(str(source), (1, 2), Article), Article, {})
    assert restored.search_filters == made.search_filters

    lists = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts", "drafts_translations")
    generator = SimpleNamespace(**{name: [] for name in lists},
                                context={"SEARCH_DATA": {"filters": [{"key": "nam", "values": None}]}})
    generator.articles = [restored]
    cctp_search.annotate_articles(generator)
    assert generator.context["SEARCH_DATA"]["filters"][0]["values"] == {"2023": "2023"}
