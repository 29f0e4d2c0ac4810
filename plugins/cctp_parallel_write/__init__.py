"""Pages rendered by several processes at once, when CCTP_BUILD_JOBS asks for more than one.

Rendering (Jinja) is most of a full build once reading is fast, and it is the same work for
every page. With CCTP_BUILD_JOBS=N (setting BUILD_JOBS), the build forks N-1 workers just
before writing; every process runs the same generate_output calls, but a page or feed is
rendered only by the process that its file name falls to (by a CRC of the name: listings and
feeds to as few processes as can take them, article pages spread to even out the work;
`_deal`; Pelican's loop over article pages is given only the process's own,
generate_articles), so each file has exactly one writer, the same one on every build with as many
processes, and Pelican's overwrite rules (which concern one file name) still hold within it.
Copying static files is left to the first process. The workers end at `finalized`; the parent waits for them before the other
`finalized` handlers (sitemap, robots.txt), which read what is on disk, and fails the build
if any worker failed. One process unless asked for (`cctp build` asks for one per core): the
output is the same either way.

Other plugins take part through `Writer.owns(name)` (whether this process writes that file)
and two signals: WORKER_DONE is sent in each worker at `finalized`, and what its receivers
return is handed, per worker, to WORKERS_JOINED's receivers in the parent
(`results=[{module: value}, …]`). cctp_incremental keeps its record that way.
"""
from __future__ import annotations

import bisect
import logging
import math
import os
import pickle
import shutil
import tempfile
import zlib

from blinker import signal
from pelican import Pelican, signals
from pelican.generators import ArticlesGenerator, StaticGenerator
from pelican.writers import Writer

log = logging.getLogger(__name__)

WORKER_DONE = signal("cctp_parallel_write.worker_done")
WORKERS_JOINED = signal("cctp_parallel_write.workers_joined")

_state = {"jobs": 1, "worker": 0, "children": [], "results": None}
_stock: dict = {}


# What share of a full build's rendering is not article pages (listings, feeds, the cited
# documents' pages): 10,000 synthetic articles, two processes. In the ninth session the
# listings' process and the articles' one ended within 0.3 s of each other with 0.42 (0.40
# and 0.44 each left one idle for about half a second); in the eleventh, on another machine,
# 0.42 left the listings' process 0.1-0.6 s behind, 0.45 the other 0.2-0.55 s, and 0.43-0.44
# ended them within 0.1-0.4 s. The setting LISTING_SHARE replaces it (`cctp build` sets it
# for a build that renders few pages).
LISTING_SHARE = 0.44
ARTICLE_LISTS = ("articles", "translations", "hidden_articles", "hidden_translations", "drafts",
                 "drafts_translations")
_articles: set = set()                  # the file names of article pages
_plan: dict = {"listers": 1, "edges": []}


def _deal(jobs: int, listing_share: float = LISTING_SHARE) -> None:
    """How pages fall to processes. An article's list entry and summary are rendered by every
    process that writes a page listing it (cctp_fragments remembers them per process), so the
    pages that are not articles' go to as few processes as can take them, `listers`, by a CRC
    of their name; article pages are dealt by the same CRC, weighted so that each process
    ends up with about 1/jobs of the work."""
    listers = min(jobs, max(1, math.ceil(listing_share * jobs)))
    edges, edge = [], 0.0
    for worker in range(jobs):
        share = 1 / jobs - (listing_share / listers if worker < listers else 0.0)
        edge += max(0.0, share) / (1 - listing_share)
        edges.append(edge)
    edges[-1] = 1.0
    _plan.update(listers=listers, edges=edges)


def owns(self, name) -> bool:
    """Whether this process writes file `name`."""
    jobs = _state["jobs"]
    if jobs <= 1 or not name:
        return True
    name = str(name)
    crc = zlib.crc32(name.encode())
    if name not in _articles:
        return crc % _plan["listers"] == _state["worker"]
    point = crc / 2**32
    return bisect.bisect_right(_plan["edges"], point) == _state["worker"]


def remember_generators(generators) -> None:
    _state["generators"] = list(generators)


def _article_pages(generators) -> set:
    """The file names of article pages (at the fork, when cctp_fast_urls remembers them)."""
    return {article.save_as for generator in generators
            for name in ARTICLE_LISTS for article in getattr(generator, name, None) or []}


def write_file(self, name, *args, **kwargs):
    if owns(self, name):
        return _stock["write_file"](self, name, *args, **kwargs)
    return None


def write_feed(self, elements, context, path=None, *args, **kwargs):
    if path is None or owns(self, path):
        return _stock["write_feed"](self, elements, context, path, *args, **kwargs)
    return None


# The generator's lists of articles whose pages generate_articles writes.
PAGE_LISTS = ("translations", "articles", "hidden_translations", "hidden_articles")


def generate_articles(self, write):
    """Pelican's loop over the articles' pages, given only those this process writes: the
    others' calls (the URL, the template and every writer wrapper, to be refused at the end)
    were a quarter of the listings' process in a build after one new article at 10,000
    articles. The rest of the build still sees every article (the context's lists are other
    references). article_generator_write_article is then sent in the process that writes the
    page only (no plugin here listens to it)."""
    if _state["jobs"] <= 1:
        return _stock["generate_articles"](self, write)
    every = {name: getattr(self, name) for name in PAGE_LISTS}
    try:
        for name, items in every.items():
            setattr(self, name, [item for item in items if owns(None, item.save_as)])
        return _stock["generate_articles"](self, write)
    finally:
        for name, items in every.items():
            setattr(self, name, items)


def static_output(self, writer):
    if _state["worker"] == 0:
        _stock["static"](self, writer)


def fork_workers(pelican):
    """get_writer: the last moment before pages are written. Provides no writer itself."""
    jobs = int(pelican.settings.get("BUILD_JOBS") or 1)
    _state.update(jobs=jobs, worker=0, children=[], results=None)
    generators = _state.pop("generators", [])
    if jobs <= 1:
        return None
    _articles.clear()
    _articles.update(_article_pages(generators))
    _deal(jobs, float(pelican.settings.get("LISTING_SHARE") or LISTING_SHARE))
    _state["results"] = tempfile.mkdtemp(prefix="cctp-workers-")
    for worker in range(1, jobs):
        pid = os.fork()
        if pid == 0:
            _state.update(worker=worker, children=[])
            if worker >= _plan["listers"]:
                _articles_only(generators)
            break
        _state["children"].append(pid)
    return None


# What ArticlesGenerator writes besides its articles' pages (generate_articles, generate_drafts).
NOT_ARTICLE_PAGES = ("generate_feeds", "generate_period_archives", "generate_direct_templates",
                     "generate_tags", "generate_categories", "generate_authors")


def _nothing(*_args, **_kwargs) -> None:
    return None


def _articles_only(generators) -> None:
    """In a process that writes article pages only (not one of the `listers`), the generators
    do not make the other pages' calls at all, instead of making each (its URL, its page's
    articles, a cited document's sections by province...) to have it refused by owns(): after
    one new article at 10,000 articles, about 0.2 s of that process, run beside the search
    index. Their output is pages and feeds only: the static files are the first process's."""
    for generator in generators:
        if isinstance(generator, ArticlesGenerator):
            for name in NOT_ARTICLE_PAGES:
                setattr(generator, name, _nothing)
        elif not isinstance(generator, StaticGenerator):
            generator.generate_output = _nothing


def _result_path(worker: int) -> str:
    return os.path.join(_state["results"], f"worker-{worker}.pickle")


def join_workers(pelican):
    if _state["jobs"] <= 1:
        return
    if _state["worker"]:
        results = {receiver.__module__: value for receiver, value in WORKER_DONE.send(pelican)}
        path = _result_path(_state["worker"])
        with open(path + ".tmp", "wb") as fh:
            pickle.dump(results, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(path + ".tmp", path)
        logging.shutdown()
        os._exit(0)
    failed, results = [], []
    for worker, pid in enumerate(_state["children"], start=1):
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status):
            failed.append(pid)
            continue
        with open(_result_path(worker), "rb") as fh:
            results.append(pickle.load(fh))
    shutil.rmtree(_state["results"], ignore_errors=True)
    _state.update(jobs=1, children=[])
    if failed:
        raise RuntimeError(f"cctp_parallel_write: {len(failed)} worker(s) failed")
    WORKERS_JOINED.send(pelican, results=results)


def run(self):
    """Pelican.run. A build that fails in the parent after the fork waits for its workers to end
    before it ends itself, and removes their results' folder: it used to end at once, and they
    went on writing pages into the output after the build had said it failed (and, in
    `cctp build --watch`, while the next build wrote)."""
    try:
        return _stock["run"](self)
    except BaseException:
        if _state["worker"] == 0 and _state["children"]:
            for pid in _state["children"]:
                try:
                    os.waitpid(pid, 0)
                except ChildProcessError:
                    pass
            _state["children"] = []
            if _state["results"]:
                shutil.rmtree(_state["results"], ignore_errors=True)
            _state.update(jobs=1, results=None)
        raise


def register() -> None:
    # Pelican registers plugins again for every instance (`make serve` rebuilds): the stock
    # methods are taken once, or each wrapper would end up calling itself.
    if not _stock:
        _stock.update(write_file=Writer.write_file, write_feed=Writer.write_feed,
                      static=StaticGenerator.generate_output,
                      generate_articles=ArticlesGenerator.generate_articles, run=Pelican.run)
    Pelican.run = run
    Writer.write_file = write_file
    Writer.write_feed = write_feed
    Writer.owns = owns
    StaticGenerator.generate_output = static_output
    ArticlesGenerator.generate_articles = generate_articles
    signals.all_generators_finalized.connect(remember_generators)
    signals.get_writer.connect(fork_workers)
    signals.finalized.connect(join_workers)
