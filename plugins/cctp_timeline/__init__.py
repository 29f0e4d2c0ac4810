"""Articles per month: one listing page per month (``MONTH_URL``, ``nam/2022/thang-04/``),
written in one pass over the articles (Pelican's own month archives compare every article
with every month), and ``timeline`` in the context for the charts: the years with their
twelve monthly counts, newest year first.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter

from pelican import signals

from cctp_listing import Group, GroupedGenerator


class MonthGenerator(GroupedGenerator):
    name = "month"
    defaults = {
        "MONTH_URL": "nam/{slug}/",
        "MONTH_SAVE_AS": "nam/{slug}/index.html",
    }

    def keys(self, article):
        date = article.date
        return [(f"{date.year}/thang-{date.month:02d}", f"{date.month:02d}/{date.year}", (date.year, date.month))]

    def extra_context(self):
        counts = Counter()
        urls = {}
        for group in self.groups:
            counts[group.info] = group.count
            urls[group.info] = group.url
        years = sorted({year for year, _ in counts}, reverse=True)
        timeline = [
            {"year": year, "total": sum(counts[(year, m)] for m in range(1, 13)),
             "url": self.settings["YEAR_ARCHIVE_URL"].format(date=dt.date(year, 1, 1)),
             "months": [{"month": m, "count": counts[(year, m)], "url": urls.get((year, m))}
                        for m in range(1, 13)]}
            for year in years
        ]
        return {
            "timeline": timeline,
            # Groups, which cctp_incremental digests one by one as a page looks them up: a
            # year page changes with its own year only. Month pages link to the year by address.
            "timeline_by_year": {y["year"]: Group(slug=str(y["year"]), name=str(y["year"]), url=y["url"], info=y)
                                 for y in timeline},
            "year_urls": {y["year"]: y["url"] for y in timeline},
            "timeline_max": max((m["count"] for y in timeline for m in y["months"]), default=0),
        }


def get_generators(pelican):
    return MonthGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
