"""The one HTML allow-list: the site build cleans every article with it (plugins/cctp_sanitize)
and `cctp check` warns about a file whose HTML it would change.

Article bodies are Markdown written by the ingest or by editors; raw HTML in them passes
through Markdown untouched, so a script, an event handler or a javascript: link would reach
readers unless removed here.
"""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import nh3

TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul",
})
# Attributes allowed on every tag, and per tag. `id`/`class` keep Markdown footnotes working.
GENERIC_ATTRIBUTES = frozenset({"id", "class", "lang", "title"})
ATTRIBUTES = {
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start", "type"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "time": {"datetime"},
    "abbr": set(),
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = {"href", "src"}
# Dropped with their content, not just their tags: the text of a script is not prose.
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "template", "iframe", "object", "noscript", "textarea", "select"})


def _attributes() -> dict[str, set[str]]:
    out = {tag: set(ATTRIBUTES.get(tag, ())) for tag in TAGS}
    out["*"] = set(GENERIC_ATTRIBUTES)
    return out


def _options() -> dict:
    return {"tags": set(TAGS), "clean_content_tags": set(CLEAN_CONTENT_TAGS), "attributes": _attributes(),
            "url_schemes": set(URL_SCHEMES), "link_rel": None, "strip_comments": True}


# The allow-list turned into nh3's rules once (nh3.Cleaner), not on every call: that took as
# long as the cleaning. Older nh3 has no Cleaner: same options, per call.
_CLEANER = nh3.Cleaner(**_options()) if hasattr(nh3, "Cleaner") else None


def clean(html: str) -> str:
    """The HTML with only allowed tags, attributes and URL schemes."""
    if _CLEANER is not None:
        return _CLEANER.clean(html)
    return nh3.clean(html, **_options())


def clean_and_report(html: str) -> tuple[str, list[str]]:
    """`clean(html)` and what it removed (as `unsafe_parts`). HTML that cleaning leaves as it
    is had nothing to remove, so the second parse is only made when the HTML changed."""
    cleaned = clean(html)
    return cleaned, ([] if cleaned == html else unsafe_parts(html))


def safe_url(url: str | None) -> str | None:
    """The URL when its scheme is allowed (or it is relative), else None."""
    if not url:
        return None
    scheme = urlsplit(str(url).strip()).scheme.lower()
    return url if not scheme or scheme in URL_SCHEMES else None


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in TAGS:
            self.found.append(f"<{tag}>")
            return
        allowed = GENERIC_ATTRIBUTES | ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            if name not in allowed:
                self.found.append(f"<{tag} {name}=…>")
            elif name in URL_ATTRIBUTES and safe_url(value or "") is None:
                self.found.append(f"<{tag} {name}=\"{(value or '').split(':', 1)[0]}:…\">")

    def handle_comment(self, data):
        pass


def unsafe_parts(html: str) -> list[str]:
    """What `clean` would remove from this HTML, one short description each, in order."""
    finder = _Finder()
    finder.feed(html)
    finder.close()
    return list(dict.fromkeys(finder.found))
