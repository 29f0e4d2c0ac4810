"""plugins/cctp_fast_write: a page is written only when its bytes differ from the file there;
a file still as the record says it was written is compared by digest, without reading it
back; anything else is read and compared; the record lasts from one build to the next."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
import cctp_fast_write as fw  # noqa: E402


@pytest.fixture
def build(tmp_path, monkeypatch):
    """A fake Pelican with an output folder; `read` counts the files read back."""
    monkeypatch.setattr(fw, "_state", {"path": None, "old": {}, "new": {}})
    monkeypatch.setattr(fw.signals.finalized, "connect", lambda receiver: None)
    reads = []
    stock = fw._read
    monkeypatch.setattr(fw, "_read", lambda name: reads.append(os.path.basename(name)) or stock(name))
    pelican = SimpleNamespace(settings={"INCREMENTAL_STATE": str(tmp_path / "state" / "site.pages")},
                              output_path=str(tmp_path / "out"))
    os.makedirs(pelican.output_path)
    return pelican, reads


def page(pelican, name):
    return os.path.join(pelican.output_path, name)


def write(pelican, name, text):
    fw._keep_or_write(page(pelican, name), text.encode())


def build_once(pelican, pages: dict):
    """One build that writes `pages` (file name -> text)."""
    fw.load(pelican)
    for name, text in pages.items():
        write(pelican, name, text)
    fw.save(pelican)


def test_unchanged_pages_are_neither_read_nor_written(build):
    pelican, reads = build
    build_once(pelican, {"a.html": "Hà Nội", "b.html": "Huế 1"})
    first = {n: os.stat(page(pelican, n)).st_mtime_ns for n in ("a.html", "b.html")}
    os.utime(page(pelican, "a.html"), ns=(1, first["a.html"]))  # read by someone: atime only

    build_once(pelican, {"a.html": "Hà Nội", "b.html": "Huế 2"})  # b: the same size, other bytes
    assert reads == []
    assert os.stat(page(pelican, "a.html")).st_mtime_ns == first["a.html"]
    assert Path(page(pelican, "b.html")).read_text(encoding="utf-8") == "Huế 2"


def test_a_file_not_as_recorded_is_read_and_compared(build):
    pelican, reads = build
    build_once(pelican, {"a.html": "một", "b.html": "hai"})
    Path(page(pelican, "a.html")).write_text("khác", encoding="utf-8")  # changed by someone else
    os.utime(page(pelican, "b.html"), ns=(1, 1))  # same bytes, another time

    fw.load(pelican)
    write(pelican, "a.html", "một")
    write(pelican, "b.html", "hai")
    write(pelican, "c.html", "ba")  # new: nothing to read
    assert sorted(reads) == ["a.html", "b.html"]
    assert Path(page(pelican, "a.html")).read_text(encoding="utf-8") == "một"
    assert os.stat(page(pelican, "b.html")).st_mtime_ns == 1  # the same bytes: kept
    fw.save(pelican)
    fw.load(pelican)
    write(pelican, "b.html", "hai")
    assert sorted(reads) == ["a.html", "b.html"]  # as recorded now


def test_the_record_keeps_only_files_in_the_output(build):
    pelican, reads = build
    fw.load(pelican)
    write(pelican, "a.html", "một")
    write(pelican, "old.html", "cũ")
    pelican.output_files = ["a.html"]  # as cctp_incremental's clean-up lists them
    fw.save(pelican)
    del pelican.output_files
    fw.load(pelican)
    assert set(fw._state["old"]) == {page(pelican, "a.html")}


def test_a_plain_pelican_run_reads_files_back(build):
    pelican, reads = build
    del pelican.settings["INCREMENTAL_STATE"]
    Path(page(pelican, "a.html")).write_text("một", encoding="utf-8")
    fw.load(pelican)
    write(pelican, "a.html", "một")
    fw.save(pelican)
    fw.load(pelican)
    write(pelican, "a.html", "một")
    assert reads == ["a.html", "a.html"]


def test_an_unreadable_record_is_no_record(build):
    pelican, reads = build
    path = fw.record_path(pelican.settings)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"not a pickle")
    fw.load(pelican)
    assert fw._state["old"] == {}
    Path(page(pelican, "a.html")).write_text("một", encoding="utf-8")
    write(pelican, "a.html", "một")
    assert reads == ["a.html"]
