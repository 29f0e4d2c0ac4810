"""Pages of the 34 provincial units formed on 01/07/2025: each lists the articles of the
provinces merged into it (``UNIT_SAVE_AS``), and an index with the map of the 34 units
(``UNITS_SAVE_AS``). Articles keep their pre-2025 province; this is a second view of them.
"""
from __future__ import annotations

from pelican import signals

from cctp_listing import GroupedGenerator
from scrapers.gazetteer import gazetteer


class UnitGenerator(GroupedGenerator):
    name = "unit"
    index_name = "units"
    defaults = {
        "UNIT_URL": "don-vi-2025/{slug}/",
        "UNIT_SAVE_AS": "don-vi-2025/{slug}/index.html",
        "UNITS_URL": "don-vi-2025/",
        "UNITS_SAVE_AS": "don-vi-2025/index.html",
    }

    def known_groups(self):
        return ((u.slug, u.name, u) for u in gazetteer().units_2025)

    def keys(self, article):
        unit = getattr(article, "unit_2025", None)
        return [(unit.slug, unit.name, unit)] if unit else []

    def annotate(self, article, groups):
        if groups:
            article.unit_url = groups[0].url

    def extra_context(self):
        # The old provinces of each unit, as provinces: their names, slugs and counts come
        # from the province listing when it is there.
        g = gazetteer()
        for group in self.groups:
            group.provinces = [g.province(name) for name in group.info.merged_from]
        return {"unit_by_slug": self.by_slug, "unit_urls": self.group_urls()}


def get_generators(pelican):
    return UnitGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
