"""A new article leaves the older pages of every listing as they were (plugins/cctp_stable_pages):
an incremental `cctp build` after adding the newest article rewrites a listing's own page and
none of its older pages, except the one that gains a newer neighbour when the listing's own page
spills over into a new older page. No cited document's page is even rendered again when the
new article cites none, though some list its province: they link to the province without
showing its count."""
from __future__ import annotations

import pickle
import re
from pathlib import Path

from conftest import synthetic_content

from scrapers import site_build

ARTICLES = 300


def pages(output: Path, pattern: str) -> dict[str, int]:
    return {p.relative_to(output).as_posix(): p.stat().st_mtime_ns for p in output.glob(pattern)}


def older_pages(output: Path) -> dict[str, int]:
    return pages(output, "**/trang/*/index.html")


def document_signatures(state: Path) -> dict[str, bytes]:
    """The signature each document page's write had in the build's record (cctp_incremental):
    it changes exactly when the page was rendered again."""
    with open(next(state.rglob("*.pages")), "rb") as fh:
        calls = pickle.load(fh)["calls"]
    return {key: call[0] for key, call in calls.items() if key.startswith("file:van-ban/") and key.count("/") == 2}


def test_a_new_article_leaves_older_pages_alone(tmp_path):
    content = synthetic_content(tmp_path, ARTICLES, seed=5)
    output, state = tmp_path / "output", tmp_path / "state"

    def build() -> None:
        assert site_build.build(content, output, site_build.ROOT / "pelicanconf.py", index=False,
                                check=False, quiet=True, state_dir=state) == 0

    build()
    before, documents_before = older_pages(output), document_signatures(state)
    assert len(before) > 20 and "trang/10/index.html" in before  # the home listing has 14

    # The newest article, in a province, topics and tags that have others already: a copy of one
    # that cites documents (so they list its province), citing none.
    source = max((p for p in (content / "articles").glob("*/*.md") if "\ncitations:\n- " in p.read_text(encoding="utf-8")),
                 key=lambda p: p.read_text(encoding="utf-8"))
    text = re.sub(r"^slug: .*$", "slug: bai-moi-nhat", source.read_text(encoding="utf-8"), count=1, flags=re.M)
    text = re.sub(r"^date: .*$", "date: 2030-01-01", text, count=1, flags=re.M)
    text = re.sub(r"^citations:\n(?:[- ] .*\n)+", "citations: []\n", text, count=1, flags=re.M)
    assert "bai-moi-nhat" in text and "citations: []" in text
    province = re.search(r'^province: (.+)$', text, re.M)[1]
    assert any(f">{province}</a> <span class=\"count\">" in page.read_text(encoding="utf-8")
               for page in output.glob("van-ban/*/index.html"))  # pages that link to its province
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

    documents_after = document_signatures(state)
    assert len(documents_before) > 3 and documents_after.keys() == documents_before.keys()
    assert not {key for key, signature in documents_before.items() if documents_after[key] != signature}
