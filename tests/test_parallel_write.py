"""How cctp_parallel_write deals pages to processes (the bytes are compared in test_fast_build)."""
from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
import cctp_parallel_write as pw  # noqa: E402

from scrapers import site_build  # noqa: E402

ARTICLES = [f"bai-viet/bai-{n:05d}/index.html" for n in range(6000)]
OTHERS = ([f"tinh/tinh-{n}/index.html" for n in range(63)]
          + [f"tinh/tinh-{n}/trang/{p}/index.html" for n in range(63) for p in range(1, 30)]
          + [f"nam/{y}/index.html" for y in range(2005, 2027)] + ["index.html", "feeds/all.atom.xml"])


def owners(jobs: int, share: float = pw.LISTING_SHARE) -> dict[str, list[int]]:
    pw._articles.clear()
    pw._articles.update(ARTICLES)
    pw._deal(jobs, share)
    found = {}
    try:
        for worker in range(jobs):
            pw._state.update(jobs=jobs, worker=worker)
            for name in ARTICLES + OTHERS:
                if pw.owns(None, name):
                    found.setdefault(name, []).append(worker)
    finally:
        pw._state.update(jobs=1, worker=0)
        pw._articles.clear()
    return found


@pytest.mark.parametrize("jobs", [2, 3, 4, 8])
def test_every_page_has_exactly_one_writer(jobs):
    found = owners(jobs)
    assert all(len(found.get(name, [])) == 1 for name in ARTICLES + OTHERS)


# The full build's share, and the one `cctp build` gives a build that renders few pages.
@pytest.mark.parametrize("share", [pw.LISTING_SHARE, site_build.INCREMENTAL_LISTING_SHARE])
@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_listings_go_to_few_processes_and_articles_even_out_the_work(jobs, share):
    found = owners(jobs, share)
    listers = {found[name][0] for name in OTHERS}
    # A listed article's entry is rendered once per process writing listings: as few as can.
    assert len(listers) == math.ceil(share * jobs)
    articles = Counter(found[name][0] for name in ARTICLES)
    work = {w: articles[w] / len(ARTICLES) * (1 - share) for w in range(jobs)}
    for w in listers:
        work[w] += share / len(listers)
    assert all(abs(share - 1 / jobs) < 0.02 for share in work.values()), work


def test_one_process_writes_everything():
    assert pw.owns(None, ARTICLES[0]) and pw.owns(None, OTHERS[0])


def test_each_process_goes_through_the_pages_of_its_own_articles_only(monkeypatch):
    """Pelican's loop over article pages sees, in each process, the articles whose pages it
    writes; every process still has every article afterwards (listings, feeds)."""
    from types import SimpleNamespace

    articles = [SimpleNamespace(save_as=name) for name in ARTICLES[:500]]
    translations = [SimpleNamespace(save_as="bai-viet/ban-dich/index.html")]
    generator = SimpleNamespace(articles=articles, translations=translations, hidden_articles=[],
                                hidden_translations=[])
    seen = []
    monkeypatch.setitem(pw._stock, "generate_articles", lambda self, write: seen.append(
        [item.save_as for name in pw.PAGE_LISTS for item in getattr(self, name)]))
    pw._articles.clear()
    pw._articles.update(item.save_as for item in articles + translations)
    pw._deal(2)
    try:
        for worker in range(2):
            pw._state.update(jobs=2, worker=worker)
            pw.generate_articles(generator, write=None)
            assert generator.articles is articles and generator.translations is translations
    finally:
        pw._state.update(jobs=1, worker=0)
        pw._articles.clear()
    assert sorted(seen[0] + seen[1]) == sorted(item.save_as for item in articles + translations)
    assert not set(seen[0]) & set(seen[1]) and seen[0] and seen[1]
    pw.generate_articles(generator, write=None)  # one process: all of them
    assert len(seen[2]) == len(articles) + len(translations)


def test_a_build_failing_after_the_fork_waits_for_its_workers(tmp_path, monkeypatch):
    """The parent fails while a worker still writes: the build ends only once the worker has
    (nothing is written into the output after it said it failed), and the workers' results
    folder goes with it."""
    import os
    import time
    from types import SimpleNamespace

    late = tmp_path / "written-by-the-worker"
    folders = []

    def stock_run(self):
        pw.fork_workers(SimpleNamespace(settings={"BUILD_JOBS": 2}))
        if pw._state["worker"]:  # the worker: still writing when the parent fails
            time.sleep(0.5)
            late.write_text("xong", encoding="utf-8")
            os._exit(0)
        folders.append(Path(pw._state["results"]))
        raise RuntimeError("lỗi khi dựng trang")

    monkeypatch.setitem(pw._stock, "run", stock_run)
    monkeypatch.setitem(pw._state, "generators", [])
    with pytest.raises(RuntimeError, match="lỗi khi dựng trang"):
        pw.run(None)
    assert late.read_text(encoding="utf-8") == "xong"
    assert pw._state["children"] == [] and pw._state["results"] is None
    assert folders and not folders[0].exists()
