"""A new article leaves the older pages of every listing as they were (plugins/cctp_stable_pages):
an incremental `cctp build` after adding the newest article rewrites a listing's own page and
none of its older pages, except the one that gains a newer neighbour when the listing's own page
spills over into a new older page."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import synthetic_content

from scrapers import site_build

ARTICLES = 300


def older_pages(output: Path) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns
            for p in output.rglob("trang/*/index.html")}


def test_a_new_article_leaves_older_pages_alone(tmp_path):
    content = synthetic_content(tmp_path, ARTICLES, seed=5)
    output, state = tmp_path / "output", tmp_path / "state"

    def build() -> None:
        assert site_build.build(content, output, site_build.ROOT / "pelicanconf.py", index=False,
                                check=False, quiet=True, state_dir=state) == 0

    build()
    before = older_pages(output)
    assert len(before) > 20 and "trang/10/index.html" in before  # the home listing has 14

    # The newest article, in a province, topics and tags that have others already.
    source = max((content / "articles").glob("*/*.md"), key=lambda p: p.read_text(encoding="utf-8"))
    text = re.sub(r"^slug: .*$", "slug: bai-moi-nhat", source.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"^date: .*$", "date: 2030-01-01", text, count=1, flags=re.M)
    (source.parent / "bai-moi-nhat.md").write_text(text, encoding="utf-8")
    build()
    after = older_pages(output)

    assert "bai-moi-nhat" in (output / "index.html").read_text(encoding="utf-8")
    created = after.keys() - before.keys()
    rewritten = {page for page, mtime in before.items() if after.get(page) != mtime}
    # Only a page whose listing just gained a newer older page gets a new "newer" link.
    spilled = {re.sub(r"/(\d+)/index.html$", lambda m: f"/{int(m[1]) - 1}/index.html", page)
               for page in created}
    assert rewritten <= spilled, sorted(rewritten - spilled)
    assert len(after) >= len(before)
