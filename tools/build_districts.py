"""Regenerate scrapers/data/districts.json from the GSO list in vietnam-provinces 0.6.0.

    pip install vietnam-provinces==0.6.0 && python tools/build_districts.py

Keeps the district-level units (before the 1 July 2025 abolition of the district level)
whose name is unique across the country, keyed by our pre-2025 province names.
"""
import json
import re
from collections import defaultdict
from importlib import resources
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "scrapers" / "data"
PREFIX = re.compile(r"^(huyện|quận|thị xã|thành phố)\s+", re.IGNORECASE)


def main() -> None:
    source = json.loads(resources.files("vietnam_provinces").joinpath("data/nested-divisions.json").read_text("utf-8"))
    ours = {int(p["code_gso"]): p["name"] for p in json.loads((DATA / "provinces.json").read_text("utf-8"))["provinces"]}
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for province in source:
        for district in province["districts"]:
            m = PREFIX.match(district["name"])
            seen[(m.group(1).lower(), district["name"][m.end():])].add(ours[province["code"]])
    out: dict[str, list[str]] = defaultdict(list)
    ambiguous = 0
    for (kind, name), provinces in sorted(seen.items()):
        if len(provinces) > 1:
            ambiguous += 1
        elif not (kind == "thành phố" and name in provinces):   # "thành phố Lào Cai" names the province anyway
            out[next(iter(provinces))].append(f"{kind} {name}")
    (DATA / "districts.json").write_text(json.dumps({
        "_source": "District-level units before the 1 July 2025 abolition of the district level, from the GSO "
                   "administrative list as shipped in PyPI vietnam-provinces 0.6.0 (data/nested-divisions.json); "
                   "only names unique across the country. Regenerate: tools/build_districts.py.",
        "ambiguous_skipped": ambiguous,
        "districts": {k: sorted(v) for k, v in sorted(out.items())},
    }, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
