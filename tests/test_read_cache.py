"""plugins/cctp_read_cache: the finished-article cache (finished.py) is keyed on a stamp of the
code that made the articles, the same whichever script started the build; the reader cache
keeps each file's entry on its own. (Whole builds from both caches are compared with builds
without them in tests/test_fast_build.py.)"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
from cctp_read_cache import finished  # noqa: E402

SETTINGS = {"PLUGIN_PATHS": [str(ROOT / "plugins")]}


def test_the_stamp_leaves_out_the_script_that_started_the_build(monkeypatch, tmp_path):
    # multiprocessing lists the entry script again as __mp_main__: a bench's own script must
    # not make its build miss every article that `cctp build` kept.
    script = tmp_path / "entry.py"
    script.write_text("", encoding="utf-8")
    entry = types.ModuleType("__mp_main__")
    entry.__file__ = str(script)
    before = finished.code_stamp(SETTINGS)
    monkeypatch.setitem(sys.modules, "__mp_main__", entry)
    assert finished.code_stamp(SETTINGS) == before
    monkeypatch.setitem(sys.modules, "project_module", entry)  # a module of the project counts
    assert finished.code_stamp(SETTINGS) != before


def test_the_reader_cache_keeps_each_file_as_its_own_entry(monkeypatch, tmp_path):
    """cctp_read_cache's reader cache: what a file was read into is served again while the
    file is unchanged, with the live settings; a cache nothing was read into is not written
    again; Pelican's own cache file from an older build is replaced."""
    import os

    import cctp_read_cache as plugin
    from pelican.readers import Readers
    from pelican.settings import read_settings
    from pelican.urlwrappers import Tag

    for name in ("has_cached_data", "get_cached_data", "cache_data", "save_cache"):
        monkeypatch.setattr(Readers, name, getattr(plugin, name), raising=False)
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache")})
    read, unread = tmp_path / "doc.md", tmp_path / "other.md"
    for path in (read, unread):
        path.write_text("---\ntitle: Một\n---\nMột đoạn.\n", encoding="utf-8")
    readers = Readers(settings, "ArticlesGenerator-Readers")
    old = Path(readers._cache_path)
    old.parent.mkdir(parents=True)
    old.write_bytes(b"")  # Pelican's own format, as an older build left it
    readers.cache_data(str(read), ("<p>Một đoạn.</p>", {"tags": [Tag("hoà giải", settings)]}))
    for i in range(5):
        extra = tmp_path / f"extra-{i}.md"
        extra.write_text("x", encoding="utf-8")
        readers.cache_data(str(extra), (f"<p>{i}</p>", {}))
    readers.save_cache()
    assert not old.exists()

    again = Readers(settings, "ArticlesGenerator-Readers")
    content, metadata = again.get_cached_data(str(read))
    assert content == "<p>Một đoạn.</p>"
    assert metadata["tags"][0].name == "hoà giải" and metadata["tags"][0].settings is settings
    assert again.has_cached_data(str(read)) and not again.has_cached_data(str(unread))
    assert again.get_cached_data(str(unread), "không có") == "không có"
    entries = Path(again._cache_path + "-entries")
    written = entries.stat().st_mtime_ns
    again.save_cache()
    assert entries.stat().st_mtime_ns == written  # nothing was read into it

    # A file read into the cache later goes to a small file of new entries beside the others,
    # which are not written again (finished.save_split).
    again.cache_data(str(unread), ("<p>Hai.</p>", {}))
    again.save_cache()
    assert entries.stat().st_mtime_ns == written
    third = Readers(settings, "ArticlesGenerator-Readers")
    assert third.get_cached_data(str(unread)) == ("<p>Hai.</p>", {})
    assert third.get_cached_data(str(read))[0] == "<p>Một đoạn.</p>"

    stamp = read.stat().st_mtime_ns + 5_000_000_000
    os.utime(read, ns=(stamp, stamp))  # the file changed: it is read again
    assert again.get_cached_data(str(read), "đọc lại") == "đọc lại"
    assert not again.has_cached_data(str(read))


def test_entries_are_kept_as_a_base_and_what_changed_since(tmp_path):
    """finished.save_split: new entries are written alone until they outgrow a fifth of the
    base, which is then written again with all of them."""
    base, delta = tmp_path / "base", tmp_path / "new"
    everything = {f"f{i}": i for i in range(10)}
    finished.save_split(base, delta, "s", everything, {}, 0)
    assert finished.load_split(base, delta, "s") == (everything, {}, 10)
    written = base.stat().st_mtime_ns
    everything.update(f10=10, f11=11)
    finished.save_split(base, delta, "s", everything, {"f10": 10, "f11": 11}, 10)
    assert base.stat().st_mtime_ns == written and delta.exists()
    assert finished.load_split(base, delta, "s") == (everything, {"f10": 10, "f11": 11}, 10)
    assert finished.load_split(base, delta, "other") == ({}, {}, 0)
    everything.update(f12=12)
    finished.save_split(base, delta, "s", everything, {"f10": 10, "f11": 11, "f12": 12}, 10)
    assert not delta.exists()
    assert finished.load_split(base, delta, "s") == (everything, {}, 13)


def test_kept_state_refers_to_the_live_settings():
    """finished.dumps: tags, authors and categories come back holding the settings of the
    build that loads them (not a copy), one object where there was one, also for a wrapper
    class made after the first dumps and for a copy of the settings held some other way."""
    import pickle

    from pelican.settings import read_settings
    from pelican.urlwrappers import Author, Tag, URLWrapper

    settings = read_settings(str(ROOT / "pelicanconf.py"))
    tag = Tag("hoà giải", settings)
    finished.dumps({}, settings)  # the wrapper table is made here

    # A wrapper class made after the table, where pickle can find it.
    unit = globals()["LateUnit"] = type("LateUnit", (URLWrapper,), {"__module__": __name__})

    state = {"tags": [tag, Tag("tư pháp", settings)], "tag": tag, "author": Author("Báo Nhân Dân", settings),
             "unit": unit("Tòa án", settings), "held": {"settings": dict(settings)}}
    live = dict(settings)
    back = finished.loads(finished.dumps(state, settings), live)
    assert back["tags"][0] is back["tag"]
    assert [t.name for t in back["tags"]] == ["hoà giải", "tư pháp"] and back["author"].name == "Báo Nhân Dân"
    assert all(w.settings is live for w in (*back["tags"], back["author"], back["unit"]))
    assert back["held"]["settings"] is live
    assert back["tags"][1].slug == Tag("tư pháp", settings).slug
    with pytest.raises(KeyError):  # outside loads() a wrapper has no settings to take
        pickle.loads(finished.dumps({"tag": tag}, settings))


def test_a_restored_body_is_decoded_only_when_read(monkeypatch, tmp_path):
    """A restored article's body stays UTF-8 until something reads it; Pelican's static links
    come without decoding it; cctp_incremental digests it the same, decoded or not."""
    import cctp_incremental as incremental
    from pelican.contents import Article
    from pelican.readers import Readers
    from pelican.settings import read_settings

    finished.install()
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache")})
    monkeypatch.setitem(finished._salt, id(settings), (settings, "stamp"))
    source = tmp_path / "bai.md"
    source.write_text("x", encoding="utf-8")
    body = '<p>Hoà giải ở cơ sở <a href="{static}/anh/hoi-nghi.jpg">ảnh</a></p>'
    from pelican.utils import SafeDatetime

    made = Article(body, metadata={"title": "Hội nghị", "date": SafeDatetime(2024, 5, 2)}, settings=settings,
                   source_path=str(source), context={})
    memo = finished.Memo(Readers(settings, "ArticlesGenerator-Readers"))
    memo.keep(str(source), (1, 2), made, [])
    entry = memo.entry(str(source), (1, 2), Article)
    restored = memo.restore(str(source), entry, Article, {})
    again = memo.restore(str(source), entry, Article, {})

    assert "_content" not in vars(restored)
    assert restored.get_static_links() == made.get_static_links() == {"anh/hoi-nghi.jpg"}
    assert "_content" not in vars(restored)

    monkeypatch.setattr(incremental, "_state", {"memo": {}, "own": {}, "own_items": {}, "own_reduced": {}})
    incremental._state["dispatch"] = incremental._dispatch()
    waiting = incremental._content_digest(restored)
    assert incremental._content_digest(made) == waiting
    assert again._content == body and "_cctp_body" not in vars(again)
    assert incremental._content_digest(again) == waiting
    assert restored.title == "Hội nghị" and "_content" not in vars(restored)

    edited = memo.restore(str(source), entry, Article, {})
    edited._content = body.replace("Hoà", "Hòa")
    assert incremental._content_digest(edited) != waiting


def test_a_restored_article_is_valid_without_its_urls_formatted_again(monkeypatch, tmp_path, caplog):
    """Pelican asks each article it has just read whether its save_as stays inside the output
    folder: a restored article answers from what Pelican found when it was kept, while the
    output folder is the same; otherwise, and for an article outside it, Pelican decides."""
    from pelican.contents import Article, Content
    from pelican.readers import Readers
    from pelican.settings import read_settings
    from pelican.utils import SafeDatetime

    finished.install()
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache"),
                                       "OUTPUT_PATH": str(tmp_path / "output")})
    monkeypatch.setitem(finished._salt, id(settings), (settings, "stamp"))
    memo = finished.Memo(Readers(settings, "ArticlesGenerator-Readers"))
    made = {}
    for name, meta in (("noi", {}), ("ngoai", {"save_as": "../ngoai.html"})):
        source = tmp_path / f"{name}.md"
        source.write_text("x", encoding="utf-8")
        made[name] = Article("<p>Một đoạn.</p>", metadata={"title": name, "date": SafeDatetime(2024, 5, 2), **meta},
                             settings=settings, source_path=str(source), context={})
        memo.keep(str(source), (1, 2), made[name], [])
        made[name].is_valid()  # as Pelican asks right after reading: the answer is kept

    formatted = []
    stock = Content.get_url_setting
    monkeypatch.setattr(Content, "get_url_setting", lambda self, key: formatted.append(key) or stock(self, key))

    def restored(name):
        return memo.restore(str(tmp_path / f"{name}.md"), memo.entry(str(tmp_path / f"{name}.md"), (1, 2), Article),
                            Article, {})

    inside = restored("noi")
    assert inside.is_valid() and formatted == []
    assert inside.is_valid() and formatted == ["save_as"]  # asked again: Pelican's own answer
    assert made["noi"].is_valid()

    moved = restored("noi")
    moved.settings = {**settings, "OUTPUT_PATH": str(tmp_path / "khac")}
    formatted.clear()
    assert moved.is_valid() and formatted == ["save_as"]

    outside = restored("ngoai")
    formatted.clear()
    caplog.clear()
    assert not outside.is_valid() and "save_as" in formatted
    assert "would be written outside output path" in caplog.text


def test_an_unused_generator_cache_stamps_no_file(monkeypatch):
    """With the reader cache, a generator's own cache holds nothing, and Pelican no longer
    stamps every file to look in it or (not) to store into it; a cache that holds a file is
    looked up as before."""
    import cctp_read_cache as plugin
    from pelican.cache import FileStampDataCacher
    from pelican.generators import CachingGenerator

    monkeypatch.setitem(plugin._stock, "get_generator_cache", FileStampDataCacher.get_cached_data)
    monkeypatch.setitem(plugin._stock, "cache_generator_data", FileStampDataCacher.cache_data)
    monkeypatch.setattr(CachingGenerator, "get_cached_data", plugin.unused_get_cached_data)
    monkeypatch.setattr(CachingGenerator, "cache_data", plugin.unused_cache_data)
    stamped = []
    generator = object.__new__(CachingGenerator)
    generator._cache, generator._cache_data_policy = {}, False
    generator._get_file_stamp = lambda name: stamped.append(name) or 7

    assert generator.get_cached_data("bai.md", "không có") == "không có"
    generator.cache_data("bai.md", "bài")
    assert stamped == [] and generator._cache == {}

    generator._cache_data_policy = True
    generator.cache_data("bai.md", "bài")
    assert generator.get_cached_data("bai.md") == "bài" and stamped == ["bai.md", "bai.md"]


def test_the_entries_base_is_loaded_only_for_an_entry_it_holds(monkeypatch, tmp_path):
    """The reader cache's base of entries (55 MB at 10,000 articles) is not loaded to learn
    that a new file is not in it, nor to keep the new file's entry: its index says so. An
    entry the index holds at the file's stamp loads it; an index that does not go with the
    base (a base written by an older build) is not trusted."""
    import os

    import cctp_read_cache as plugin
    from pelican.readers import Readers
    from pelican.settings import read_settings

    for name in ("has_cached_data", "get_cached_data", "cache_data", "save_cache"):
        monkeypatch.setattr(Readers, name, getattr(plugin, name), raising=False)
    settings = read_settings(str(ROOT / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_PATH": str(tmp_path / "cache")})
    sources = []
    for i in range(10):
        sources.append(tmp_path / f"bai-{i}.md")
        sources[-1].write_text(f"bài {i}", encoding="utf-8")
    first = Readers(settings, "ArticlesGenerator-Readers")
    Path(first._cache_path).parent.mkdir(parents=True)
    for i, source in enumerate(sources):
        first.cache_data(str(source), (f"<p>{i}</p>", {}))
    first.save_cache()

    loaded = []
    stock_load = plugin.finished.load
    monkeypatch.setattr(plugin.finished, "load", lambda path, salt: loaded.append(Path(path).name) or stock_load(path, salt))
    new = tmp_path / "moi.md"
    new.write_text("mới", encoding="utf-8")
    second = Readers(settings, "ArticlesGenerator-Readers")
    assert all(second.has_cached_data(str(s)) for s in sources) and not second.has_cached_data(str(new))
    assert second.get_cached_data(str(new), "đọc") == "đọc"
    second.cache_data(str(new), ("<p>mới</p>", {}))
    second.save_cache()
    assert "ArticlesGenerator-Readers-entries" not in loaded

    third = Readers(settings, "ArticlesGenerator-Readers")
    assert third.get_cached_data(str(new)) == ("<p>mới</p>", {})
    assert "ArticlesGenerator-Readers-entries" not in loaded
    assert third.get_cached_data(str(sources[3])) == ("<p>3</p>", {})
    assert loaded.count("ArticlesGenerator-Readers-entries") == 1

    base = Path(third._cache_path + "-entries")
    later = base.stat().st_mtime_ns + 5_000_000_000
    os.utime(base, ns=(later, later))  # not the base the index was made with
    loaded.clear()
    fourth = Readers(settings, "ArticlesGenerator-Readers")
    assert fourth.has_cached_data(str(sources[0])) and loaded.count("ArticlesGenerator-Readers-entries") == 1
