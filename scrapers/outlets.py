"""Which outlet a URL belongs to (scrapers/data/sources.yaml), and the province it declares."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

SOURCES_FILE = Path(__file__).parent / "data" / "sources.yaml"


@dataclass(frozen=True)
class Outlet:
    name: str
    title: str
    host: str
    province: str | None
    entry: dict


def _host(url: str) -> str:
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return host.removeprefix("www.")


@lru_cache(maxsize=4)
def outlets(path: Path = SOURCES_FILE) -> tuple[Outlet, ...]:
    with open(path, encoding="utf-8") as fh:
        entries = (yaml.safe_load(fh) or {}).get("sources", [])
    return tuple(Outlet(e["name"], e.get("title", e["name"]), _host(e["base_url"]), e.get("province"), e)
                 for e in entries)


def outlet_for(url: str | None) -> Outlet | None:
    """The outlet whose host is the URL's host or a parent domain of it."""
    if not url:
        return None
    host = _host(url)
    return next((o for o in outlets() if host == o.host or host.endswith("." + o.host)), None)
