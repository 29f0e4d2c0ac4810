"""plugins/cctp_documents: the document each citation names is found once per distinct
citation and province, and every citation gets the slug and document it would get alone
(dated and undated, key and other, central and local codes, a value that cannot be a key)."""
from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
import cctp_documents as plugin  # noqa: E402
from scrapers.gazetteer import load_json  # noqa: E402

CITATIONS = [
    {"code": "49-NQ/TW", "date": "2005-06-02"},        # a key document
    {"code": "49-NQ/TW"},                              # undated, one key document with that code
    {"code": "08-KH/BCĐ"},                             # undated local code: one page per province
    {"code": "08-KH/BCĐ", "date": "2021-03-04T00:00:00"},
    {"code": "30/2020/NĐ-CP", "issuer": "Chính phủ"},  # undated central code
    {"code": "12-KH/TU", "title": ["một", "danh sách"]},  # not hashable
    {"title": "không có số hiệu"},
]


def test_each_citation_names_the_document_it_names_alone():
    provinces = [None, SimpleNamespace(slug="lang-son"), SimpleNamespace(slug="binh-dinh")]
    articles = [SimpleNamespace(province_info=province, citations=[dict(c) for c in CITATIONS])
                for _ in range(3) for province in provinces]
    generator = SimpleNamespace(keys_=plugin.KeyDocuments(load_json("key_documents.json")["documents"]),
                                identified={})
    generator.document = plugin.DocumentGenerator.document.__get__(generator)
    generator.identify = plugin.DocumentGenerator.identify.__get__(generator)

    for article in articles:
        found = plugin.DocumentGenerator.keys(generator, article)
        alone = []
        for citation in CITATIONS:
            info = plugin.identify(citation, article.province_info, generator.keys_)
            if info is not None:
                alone.append((plugin.document_slug(info.code, info.date, info.province), info.code, info))
        assert found == alone
        made = article.citations
        groups = [SimpleNamespace(slug=slug, url=f"van-ban/{slug}/") for slug in dict.fromkeys(s for s, _, _ in found)]
        plugin.DocumentGenerator.annotate(generator, article, groups)
        expected = [next((slug for slug, _, info in alone if info == plugin.identify(c, article.province_info, generator.keys_)), None)
                    for c in CITATIONS]
        assert [c.get("doc_slug") for c in article.citations] == expected
        assert [c["url"] for c in article.citations] == [slug and f"van-ban/{slug}/" for slug in expected]
        assert article.cited_slugs == [g.slug for g in groups]
        # New citations: the ones the article was made with are left as they were
        # (cctp_incremental takes an article's own values as unchanged since it was made).
        assert made == [dict(c) for c in CITATIONS] and article.citations is not made
    slugs = {slug for article in articles for slug, _, _ in plugin.DocumentGenerator.keys(generator, article)}
    assert {"49-nq-tw-2005-06-02", "08-kh-bcd-lang-son", "08-kh-bcd-binh-dinh", "08-kh-bcd"} <= slugs
    assert len(generator.identified) == len(CITATIONS) * len(provinces) - len(provinces)  # the list title
