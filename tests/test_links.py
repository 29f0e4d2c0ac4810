"""Zero broken internal links: every href and src in every page of a built site resolves to
a file of that site, and every #fragment to an id on the target page."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ATTRIBUTE = re.compile(r'\s(?:href|src)="([^"]*)"')
ID = re.compile(r'\sid="([^"]+)"')


def pages(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts)


@lru_cache(maxsize=4096)
def ids_in(path: Path) -> frozenset[str]:
    return frozenset(ID.findall(path.read_text(encoding="utf-8")))


def target_of(page: Path, link: str, output: Path) -> tuple[Path | None, str]:
    """The file a relative link from `page` points to (None when outside the site), and its
    fragment."""
    parts = urlsplit(link)
    path = unquote(parts.path)
    target = page if not path else (page.parent / path).resolve()
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    try:
        target.relative_to(output.resolve())
    except ValueError:
        return None, parts.fragment
    return target, parts.fragment


def broken_links(output: Path) -> list[str]:
    output = output.resolve()
    broken = []
    for page in pages(output):
        for link in ATTRIBUTE.findall(page.read_text(encoding="utf-8")):
            link = link.replace("&amp;", "&")
            if not link or urlsplit(link).scheme or link.startswith("//"):
                continue  # external (http, mailto, data:): not this check's business
            target, fragment = target_of(page, link, output)
            where = f"{page.relative_to(output)} → {link}"
            if target is None:
                broken.append(f"{where} (outside the site)")
            elif not target.is_file():
                broken.append(f"{where} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in ids_in(target):
                broken.append(f"{where} (no id {fragment!r})")
    return broken


def test_no_broken_internal_links_in_a_mid_size_archive(corpus_site):
    assert len(pages(corpus_site)) > 500
    assert broken_links(corpus_site) == []


def test_no_broken_internal_links_in_the_sample_site(sample_site):
    assert broken_links(sample_site) == []


def test_the_checker_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text('<p id="x"><a href="../a/#x">ok</a>', encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="b/">missing</a><a href="a/#y">no id</a><a href="../../etc/">out</a>'
        '<a href="https://example.org/">external</a><img src="theme/x.png">', encoding="utf-8")
    found = broken_links(tmp_path)
    assert [f.split(" → ")[1].split(" (")[0] for f in found] == ["b/", "a/#y", "../../etc/", "theme/x.png"]
