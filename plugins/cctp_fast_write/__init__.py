"""Pelican writes a page or feed only when its bytes differ from the file already there.

On a rebuild over an existing output folder (`make serve`, or any build without
--delete-output-directory) most pages come out the same; overwriting them costs more than
reading and comparing them on this kind of disk, and leaves every file with a new date, so
a sync to the host uploads everything. The writer renders as before and keeps the file when
nothing changed.

Under `cctp build` (which keeps the build's record in INCREMENTAL_STATE, per settings and
output folder), what it wrote is recorded beside that record: each file's size,
modification time and a digest of its bytes. A file still as recorded (same size and time)
is compared by digest, without reading it back: on this machine the disk's cache empties
within seconds, and reading back the 17,000 pages of a 10,000-article site took 1.7 s (0.9 s
of CPU) where their digests take 0.35 s of CPU. A file that is not as recorded (changed by
someone else, or never written here) is read and compared as before, as is every file
of a plain `pelican` run (`make serve`). With
cctp_parallel_write each process records what it writes, and hands it to the parent.
"""
from __future__ import annotations

import hashlib
import io
import os
import pickle
from pathlib import Path

import blinker
from pelican import signals, writers
from pelican.writers import Writer

# The record: absolute file name -> (size, modification time in ns, digest) of what was last
# written or found the same. `new`: this build's (this process's, with several processes).
_state: dict = {"path": None, "old": {}, "new": {}}


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


class _KeepIfSame(io.StringIO):
    """Collects the text Pelican writes; on close, writes it out only if it is new."""

    def __init__(self, filename: str, encoding: str):
        super().__init__()
        self._filename = filename
        self._encoding = encoding

    def close(self) -> None:
        if not self.closed:
            _keep_or_write(self._filename, self.getvalue().encode(self._encoding))
        super().close()


def _keep_or_write(filename: str, data: bytes) -> None:
    recording = _state["path"] is not None
    digest = _digest(data) if recording else None
    try:
        st = os.stat(filename)
        recorded = _state["old"].get(filename)
        if recorded is not None and recorded[:2] == (st.st_size, st.st_mtime_ns):
            same = recorded[2] == digest  # the file is as written then: its digest will do
        else:
            same = st.st_size == len(data) and _read(filename) == data
    except OSError:
        same = False
    if not same:
        with open(filename, "wb") as fh:
            fh.write(data)
        st = os.stat(filename)
    if recording:
        _state["new"][filename] = (st.st_size, st.st_mtime_ns, digest)


def _read(filename: str) -> bytes:
    with open(filename, "rb") as fh:
        return fh.read()


def _open_for_writing(filename, mode="w", encoding=None):
    if filename == os.devnull or mode != "w":
        return open(filename, mode, encoding=encoding)
    return _KeepIfSame(filename, encoding or "utf-8")


class KeepUnchangedWriter(Writer):
    def _open_w(self, filename, encoding, override=False):
        # The stock method keeps the overwrite checks and bookkeeping; only its final
        # open() is swapped, for the length of the call (builds are single-threaded).
        writers.open = _open_for_writing
        try:
            return super()._open_w(filename, encoding, override)
        finally:
            del writers.open


def record_path(settings: dict) -> Path | None:
    state = settings.get("INCREMENTAL_STATE")
    return Path(state).with_suffix(".written") if state else None


def load(pelican) -> None:
    """initialized: the record of this build's output, if there is a usable one."""
    path = record_path(pelican.settings)
    _state.update(path=path, old={}, new={})
    if path is None:
        return
    try:
        with open(path, "rb") as fh:
            old = pickle.load(fh)
        if not isinstance(old, dict):
            old = {}
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        old = {}
    _state["old"] = old
    # Connected now, after every plugin's own handler: cctp_parallel_write's joins its workers
    # (and so hands over what they wrote) before this one saves.
    signals.finalized.connect(save)


def save(pelican) -> None:
    path = _state["path"]
    if path is None or not _state["new"]:
        return
    record = {**_state["old"], **_state["new"]}
    # The files in the output now, when the build knows them (cctp_incremental's clean-up):
    # the record keeps nothing else.
    present = getattr(pelican, "output_files", None)
    if present is not None:
        output = os.path.abspath(pelican.output_path)
        keep = {os.path.join(output, rel) for rel in present}
        record = {name: entry for name, entry in record.items() if name in keep}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # no record: the next build reads the files back, as without one
    _state.update(path=None, old={}, new={})


def worker_done(_pelican):
    return _state["new"]


def workers_joined(_pelican, results):
    for result in results:
        _state["new"].update(result.get(__name__) or {})


def get_writer(_pelican):
    return KeepUnchangedWriter


def register() -> None:
    signals.get_writer.connect(get_writer)
    signals.initialized.connect(load)
    # cctp_parallel_write's signals, by name: this plugin works without it.
    blinker.signal("cctp_parallel_write.worker_done").connect(worker_done)
    blinker.signal("cctp_parallel_write.workers_joined").connect(workers_joined)
