"""Articles' Markdown and front matter read by several processes at once (CCTP_BUILD_JOBS).

With BUILD_JOBS = N > 1, when the articles generator reads its first file, N-1 workers are
forked; each reads (Markdown, YAML: the reader's ``read``) a fixed share of the files the
reader cache does not already hold, in Pelican's order, and sends the results back through a
pipe. The main process reads the rest itself and turns every result into an article as
before, in the same order, so plugins, the reader cache and everything after see exactly
what one process would produce. The main process reads fewer files than each worker (a
tenth with two processes, none from three on): it also builds the Content objects and runs the
plugins on them.

What a worker logs while reading a file is sent with the result and logged by the main
process when it takes that file, so messages come once, in order, through its handlers. A
worker that fails on a file (or dies) sends nothing usable for it: the main process then
reads that file itself, so errors are reported as without this plugin. One process
unless asked for (`cctp build` asks for one per core), like cctp_parallel_write, which
shares the setting.
"""
from __future__ import annotations

import fcntl
import logging
import os
import pickle

from pelican import signals
from pelican.generators import ArticlesGenerator

log = logging.getLogger(__name__)

_FAILED = "failed"
# What the main process does for each article besides reading it, relative to reading it
# (10,000 synthetic articles, two processes: with 0.5 the main process, reading a quarter,
# ended 0.15-0.18 s after the worker once Markdown's block processors were gated (eleventh
# session: reading a file got a third cheaper, making an article did not); with 0.8, within
# 0.05 s, and the whole build about 0.3 s sooner).
MAIN_EXTRA = 0.8
# Fewer files to read than this and the main process reads them: forking a worker from a
# process holding 10,000 restored articles took about 8 ms (profiled), and the pages the main
# process then writes while the worker lives are copied; reading one file takes about 1 ms.
READ_HERE_BELOW = 50


class Pool:
    """The workers of one articles generator and which of them reads which file."""

    def __init__(self, generator, jobs: int) -> None:
        self.owner: dict[str, int] = {}      # absolute path -> worker number (0: this process)
        self.pipes: dict[int, pickle.Unpickler] = {}  # worker number -> what it sends
        self.files: list = []                # the pipes' read ends, closed at the end
        self.pids: list[int] = []
        self.readers = generator.readers
        self.stock_read = {}                 # reader -> its own read method
        files = [os.path.abspath(os.path.join(generator.path, f)) for f in _article_files(generator)]
        # cctp_read_cache answers without unpickling the entry.
        cached = getattr(self.readers, "has_cached_data", None) or (
            lambda f: self.readers.get_cached_data(f, (None, None))[0] is not None)
        todo = [f for f in files if not cached(f)]
        if len(todo) < READ_HERE_BELOW:
            return
        # The main process's share, so that it ends with the workers: reading a file takes
        # it 1 unit, and every file's article (built and passed to the plugins here) another
        # MAIN_EXTRA; a worker's share of the rest is (1 - share) / (jobs - 1).
        share = max(0.0, (1 - MAIN_EXTRA * (jobs - 1)) / jobs)
        workers = 0
        for i, path in enumerate(todo):
            if int((i + 1) * share) != int(i * share):
                self.owner[path] = 0
            else:
                self.owner[path] = workers % (jobs - 1) + 1
                workers += 1
        if workers < jobs - 1:
            return
        for worker in range(1, jobs):
            mine = [p for p in todo if self.owner[p] == worker]
            read_end, write_end = os.pipe()
            _widen(write_end)
            pid = os.fork()
            if pid == 0:
                os.close(read_end)
                _work(self.readers, mine, write_end)  # never returns
            os.close(write_end)
            self.pids.append(pid)
            self.files.append(os.fdopen(read_end, "rb"))
            self.pipes[worker] = pickle.Unpickler(self.files[-1])
        for reader in set(self.readers.readers.values()):
            self.stock_read[reader] = reader.read
            reader.read = self._reading(reader)

    def _reading(self, reader):
        stock = reader.read

        def read(path):
            worker = self.owner.get(path, 0)
            result = self._receive(worker, path) if worker else None
            return stock(path) if result is None else result
        return read

    def _receive(self, worker: int, path: str):
        pipe = self.pipes.get(worker)
        if pipe is None:
            return None
        try:
            sent, result, records = pipe.load()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.pipes.pop(worker, None)  # the worker died: read its files here
            return None
        if sent != path:  # cannot happen while both follow get_files' order; be safe
            self.pipes.pop(worker, None)
            return None
        if result == _FAILED:
            return None
        for record in records:
            logging.getLogger(record.name).handle(record)
        return result

    def close(self) -> None:
        for reader, read in self.stock_read.items():
            reader.read = read
        self.pipes.clear()
        for file in self.files:  # a worker still writing then stops instead of waiting
            file.close()
        failed = 0
        for pid in self.pids:
            _, status = os.waitpid(pid, 0)
            failed += bool(os.waitstatus_to_exitcode(status))
        if failed:
            log.debug("cctp_parallel_read: %d worker(s) ended badly; their files were read here", failed)


def _widen(fd: int) -> None:
    """A larger pipe lets a worker run ahead instead of waiting for each read."""
    try:
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (AttributeError, OSError):
        pass


class _Keep(logging.Handler):
    """A worker's log records, kept to be sent with the file's result."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args, record.exc_info = record.getMessage(), None, None
        self.records.append(record)


def _work(readers, paths: list[str], fd: int) -> None:
    status = 0
    keep = _Keep()
    logging.getLogger().handlers = [keep]
    try:
        with os.fdopen(fd, "wb") as out:
            sender = pickle.Pickler(out, pickle.HIGHEST_PROTOCOL)
            for path in paths:
                reader = readers.readers[os.path.splitext(path)[1][1:]]
                keep.records = []
                try:
                    result = reader.read(path)
                except Exception:  # the main process reads it again and reports it
                    result, keep.records = _FAILED, []
                sender.dump((path, result, keep.records))
    except BaseException:
        status = 1
    finally:
        logging.shutdown()
        os._exit(status)


def _article_files(generator):
    """The files the articles generator is reading, in its order: the set its get_files has
    just returned (walking 10,000 files a second time took about 0.07 s)."""
    args = (generator.settings["ARTICLE_PATHS"], generator.settings["ARTICLE_EXCLUDES"])
    known = generator.__dict__.get("_cctp_files")
    if known is not None and known[0] == args:
        return known[1]
    return generator.get_files(args[0], exclude=args[1])


def _remember_files(stock):
    def get_files(self, paths, exclude=None, extensions=None):
        files = stock(self, paths, exclude=exclude, extensions=extensions)
        if extensions is None:
            self.__dict__["_cctp_files"] = ((paths, exclude), files)
        return files
    get_files.stock = stock
    return get_files


_pools: dict[int, Pool] = {}


def start(generator) -> None:
    """article_generator_preread: sent before every file; acts on the first."""
    if id(generator) in _pools:
        return
    jobs = int(generator.settings.get("BUILD_JOBS") or 1)
    _pools[id(generator)] = Pool(generator, jobs) if jobs > 1 else None


def finish(generator) -> None:
    pool = _pools.pop(id(generator), None)
    if pool:
        pool.close()


def register() -> None:
    stock = getattr(ArticlesGenerator.get_files, "stock", ArticlesGenerator.get_files)
    ArticlesGenerator.get_files = _remember_files(stock)
    signals.article_generator_preread.connect(start)
    signals.article_generator_finalized.connect(finish)
