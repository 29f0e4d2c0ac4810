"""The editors' preview (`make serve`, previewconf.py) against the published build: drafts and
the review page are visible in the one and never reach the other."""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from editor_support import free_port, new_page, screenshot
from admin.serve import stop_group
from conftest import PELICAN, ROOT, SAMPLES, build_site, write_article

DRAFT_META, DRAFT_BODY = SAMPLES["draft"]
SECRET = "zqxnhapbimat"           # a word only the draft's body has
REVIEW_PAGE = "can-xem/index.html"
SERVE = ["-s", "previewconf.py", "--autoreload", "--listen", "--bind", "127.0.0.1"]


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The same content (SAMPLES: a draft, an article with an open reason) built three ways."""
    base = tmp_path_factory.mktemp("split")
    content = base / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    for meta, body in SAMPLES.values():
        write_article(content, meta, body)
    return {name: build_site(content, base / name, settings=f"{name}.py", index=name != "previewconf")
            for name in ("previewconf", "pelicanconf", "publishconf")}


def texts(output: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in output.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt"))


def test_preview_shows_drafts_and_the_review_page(builds):
    preview = builds["previewconf"]
    draft = preview / "bai-viet" / DRAFT_META["slug"] / "index.html"
    page = draft.read_text(encoding="utf-8")
    assert SECRET in page and "Bản nháp — chỉ thấy khi xem trước" in page
    review = (preview / REVIEW_PAGE).read_text(encoding="utf-8")
    assert "Việc cần xem" in review and DRAFT_META["title"] in review
    assert f'href="../bai-viet/{DRAFT_META["slug"]}/"' in review          # linked, relative to the page
    news = SAMPLES["news"][0]
    assert news["review"][0]["message"] in review and f"../bai-viet/{news['slug']}/" in review
    assert 'name="cctp-preview-build"' in (preview / "index.html").read_text(encoding="utf-8")
    assert (preview / "pagefind" / "shards.json").is_file()
    # The draft stays out of listings even in the preview: it is reached from the review page.
    assert SECRET not in (preview / "index.html").read_text(encoding="utf-8")


def test_a_preview_rebuild_keeps_the_search_index_and_indexes_only_what_changed(builds):
    """Each save rebuilds the preview into an emptied output/, but for pagefind/: its bundles
    are indexed again only when their pages change (95 s a save at 10,000 articles, 34 s with them kept)."""
    import os

    preview = builds["previewconf"]
    content = preview.parent / "content"
    entries = sorted((preview / "pagefind").rglob("pagefind-entry.json"))
    assert entries
    before = {p: p.stat().st_ino for p in entries}
    build_site(content, preview, settings="previewconf.py", index=False)
    assert {p: p.stat().st_ino for p in entries} == before  # the same files: nothing indexed again
    draft = next(p for p in content.rglob("*.md") if DRAFT_META["slug"] in p.name)
    draft.write_text(draft.read_text(encoding="utf-8").replace(SECRET, SECRET + " mới"), encoding="utf-8")
    later = draft.stat().st_mtime_ns + 1_000_000_000
    os.utime(draft, ns=(later, later))
    build_site(content, preview, settings="previewconf.py", index=False)
    changed = [p for p in entries if not p.exists() or p.stat().st_ino != before[p]]
    assert changed and len(changed) < len(entries)  # the draft's bundles only


@pytest.mark.parametrize("settings", ["pelicanconf", "publishconf"])
def test_published_builds_never_contain_drafts_or_the_review_page(builds, settings):
    output = builds[settings]
    assert not (output / "bai-viet" / DRAFT_META["slug"]).exists()
    assert not (output / REVIEW_PAGE).exists() and not (output / "admin").exists()
    everything = texts(output)
    assert SECRET not in everything and DRAFT_META["title"] not in everything
    assert "cctp-preview-build" not in everything and "can-xem/" not in everything


def test_make_build_over_a_preview_leaves_no_draft(builds, tmp_path):
    """`make serve` writes the preview into output/; the next `make build` starts clean."""
    output = tmp_path / "output"
    shutil.copytree(builds["previewconf"], output)
    content = next(builds["previewconf"].parent.glob("content"))
    build_site(content, output, settings="pelicanconf.py", index=False)
    assert not (output / "bai-viet" / DRAFT_META["slug"]).exists() and not (output / REVIEW_PAGE).exists()
    assert SECRET not in texts(output)


def test_make_serve_runs_the_preview_with_autoreload_on_localhost():
    bin_dir = Path(sys.executable).parent
    done = subprocess.run(["make", "-n", "-s", "serve", f"BIN={bin_dir}", "STAMP="], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(PELICAN), "content", *SERVE[:2], "-o", "output", *SERVE[2:], "--port", "8000"]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def _wait_for(predicate, what: str, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.5)
    pytest.fail(f"timed out after {timeout}s waiting for {what}")


@pytest.mark.browser
def test_serve_rebuilds_on_save_and_the_open_page_reloads(tmp_path, browser):
    """What `make serve` runs, on a copy of the samples: save a file, the page in the browser
    changes by itself. Also takes the guide's picture of the review page."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content" / "pages", content / "pages")
    for meta, body in SAMPLES.values():
        write_article(content, meta, body)
    port = free_port()
    server = subprocess.Popen([str(PELICAN), str(content), *SERVE[:2], "-o", str(tmp_path / "output"), *SERVE[2:],
                               "--port", str(port)], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              start_new_session=True)
    base = f"http://127.0.0.1:{port}/"
    draft_url = f"{base}bai-viet/{DRAFT_META['slug']}/"
    try:
        _wait_for(lambda: "cctp-preview-build" in (_get(draft_url) or ""), "the first preview build")
        draft_file = next(content.rglob(f"{DRAFT_META['slug']}.md"))

        page = new_page(browser)
        page.goto(base + "can-xem/")
        assert page.get_by_role("heading", name="Việc cần xem").is_visible()
        screenshot(page, "trang-viec-can-xem")
        page.goto(draft_url)
        assert page.locator("h1").first.inner_text() == DRAFT_META["title"]
        time.sleep(1.1)   # a file time one second later, whatever the file system's resolution
        draft_file.write_text(draft_file.read_text(encoding="utf-8").replace(
            f"title: {DRAFT_META['title']}", "title: Tiêu đề đã sửa khi xem trước"), encoding="utf-8")
        # No reload by the test: the page's own script notices the rebuild.
        page.wait_for_function("document.querySelector('h1').innerText === 'Tiêu đề đã sửa khi xem trước'",
                               timeout=90_000)
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
        page.context.close()
        assert "Tiêu đề đã sửa khi xem trước" in _get(base + "can-xem/")
    finally:
        stop_group(server, timeout=20)
