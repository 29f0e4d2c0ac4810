"""What the Markdown reader made of each file is kept between builds (Pelican's reader cache).

pelicanconf.py turns on CACHE_CONTENT and LOAD_CONTENT_CACHE with the "reader" layer: Pelican
keeps each file's HTML and front matter and reuses them while the file's modification time
is unchanged. It does not notice when something other than the file changes what the reader
would produce: the settings (Tag objects even keep a copy of them), the reader's code,
Markdown or PyYAML. So this plugin gives every combination of those its own folder under
CACHE_PATH, named by a digest of them, and keeps only the most recently used folders. The
plugins still run on every article: only the reading is skipped.

Pelican keeps the cache as one pickle, loaded whole when a build starts and written whole
after it: at 10,000 articles 53 MB, 0.8 s to load and 0.9 s to write when one file was read,
though most builds restore every unchanged article from the finished memo (finished.py)
and never look in it. Here each file's entry is kept as its own pickled bytes: the cache is
loaded (as bytes, no entry unpickled) only when a file is looked up, an entry is unpickled
only when its file is read, and the cache is written only when a file was read into it.
"""
from __future__ import annotations

import hashlib
import inspect
import os
import shutil
import sys
import time
from pathlib import Path

from pelican import signals
from pelican.contents import Page
from pelican.generators import CachingGenerator
from pelican.readers import Readers

from . import finished

KEEP = 8  # most recently used caches kept: builds, publish, preview, and a few test archives
# Settings that change where output goes, whether the cache is read or how the work is shared
# out, not what is read.
NOT_READING = {"OUTPUT_PATH", "DELETE_OUTPUT_DIRECTORY", "LOAD_CONTENT_CACHE", "CACHE_PATH",
               "INCREMENTAL_STATE", "INCREMENTAL_SALT", "BUILD_JOBS", "LISTING_SHARE"}


def _plain(value):
    """The settings' data, leaving out objects whose repr is not stable (modules, functions)."""
    if isinstance(value, (str, int, float, bool, type(None), Path)):
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, (set, frozenset)) else items
    return type(value).__qualname__


def fingerprint(settings: dict) -> str:
    import markdown
    import yaml
    from pelican import __version__ as pelican_version
    from pelican.readers import Readers

    parts = [sys.version, pelican_version, markdown.__version__, yaml.__version__,
             repr(sorted((k, _plain(v)) for k, v in settings.items()
                         if k.isupper() and k not in NOT_READING))]
    readers = Readers(settings)  # sends readers_init, so plugins' readers are the ones seen
    for cls in sorted(set(readers.reader_classes.values()) - {None}, key=lambda c: c.__qualname__):
        for klass in cls.__mro__:
            if klass.__module__ not in ("builtins",):
                parts.append(inspect.getsource(sys.modules[klass.__module__]))
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def prune(base: Path, current: Path) -> None:
    # Every test archive gets its own cache, so they must not pile up; one used in the last
    # hour may belong to a build still running, so it stays.
    recent = time.time() - 3600
    folders = sorted((f for f in base.iterdir() if f.is_dir() and f != current),
                     key=_mtime, reverse=True)
    for folder in folders[KEEP - 1:]:
        if _mtime(folder) < recent:
            shutil.rmtree(folder, ignore_errors=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # pruned by another build meanwhile
        return 0.0


def configure(pelican) -> None:
    settings = pelican.settings
    if not settings["CACHE_CONTENT"] or settings["CONTENT_CACHING_LAYER"] != "reader":
        return
    base = Path(settings["CACHE_PATH"])
    folder = base / fingerprint(settings)
    settings["CACHE_PATH"] = str(folder)
    folder.mkdir(parents=True, exist_ok=True)
    os.utime(folder)  # marks it used, for prune()
    prune(base, folder)
    finished.configure(settings)


def read_file(self, base_path, path, content_class=Page, fmt=None, context=None, preread_signal=None,
              preread_sender=None, context_signal=None, context_sender=None):
    return finished.read_file(_stock["read_file"], self, base_path, path, content_class, context,
                              preread_signal, preread_sender, context_signal, fmt=fmt,
                              context_sender=context_sender)


class _Entries:
    """path → (file stamp, pickled (content, metadata)) of one Readers. Kept as a base file, an
    index of the base's stamps, and a file of the entries made since (as finished.save_split):
    one new article wrote the whole 55 MB of a 10,000-article archive's entries again, and
    loading them took 0.05–0.1 s of a build that restores every unchanged article from the
    finished articles and asks the reader cache about one new file. The base is loaded when an
    entry its index holds, at the file's current stamp, is asked for."""

    def __init__(self, readers) -> None:
        self.base_path, self.delta_path = _entries_paths(readers)
        self.index_path = Path(readers._cache_path + "-entries-index")
        self.salt = _format(readers)
        self.base: dict | None = {}
        self.index: dict = {}
        self.delta: dict = {}
        self.indexed = False  # whether the index file goes with the base file
        if readers.settings["LOAD_CONTENT_CACHE"]:
            self.delta = finished.load(self.delta_path, self.salt) or {}
            found = finished.load(self.index_path, self.salt)
            if found is not None and found.get("base") == finished.file_stamp(self.base_path):
                self.base, self.index, self.indexed = None, found["stamps"], True
            else:  # an older layout, or an index that does not go with the base
                self.base = finished.load(self.base_path, self.salt) or {}
                self.index = {path: entry[0] for path, entry in self.base.items()}
                self.delta = self.delta if self.base else {}

    def get(self, path: str, stamp):
        """The entry of `path` if it was made at `stamp`, else None."""
        entry = self.delta.get(path)
        if (entry is None or entry[0] != stamp) and self.index.get(path) == stamp:
            if self.base is None:
                self.base = finished.load(self.base_path, self.salt) or {}
            entry = self.base.get(path)
        return entry if entry is not None and entry[0] == stamp else None

    def has(self, path: str, stamp) -> bool:
        entry = self.delta.get(path)
        return (entry is not None and entry[0] == stamp) or self.index.get(path) == stamp

    def put(self, path: str, entry) -> None:
        self.delta[path] = entry

    def save(self) -> None:
        """The new entries alone, or everything again once they outgrow a fifth of the base."""
        if self.index and len(self.delta) <= finished.REWRITE_SHARE * len(self.index):
            finished.write(self.delta_path, (self.salt, self.delta))
            if not self.indexed:
                self._write_index()
            return
        if self.base is None:
            self.base = finished.load(self.base_path, self.salt) or {}
        self.base.update(self.delta)
        finished.write(self.base_path, (self.salt, self.base))
        self.index, self.delta = {path: entry[0] for path, entry in self.base.items()}, {}
        self._write_index()
        self.delta_path.unlink(missing_ok=True)

    def _write_index(self) -> None:
        finished.write(self.index_path, (self.salt, {"base": finished.file_stamp(self.base_path), "stamps": self.index}))
        self.indexed = True


def _entries(readers) -> _Entries:
    found = readers.__dict__.get("_cctp_entries")
    if found is None:
        found = readers.__dict__["_cctp_entries"] = _Entries(readers)
    return found


def _entries_paths(readers) -> tuple[Path, Path]:
    return Path(readers._cache_path + "-entries"), Path(readers._cache_path + "-entries-new")


def _format(readers) -> str:
    # The digest of the folder covers the reader; the stamp method decides what a stamp is.
    return f"entries:{readers.settings['CHECK_MODIFIED_METHOD']}"


def has_cached_data(self, filename) -> bool:
    """Whether get_cached_data has an entry for this file as it is now (without unpickling it,
    or loading the base of the entries)."""
    return _entries(self).has(filename, self._get_file_stamp(filename))


def get_cached_data(self, filename, default=None):
    entry = _entries(self).get(filename, self._get_file_stamp(filename))
    if entry is None:
        return default
    try:
        return finished.loads(entry[1], self.settings)
    except Exception:  # noqa: BLE001 - e.g. a class that moved: read the file again
        return default


def cache_data(self, filename, data):
    if not self._cache_data_policy:
        return
    try:
        blob = finished.dumps(data, self.settings)
    except Exception:  # noqa: BLE001 - something pickle cannot take: read it again next time
        return
    _entries(self).put(filename, (self._get_file_stamp(filename), blob))
    self.__dict__["_cctp_read_into"] = True


def save_cache(self):
    # Nothing read: the file on disk already holds what was loaded from it.
    if self.__dict__.get("_cctp_read_into"):
        _entries(self).save()
        self.__dict__["_cctp_read_into"] = False
        Path(self._cache_path).unlink(missing_ok=True)  # Pelican's own, from an older build
    finished.save(self)


def unused_get_cached_data(self, filename, default=None):
    """A generator's own cache (Pelican's "generator" layer, unused beside this plugin's reader
    cache) stamped every file it could not hold, twice per article and build."""
    if filename not in self._cache:
        return default
    return _stock["get_generator_cache"](self, filename, default)


def unused_cache_data(self, filename, data):
    if self._cache_data_policy:
        _stock["cache_generator_data"](self, filename, data)


_stock: dict = {}


def register() -> None:
    if not _stock:  # plugins are registered again for every Pelican instance (make serve)
        _stock.update(read_file=Readers.read_file, get_generator_cache=CachingGenerator.get_cached_data,
                      cache_generator_data=CachingGenerator.cache_data)
    Readers.read_file = read_file
    CachingGenerator.get_cached_data = unused_get_cached_data
    CachingGenerator.cache_data = unused_cache_data
    finished.install()
    Readers.has_cached_data = has_cached_data
    Readers.get_cached_data = get_cached_data
    Readers.cache_data = cache_data
    Readers.save_cache = save_cache
    signals.initialized.connect(configure)
