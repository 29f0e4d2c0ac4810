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


def _collect_again(_generators=None) -> None:
    gc.freeze()
    gc.enable()


def prepare() -> None:
    """The spinner and the cycle collector as described above, in this process."""
    import pelican
    from pelican import signals

    pelican.console.status = lambda *args, **kwargs: contextlib.nullcontext()
    gc.disable()
    signals.all_generators_finalized.connect(_collect_again)


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
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    main(sys.argv[1:])
