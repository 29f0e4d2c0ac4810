"""Pelican's command line for `cctp build`, which leaves as soon as the build is done.

    python -m scrapers.pelican_run CONTENT -s SETTINGS -o OUTPUT ...  (Pelican's arguments)

At exit Python frees every object the build made, one by one: at 10,000 articles about 2 s
of CPU after the last file was written. The build's files are closed by then and the log
is flushed here, so the process ends without that clean-up (`os._exit`), with Pelican's
exit status. A crash is left to Python, which prints it as usual.
"""
from __future__ import annotations

import logging
import os
import sys


def main(argv: list[str] | None = None) -> None:
    from pelican import main as pelican_main

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
