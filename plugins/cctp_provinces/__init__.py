"""Province pages: one per pre-2025 province that has articles (``PROVINCE_SAVE_AS``), and an
index of all 63 grouped by region with article counts (``PROVINCES_SAVE_AS``).

Relies on ``cctp_metadata`` having attached ``province_info`` to each article.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from pelican import signals
from pelican.generators import Generator

from scrapers.gazetteer import Province, Unit2025, gazetteer

DEFAULTS = {
    "PROVINCE_URL": "tinh/{slug}/",
    "PROVINCE_SAVE_AS": "tinh/{slug}/index.html",
    "PROVINCES_URL": "tinh/",
    "PROVINCES_SAVE_AS": "tinh/index.html",
}


@dataclass
class ProvinceEntry:
    province: Province
    unit_2025: Unit2025 | None
    url: str
    save_as: str
    articles: list = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.province.name

    @property
    def slug(self) -> str:
        return self.province.slug


class ProvinceGenerator(Generator):
    """Groups the published articles by province; writes the pages after all contexts exist."""

    def setting(self, key: str) -> str:
        return self.settings.get(key, DEFAULTS[key])

    def generate_context(self) -> None:
        g = gazetteer()
        self.entries: list[ProvinceEntry] = []
        by_slug: dict[str, ProvinceEntry] = {}
        for p in g.provinces:
            entry = ProvinceEntry(
                province=p,
                unit_2025=g.unit(p.unit_2025),
                url=self.setting("PROVINCE_URL").format(slug=p.slug),
                save_as=self.setting("PROVINCE_SAVE_AS").format(slug=p.slug),
            )
            self.entries.append(entry)
            by_slug[p.slug] = entry
        # context["articles"] is newest first (ARTICLE_ORDER_BY), so each list is too.
        for article in self.context.get("articles", []):
            province = getattr(article, "province_info", None)
            if province is not None:
                entry = by_slug[province.slug]
                entry.articles.append(article)
                article.province_url = entry.url
        regions: dict[str, list[ProvinceEntry]] = defaultdict(list)
        for entry in self.entries:  # data-file order: GSO codes, regions in first-seen order
            regions[entry.province.region].append(entry)
        self.regions = list(regions.items())
        self.context["province_regions"] = self.regions
        self.context["PROVINCES_URL"] = self.setting("PROVINCES_URL")

    def generate_output(self, writer) -> None:
        write = partial(writer.write_file, relative_urls=self.settings["RELATIVE_URLS"])
        template = self.get_template("province")
        for entry in self.entries:
            if not entry.articles:
                continue
            write(entry.save_as, template, self.context, province=entry,
                  articles=entry.articles, dates=entry.articles,
                  template_name="province", url=entry.url, blog=True)
        write(self.setting("PROVINCES_SAVE_AS"), self.get_template("provinces"), self.context,
              regions=self.regions, province_count=len(self.entries), template_name="provinces",
              url=self.setting("PROVINCES_URL"))


def get_generators(pelican) -> type[Generator]:
    return ProvinceGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
