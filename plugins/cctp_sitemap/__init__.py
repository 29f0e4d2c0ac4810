"""``robots.txt`` always, and ``sitemap.xml`` when SITEURL is a full address (a sitemap must
list absolute URLs, so the relative build of `make build` has none; `make publish` does).

The sitemap lists every page written, found by walking the output once the build is done
(or in the listing cctp_incremental made of it while cleaning it up),
less pagination pages, the 404 and search pages and Pagefind's files; past 50,000 URLs (the
protocol's limit per file) it becomes an index of numbered sitemaps.
"""
from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals

LIMIT = 50_000
SKIP_DIRS = {"trang", "pagefind", "theme", "tim-kiem"}


def _walk(output: Path):
    for folder, dirs, files in os.walk(output):
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS]
        rel = Path(folder).relative_to(output).as_posix()
        yield from (f if rel == "." else f"{rel}/{f}" for f in files)


def page_urls(output: Path, files=None) -> list[str]:
    """The folder URL of every index.html under `output` (`files`: its files' relative paths,
    when the build has listed them already)."""
    urls = []
    for rel in _walk(output) if files is None else files:
        folder, _, name = rel.rpartition("/")
        if name == "index.html" and SKIP_DIRS.isdisjoint(folder.split("/")):
            urls.append(folder + "/" if folder else "")
    return sorted(urls)


def _urlset(siteurl: str, urls: list[str]) -> str:
    body = "".join(f"<url><loc>{escape(siteurl)}/{escape(u)}</loc></url>\n" for u in urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + body + "</urlset>\n")


def write_sitemap(output: Path, siteurl: str, files=None) -> None:
    urls = page_urls(output, files)
    if len(urls) <= LIMIT:
        (output / "sitemap.xml").write_text(_urlset(siteurl, urls), encoding="utf-8")
        return
    names = []
    for n, start in enumerate(range(0, len(urls), LIMIT), 1):
        names.append(f"sitemap-{n}.xml")
        (output / names[-1]).write_text(_urlset(siteurl, urls[start:start + LIMIT]), encoding="utf-8")
    index = "".join(f"<sitemap><loc>{escape(siteurl)}/{n}</loc></sitemap>\n" for n in names)
    (output / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + index + "</sitemapindex>\n",
        encoding="utf-8")


def write_files(pelican) -> None:
    """finalized: every page is on disk now."""
    output = Path(pelican.output_path)
    # cctp_incremental lists the output as it cleans it up, just before.
    files = pelican.__dict__.pop("output_files", None)
    siteurl = str(pelican.settings.get("SITEURL") or "")
    absolute = siteurl.startswith(("http://", "https://"))
    lines = ["User-agent: *", "Allow: /"]
    if absolute:
        write_sitemap(output, siteurl, files)
        lines.append(f"Sitemap: {siteurl}/sitemap.xml")
    (output / "robots.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")


def register() -> None:
    signals.finalized.connect(write_files)
