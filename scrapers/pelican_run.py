"""Pelican's command line for `cctp build`, without three costs that do not build anything.

    python -m scrapers.pelican_run CONTENT -s SETTINGS -o OUTPUT ...  (Pelican's arguments)

- Pelican shows a "Generating..." spinner (rich's `console.status`) while it builds. Its
  thread redraws it 12.5 times a second, even when the output is not a terminal, and takes
  Python's GIL from the build each time: at 10,000 articles one new article's build took
  about 3 s longer in wall time than its CPU time, and as long as its CPU time without it.
  `cctp build` says what it does itself, so there is no spinner. (The fix for Pelican, a
  spinner only on a terminal, is docs/upstream/pelican-status-only-on-terminal.patch.)
- Python's cycle collector walks every object still alive each time the heap has grown by a
  quarter: while the articles and their context are made, that is the whole archive again
  and again. It is off until every generator's context is made; the objects alive then,
  which live until the end of the build, are moved out of its sight (`gc.freeze`) and it
  runs again for the pages (one new article at 10,000 articles, bench/context_floor.py:
  14.6 → 11.0 s of CPU).
- `cctp build` checks the changed articles while Pelican reads and builds its context: with
  CCTP_BUILD_GATE set to a pipe's file descriptor, Pelican waits there before it writes
  anything to the output, and ends with GATE_CLOSED, having written nothing, unless it reads
  "1" (the check passed). One new article at 10,000 articles: the check's 0.2 s no longer
  comes first.
- At exit Python frees every object the build made, one by one: 1–2 s of CPU after the
  last file was written. The build's files are closed by then and the log is flushed here,
  so the process ends without that clean-up (`os._exit`), with Pelican's exit status. A
  crash is left to Python, which prints it as usual.
"""
from __future__ import annotations

import contextlib
import gc
import logging
import os
import sys

GATE = "CCTP_BUILD_GATE"
# How Pelican tells `cctp build` that every article page is written (plugins/cctp_articles_ready).
ARTICLES_READY, ARTICLES_LIST = "CCTP_ARTICLES_READY", "CCTP_ARTICLES_LIST"
# Beside that list, what each process wrote of those pages: <list>.written-<pid>.
ARTICLES_WRITTEN = ".written-"
GATE_CLOSED = 3


def _wait_for_gate(_pelican=None) -> None:
    """get_writer, before any other receiver: the first moment anything is written to the
    output (`--delete-output-directory` empties it earlier, so `cctp build --full` checks
    before it starts Pelican)."""
    fd = os.environ.pop(GATE, None)
    if fd is None:
        return
    with os.fdopen(int(fd), "rb") as gate:
        if gate.read(1) != b"1":
            raise SystemExit(GATE_CLOSED)


def _collect_again(_generators=None) -> None:
    gc.freeze()
    gc.enable()


def prepare() -> None:
    """The spinner, the cycle collector and the gate as described above, in this process."""
    import pelican
    from pelican import signals

    pelican.console.status = lambda *args, **kwargs: contextlib.nullcontext()
    gc.disable()
    signals.all_generators_finalized.connect(_collect_again)
    # Before the plugins connect theirs (cctp_parallel_write forks its workers there).
    signals.get_writer.connect(_wait_for_gate)


def main(argv: list[str] | None = None) -> None:
    from pelican import main as pelican_main

    prepare()

    try:
        pelican_main(argv)
        code = 0
    except SystemExit as stop:
        if stop.code is None or isinstance(stop.code, int):
            code = stop.code or 0
        else:  # a message, which Python would print
            print(stop.code, file=sys.stderr)
            code = 1
    if code == 0:
        from scrapers import resident

        resident.write_report()  # what a resident build process (cctp build --watch) keeps
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
