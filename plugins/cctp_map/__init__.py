"""The map of Vietnam as inline SVG: no tiles, no script. Shapes come from
scrapers/data/map/vietnam.json (Natural Earth, public domain; see NOTICE.md there), made by
generate.py beside this file.

Puts ``vn_map`` (viewBox, province and 2025-unit paths, Hoàng Sa and Trường Sa) in every
template's context, and the Jinja global ``map_shading(counts)``: the shade of each count
on a five-step scale, and the legend for it.
"""
from __future__ import annotations

import json
from functools import lru_cache

from pelican import signals

from scrapers.gazetteer import DATA

STEPS = 5


@lru_cache(maxsize=1)
def load_map() -> dict:
    return json.loads((DATA / "map" / "vietnam.json").read_text(encoding="utf-8"))


def map_shading(counts) -> dict:
    """counts: iterable of article counts. Returns {"level": fn(count) → 0..STEPS,
    "legend": [(level, low, high), …]}. Steps grow geometrically: a few provinces with
    hundreds of articles must not flatten every other province into one shade."""
    top = max(counts, default=0)
    if top <= 0:
        return {"level": lambda n: 0, "legend": [(0, 0, 0)]}
    steps = min(STEPS, top)
    bounds = sorted({max(1, round(top ** (i / steps))) for i in range(1, steps + 1)})
    bounds[-1] = top

    def level(n: int) -> int:
        if n <= 0:
            return 0
        return next(i + 1 for i, b in enumerate(bounds) if n <= b)

    legend, low = [(0, 0, 0)], 1
    for i, b in enumerate(bounds):
        legend.append((i + 1, low, b))
        low = b + 1
    return {"level": level, "legend": legend}


def add_map(generator) -> None:
    """generator_init: the map data and the shading helper for every template."""
    generator.context["vn_map"] = load_map()
    generator.env.globals["map_shading"] = map_shading


def register() -> None:
    signals.generator_init.connect(add_map)
