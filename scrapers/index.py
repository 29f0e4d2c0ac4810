"""Build the Pagefind search index of a built site: ``python -m scrapers.index OUTPUT_DIR``.

Only article pages are indexed. Pagefind keeps about 250 kB of memory per indexed page, so
it is pointed at the article directory (``ARTICLE_GLOB``) and, inside each page, only the
``data-pagefind-body`` region (title and text) is indexed. The language is forced to
Vietnamese so English items land in the same index as the rest.

Pagefind does not read the published pages themselves but a *search view* of each one
(``search_view``): the same HTML whose text is spelled in ASCII, each accented word followed
by a short code that restores it (``encode_text``; "Đắk" → ``Dak`#!!#%``). Why, in short
(docs/search.md has the measurements):

- Pagefind folds tone marks but not đ, a letter of its own: "dak lak" never met "Đắk Lắk".
  In ASCII, đ is d like every other mark is nothing.
- Pagefind 1.5 sizes its index chunks by counting only unaccented words, so on Vietnamese
  text every chunk grew to 0.5–1.6 MB and any query fetched megabytes. With ASCII words the
  chunks are cut at their intended size: 5–20 times fewer bytes per query.
- The code is ASCII punctuation glued to the word, which Pagefind neither indexes nor splits
  on, so word positions (phrase search) and counts (ranking) are exactly the text's own.

The search page folds queries the same way and decodes the excerpts and titles Pagefind
returns (theme/static/js/search.js, with the tables from ``codec_tables``).
"""
from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from functools import lru_cache
from pathlib import Path

import pagefind_bin

# Must follow ARTICLE_SAVE_AS in pelicanconf.py ("bai-viet/{slug}/index.html").
ARTICLE_GLOB = "bai-viet/**/*.html"
BUNDLE = "pagefind"
LANGUAGE = "vi"

# The code: MARK, one CODE character for the number n of accented letters, then n pairs
# (position in the word, form of the letter), each one CODE character. CODE is ASCII
# punctuation that HTML leaves alone and Pagefind drops from words without splitting them
# ('_' is a word character to Pagefind; quotes, '&', '<', '>' and '\' are avoided).
MARK = "`"
CODE = "!#$%()*+,-./:;=?@[]^{|}~"
# n = 0 never describes a word: MARK + CODE[0] stands for a literal MARK in the text.
LITERAL_MARK = MARK + CODE[0]
_TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")  # sắc huyền hỏi ngã nặng
_VOWEL_MARKS = {"a": ("", "\u0306", "\u0302"), "e": ("", "\u0302"), "o": ("", "\u0302", "\u031b"),
                "u": ("", "\u031b"), "i": ("",), "y": ("",)}  # ă â, ê, ô ơ, ư


@lru_cache(maxsize=1)
def letter_forms() -> dict[str, str]:
    """Base letter → its accented Vietnamese forms (the order is the code's letter number)."""
    forms = {}
    for base, marks in _VOWEL_MARKS.items():
        composed = (unicodedata.normalize("NFC", base + mark + tone) for mark in marks for tone in _TONES)
        forms[base] = "".join(c for c in composed if c != base)
    forms["d"] = "đ"
    return forms


@lru_cache(maxsize=1)
def _encoder() -> dict[str, tuple[str, int]]:
    table = {}
    for base, forms in letter_forms().items():
        for number, form in enumerate(forms):
            table[form] = (base, number)
            table[form.upper()] = (base.upper(), number)
    return table


def codec_tables() -> dict:
    """What the search page needs to fold queries and decode results the same way."""
    return {"mark": MARK, "code": CODE, "letters": letter_forms()}


_WORD = re.compile(r"[^\W_]+")


def _encode_word(match: re.Match) -> str:
    word = match.group(0)
    if word.isascii():
        return word
    table = _encoder()
    ascii_word, pairs = [], []
    for position, char in enumerate(word):
        if char.isascii():
            ascii_word.append(char)
            continue
        found = table.get(char)
        if found is None or position >= len(CODE):
            return word  # a letter Vietnamese does not use: left to Pagefind as it is
        ascii_word.append(found[0])
        pairs.append(CODE[position] + CODE[found[1]])
    if len(pairs) >= len(CODE):
        return word
    return "".join(ascii_word) + MARK + CODE[len(pairs)] + "".join(pairs)


def encode_text(text: str) -> str:
    """ASCII spelling of a text with each accented word's code glued to it (see module doc)."""
    text = unicodedata.normalize("NFC", text).replace(MARK, LITERAL_MARK)
    return _WORD.sub(_encode_word, text)


_CODED = re.compile(re.escape(MARK) + "(.)")


def decode_text(text: str) -> str:
    """The inverse of ``encode_text`` (the search page has its own, in search.js)."""
    letters, out, last = letter_forms(), [], 0
    for match in _CODED.finditer(text):
        if match.start() < last:
            continue
        count = CODE.find(match.group(1))
        if count <= 0:
            out.append(text[last:match.start()] + (MARK if count == 0 else match.group(0)))
            last = match.end()
            continue
        word_start = match.start()
        while word_start > last and text[word_start - 1].isascii() and text[word_start - 1].isalnum():
            word_start -= 1
        word = list(text[word_start:match.start()])
        pairs = text[match.end():match.end() + 2 * count]
        for i in range(0, len(pairs) - 1, 2):
            position, number = CODE.find(pairs[i]), CODE.find(pairs[i + 1])
            if 0 <= position < len(word):
                base = word[position]
                form = letters.get(base.lower(), "")
                if 0 <= number < len(form):
                    word[position] = form[number].upper() if base.isupper() else form[number]
        out.append(text[last:word_start] + "".join(word))
        last = match.end() + 2 * count
    out.append(text[last:])
    return "".join(out)


_TAG = re.compile(r"(<[^>]*>)")


def search_view(html: str) -> str:
    """The page as Pagefind should read it: text encoded, markup and attributes untouched
    (filter values, sort keys and attribute metadata keep their real spelling)."""
    parts = _TAG.split(html)
    return "".join(part if i % 2 else encode_text(part) for i, part in enumerate(parts))


class IndexBuildError(RuntimeError):
    """The search index could not be built; the message (Vietnamese, like `cctp check`) says why."""


def _write_views(output: Path, pages: list[Path], views: Path) -> None:
    for page in pages:
        target = views / page.relative_to(output)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(search_view(page.read_text(encoding="utf-8")), encoding="utf-8")


def build_index(output: Path, glob: str = ARTICLE_GLOB) -> None:
    """Write ``output/pagefind/`` for the article pages of the built site in ``output``."""
    output = Path(output)
    if not output.is_dir():
        raise IndexBuildError(f"{output}: không có thư mục này; hãy dựng trang trước (make site)")
    pages = [p for p in output.glob(glob) if p.is_file()]
    if not pages:
        raise IndexBuildError(f"{output}: không có trang bài viết nào khớp {glob!r}; không có gì để lập chỉ mục")
    # A stale bundle would keep fragments of pages that no longer exist.
    shutil.rmtree(output / BUNDLE, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="cctp-search-view-") as tmp:
        views = Path(tmp)
        _write_views(output, pages, views)
        # Same relative paths under another root: Pagefind records the same URLs.
        command = [
            str(pagefind_bin.get_executable()),
            "--site", str(views),
            "--glob", glob,
            "--output-path", str((output / BUNDLE).resolve()),
            "--force-language", LANGUAGE,
            "--quiet",
        ]
        done = subprocess.run(command, capture_output=True, text=True)
    # Pagefind notes on stderr that it has no Vietnamese stemmer; that is expected noise.
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise IndexBuildError(f"pagefind thất bại (mã thoát {done.returncode}): {detail}")
    if not (output / BUNDLE / "pagefind-entry.json").is_file():
        raise IndexBuildError(f"pagefind đã chạy nhưng không ghi chỉ mục vào {output / BUNDLE}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.index", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (Pelican's output directory)")
    parser.add_argument("--glob", default=ARTICLE_GLOB, help=f"pages to index (default {ARTICLE_GLOB})")
    args = parser.parse_args(argv)
    try:
        build_index(args.output, args.glob)
    except (IndexBuildError, OSError) as exc:
        print(f"lỗi chỉ mục: {exc}", file=sys.stderr)
        return 1
    count = sum(1 for _ in args.output.glob(args.glob))
    print(f"chỉ mục: {count} trang bài viết → {args.output / BUNDLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
