"""``robots.txt`` always, and ``sitemap.xml`` when SITEURL is a full address (a sitemap must
list absolute URLs, so the relative build of `make build` has none; `make publish` does).

The sitemap lists every page written, found by walking the output once the build is done
(or in the listing cctp_incremental made of it while cleaning it up),
less pagination pages, the 404 and search pages and Pagefind's files; past 50,000 URLs (the
protocol's limit per file) it becomes an index of numbered sitemaps.

The files are written whole (a live site never serves half a sitemap) and only when their
bytes change. cctp_incremental's clean-up, which removes what a build's writer did not
produce, leaves them to this plugin (LATER_OUTPUTS): it used to remove both on every
incremental build, and they were written anew a moment later.
"""
from __future__ import annotations

import os
import re
from pathlib import Path
from xml.sax.saxutils import escape

from pelican import signals

from scrapers.write import atomic_write

LIMIT = 50_000
SKIP_DIRS = {"trang", "pagefind", "theme", "tim-kiem"}
# The output files this plugin writes and removes itself, at finalized: patterns (fnmatch) a
# clean-up that runs before it leaves alone (`pelican.later_outputs`, read by cctp_incremental).
LATER_OUTPUTS = ("robots.txt", "sitemap.xml", "sitemap-*.xml")
_NUMBERED = re.compile(r"sitemap-\d+\.xml")


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


def _write(path: Path, text: str) -> None:
    """Whole, and only when the bytes differ from the file there."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    atomic_write(path, data)


def write_sitemap(output: Path, siteurl: str, files=None) -> None:
    urls = page_urls(output, files)
    names = []
    if len(urls) <= LIMIT:
        _write(output / "sitemap.xml", _urlset(siteurl, urls))
    else:
        for n, start in enumerate(range(0, len(urls), LIMIT), 1):
            names.append(f"sitemap-{n}.xml")
            _write(output / names[-1], _urlset(siteurl, urls[start:start + LIMIT]))
        index = "".join(f"<sitemap><loc>{escape(siteurl)}/{n}</loc></sitemap>\n" for n in names)
        _write(output / "sitemap.xml",
               '<?xml version="1.0" encoding="UTF-8"?>\n'
               '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + index + "</sitemapindex>\n")
    for old in os.listdir(output):  # numbered sitemaps of a bigger archive
        if _NUMBERED.fullmatch(old) and old not in names:
            os.remove(output / old)


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
    _write(output / "robots.txt", "\n".join(lines) + "\n")


def declare(pelican) -> None:
    pelican.later_outputs = LATER_OUTPUTS


def register() -> None:
    signals.initialized.connect(declare)
    signals.finalized.connect(write_files)
