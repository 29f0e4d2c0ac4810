"""Pelican's command line for `cctp build`, without two costs that do not build anything.

    python -m scrapers.pelican_run CONTENT -s SETTINGS -o OUTPUT ...  (Pelican's arguments)

- Pelican shows a "Generating..." spinner (rich's `console.status`) while it builds. Its
  thread redraws it 12.5 times a second, even when the output is not a terminal, and takes
  Python's GIL from the build each time: at 10,000 articles one new article's build took
  about 3 s longer in wall time than its CPU time, and as long as its CPU time without it.
  `cctp build` says what it does itself, so there is no spinner.
- At exit Python frees every object the build made, one by one: about 1 s of CPU after the
  last file was written. The build's files are closed by then and the log is flushed here,
  so the process ends without that clean-up (`os._exit`), with Pelican's exit status. A
  crash is left to Python, which prints it as usual.
"""
from __future__ import annotations

import contextlib
import logging
import os
import sys


def without_spinner() -> None:
    """Pelican's "Generating..." spinner off, in this process."""
    import pelican

    pelican.console.status = lambda *args, **kwargs: contextlib.nullcontext()


def main(argv: list[str] | None = None) -> None:
    from pelican import main as pelican_main

    without_spinner()

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
