"""Document-type pages (news, plans, directives…; ``DOC_TYPE_SAVE_AS``) and their index.

URLs use the Vietnamese label ("Kế hoạch" → ``loai-tai-lieu/ke-hoach/``), not the English
slug stored in the front matter. Each article gets ``doc_type_url``.
"""
from __future__ import annotations

from pelican import signals

from cctp_listing import GroupedGenerator
from scrapers.gazetteer import doc_types
from scrapers.text import slug


class DocTypeGenerator(GroupedGenerator):
    name = "doc_type"
    index_name = "doc_types"
    defaults = {
        "DOC_TYPE_URL": "loai-tai-lieu/{slug}/",
        "DOC_TYPE_SAVE_AS": "loai-tai-lieu/{slug}/index.html",
        "DOC_TYPES_URL": "loai-tai-lieu/",
        "DOC_TYPES_SAVE_AS": "loai-tai-lieu/index.html",
    }

    def known_groups(self):
        return ((slug(t["label"]), t["plural"], t) for t in doc_types().values())

    def keys(self, article):
        kind = doc_types().get(article.metadata.get("doc_type"))
        return [(slug(kind["label"]), kind["plural"], kind)] if kind else []

    def annotate(self, article, groups):
        if groups:
            article.doc_type_url = groups[0].url


def get_generators(pelican):
    return DocTypeGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
