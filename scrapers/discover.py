"""Entry points → candidate article links: RSS/Atom feeds, sitemaps, listing pages.

Parsing only: the bytes come from scrapers.fetch, the choice of what to fetch is the
scrape command's.
"""
from __future__ import annotations

import datetime as dt
import gzip
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.etree
import lxml.html

from .charset import decode
from .fetch import VN
from .text import collapse_spaces, nfc

_SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
MAX_SITEMAP_URLS = 50_000   # the sitemap protocol's own limit per file


@dataclass
class Link:
    url: str
    date: dt.date | None = None   # what the feed or sitemap says (published, lastmod)
    title: str | None = None
    via: str = ""                 # the entry point it was found on


def normalise_url(url: str, tracking: list[str] | tuple[str, ...] = ()) -> str:
    """One address per item: no fragment, no tracking parameters, lower-case host, no default port."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    port = parts.port
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    drop = {t.lower() for t in tracking}
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in drop])
    return urlunsplit((parts.scheme.lower(), host, parts.path or "/", query, ""))


def _date(value) -> dt.date | None:
    if not value:
        return None
    if isinstance(value, tuple):   # feedparser's struct_time (UTC)
        return dt.datetime(*value[:6], tzinfo=dt.timezone.utc).astimezone(VN).date()
    m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", str(value))
    try:
        return dt.date(*map(int, m.groups())) if m else None
    except ValueError:
        return None


def feed_links(data: bytes, base: str) -> list[Link]:
    """Items of an RSS or Atom feed, in feed order."""
    import feedparser

    parsed = feedparser.parse(data)
    if parsed.bozo and not parsed.entries:
        raise ValueError(f"không đọc được nguồn tin RSS/Atom ({parsed.get('bozo_exception')})")
    links = []
    for entry in parsed.entries:
        href = entry.get("link") or next((l.get("href") for l in entry.get("links", []) if l.get("href")), None)
        if not href:
            continue
        when = entry.get("published_parsed") or entry.get("updated_parsed")
        links.append(Link(urljoin(base, href), _date(when), collapse_spaces(nfc(entry.get("title", ""))) or None, base))
    return links


def sitemap_links(data: bytes, base: str) -> tuple[list[Link], list[str]]:
    """(pages, nested sitemaps) of a sitemap or sitemap index (gzip accepted)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    # No entities, no network, no huge trees: a sitemap is data from outside.
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    root = lxml.etree.fromstring(data, parser)
    if root is None:
        raise ValueError("sitemap rỗng hoặc hỏng")
    pages, children = [], []
    for node in root.iter(f"{_SITEMAP_NS}sitemap", "sitemap"):
        loc = node.findtext(f"{_SITEMAP_NS}loc") or node.findtext("loc")
        if loc:
            children.append(urljoin(base, loc.strip()))
    for node in root.iter(f"{_SITEMAP_NS}url", "url"):
        loc = node.findtext(f"{_SITEMAP_NS}loc") or node.findtext("loc")
        if loc:
            lastmod = node.findtext(f"{_SITEMAP_NS}lastmod") or node.findtext("lastmod")
            pages.append(Link(urljoin(base, loc.strip()), _date(lastmod), None, base))
        if len(pages) >= MAX_SITEMAP_URLS:
            break
    return pages, children


def listing_links(data: bytes, base: str, charset: str | None = None) -> list[Link]:
    """Every link of a listing page (section front, search result), in page order."""
    text, _ = decode(data, charset)
    tree = lxml.html.document_fromstring(text)
    links = []
    for a in tree.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        links.append(Link(urljoin(base, href), None, collapse_spaces(nfc(a.text_content())) or None, base))
    return links
