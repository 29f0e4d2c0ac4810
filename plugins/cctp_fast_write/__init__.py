"""Pelican writes a page or feed only when its bytes differ from the file already there.

On a rebuild over an existing output folder (`make serve`, or any build without
--delete-output-directory) most pages come out the same; overwriting them costs more than
reading and comparing them on this kind of disk, and leaves every file with a new date, so
a sync to the host uploads everything. The writer renders as before and keeps the file when
nothing changed.
"""
from __future__ import annotations

import io
import os

from pelican import signals, writers
from pelican.writers import Writer


class _KeepIfSame(io.StringIO):
    """Collects the text Pelican writes; on close, writes it out only if it is new."""

    def __init__(self, filename: str, encoding: str):
        super().__init__()
        self._filename = filename
        self._encoding = encoding

    def close(self) -> None:
        if not self.closed:
            data = self.getvalue().encode(self._encoding)
            try:
                same = os.path.getsize(self._filename) == len(data) and _read(self._filename) == data
            except OSError:
                same = False
            if not same:
                with open(self._filename, "wb") as fh:
                    fh.write(data)
        super().close()


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


def get_writer(_pelican):
    return KeepUnchangedWriter


def register() -> None:
    signals.get_writer.connect(get_writer)
