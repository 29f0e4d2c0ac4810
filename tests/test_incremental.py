"""`cctp build` (scrapers/site_build.py with plugins/cctp_incremental) writes what a build from
scratch writes: a small archive is built, then an article is added, one edited and one
deleted, and the incremental rebuild is compared file by file, byte for byte, with a plain
`pelican --delete-output-directory` build of the same content, for the default and the
public settings. An unchanged tree is then a no-op that touches nothing."""
from __future__ import annotations

import json
import os
import pickle
import re
import shutil
import sys
from pathlib import Path

import pytest

from conftest import build_site, synthetic_content

from scrapers import site_build

ARTICLES = 60


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return synthetic_content(tmp_path_factory.mktemp("incremental"), ARTICLES, seed=11, with_real=True)


def files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*"))
            if p.is_file() and not p.relative_to(output).as_posix().startswith("pagefind/")}


def stats(state: Path) -> dict:
    (pages,) = state.glob("*.pages")
    with open(pages, "rb") as fh:
        return pickle.load(fh)["stats"]


def newest(content: Path) -> list[Path]:
    return sorted((content / "articles").glob("*/*.md"), key=lambda p: p.read_text(encoding="utf-8"))


def copied(archive: Path, tmp_path: Path, **options):
    """(content, output, state, build): a copy of the archive, and its `cctp build` with
    pelicanconf.py into tmp_path/output (`options` for site_build.build)."""
    content = tmp_path / "content"
    shutil.copytree(archive, content)
    output, state = tmp_path / "output", tmp_path / "state"

    def build() -> int:
        return site_build.build(content, output, site_build.ROOT / "pelicanconf.py", quiet=True,
                                state_dir=state, **options)
    return content, output, state, build


def add_copy(content: Path, slug: str, title: str) -> Path:
    """A new article: the last one's text under another slug, its title prefixed."""
    last = newest(content)[-1]
    text = re.sub(r"^slug: .*$", f"slug: {slug}", last.read_text(encoding="utf-8"), count=1, flags=re.M)
    path = last.parent / f"{slug}.md"
    path.write_text(text.replace("title: ", f"title: {title} ", 1), encoding="utf-8")
    return path


def change(content: Path) -> None:
    """Add an article (the newest, in a province and topics that have others), edit one,
    delete one."""
    articles = sorted((content / "articles").glob("2025/*.md"))
    text = articles[0].read_text(encoding="utf-8")
    text = re.sub(r"^slug: .*$", "slug: bai-moi-them-vao-kho", text, count=1, flags=re.M)
    text = re.sub(r"^title: .*$", "title: Bài mới thêm vào kho", text, count=1, flags=re.M)
    text = re.sub(r"^date: .*$", "date: 2025-12-31", text, count=1, flags=re.M)
    (content / "articles" / "2025" / "bai-moi-them-vao-kho.md").write_text(text, encoding="utf-8")
    edited = articles[1]
    edited.write_text(edited.read_text(encoding="utf-8").rstrip() + "\n\nMột đoạn mới thêm vào.\n",
                      encoding="utf-8")
    articles[2].unlink()


# With two processes (cctp_parallel_write) each signs and renders its share of the pages, and
# the parent keeps the record of both.
@pytest.mark.parametrize("settings,jobs", [("pelicanconf.py", 1), ("publishconf.py", 1), ("publishconf.py", 2)])
def test_incremental_build_writes_the_same_bytes(archive, tmp_path, settings, jobs, monkeypatch):
    monkeypatch.setenv("CCTP_SITEURL", "https://example.org/cctp")
    monkeypatch.setenv("CCTP_BUILD_JOBS", str(jobs))
    settings_path = site_build.ROOT / settings
    content = tmp_path / "content"
    shutil.copytree(archive, content)
    output, state = tmp_path / "output", tmp_path / "state"

    def build() -> int:
        return site_build.build(content, output, settings_path, index=False, check=False,
                                quiet=True, state_dir=state)

    assert build() == 0
    first = stats(state)
    assert first["rendered"] > ARTICLES and first["skipped"] == 0
    (output / "admin").mkdir()  # what `make admin-site` adds is not kept by a site build
    (output / "admin" / "index.html").write_text("admin", encoding="utf-8")

    robots = output / "robots.txt"
    robots_written = robots.stat().st_mtime_ns
    change(content)
    assert build() == 0
    second = stats(state)
    assert 0 < second["rendered"] < first["rendered"]
    assert second["removed"] >= 1
    # robots.txt is the same: cctp_sitemap's, neither removed by the clean-up nor written again
    # (the sitemap, which changed, is compared below).
    assert robots.stat().st_mtime_ns == robots_written
    # The record lists the output as a walk would (made from what Pelican recorded, the top
    # folder listed afresh): an unchanged tree is then told without walking it.
    (record,) = state.glob("*.record")
    assert site_build._load(record)["output"] == site_build._listing(output)

    scratch = files(build_site(content, tmp_path / "scratch", settings, index=False))
    incremental = files(output)
    assert sorted(incremental) == sorted(scratch)
    different = [name for name in scratch if incremental[name] != scratch[name]]
    assert not different, f"{len(different)} file(s) differ, e.g. {different[:5]}"
    assert "bai-viet/bai-moi-them-vao-kho/index.html" in incremental
    # The deleted article's folder went with its page (and no other folder is left empty).
    folders = lambda root: sorted(p.relative_to(root).as_posix() for p in root.rglob("*")  # noqa: E731
                                  if p.is_dir() and not p.relative_to(root).as_posix().startswith("pagefind"))
    assert folders(output) == folders(tmp_path / "scratch")

    # Without a record (lost, or never made for this output/) every page is rendered into the
    # output as it is, and what the build does not produce goes at its end.
    shutil.rmtree(state)
    stale = output / "bai-viet" / "bai-da-bo" / "index.html"
    stale.parent.mkdir(parents=True)
    stale.write_text("cũ", encoding="utf-8")
    assert build() == 0
    assert stats(state)["skipped"] == 0
    assert files(output) == scratch
    assert folders(output) == folders(tmp_path / "scratch")

    # Unchanged tree: nothing runs, nothing is touched.
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    assert build() == 0
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before

    # A page removed from output/ by hand is noticed and written again, alone, whatever the
    # number of processes, this build's or the last one's.
    page = output / "bai-viet" / "bai-moi-them-vao-kho" / "index.html"
    page.unlink()
    monkeypatch.setenv("CCTP_BUILD_JOBS", str(3 - jobs))
    assert build() == 0
    assert page.read_bytes() == scratch["bai-viet/bai-moi-them-vao-kho/index.html"]
    assert stats(state)["rendered"] == 1


def test_a_link_to_another_article_follows_its_new_address(archive, tmp_path):
    """An article's body that links to another by ``{filename}`` shows the target's URL, which
    Pelican puts in when the page is rendered: after the target's slug changes, the linking
    page is rendered again (it used to keep the old address, a page the build had removed)."""
    content, output, state, build = copied(archive, tmp_path, index=False, check=False)

    def slug(path: Path) -> str:
        return re.search(r"^slug: (.*)$", path.read_text(encoding="utf-8"), re.M).group(1)

    assert build() == 0
    articles = sorted((content / "articles").glob("*/*.md"))
    linking = articles[0]
    page = output / "bai-viet" / slug(linking) / "index.html"
    # A target the linking page does not otherwise show (related items, neighbours).
    target = next(p for p in articles[1:] if slug(p) not in page.read_text(encoding="utf-8"))
    link = f"[bài liên quan]({{filename}}/{target.relative_to(content).as_posix()})"
    text = linking.read_text(encoding="utf-8").rstrip() + f"\n\nXem {link}.\n"
    # In its summary too (the listings show it as text).
    text = re.sub(r"^(title: .*)$", lambda m: m.group(1) + f"\nsummary: 'Tóm tắt, xem {link}.'", text, count=1,
                  flags=re.M)
    linking.write_text(text, encoding="utf-8")
    assert build() == 0
    assert f'bai-viet/{slug(target)}/">bài liên quan' in page.read_text(encoding="utf-8")
    target.write_text(re.sub(r"^slug: .*$", "slug: bai-da-doi-dia-chi", target.read_text(encoding="utf-8"),
                             count=1, flags=re.M), encoding="utf-8")
    assert build() == 0
    assert 'bai-viet/bai-da-doi-dia-chi/">bài liên quan' in page.read_text(encoding="utf-8")
    scratch = files(build_site(content, tmp_path / "scratch", index=False))
    mine = files(output)
    assert [name for name in scratch if mine.get(name) != scratch[name]] == []


def test_an_article_failing_the_check_stops_pelican_before_it_writes(archive, tmp_path, capfd):
    """The changed articles are checked while Pelican reads (scrapers/pelican_run's gate): an
    error leaves output/ and the record as they were, and the next build checks it again."""
    content, output, state, build = copied(archive, tmp_path, index=False)
    assert build() == 0
    record = {p.name: p.read_bytes() for p in state.iterdir()}
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    capfd.readouterr()
    # A copy of an article under another slug: Pelican would build it; the check finds the
    # same source twice.
    original = sorted((content / "articles").glob("2025/*.md"))[0]
    copy = content / "articles" / "2025" / "ban-sao.md"
    copy.write_text(re.sub(r"^slug: .*$", "slug: ban-sao", original.read_text(encoding="utf-8"),
                           count=1, flags=re.M), encoding="utf-8")
    for _ in range(2):
        assert build() == 1
        err = capfd.readouterr().err
        assert "ban-sao.md" in err and "bài trùng" in err
        assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before
        assert {p.name: p.read_bytes() for p in state.iterdir()} == record
    copy.unlink()
    assert build() == 0  # as the last good build left it: nothing to do
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before


def test_the_index_step_takes_the_article_pages_pelican_produced(archive, tmp_path):
    """`cctp build` hands the search index the article pages from Pelican's record instead of
    walking the output for them: the same pages, sizes and modification times, so the index
    made from a walk afterwards finds nothing to do."""
    from scrapers import index

    content = tmp_path / "content"
    shutil.copytree(archive, content)
    output, state = tmp_path / "output", tmp_path / "state"
    assert site_build.build(content, output, site_build.ROOT / "pelicanconf.py", check=False,
                            quiet=True, state_dir=state) == 0
    assert (output / "pagefind" / "shards.json").is_file()
    assert index.build_index(output)["rebuilt"] == []
    (record,) = state.glob("*.pages")
    with open(record, "rb") as fh:
        produced = pickle.load(fh)["files"]
    walked = index._list_pages(output, index.ARTICLE_GLOB)
    assert len(walked) > ARTICLES
    assert index.pages_in(produced) == walked
    assert index.pages_in(produced, "bai-viet/*.html") is None  # another shape: the index walks


def test_the_record_lists_the_index_as_a_walk_would(archive, tmp_path):
    """After an incremental build, the record's listing of pagefind/ (the bundles not indexed
    again taken from the last build's record, scrapers.index.listing_after) is what a walk finds,
    so the next build on the unchanged tree does nothing; a bundle changed by hand is walked."""
    from scrapers import index

    content, output, state, build = copied(archive, tmp_path, check=False)

    def recorded() -> dict:
        (record,) = state.glob("*.record")
        return site_build._load(record)["output"]

    assert build() == 0
    add_copy(content, "bai-moi-cho-chi-muc", "Bản mới")
    assert build() == 0
    shards = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    # The new article went to the recent bundle: the main bundle and the hub were kept.
    assert [s["key"] for s in shards["main"]] == ["2010", "moi"]
    assert recorded() == site_build._listing(output)
    before = {p: p.stat().st_mtime_ns for p in output.rglob("*")}
    assert build() == 0
    assert {p: p.stat().st_mtime_ns for p in output.rglob("*")} == before

    # A kept bundle whose entry file changed since the last record is listed from the disk.
    entry = output / "pagefind" / "chinh" / "2010" / "pagefind-entry.json"
    previous = recorded()
    os.utime(entry, ns=(entry.stat().st_atime_ns, entry.stat().st_mtime_ns + 10**9))
    listed = index.listing_after(output, previous, [], site_build._stat_tree)
    assert listed == {k: v for k, v in site_build._listing(output).items() if k.startswith("pagefind/")}


def test_a_build_without_the_record_plugin_does_not_take_the_last_record(archive, tmp_path, monkeypatch):
    """Pelican's record of the pages it produced is read only when this build wrote it: a
    build without cctp_incremental (CCTP_STOCK_BUILD) after one with it left the last build's
    record in place, whose list of article pages lacks a new article (the index then missed
    it) and whose listing of the output is not this one's."""
    from scrapers import index

    content, output, state, build = copied(archive, tmp_path, check=False)
    assert build() == 0
    monkeypatch.setenv("CCTP_STOCK_BUILD", "1")
    add_copy(content, "bai-dung-khong-ghi-chep", "Mới")
    assert build() == 0
    (record,) = state.glob("*.record")
    assert site_build._load(record)["output"] == site_build._listing(output)
    assert index.build_index(output)["rebuilt"] == []  # the new page was indexed


def test_the_index_starts_once_the_article_pages_are_written(archive, tmp_path, monkeypatch):
    """The search index reads article pages only: `cctp build` updates it as soon as every
    process has written its article pages (plugins/cctp_articles_ready), before Pelican ends,
    from the pages Pelican lists; without that plugin, after Pelican, as before."""
    import time

    from scrapers import index

    monkeypatch.setenv("CCTP_BUILD_JOBS", "2")
    content = tmp_path / "content"
    shutil.copytree(archive, content)
    made, ended = [], []

    class Recorded(site_build._EarlyIndex):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

        def _written(self):
            self.written = super()._written()
            return self.written

    def launch(args, env, stdout, **fds):
        process = site_build._spawn(args, env, stdout, **fds)

        class Timed:
            def wait(self):
                code = process.wait()
                ended.append(time.perf_counter())
                return code
        return Timed()

    monkeypatch.setattr(site_build, "_EarlyIndex", Recorded)
    for stock, output in (("", tmp_path / "output"), ("1", tmp_path / "stock")):
        monkeypatch.setenv("CCTP_STOCK_BUILD", stock)
        assert site_build.build(content, output, site_build.ROOT / "pelicanconf.py", check=False, quiet=True,
                                state_dir=tmp_path / f"state{stock}", launch=launch) == 0
        assert (output / "pagefind" / "shards.json").is_file()
        assert index.build_index(output)["rebuilt"] == []  # the index had every article page
    early, late = made[:2]
    assert early.told is not None and early.told < ended[0]
    assert early.outcome[0]["pages"] == len(index._list_pages(tmp_path / "output", index.ARTICLE_GLOB)) > ARTICLES
    assert late.told is None and late.outcome is None  # no plugin to tell: indexed after Pelican

    # After an edit, the processes list the article pages they wrote, and the index looks
    # at those only; the others are as the last build left them, and the index is whole.
    monkeypatch.setenv("CCTP_STOCK_BUILD", "")
    edited = newest(content)[0]
    edited.write_text(edited.read_text(encoding="utf-8").rstrip() + "\n\nMột đoạn mới thêm vào.\n", encoding="utf-8")
    looked_at = []
    stock_stat = os.stat

    def stat(path, *args, **kwargs):
        if str(path).startswith(str(tmp_path / "output" / "bai-viet")):
            looked_at.append(str(path))
        return stock_stat(path, *args, **kwargs)
    monkeypatch.setattr(site_build.os, "stat", stat)
    assert site_build.build(content, tmp_path / "output", site_build.ROOT / "pelicanconf.py", check=False,
                            quiet=True, state_dir=tmp_path / "state", launch=launch) == 0
    monkeypatch.setattr(site_build.os, "stat", stock_stat)
    again = made[2]
    pages = index._list_pages(tmp_path / "output", index.ARTICLE_GLOB)
    assert f"bai-viet/{edited.stem}/index.html" in again.written and again.written <= set(pages)
    assert len(looked_at) == len(again.written) < len(pages) / 2
    assert again.outcome[0]["pages"] == len(pages)
    assert index.build_index(tmp_path / "output")["rebuilt"] == []
    assert not list((tmp_path / "state").glob("*.written-*"))


def test_the_build_child_ends_with_pelicans_status_and_log(tmp_path):
    """scrapers/pelican_run (what `cctp build` runs Pelican with) leaves without Python's
    clean-up, yet with Pelican's exit status and everything it logged."""
    import subprocess
    import sys

    content = tmp_path / "content" / "articles"
    content.mkdir(parents=True)
    (content / "hong.md").write_text("---\ntitle: [chưa đóng\n---\nMột đoạn.\n", encoding="utf-8")
    args = [str(tmp_path / "content"), "-s", str(site_build.ROOT / "pelicanconf.py"), "--fatal", "errors"]
    ours = subprocess.run([sys.executable, "-m", "scrapers.pelican_run", *args, "-o", str(tmp_path / "a")],
                          cwd=site_build.ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})
    stock = subprocess.run([sys.executable, "-m", "pelican", *args, "-o", str(tmp_path / "b")],
                           cwd=site_build.ROOT, capture_output=True, text=True, env={**os.environ, "COLUMNS": "400"})
    assert ours.returncode == stock.returncode == 1
    assert "hong.md" in ours.stdout + ours.stderr and "Error parsing YAML" in ours.stdout + ours.stderr
    (content / "hong.md").write_text("---\ntitle: Một bài\ndate: 2024-01-02\n---\nMột đoạn.\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "scrapers.pelican_run", *args, "-o", str(tmp_path / "c")],
                          cwd=site_build.ROOT, capture_output=True, text=True)
    assert done.returncode == 0 and "Done: Processed 1 article" in done.stdout + done.stderr
    assert (tmp_path / "c" / "index.html").is_file()


def test_text_values_count_by_their_text_whatever_their_type():
    # A listing's older pages get their heading as Markup: a renamed listing must sign them anew.
    from markupsafe import Markup

    sys.path.insert(0, str(site_build.ROOT / "plugins"))
    from cctp_incremental import _value_digest
    digests = {_value_digest(value) for value in (Markup("Hòa giải"), Markup("Hoà giải"), "Hòa giải", "Hoà giải")}
    assert len(digests) == 4
    assert _value_digest(Markup("Hòa giải")) == _value_digest(Markup("Hòa giải"))


def test_build_uses_a_process_per_core_unless_told(monkeypatch):
    monkeypatch.delenv("CCTP_BUILD_JOBS", raising=False)
    cores = len(os.sched_getaffinity(0))
    assert site_build.build_jobs() == max(1, min(site_build.MAX_JOBS, cores))
    monkeypatch.setenv("CCTP_BUILD_JOBS", "1")
    assert site_build.build_jobs() == 1
    monkeypatch.setenv("CCTP_BUILD_JOBS", "hai")
    with pytest.raises(SystemExit, match="CCTP_BUILD_JOBS='hai'"):
        site_build.build_jobs()
    # How many processes render is not part of what a build is made from.
    monkeypatch.setenv("CCTP_BUILD_JOBS", "1")
    one = site_build.salt(site_build.ROOT / "pelicanconf.py")
    monkeypatch.setenv("CCTP_BUILD_JOBS", "3")
    assert site_build.salt(site_build.ROOT / "pelicanconf.py") == one


def test_what_a_page_reads_of_the_browse_groups_is_noted(monkeypatch):
    """The lookups that make a page depend on a browse group: a group taken from a map by key
    (unit pages: province_by_slug[p.slug]), a group's articles, and the values of a map of
    groups (the maps' shading); other lookups note nothing."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
    import types

    import jinja2

    import cctp_incremental as inc
    from cctp_listing import Group

    hanoi, hue = Group(slug="ha-noi", name="Hà Nội", url="tinh/ha-noi/"), Group(slug="hue", name="Huế", url="tinh/hue/")
    by_slug = {"ha-noi": hanoi, "hue": hue}
    reading = set()
    monkeypatch.setattr(inc, "_state", {**inc._state, "group": Group, "reading": reading})
    env = jinja2.Environment()
    getattr_, getitem = inc._noting(jinja2.Environment.getattr), inc._noting(jinja2.Environment.getitem)

    assert getitem(env, by_slug, "hue") is hue
    assert reading == {("shallow", inc._group_key(hue))}
    reading.clear()
    assert getattr_(env, types.SimpleNamespace(group=hanoi), "group") is hanoi  # e.g. an article's province
    assert reading == {("shallow", inc._group_key(hanoi))}
    reading.clear()
    assert getattr_(env, hanoi, "articles") == [] and getattr_(env, hanoi, "name") == "Hà Nội"
    assert reading == {("deep", inc._group_key(hanoi))}
    reading.clear()
    getattr_(env, by_slug, "values")
    assert reading == {("shallow", inc._group_key(hanoi)), ("shallow", inc._group_key(hue))}
    reading.clear()
    getattr_(env, "text", "upper"), getitem(env, {"a": 1}, "a"), getattr_(env, {"a": 1}, "items")
    assert reading == set()


def test_the_build_record_is_kept_whole_and_read_from_an_older_format(tmp_path):
    """The record of the last build is pickled, written whole or not at all; a JSON record an
    older build left is read (so an update does not render every page again) and replaced."""
    import json

    record = site_build.state_path(tmp_path / "pelicanconf.py", tmp_path / "output", tmp_path / "state")
    state = {"salt": "s", "content": {"articles/2024/bai.md": [120, 7]}, "output": {"index.html": [9, 8]},
             "seconds": {"site": 1.5, "index": None}}
    assert site_build._load(record) is None

    legacy = record.with_suffix(".json")
    legacy.parent.mkdir(parents=True)
    legacy.write_text(json.dumps(state), encoding="utf-8")
    assert site_build._load(record) == state

    site_build._save(record, {**state, "salt": "t"})
    assert not legacy.exists() and site_build._load(record) == {**state, "salt": "t"}
    assert sorted(p.name for p in record.parent.iterdir()) == [record.name]

    record.write_bytes(b"\x80\x05 cut short")
    assert site_build._load(record) is None
