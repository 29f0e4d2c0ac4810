"""What a command found in each file, kept between runs by the file's size and modification time.

`cctp check --changed` compares a changed article's slug and source with every other
article's, and `cctp review` (and the preview's review page) checks every file for what
waits for an editor. At 10,000 articles reading them all took 0.16 s (1.3 s with the disk's
cache cold) and 12.6 s. Each keeps its results per file in a pickle under .cache/, one per
folder of files (and per `salt`, for results that follow the code), and works again only on
the files whose size or modification time changed (what Pelican's reader cache trusts too:
a touched file costs its reading, never a wrong result). Memos not used for a month are
removed (each test archive has one).
"""
from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path

from . import installed
from .write import atomic_write

PRUNE_AGE = 30 * 86400
PACKAGE = Path(__file__).resolve().parent


def code_salt() -> str:
    """The sizes and modification times of this package's files (its rules and data files)
    and the installed distributions: what a file's check depends on besides the file."""
    found = []
    for folder, dirs, names in os.walk(PACKAGE):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(names):
            st = os.stat(os.path.join(folder, name))
            found.append((os.path.relpath(os.path.join(folder, name), PACKAGE), st.st_size, st.st_mtime_ns))
    return hashlib.sha256(repr((found, installed.stamp())).encode()).hexdigest()


class FileMemo:
    """key -> ((size, mtime_ns), value) for the files under `root`, in `directory`."""

    def __init__(self, directory: Path, root: Path, salt: str = "") -> None:
        name = str(root.resolve()) + (f"\0{salt}" if salt else "")
        self.path = Path(directory) / (hashlib.sha256(name.encode()).hexdigest()[:16] + ".pickle")
        try:
            with open(self.path, "rb") as fh:
                kept = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
            kept = {}
        self.kept = kept if isinstance(kept, dict) else {}
        self.fresh: dict = {}
        self.changed = False

    def get(self, key: str, stamp: tuple, make):
        """The value kept for `key` at `stamp`, else make() (kept for next time)."""
        entry = self.kept.get(key)
        if entry is None or entry[0] != stamp:
            entry = (stamp, make())
            self.changed = True
        self.fresh[key] = entry
        return entry[1]

    def save(self) -> None:
        """Keeps what this run asked for (files gone are dropped)."""
        try:
            if self.changed or len(self.fresh) != len(self.kept):
                atomic_write(self.path, pickle.dumps(self.fresh, protocol=pickle.HIGHEST_PROTOCOL))
                self._prune()
            elif time.time() - self.path.stat().st_mtime > PRUNE_AGE / 30:
                os.utime(self.path)  # in use: kept by _prune
        except OSError:  # a read-only checkout: the next run works on the files again
            pass

    def _prune(self) -> None:
        for old in self.path.parent.glob("*.pickle"):
            try:
                if old != self.path and time.time() - old.stat().st_mtime > PRUNE_AGE:
                    old.unlink()
            except OSError:
                continue
