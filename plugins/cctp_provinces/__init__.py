"""Province pages: one per pre-2025 province that has articles (``PROVINCE_SAVE_AS``), and an
index of all 63 grouped by region with article counts, a map and a table
(``PROVINCES_SAVE_AS``; the map comes from ``cctp_map``).

Relies on ``cctp_metadata`` having attached ``province_info`` to each article. Each article
gets ``province_url``; each group's ``info`` is the gazetteer's Province and ``unit`` its 2025
unit.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from pelican import signals

from cctp_listing import GroupedGenerator, Link
from scrapers.gazetteer import gazetteer


class ProvinceGenerator(GroupedGenerator):
    name = "province"
    index_name = "provinces"
    feed_title = "{name} — cải cách tư pháp"
    defaults = {
        "PROVINCE_URL": "tinh/{slug}/",
        "PROVINCE_SAVE_AS": "tinh/{slug}/index.html",
        "PROVINCES_URL": "tinh/",
        "PROVINCES_SAVE_AS": "tinh/index.html",
    }

    def known_groups(self):
        # Data-file order: GSO codes, so regions come in their usual order.
        return ((p.slug, p.name, p) for p in gazetteer().provinces)

    def keys(self, article):
        province = getattr(article, "province_info", None)
        return [(province.slug, province.name, province)] if province else []

    def annotate(self, article, groups):
        if groups:
            article.province_url = groups[0].url

    def extra_context(self):
        g = gazetteer()
        regions = defaultdict(list)
        for group in self.groups:
            group.unit = g.unit(group.info.unit_2025)
            regions[group.info.region].append(group)
        self.context["province_by_slug"] = self.by_slug
        return {"province_regions": list(regions.items()), "province_urls": self.group_urls()}


    def write_group(self, write, template, group):
        """Adds the year counts and the key central documents the province's articles cite,
        counted in one pass over its articles."""
        years, cited = Counter(), Counter()
        documents = self.context.get("document_by_slug", {})
        for article in group.articles:
            years[article.date.year] += 1
            for slug in getattr(article, "cited_slugs", []):
                doc = documents.get(slug)
                if doc is not None and doc.info.key:
                    cited[slug] += 1
        key_documents = [(Link(doc.name, doc.url), n) for doc, n in sorted(
            ((documents[s], n) for s, n in cited.items()), key=lambda dn: dn[0].info.date or "")]
        write(group.save_as, template, self.context, group=group, articles=group.articles,
              dates=group.articles, years=sorted(years.items(), reverse=True),
              key_documents=key_documents, template_name=self.name, url=group.url)


def get_generators(pelican):
    return ProvinceGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
