"""What search engines and link previews read: the Jinja filter ``structured_data``
(schema.org JSON-LD as a dict: NewsArticle for news, DigitalDocument or Report for a
full-text document) and ``absolute_site`` (true when SITEURL is a full address, which the
head partial needs for canonical and Open Graph URLs)."""
from __future__ import annotations

from pelican import signals

FULL_TEXT_TYPES = {"report": "Report"}
NEWS = "news"


def absolute_site(siteurl) -> bool:
    return str(siteurl or "").startswith(("http://", "https://"))


def is_full_text(article) -> bool:
    """A document presented in full (a plan, directive… as the item itself), not news about it."""
    meta = article.metadata
    return meta.get("doc_type") not in (NEWS, None) and bool(
        meta.get("doc_number") or meta.get("issuer") or meta.get("signer"))


def structured_data(article, siteurl: str = "", sitename: str = "") -> dict:
    meta = article.metadata
    full_text = is_full_text(article)
    kind = FULL_TEXT_TYPES.get(meta.get("doc_type"), "DigitalDocument") if full_text else "NewsArticle"
    data: dict = {
        "@context": "https://schema.org",
        "@type": kind,
        "headline" if kind == "NewsArticle" else "name": article.title,
        "inLanguage": article.lang,
        "datePublished" if kind == "NewsArticle" else "dateCreated": getattr(article, "date_iso", None) or None,
    }
    if absolute_site(siteurl):
        data["url"] = f"{siteurl}/{article.url}"
        data["mainEntityOfPage"] = data["url"]
    people = [{"@type": "Person", "name": n} for n in getattr(article, "author_names", [])]
    orgs = [{"@type": "Organization", "name": n} for n in (meta.get("agency"), meta.get("issuer") if full_text else None) if n]
    if people or orgs:
        data["author"] = people + orgs
    if full_text and meta.get("doc_number"):
        data["identifier"] = str(meta["doc_number"])
    if sitename:
        data["publisher"] = {"@type": "Organization", "name": sitename}
    if getattr(article, "province_name", None):
        data["contentLocation"] = {"@type": "Place", "name": article.province_name}
    topics = [t["label"] for t in getattr(article, "topic_items", [])]
    if topics:
        data["about"] = topics
    tags = [str(t) for t in getattr(article, "tags", [])]
    if tags:
        data["keywords"] = ", ".join(tags)
    cited = []
    for c in getattr(article, "citations", []):
        item = {"@type": "CreativeWork", "name": " ".join(filter(None, (c.get("type"), c.get("code"))))}
        if c.get("url") and absolute_site(siteurl):
            item["url"] = f"{siteurl}/{c['url']}"
        cited.append(item)
    if cited:
        data["citation"] = cited
    source = getattr(article, "source", None)
    if isinstance(source, dict) and source.get("url"):
        data["isBasedOn"] = source["url"]
    return {k: v for k, v in data.items() if v is not None}


def add_filters(generator) -> None:
    generator.env.filters["structured_data"] = structured_data
    generator.env.tests["absolute_site"] = absolute_site
    # JSON-LD in UTF-8, not \u escapes: Vietnamese text would double in size.
    generator.env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": False}


def register() -> None:
    signals.generator_init.connect(add_filters)
