"""Provinces, 2025 units, topics and document types, loaded from the data files."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .text import fold

DATA = Path(__file__).parent / "data"


@lru_cache(maxsize=None)
def load_json(name: str):
    """A data file, read once per process (callers must not change what it returns)."""
    with open(DATA / name, encoding="utf-8") as fh:
        return json.load(fh)


@dataclass(frozen=True)
class Province:
    name: str
    slug: str
    code_gso: str
    type: str
    region: str
    unit_2025: str
    unit_2025_slug: str
    variants: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Unit2025:
    name: str
    slug: str
    type: str
    official_name: str
    merged_from: tuple[str, ...]


class Gazetteer:
    def __init__(self, data: dict):
        self.provinces = [
            Province(p["name"], p["slug"], p["code_gso"], p["type"], p["region"],
                     p["unit_2025"], p["unit_2025_slug"], tuple(p["variants"]))
            for p in data["provinces"]
        ]
        self.units_2025 = [
            Unit2025(u["name"], u["slug"], u["type"], u["official_name"], tuple(u["merged_from"]))
            for u in data["units_2025"]
        ]
        self._by_key = {}
        for p in self.provinces:
            for n in (p.name, p.slug, *p.variants):
                self._by_key.setdefault(fold(n), p)
        self._units = {fold(u.name): u for u in self.units_2025}

    def province(self, name: str | None) -> Province | None:
        """The pre-2025 province a name or variant refers to (folded match), else None."""
        if not name:
            return None
        return self._by_key.get(fold(name.strip()))

    def unit(self, name: str | None) -> Unit2025 | None:
        return self._units.get(fold(name)) if name else None


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    return Gazetteer(load_json("provinces.json"))


@lru_cache(maxsize=1)
def topics() -> dict[str, dict]:
    """slug → {slug, label, keywords}, in the data file's order."""
    return {t["slug"]: t for t in load_json("topics.json")["topics"]}


@lru_cache(maxsize=1)
def doc_types() -> dict[str, dict]:
    """slug → {slug, label, …} for the document types an article can present."""
    return {t["slug"]: t for t in load_json("doc_types.json")["doc_types"]}
