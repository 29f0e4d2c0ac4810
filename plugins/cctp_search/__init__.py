"""Search-only data: what Pagefind files under each article, and what the search page needs.

- Each article gets ``search_filters``: (filter, value) pairs for the Pagefind filters
  (partials/pagefind-data.html). Filter names and values are the search page's URL
  parameters and values (``?tinh=dak-lak&nam=2023``), so one vocabulary serves the index,
  the address bar and the page; labels come from ``SEARCH_DATA``.
- The template context gets ``SEARCH_DATA`` (embedded as JSON in the search page): filter
  labels, the provinces' names and variants folded for spotting a province in a query
  (scrapers/data/provinces.json through the gazetteer), and the tables of the text code the
  index is written in (scrapers/index.py).

The filters are made when the article is (content_object_init, after ``cctp_metadata``, which
gives province_info, unit_2025 and topic_items: list this plugin after it), from the article
alone, so cctp_read_cache keeps them with it; the years offered are gathered once every
article has been read (article_generator_finalized).
"""
from __future__ import annotations

import datetime as dt
import re
from itertools import chain

from pelican import signals
from pelican.contents import Article

from scrapers.gazetteer import doc_types, gazetteer, topics
from scrapers.index import codec_tables
from scrapers.text import slug, strip_diacritics

# URL parameter → label, in the order the search page shows the filters.
FILTERS = {
    "tinh": "Tỉnh/thành",
    "don-vi": "Đơn vị hành chính từ 01/07/2025",
    "nam": "Năm",
    "loai": "Loại tài liệu",
    "chu-de": "Chủ đề",
}
PROVINCE_FLAG = "tinh-"
# The search page ranks a query over the whole archive at once when Pagefind's cost estimate
# (matches × postings, docs/search.md "Size and speed") is within this; else period by period.
RANKING_BUDGET = 1_000_000
# A province is spotted in a query by a name of two words or more, or a single word of this
# many letters ("daklak", "saigon"): short variants ("HN", "Huế") are ordinary words too.
MIN_SINGLE_WORD = 5


def fold_key(text: str) -> str:
    """'TP. Hồ Chí Minh' → 'tp ho chi minh': the form queries are compared in."""
    return " ".join(re.sub(r"[^\w]+", " ", strip_diacritics(text)).split())


def doc_type_slug(label: str) -> str:
    # The same slug as the document-type pages (cctp_doc_types): one URL word per kind.
    return slug(label)


def article_filters(article) -> list[tuple[str, str]]:
    pairs = []
    province = getattr(article, "province_info", None)
    if province is not None:
        pairs.append(("tinh", province.slug))
        # A filter of its own per province, for the search page's province tier: a query that
        # names one then fetches that province's short page list, not every province's.
        pairs.append((f"{PROVINCE_FLAG}{province.slug}", "1"))
    unit = getattr(article, "unit_2025", None)
    if unit is not None:
        pairs.append(("don-vi", unit.slug))
    date = getattr(article, "date", None)
    if date is not None and date.year < dt.MAXYEAR:  # Pelican's placeholder for undated drafts
        pairs.append(("nam", str(date.year)))
    kind = doc_types().get(article.metadata.get("doc_type"))
    if kind is not None:
        pairs.append(("loai", doc_type_slug(kind["label"])))
    known = topics()
    pairs.extend(("chu-de", t["slug"]) for t in getattr(article, "topic_items", []) if t["slug"] in known)
    return pairs


def search_data() -> dict:
    g = gazetteer()
    provinces = []
    for p in g.provinces:
        keys = {fold_key(n) for n in (p.name, *p.variants)}
        keys = sorted(k for k in keys if " " in k or len(k) >= MIN_SINGLE_WORD)
        provinces.append({"slug": p.slug, "name": p.name, "keys": keys})
    values = {
        "tinh": {p.slug: p.name for p in g.provinces},
        "don-vi": {u.slug: u.name for u in g.units_2025},
        "loai": {doc_type_slug(t["label"]): t["label"] for t in doc_types().values()},
        "chu-de": {t["slug"]: t["label"] for t in topics().values()},
    }
    return {
        "filters": [{"key": key, "label": label, "values": values.get(key)} for key, label in FILTERS.items()],
        "provinces": provinces,
        "codec": codec_tables(),
        "province_flag": PROVINCE_FLAG,
        "ranking_budget": RANKING_BUDGET,
    }


def attach_filters(content) -> None:
    """content_object_init: the filter pairs of every article, drafts included (the editors'
    preview indexes them). Left to annotate_articles if cctp_metadata has not run before."""
    if isinstance(content, Article) and hasattr(content, "province_info"):
        content.search_filters = article_filters(content)


def annotate_articles(generator) -> None:
    """article_generator_finalized: list the years the search page offers."""
    years = set()
    for article in chain(generator.articles, generator.translations, generator.hidden_articles,
                         generator.hidden_translations, generator.drafts, generator.drafts_translations):
        filters = getattr(article, "search_filters", None)
        if filters is None:  # not made with the article (attach_filters)
            filters = article.search_filters = article_filters(article)
        years.update(value for name, value in filters if name == "nam")
    data = generator.context.get("SEARCH_DATA")
    if data is not None:
        for entry in data["filters"]:
            if entry["key"] == "nam":
                entry["values"] = {year: year for year in sorted(years, reverse=True)}


def add_search_data(generator) -> None:
    """generator_init: the generators share one context, so setting it once is enough."""
    if "SEARCH_DATA" not in generator.context:
        generator.context["SEARCH_DATA"] = search_data()


def register() -> None:
    signals.generator_init.connect(add_search_data)
    signals.content_object_init.connect(attach_filters)
    signals.article_generator_finalized.connect(annotate_articles)
