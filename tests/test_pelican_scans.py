"""Pelican's quadratic scans replaced in plugins/cctp_fast_archives, the path and slug
answers remembered in plugins/cctp_fast_urls, and the summaries cut in plugins/cctp_fast_summary
give Pelican's answers. (Whole builds with and
without the build-speed plugins are compared in tests/test_fast_build.py.)"""
from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from types import SimpleNamespace

import markdown
import pelican.utils
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))
import cctp_fast_summary  # noqa: E402
import cctp_fast_urls  # noqa: E402
from cctp_fast_archives import process_translations  # noqa: E402

STOCK = pelican.utils.process_translations


def items(specs):
    """Content-like items from (slug, lang, metadata) triples, in the order given."""
    return [SimpleNamespace(slug=slug, lang=lang, metadata=meta, in_default_lang=lang == "vi",
                            source_path=f"{slug}-{lang}-{i}.md", title=f"{i}")
            for i, (slug, lang, meta) in enumerate(specs)]


def answer(function, specs, translation_id):
    content = items(specs)
    index, translations = function(content, translation_id)
    name = lambda item: item.title  # noqa: E731 - each item's position in `specs`
    return ([name(i) for i in content], [name(i) for i in index], [name(i) for i in translations],
            [[name(t) for t in getattr(i, "translations", [])] for i in content])


CASES = {
    "no translations": [("c", "vi", {}), ("a", "vi", {}), ("b", "vi", {})],
    "a translation": [("c", "vi", {}), ("a", "en", {}), ("a", "vi", {}), ("b", "vi", {})],
    "marked as a translation": [("b", "vi", {"translation": "true"}), ("a", "vi", {})],
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("translation_id", ["slug", ("slug", "lang"), None])
def test_process_translations_answers_as_pelican(case, translation_id):
    assert answer(process_translations, CASES[case], translation_id) == answer(STOCK, CASES[case], translation_id)


def test_a_missing_id_is_pelican_error():
    with pytest.raises(AttributeError, match="appear to be items without"):
        process_translations(items(CASES["no translations"]), "nonexistent")


@pytest.mark.parametrize("base", ["content", "./content/", "/srv/kho/content", "/"])
@pytest.mark.parametrize("source", ["articles/2024/a.md", "{base}/articles/b.md", "{base}/../other/c.md",
                                    "{base}//articles/./d.md", "/elsewhere/e.md", "", None])
def test_relative_source_paths_as_pelican(base, source, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    content = SimpleNamespace(settings={"PATH": base}, source_path="articles/own.md")
    path = source.format(base=os.path.abspath(base)) if source else source
    assert (cctp_fast_urls.get_relative_source_path(content, path)
            == cctp_fast_urls._stock_relative(content, path))
    # Remembered, and asked again from another folder (a relative base depends on it).
    assert (cctp_fast_urls.get_relative_source_path(content, path)
            == cctp_fast_urls._stock_relative(content, path))
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    assert (cctp_fast_urls.get_relative_source_path(content, path)
            == cctp_fast_urls._stock_relative(content, path))


@pytest.mark.parametrize("name", ["Đắk Lắk", "Nghị quyết 49-NQ/TW", "<b>Hoà</b> giải", "  C++ & Go  "])
def test_slugs_as_pelican(name):
    subs = [[r"[^\w\s-]", ""], (r"(?u)\A\s*", ""), (r"(?u)\s*\Z", ""), (r"[-\s]+", "-")]
    for args in ((), (subs,), (subs, True), (subs, False, True)):
        assert cctp_fast_urls.slugify(name, *args) == cctp_fast_urls._stock_slugify(name, *args)
        assert cctp_fast_urls.slugify(name, *args) == cctp_fast_urls._stock_slugify(name, *args)  # remembered


# Pieces of HTML as Markdown and editors write it: Vietnamese, English and CJK words, words
# with apostrophes and hyphens, entities inside and between words, tags that open, close,
# close themselves or are never closed, comments, line breaks.
PIECES = ["Hội nghị", "cải cách", "tư pháp", "Đắk Lắk", "49-NQ/TW", "don't", "well-known", "2025",
          "法院", "한국", "ひらがな", "𠀀𠀁", "ａｂ", "x法y", " ", " ", "  ", "\n", "\n\n", ", ", ". ", " — ", "(", ")", "'", "-", "…",
          "&amp;", "&eacute;", "&#8212;", "&#x2014;", "&mdash;", "&nbsp;", "&bogus;", "&#xZZ;",
          "<p>", "</p>", "<em>", "</em>", "<strong>", "</strong>", '<a href="/a?b=1&amp;c=2">', "</a>",
          "<br>", "<br/>", "<br />", "<img src='x.png' alt=\"a > b\">", "<ul>", "<li>", "</li>",
          "</ul>", "<h2 id=\"x\">", "</h2>", "<p/>", "<!-- ghi chú -->", "</span>", "<table>", "<td>"]


def _truncate(fast: bool, html, words):
    truncator = cctp_fast_summary._HTMLWordTruncator
    before = truncator.handle_data, truncator._word_regex
    stock = cctp_fast_summary._stock
    truncator.handle_data, truncator._word_regex = (
        (cctp_fast_summary.handle_data, cctp_fast_summary.WORD) if fast else (stock["handle_data"], stock["word"]))
    try:
        return pelican.utils.truncate_html_words(html, words, "…")
    finally:
        truncator.handle_data, truncator._word_regex = before


def test_summaries_are_cut_as_pelican_cuts_them():
    rng = random.Random(49)
    cctp_fast_summary.register()
    for _ in range(3000):
        html = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 80)))
        for words in (1, 2, 3, 7, 20, 50):
            assert _truncate(True, html, words) == _truncate(False, html, words), (html, words)
    for path in sorted((Path(__file__).resolve().parent.parent / "content").rglob("*.md"))[:20]:
        text = markdown.markdown(path.read_text(encoding="utf-8").split("\n---\n", 1)[-1],
                                 extensions=["extra", "sane_lists"])
        for words in (5, 50, 200):
            assert _truncate(True, text, words) == _truncate(False, text, words)


def test_files_of_disabled_readers_are_looked_for_only_when_a_reader_is_disabled(tmp_path, caplog):
    """cctp_fast_archives: with every reader's library installed there is nothing to warn
    about, and the content folder is not walked for it; with a reader disabled, Pelican's
    warning about its files comes as before."""
    import cctp_fast_archives
    from pelican.generators import ArticlesGenerator
    from pelican.settings import read_settings

    (tmp_path / "bai.md").write_text("---\ntitle: Một\n---\nx\n", encoding="utf-8")
    (tmp_path / "cu.rst").write_text("Cũ\n==\n", encoding="utf-8")
    settings = read_settings(str(Path(__file__).resolve().parent.parent / "pelicanconf.py"),
                             override={"PATH": str(tmp_path), "CACHE_CONTENT": False, "LOAD_CONTENT_CACHE": False})
    generator = ArticlesGenerator(context={}, settings=settings, path=str(tmp_path), theme=settings["THEME"],
                                  output_path=str(tmp_path / "output"))
    walks = []
    generator.get_files = lambda *args, **kwargs: walks.append(kwargs) or {"cu.rst"}

    cctp_fast_archives._check_disabled_readers(generator, [""], [])
    assert walks == []

    generator.readers.disabled_readers = {"rst": SimpleNamespace(disabled_message=lambda: "thiếu docutils")}
    with caplog.at_level("WARNING"):
        cctp_fast_archives._check_disabled_readers(generator, [""], [])
    assert len(walks) == 1 and "cu.rst: thiếu docutils" in caplog.text
