"""The build-speed plugins (docs/build-speed.md) change how long a build takes, never what it
writes: a small archive is built with them and without them (CCTP_STOCK_BUILD=1), for the
default and the public settings, and every output file is compared byte for byte, also
when the articles come from the reader cache of a previous build and when two processes
read the articles and render the pages."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, build_site, synthetic_content

ARTICLES = 120


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> Path:
    """Synthetic articles over several years plus the repository's own articles."""
    return synthetic_content(tmp_path_factory.mktemp("fast-build"), ARTICLES, seed=7, with_real=True)


def files(output: Path) -> dict[str, bytes]:
    return {p.relative_to(output).as_posix(): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("settings", ["pelicanconf.py", "publishconf.py"])
def test_fast_plugins_write_the_same_bytes(small_archive, tmp_path, settings):
    env = {"CCTP_SITEURL": "https://example.org/cctp"}
    fast = files(build_site(small_archive, tmp_path / "fast", settings, index=False, env=env))
    # Again, now reading every article from the cache the first build left (cctp_read_cache).
    cached = files(build_site(small_archive, tmp_path / "cached", settings, index=False, env=env))
    assert cached == fast
    # Read and rendered by two processes (cctp_parallel_read, cctp_parallel_write); from a copy
    # of the articles, whose reader cache is empty, so that every file is read.
    copy = shutil.copytree(small_archive, tmp_path / "content-copy")
    parallel = files(build_site(copy, tmp_path / "parallel", settings, index=False,
                                env={**env, "CCTP_BUILD_JOBS": "2"}))
    assert parallel == fast
    stock = files(build_site(small_archive, tmp_path / "stock", settings, index=False,
                             env={**env, "CCTP_STOCK_BUILD": "1"}))
    assert sorted(fast) == sorted(stock)
    assert len(fast) > ARTICLES
    different = [name for name in fast if fast[name] != stock[name]]
    assert not different, f"{len(different)} file(s) differ, e.g. {different[:5]}"


def test_fast_plugins_are_on_by_default():
    import pelicanconf
    assert set(pelicanconf.FAST_PLUGINS) <= set(pelicanconf.PLUGINS)
    assert pelicanconf.FAST_PLUGINS


def test_rebuild_rewrites_only_changed_pages(small_archive, tmp_path):
    """cctp_fast_write: over an existing output, a page is written only when its bytes change."""
    import os
    import subprocess

    from conftest import PELICAN

    content = tmp_path / "content"
    shutil.copytree(small_archive, content)
    output = build_site(content, tmp_path / "output", index=False)
    old = 1_000_000_000
    for path in output.rglob("*"):
        os.utime(path, (old, old))
    article = sorted((content / "articles").glob("*/*.md"))[-1]
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip() + "\n\nMột đoạn mới thêm vào.\n", encoding="utf-8")
    subprocess.run([str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
                    "--fatal", "errors"], cwd=ROOT, check=True, capture_output=True)
    rewritten = {p.relative_to(output).as_posix() for p in output.rglob("*.html") if p.stat().st_mtime > old}
    pages = list(output.rglob("*.html"))
    assert any("Một đoạn mới thêm vào." in (output / name).read_text(encoding="utf-8") for name in rewritten)
    assert 0 < len(rewritten) < len(pages) / 10


def test_reader_cache_follows_what_changes_reading(tmp_path):
    """cctp_read_cache: a setting that changes what is read gets its own cache; where the
    output goes does not."""
    import sys

    from pelican.settings import read_settings

    sys.path.insert(0, str(ROOT / "plugins"))
    from cctp_read_cache import fingerprint, prune

    def key(**changes) -> str:
        # Fresh settings each time: Pelican's Markdown reader adds to MARKDOWN when created.
        return fingerprint({**read_settings(str(ROOT / "pelicanconf.py")), **changes})

    markdown = read_settings(str(ROOT / "pelicanconf.py"))["MARKDOWN"]
    assert key() == key()
    assert key(OUTPUT_PATH=str(tmp_path / "elsewhere")) == key()
    assert key(MARKDOWN={**markdown, "output_format": "xhtml"}) != key()

    import os
    for i in range(12):
        folder = tmp_path / "cache" / f"{i:02}"
        folder.mkdir(parents=True)
        os.utime(folder, (i * 1000, i * 1000))  # long ago, oldest first
    prune(tmp_path / "cache", tmp_path / "cache" / "11")
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == [f"{i:02}" for i in range(4, 12)]


def test_parallel_read_reports_a_broken_file_once(tmp_path):
    """cctp_parallel_read: a file a worker cannot read is read again by the main process,
    which reports it exactly as a one-process build does."""
    import os
    import subprocess
    import sys

    from conftest import PELICAN

    sys.path.insert(0, str(ROOT / "plugins"))
    from cctp_parallel_read import READ_HERE_BELOW

    # Enough files for a worker to be forked (fewer are read by the main process).
    content = synthetic_content(tmp_path, READ_HERE_BELOW + 10, seed=3)
    broken = sorted((content / "articles").glob("*/*.md"))[5]
    lines = broken.read_text(encoding="utf-8").split("\n")
    lines[1] = "title: [unclosed"
    broken.write_text("\n".join(lines), encoding="utf-8")
    runs = {}
    for jobs in ("1", "2"):
        done = subprocess.run([str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o",
                               str(tmp_path / f"out{jobs}"), "--ignore-cache", "--fatal", "errors"],
                              cwd=ROOT, capture_output=True, text=True,
                              env={**os.environ, "CCTP_BUILD_JOBS": jobs, "COLUMNS": "400"})
        runs[jobs] = (done.returncode, done.stdout.count("Error parsing YAML") + done.stderr.count("Error parsing YAML"))
    assert runs["1"] == runs["2"] == (1, 1)


def test_parallel_read_takes_the_files_the_generator_has_listed():
    """cctp_parallel_read plans the workers' shares from the set the articles generator's
    get_files has just returned, in the same order, instead of walking the folders again."""
    import sys

    sys.path.insert(0, str(ROOT / "plugins"))
    import cctp_parallel_read as plugin

    walks = []

    class Generator:
        settings = {"ARTICLE_PATHS": ["articles"], "ARTICLE_EXCLUDES": ["nhap"]}

        def get_files(self, paths, exclude=None, extensions=None):
            walks.append((paths, exclude, extensions))
            return {f"articles/{i}.md" for i in range(50)}

    Generator.get_files = plugin._remember_files(Generator.get_files)
    generator = Generator()
    listed = generator.get_files(["articles"], exclude=["nhap"])
    assert plugin._article_files(generator) is listed and len(walks) == 1
    generator.get_files(["trang"], exclude=[])  # another walk (the pages') is not taken for it
    assert plugin._article_files(generator) == listed and len(walks) == 3
