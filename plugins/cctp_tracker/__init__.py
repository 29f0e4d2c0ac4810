"""The implementation tracker (``TRACKER_SAVE_AS``): provinces × key central documents.

Each cell counts the province's articles citing that document and links to the province's
section of the document's page. Columns are the key documents cited by at least one
province, oldest first. Built from what cctp_provinces and cctp_documents put in the
context, after every context exists (generate_output), in one pass over the citations.
"""
from __future__ import annotations

from collections import Counter

from pelican import signals
from pelican.generators import Generator

DEFAULTS = {"TRACKER_URL": "theo-doi-thuc-hien/", "TRACKER_SAVE_AS": "theo-doi-thuc-hien/index.html"}


def tracker_table(documents, regions) -> dict:
    """documents: the document groups; regions: [(region, [province group…])…]."""
    counts: Counter = Counter()
    columns = []
    for doc in documents:
        if not doc.info.key:
            continue
        cited_by_a_province = False
        for article in doc.articles:
            province = getattr(article, "province_info", None)
            if province:
                counts[doc.slug, province.slug] += 1
                cited_by_a_province = True
        if cited_by_a_province:
            columns.append(doc)
    columns.sort(key=lambda d: d.info.date or "")
    rows = []
    for region, provinces in regions:
        region_rows = []
        for province in provinces:
            cells = [{"count": counts[d.slug, province.slug], "document": d} for d in columns]
            region_rows.append({"province": province, "cells": cells,
                                "documents": sum(1 for c in cells if c["count"])})
        rows.append((region, region_rows))
    return {"columns": columns, "rows": rows,
            "totals": [sum(counts[d.slug, p.slug] > 0 for _, ps in regions for p in ps) for d in columns]}


class TrackerGenerator(Generator):
    def setting(self, key: str) -> str:
        return self.settings.get(key, DEFAULTS[key])

    def generate_context(self) -> None:
        self.context["TRACKER_URL"] = self.setting("TRACKER_URL")

    def generate_output(self, writer) -> None:
        table = tracker_table(self.context.get("document_groups", []), self.context.get("province_regions", []))
        writer.write_file(self.setting("TRACKER_SAVE_AS"), self.get_template("tracker"), self.context,
                          relative_urls=self.settings["RELATIVE_URLS"], template_name="tracker",
                          url=self.setting("TRACKER_URL"), tracker=table)


def get_generators(pelican):
    return TrackerGenerator


def register() -> None:
    signals.get_generators.connect(get_generators)
