"""Tells `cctp build` when every article page is written, so that it updates the search index
(which reads article pages only) while Pelican writes the listings.

After one new article at 10,000 articles, every article page is written 0.15–0.25 s before
Pelican ends (the listings, feeds and sitemap come last), and the index step (0.6 s) used to
start only after that end, Pelican's record and the parent's reading of it.

With CCTP_ARTICLES_READY set to a pipe's write end and CCTP_ARTICLES_LIST to a file name
(scrapers/site_build.py sets both), the build writes the article pages' file names to that
file once every generator's context is made, and every process that writes pages
(cctp_parallel_write) writes one byte to the pipe when Pelican's loop over its article pages
is done. Before that byte, it writes the article pages it wrote in that loop (its others were
kept as they were, cctp_incremental) to that file name plus ``.written-<pid>``: `cctp build`
then looks at those files only, not at all 10,000 (0.05-0.08 s after one new article).
Without them (a plain `pelican` run) this plugin does nothing.
"""
from __future__ import annotations

import os
import pickle
from pathlib import Path

from cctp_parallel_write import PAGE_LISTS  # what Pelican's loop over article pages goes through
from pelican import signals
from pelican.generators import ArticlesGenerator

from scrapers.pelican_run import ARTICLES_LIST as LIST
from scrapers.pelican_run import ARTICLES_READY as READY
from scrapers.pelican_run import ARTICLES_WRITTEN as WRITTEN
from scrapers.write import atomic_write

_stock: dict = {}
_written: list | None = None  # while Pelican's loop over article pages runs: the files it writes


def note_written(path, context=None) -> None:
    if _written is not None:
        _written.append(path)


def list_pages(generators) -> None:
    """all_generators_finalized: one process still, before any page is written."""
    path = os.environ.get(LIST)
    if not path or READY not in os.environ:
        return
    pages = sorted({item.save_as for generator in generators if isinstance(generator, ArticlesGenerator)
                    for name in PAGE_LISTS for item in getattr(generator, name, None) or []})
    atomic_write(Path(path), pickle.dumps(pages, protocol=pickle.HIGHEST_PROTOCOL))


def generate_articles(self, write):
    global _written
    fd = os.environ.get(READY)
    listed = os.environ.get(LIST)
    _written = [] if fd is not None and listed else None
    try:
        _stock["generate_articles"](self, write)
        if _written is not None:
            output = os.path.abspath(self.output_path)
            names = [os.path.relpath(os.path.abspath(path), output).replace(os.sep, "/")
                     for path in _written]
            atomic_write(Path(f"{listed}{WRITTEN}{os.getpid()}"),
                         pickle.dumps(names, protocol=pickle.HIGHEST_PROTOCOL))
    finally:
        _written = None
    if fd is not None:
        os.write(int(fd), b"1")


def register() -> None:
    if not _stock:  # registered again for every Pelican instance (make serve)
        _stock["generate_articles"] = ArticlesGenerator.generate_articles
    ArticlesGenerator.generate_articles = generate_articles
    signals.all_generators_finalized.connect(list_pages)
    signals.content_written.connect(note_written)
