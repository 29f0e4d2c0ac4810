"""Cited-document pages: one per document that articles cite (``DOCUMENT_SAVE_AS``), with
its code, date, issuer and title where known and every citing article grouped by province;
and an index (``DOCUMENTS_SAVE_AS``) with the key central documents first.

Party numbers restart every term, so a document is its code *and* date:
``van-ban/49-nq-tw-2005-06-02/``. An undated citation of a code that is exactly one key
central document (scrapers/data/key_documents.json) is that document; other undated codes
get a page of their own, per province for local codes (central_issuers.json), since
"08-KH/BCĐ" of Lạng Sơn is not that of Bình Định.

Each citation in ``article.citations`` gets ``url`` and ``doc_slug``; each article gets
``cited_slugs`` (for related articles and the tracker).
"""
from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pelican import signals

from cctp_listing import GroupedGenerator
from scrapers.gazetteer import load_json
from scrapers.text import fold, slug

CENTRAL = frozenset(json.loads((Path(__file__).parent / "central_issuers.json").read_text(encoding="utf-8"))["codes"])


@dataclass(frozen=True)
class DocumentInfo:
    code: str
    date: str | None            # ISO date, None when no citation gave one
    type: str | None
    issuer: str | None
    title: str | None
    key: bool                   # a key central document of the data file
    province: str | None = None  # for an undated local code: the citing province


def issuer_code(code: str) -> str:
    """'49-NQ/TW' → 'TW'; '30/2020/NĐ-CP' → 'CP'; '202/2025/QH15' → 'QH'."""
    tail = code.rsplit("/", 1)[-1].rsplit("-", 1)[-1]
    return re.sub(r"\d+$", "", tail)


def is_central(code: str) -> bool:
    return issuer_code(code) in CENTRAL


def document_slug(code: str, date: str | None, scope: str | None = None) -> str:
    return "-".join(filter(None, (slug(code), date, scope)))


class KeyDocuments:
    def __init__(self, documents: list[dict]):
        self.by_code: dict[str, list[dict]] = defaultdict(list)
        for doc in documents:
            self.by_code[fold(doc["code"])].append(doc)

    def find(self, code: str, date: str | None) -> dict | None:
        """The key document cited: by code and date, or by code alone when it is unique."""
        found = self.by_code.get(fold(code), [])
        if date:
            return next((d for d in found if d["date"] == date), None)
        return found[0] if len(found) == 1 else None


def identify(citation: dict, province, keys: KeyDocuments) -> DocumentInfo | None:
    code = citation.get("code")
    if not code:
        return None
    date = citation.get("date")
    date = date[:10] if date and re.match(r"\d{4}-\d{2}-\d{2}", date) else None
    key = keys.find(code, date)
    if key:
        return DocumentInfo(key["code"], key["date"], key.get("type"), key.get("issuer"),
                            key.get("subject"), True)
    scope = province.slug if (not date and province and not is_central(code)) else None
    return DocumentInfo(code, date, citation.get("type"), citation.get("issuer"),
                        citation.get("title"), False, scope)


class DocumentGenerator(GroupedGenerator):
    name = "document"
    index_name = "documents"
    paginate = False
    defaults = {
        "DOCUMENT_URL": "van-ban/{slug}/",
        "DOCUMENT_SAVE_AS": "van-ban/{slug}/index.html",
        "DOCUMENTS_URL": "van-ban/",
        "DOCUMENTS_SAVE_AS": "van-ban/index.html",
    }

    def generate_context(self) -> None:
        self.keys_ = KeyDocuments(load_json("key_documents.json")["documents"])
        # The same citation (and province) is the same document: most archives cite a few
        # hundred documents many thousand times (folding codes and making slugs, per citation,
        # was most of this generator's time).
        self.identified: dict[tuple, tuple[str, DocumentInfo] | None] = {}
        super().generate_context()

    def keys(self, article):
        province = getattr(article, "province_info", None)
        found = [self.identify(citation, province) for citation in getattr(article, "citations", [])]
        self.found = (article, found)  # for annotate, next, with the same article
        return [(slug, info.code, info) for slug, info in filter(None, found)]

    def identify(self, citation: dict, province) -> tuple[str, DocumentInfo] | None:
        """(slug, info) of the document a citation names, or None; once per citation and province."""
        key = (citation.get("code"), citation.get("date"), citation.get("type"), citation.get("issuer"),
               citation.get("title"), province.slug if province else None)
        try:
            found = self.identified[key]
        except KeyError:
            found = self.identified[key] = self.document(citation, province)
        except TypeError:  # a value that is not hashable (a list from the front matter)
            found = self.document(citation, province)
        return found

    def document(self, citation: dict, province) -> tuple[str, DocumentInfo] | None:
        """(slug, info) of the document a citation names, or None."""
        info = identify(citation, province, self.keys_)
        return None if info is None else (document_slug(info.code, info.date, info.province), info)

    def annotate(self, article, groups):
        # New citations, not the article's own changed in place: cctp_incremental digests an
        # article by how it was made plus what was set on it since.
        if hasattr(article, "citations"):
            done = getattr(self, "found", None)
            if done is not None and done[0] is article:
                found = done[1]
            else:
                province = getattr(article, "province_info", None)
                found = [self.identify(citation, province) for citation in article.citations]
            urls = {g.slug: g.url for g in groups}
            cited = []
            for citation, document in zip(article.citations, found):
                if document is None:
                    cited.append({**citation, "url": urls.get(citation.get("doc_slug"))})
                else:
                    cited.append({**citation, "doc_slug": document[0], "url": urls.get(document[0])})
            article.citations = cited
        self.found = None
        article.cited_slugs = [g.slug for g in groups]

    def extra_context(self):
        return {"document_by_slug": self.by_slug}

    def order(self, groups):
        # Key documents first (by date), then the most cited.
        return sorted(groups, key=lambda g: (not g.info.key, g.info.date or "" if g.info.key else "",
                                             -g.count, g.slug))

    def write_group(self, write, template, group):
        by_province = defaultdict(list)
        for article in group.articles:
            by_province[getattr(article, "province_info", None)].append(article)
        # Provinces in the gazetteer's order (as on the province index), national items last.
        sections = sorted(by_province.items(), key=lambda kv: (kv[0] is None, kv[0].code_gso if kv[0] else ""))
        group.sections = sections
        write(group.save_as, template, self.context, group=group, sections=sections,
              template_name=self.name, url=group.url)


def get_generators(pelican):
    return DocumentGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
