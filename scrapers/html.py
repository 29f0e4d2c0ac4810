"""Web pages → the Document record the text ingest uses.

A page is read in three steps that do not mix: its own metadata (Open Graph,
`article:published_time`, JSON-LD, `<time>`, meta author) from the whole page; photos and
their captions taken out as figures; then the main text, by a source's CSS selector when
it has one, else by the generic extractor named in data/scrape.yaml. The Document's raw
text is the page as a reader sees it (title, date line, text, byline), so the text stages
apply unchanged; what the page states in machine-readable form is also set in `page_*`
fields, which take precedence over text cues.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import lxml.etree
import lxml.html
from lxml.cssselect import CSSSelector

from .charset import decode
from .fetch import VN, settings
from .record import Document
from .sources import SourceError
from .text import collapse_spaces, fold, nfc

_BLOCK_TAGS = {"p", "div", "section", "article", "main", "blockquote", "pre", "ul", "ol", "li", "dl", "dt", "dd",
               "table", "tbody", "thead", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "center",
               "address", "header", "footer",
               # trafilatura's XML output
               "doc", "main", "head", "list", "item", "row", "cell", "quote", "graphic"}
_HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "head"}
_ITEM_TAGS = {"li", "item"}
_BREAK_TAGS = {"br", "lb"}
NOISE_MAX_SHARE = 0.5     # furniture holding more of the page's text than this is a wrapper
_HEADING_MAX_WORDS = 20     # a longer "heading" is a lead paragraph set in bold
_ARTICLE_TYPES = {"newsarticle", "article", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
                  "report", "webpage", "governmentpermit"}


@dataclass
class Page:
    url: str | None = None
    canonical: str | None = None
    title: str | None = None
    site_name: str | None = None
    date: str | None = None          # ISO, from machine-readable metadata
    date_text: str | None = None     # a visible date line, when no metadata gives one
    authors: list[str] = field(default_factory=list)
    section: str | None = None
    description: str | None = None
    lang: str | None = None
    figures: list[dict] = field(default_factory=list)
    blocks: list[tuple[str, str]] = field(default_factory=list)   # (para | heading | item, text)
    encoding: str = "utf-8"


# Selectors -----------------------------------------------------------------------------

def _sel(patterns: list[str] | str | None) -> list[CSSSelector]:
    if not patterns:
        return []
    return [CSSSelector(p) for p in ([patterns] if isinstance(patterns, str) else patterns)]


def _first(tree, selectors: list[CSSSelector]):
    for sel in selectors:
        found = sel(tree)
        if found:
            return found[0]
    return None


def _lines(el) -> list[str]:
    """The element's text, one entry per line (<br> and block ends break lines)."""
    if el is None:
        return []
    return [text for _, text in blocks_of(el)]


def _text(el) -> str:
    return " ".join(_lines(el))


def _drop(el) -> None:
    """Remove an element but keep the text that follows it (its tail)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


# Metadata ------------------------------------------------------------------------------

def iso_datetime(value: str | None) -> str | None:
    """An ISO 8601 date or date-time as the front matter wants it (+07:00; date alone kept)."""
    if not value:
        return None
    value = value.strip()
    m = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$", value)
    if not m:
        return None
    try:
        if not m.group(2):
            return dt.date.fromisoformat(m.group(1)).isoformat()
        tz = (m.group(3) or "+07:00").replace("Z", "+00:00")
        if re.fullmatch(r"[+-]\d{4}", tz):
            tz = tz[:3] + ":" + tz[3:]
        stamp = dt.datetime.fromisoformat(f"{m.group(1)}T{m.group(2)}{tz}")
    except ValueError:
        return None
    return stamp.astimezone(VN).replace(microsecond=0).isoformat()


def _meta(tree, *names: str) -> str | None:
    for name in names:
        for el in tree.xpath("//meta[@property=$n or @name=$n or @itemprop=$n]", n=name):
            content = collapse_spaces(nfc(el.get("content") or ""))
            if content:
                return content
    return None


def _json_ld(tree) -> list[dict]:
    """Article-like objects from every JSON-LD block (lists and @graph unwrapped)."""
    found: list[dict] = []

    def visit(node) -> None:
        if isinstance(node, list):
            for n in node:
                visit(n)
        elif isinstance(node, dict):
            if "@graph" in node:
                visit(node["@graph"])
            kinds = node.get("@type", [])
            kinds = [kinds] if isinstance(kinds, str) else kinds
            if any(str(k).lower() in _ARTICLE_TYPES for k in kinds):
                found.append(node)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            visit(json.loads(script.text or "", strict=False))
        except ValueError:
            continue
    # A NewsArticle beats a WebPage describing the same page.
    found.sort(key=lambda n: str(n.get("@type")).lower() == "webpage")
    return found


def _names(value) -> list[str]:
    """Author names from JSON-LD (string, object, list) or a meta tag; URLs are not names."""
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        value = value.get("name")
    if not isinstance(value, str):
        return []
    value = collapse_spaces(nfc(value))
    if not value or re.match(r"^https?://", value):
        return []
    return [value]


def metadata(tree, rules: dict, url: str | None) -> Page:
    page = Page(url=url)
    ld = _json_ld(tree)
    ld_first = lambda key: next((n[key] for n in ld if n.get(key)), None)  # noqa: E731

    canonical = tree.xpath("//link[@rel='canonical']/@href")
    canonical = canonical[0] if canonical else _meta(tree, "og:url")
    page.canonical = urljoin(url or "", canonical.strip()) if canonical else None
    page.site_name = _meta(tree, "og:site_name")
    title = _meta(tree, "og:title", "twitter:title") or (ld_first("headline") if isinstance(ld_first("headline"), str) else None)
    if not title:
        h1 = _first(tree, _sel(rules.get("title")))
        title = _text(h1) or None
    if not title:
        title = _text(_first(tree, _sel("title"))) or None
    page.title = _strip_site_name(nfc(title), page.site_name) if title else None

    page.date = iso_datetime(_meta(tree, "article:published_time", "datePublished", "pubdate", "publishdate",
                                   "dc.date.issued", "DC.date.issued", "date")) \
        or iso_datetime(ld_first("datePublished") if isinstance(ld_first("datePublished"), str) else None)
    if not page.date:
        stamps = (iso_datetime(el.get("datetime")) for el in tree.xpath("//time[@datetime]"))
        page.date = next((s for s in stamps if s), None)
    if not page.date:
        shown = _first(tree, _sel(rules.get("date")))
        page.date_text = _text(shown) or None

    authors = _names(ld_first("author")) or _names(_meta(tree, "author", "article:author", "dc.creator"))
    if not authors:
        # A printed byline: the name is its first line ("Hoàng Thanh Huyền<br>(Ban Nội chính …)").
        shown = _lines(_first(tree, _sel(rules.get("author"))))
        authors = _names(shown[0]) if shown else []
    page.authors = authors
    page.section = _meta(tree, "article:section") or (ld_first("articleSection") if isinstance(ld_first("articleSection"), str) else None)
    page.description = _meta(tree, "og:description", "description")
    lang = tree.xpath("/html/@lang")
    page.lang = lang[0].strip().lower()[:2] if lang else None
    return page


def _strip_site_name(title: str, site: str | None) -> str:
    """'Tiêu đề - Báo Thái Nguyên' → 'Tiêu đề' (only when the tail is the site's name)."""
    if site:
        for sep in (" - ", " | ", " – ", " :: "):
            head, _, tail = title.rpartition(sep)
            if head and fold(tail.strip()) == fold(site):
                return head.strip()
    return title.strip()


# Figures -------------------------------------------------------------------------------

def take_figures(tree, rules: dict, url: str | None) -> list[dict]:
    """Photos with captions and credits leave the page (never merged into the text)."""
    figures: list[dict] = []
    caption_sel, credit_sel = _sel(rules.get("captions")), _sel(rules.get("credits"))
    taken: set = set()
    for sel in _sel(rules.get("figures")):
        for el in sel(tree):
            if el in taken or any(a in taken for a in el.iterancestors()):
                continue
            taken.add(el)
            img = el if el.tag == "img" else next(iter(el.iter("img")), None)
            if img is None:
                # A caption standing under the photo's own block (<p><img></p><p class=…>caption</p>).
                prev = el.getprevious()
                photo = next(iter(prev.iter("img")), None) if prev is not None else None
                if photo is not None and not collapse_spaces(prev.text_content()):
                    img = photo
                    taken.add(prev)
            credit = _text(_first(el, credit_sel))
            caption = _text(_first(el, caption_sel)) or ("" if img is not None else _text(el))
            if credit and caption.endswith(credit):
                caption = caption[: -len(credit)].strip()
            src = img.get("src") or img.get("data-src") if img is not None else None
            figures.append({"src": urljoin(url or "", src) if src else None, "caption": caption or None,
                            "credit": credit or None})
    for el in taken:
        _drop(el)
    # Captions standing outside a figure container go too.
    for sel in caption_sel:
        for el in sel(tree):
            _drop(el)
    return figures


def drop_noise(tree, rules: dict, extra: list[str] | None = None) -> None:
    """Page furniture out; an element holding most of the page's text is a wrapper, not furniture."""
    total = len(tree.text_content())
    for sel in _sel((rules.get("noise") or []) + (extra or [])):
        for el in sel(tree):
            if len(el.text_content()) < NOISE_MAX_SHARE * total:
                _drop(el)


# Main text -----------------------------------------------------------------------------

def blocks_of(root) -> list[tuple[str, str]]:
    """Paragraph-level blocks of an HTML fragment (or trafilatura's XML), in reading order."""
    out: list[tuple[str, str]] = []
    buf: list[str] = []

    def flush(kind: str = "para") -> None:
        for line in "".join(buf).split("\n"):
            text = collapse_spaces(nfc(line))
            if text:
                if kind == "heading" and len(text.split()) > _HEADING_MAX_WORDS:
                    kind = "para"
                out.append((kind, text))
        buf.clear()

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag in _BREAK_TAGS:
            buf.append("\n")
        elif tag:
            block = tag in _BLOCK_TAGS
            if block:
                flush()
            buf.append(el.text or "")
            for child in el:
                walk(child)
            if block:
                flush("heading" if tag in _HEADING_TAGS else "item" if tag in _ITEM_TAGS else "para")
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return out


def _trafilatura(html: str) -> list[tuple[str, str]]:
    import trafilatura   # heavy import, only when a page is read

    xml = trafilatura.extract(html, output_format="xml", include_comments=False, include_tables=True,
                              include_images=False, include_links=False, deduplicate=False, fast=False)
    if not xml:
        return []
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    main = root.find("main")
    return blocks_of(main if main is not None else root)


def _readability(html: str) -> list[tuple[str, str]]:
    from readability import Document as Readable   # optional: used by bench/extract_accuracy.py

    summary = Readable(html).summary(html_partial=True)
    return blocks_of(lxml.html.fragment_fromstring(summary, create_parent="div"))


# name → function(html) -> blocks; data/scrape.yaml `extractor` picks one (see the bench).
EXTRACTORS = {"trafilatura": _trafilatura, "readability": _readability}


def rules_for(source: dict | None = None) -> dict:
    """HTML rules: the defaults in data/scrape.yaml, a source's `selectors` on top."""
    rules = dict(settings()["html"])
    selectors = (source or {}).get("selectors") or {}
    for key in ("title", "date", "author"):
        if selectors.get(key):
            rules[key] = [selectors[key]] + list(rules.get(key) or [])
    rules["content"] = selectors.get("content")
    rules["drop"] = selectors.get("drop") or []
    return rules


def parse(data: bytes, url: str | None = None, charset: str | None = None, source: dict | None = None,
          extractor: str | None = None) -> Page:
    """A web page's metadata, figures and main text."""
    text, encoding = decode(data, charset)
    try:
        tree = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise SourceError(f"{url or 'trang'}: không đọc được HTML ({exc})") from exc
    rules = rules_for(source)
    page = metadata(tree, rules, url)
    page.encoding = encoding
    page.figures = take_figures(tree, rules, url)
    drop_noise(tree, rules, rules["drop"])
    content = _first(tree, _sel(rules["content"])) if rules["content"] else None
    if content is not None:
        page.blocks = blocks_of(content)
    else:
        name = extractor or settings()["extractor"]
        page.blocks = EXTRACTORS[name](lxml.html.tostring(tree, encoding="unicode"))
    # The extractor may keep the headline; the title line already carries it.
    if page.blocks and page.title and fold(page.blocks[0][1]) == fold(page.title):
        page.blocks = page.blocks[1:]
    return page


# Page → Document -----------------------------------------------------------------------

def dateline(iso: str) -> str:
    """'13/04/2022, 11:01 [GMT+7]' or '13/04/2022': how Vietnamese pages print a date."""
    if "T" in iso:
        stamp = dt.datetime.fromisoformat(iso)
        return f"{stamp:%d/%m/%Y, %H:%M} [GMT+7]"
    return f"{dt.date.fromisoformat(iso):%d/%m/%Y}"


def page_text(page: Page) -> str:
    """The page as a reader sees it: title, date line, text, then the byline when the text
    does not end with it already."""
    lines: list[str] = []
    if page.title:
        lines.append(page.title)
    shown = dateline(page.date) if page.date else page.date_text
    if shown:
        lines.append(shown)
    marks = {"heading": "## ", "item": "- "}
    lines.extend(marks.get(kind, "") + text for kind, text in page.blocks)
    tail = fold(" ".join(text for _, text in page.blocks[-3:]))
    if page.authors and not all(fold(name) in tail for name in page.authors):
        lines.append(", ".join(page.authors))
    return "\n\n".join(lines) + "\n"


def to_document(data: bytes, page: Page, source_name: str | None) -> Document:
    if not page.blocks:
        raise SourceError(f"{source_name or page.url}: không tìm thấy nội dung chính trong trang")
    doc = Document(raw=page_text(page), source_file=source_name, source_sha256=hashlib.sha256(data).hexdigest())
    doc.source_url = page.canonical or page.url
    doc.page_title, doc.page_date, doc.page_authors = page.title, page.date, list(page.authors)
    doc.page_section, doc.figures = page.section, page.figures
    return doc


def read_file(path: Path, source_name: str) -> Document:
    """Reader for a saved page (`cctp ingest trang.html --source-url …`)."""
    data = path.read_bytes()
    if not data.strip():
        raise SourceError(f"{path}: tệp rỗng")
    return to_document(data, parse(data), source_name)
