"""Pages rendered by several processes at once, when CCTP_BUILD_JOBS asks for more than one.

Rendering (Jinja) is most of a full build once reading is fast, and it is the same work for
every page. With CCTP_BUILD_JOBS=N (setting BUILD_JOBS), the build forks N-1 workers just
before writing; every process runs the same generate_output calls, but a page or feed is
rendered only by the process that its file name falls to (a CRC of the name, modulo N), so
each file has exactly one writer, the same one on every build, and Pelican's overwrite rules
(which concern one file name) still hold within it. Copying static files is left to the
first process. The workers end at `finalized`; the parent waits for them before the other
`finalized` handlers (sitemap, robots.txt), which read what is on disk, and fails the build
if any worker failed. Off (one process) unless asked for: the output is the same either way.
"""
from __future__ import annotations

import logging
import os
import zlib

from pelican import signals
from pelican.generators import StaticGenerator
from pelican.writers import Writer

log = logging.getLogger(__name__)

_state = {"jobs": 1, "worker": 0, "children": []}
_stock = {"write_file": Writer.write_file, "write_feed": Writer.write_feed,
          "static": StaticGenerator.generate_output}


def _mine(name) -> bool:
    if _state["jobs"] <= 1 or not name:
        return True
    return zlib.crc32(str(name).encode()) % _state["jobs"] == _state["worker"]


def write_file(self, name, *args, **kwargs):
    if _mine(name):
        return _stock["write_file"](self, name, *args, **kwargs)
    return None


def write_feed(self, elements, context, path=None, *args, **kwargs):
    if path is None or _mine(path):
        return _stock["write_feed"](self, elements, context, path, *args, **kwargs)
    return None


def static_output(self, writer):
    if _state["worker"] == 0:
        _stock["static"](self, writer)


def fork_workers(pelican):
    """get_writer: the last moment before pages are written. Provides no writer itself."""
    jobs = int(pelican.settings.get("BUILD_JOBS") or 1)
    _state.update(jobs=jobs, worker=0, children=[])
    if jobs <= 1:
        return None
    for worker in range(1, jobs):
        pid = os.fork()
        if pid == 0:
            _state.update(worker=worker, children=[])
            break
        _state["children"].append(pid)
    return None


def join_workers(_pelican):
    if _state["jobs"] <= 1:
        return
    if _state["worker"]:
        logging.shutdown()
        os._exit(0)
    failed = []
    for pid in _state["children"]:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status):
            failed.append(pid)
    _state.update(jobs=1, children=[])
    if failed:
        raise RuntimeError(f"cctp_parallel_write: {len(failed)} worker(s) failed")


def register() -> None:
    Writer.write_file = write_file
    Writer.write_feed = write_feed
    StaticGenerator.generate_output = static_output
    signals.get_writer.connect(fork_workers)
    signals.finalized.connect(join_workers)
