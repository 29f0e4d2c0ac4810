"""Build the Pagefind search index of a built site: ``python -m scrapers.index OUTPUT_DIR``.

Only article pages are indexed. Pagefind keeps about 250 kB of memory per indexed page, so
it is pointed at the article directory (``ARTICLE_GLOB``) and, inside each page, only the
``data-pagefind-body`` region (title and text) is indexed. The language is forced to
Vietnamese so English items land in the same index as the rest.

Pagefind does not read the published pages themselves but a *search view* of each one
(``search_view``): the same HTML whose text is spelled in ASCII, every word ended by
``TERMINATOR`` and each accented word followed by a short code that restores it
(``encode_text``; "Đắk" → ``Dakǂ`#!!#%``). Why, in short (docs/search.md has the measurements):

- Pagefind folds tone marks but not đ, a letter of its own: "dak lak" never met "Đắk Lắk".
  In ASCII, đ is d like every other mark is nothing.
- Pagefind 1.5 sizes its index chunks by counting only unaccented words, so on Vietnamese
  text every chunk grew to 0.5–1.6 MB and any query fetched megabytes. With ASCII words the
  chunks are cut at their intended size: 5–20 times fewer bytes per query.
- The code is ASCII punctuation glued to the word, which Pagefind neither indexes nor splits
  on, so word positions (phrase search) and counts (ranking) are exactly the text's own.
- The terminator keeps Pagefind's prefix matching from turning "tu" into tu, tuan, tuong…

The views are indexed as two sets of Pagefind bundles (main bundles and calendar periods, see
"Shards" below), each re-indexed only when its pages change.

The search page folds queries the same way and decodes the excerpts and titles Pagefind
returns (theme/static/js/search.js, with the tables from ``codec_tables``).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path

import pagefind_bin

PAGEFIND_VERSION = version("pagefind-bin")

# Must follow ARTICLE_SAVE_AS in pelicanconf.py ("bai-viet/{slug}/index.html").
ARTICLE_GLOB = "bai-viet/**/*.html"
BUNDLE = "pagefind"
LANGUAGE = "vi"
# Every word of the search view ends with this letter (Latin letter alveolar click: a letter
# to Pagefind, never in our texts). Pagefind matches each query word as a prefix of indexed
# words; "tuǂ" is the prefix of no other word than "tuǂ", whereas "tu" was of tuan, tuong,
# tuyen…, and every such word's postings were ranked (docs/search.md, "Size and speed").
TERMINATOR = "\u01c2"

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
    return {"mark": MARK, "code": CODE, "letters": letter_forms(), "end": TERMINATOR, "every": EVERY_PAGE}


# A word, or an HTML character reference, which is left as it is ("&amp;" is no word).
_WORD = re.compile(r"&(?:#\w+|[A-Za-z]\w*);|[^\W_]+")


def _encode_word(match: re.Match) -> str:
    word = match.group(0)
    if word[0] == "&":
        return word
    if word.isascii():
        return word + TERMINATOR
    table = _encoder()
    ascii_word, pairs = [], []
    for position, char in enumerate(word):
        if char.isascii():
            ascii_word.append(char)
            continue
        found = table.get(char)
        if found is None or position >= len(CODE):
            return word + TERMINATOR  # a letter Vietnamese does not use: left as it is
        ascii_word.append(found[0])
        pairs.append(CODE[position] + CODE[found[1]])
    if len(pairs) >= len(CODE):
        return word + TERMINATOR
    # The terminator goes before the code: after it, Pagefind would split the word in two.
    return "".join(ascii_word) + TERMINATOR + MARK + CODE[len(pairs)] + "".join(pairs)


def encode_text(text: str) -> str:
    """ASCII spelling of a text, every word ended by TERMINATOR and each accented word's code
    glued to it (see module doc). A TERMINATOR already in the text is dropped."""
    text = unicodedata.normalize("NFC", text).replace(TERMINATOR, "").replace(MARK, LITERAL_MARK)
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
        word_start = word_end = match.start() - (text[match.start() - 1:match.start()] == TERMINATOR)
        while word_start > last and text[word_start - 1].isascii() and text[word_start - 1].isalnum():
            word_start -= 1
        word = list(text[word_start:word_end])
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
    return "".join(out).replace(TERMINATOR, "")


_TAG = re.compile(r"(<[^>]*>)")
# A word every article holds, first in its indexed region: a listing by filter alone searches
# it, since Pagefind 1.5 fetches every index chunk for a search without words. Terminators
# only, so decoding leaves nothing of it.
EVERY_PAGE = TERMINATOR * 2
_BODY_START = re.compile(r"<[^>]*\sdata-pagefind-body(?=[\s>=])[^>]*>")


def search_view(html: str) -> str:
    """The page as Pagefind should read it: text encoded, markup and attributes untouched
    (filter values, sort keys and attribute metadata keep their real spelling), and
    EVERY_PAGE at the start of the indexed region."""
    parts = _TAG.split(html)
    view = "".join(part if i % 2 else encode_text(part) for i, part in enumerate(parts))
    return _BODY_START.sub(lambda m: m.group(0) + EVERY_PAGE + " ", view, count=1)


class IndexBuildError(RuntimeError):
    """The search index could not be built; the message (Vietnamese, like `cctp check`) says why."""


# --- Shards ---------------------------------------------------------------------------------
#
# Pagefind 1.5 ranks a page by scanning every posting of the query's words: a query costs
# about results × postings, the square of the archive's size when its words are common ("cải
# cách tư pháp" is in nearly every article). So the index is built twice, from the same search
# views, as two sets of Pagefind bundles listed in ``pagefind/shards.json``:
#
# - ``chinh/<year>``: the whole archive in as few bundles as Pagefind's memory allows (about
#   250 kB per page: MAIN_PAGES per bundle, consecutive years), merged by the search page for
#   queries that are cheap to rank at once, and for counts;
# - ``giai-doan/<period>``: a year, or a half, quarter or month of it, whichever keeps it within
#   PERIOD_PAGES, for queries that match too much to rank at once: the page ranks them one
#   period at a time, newest first, opening a period only when its results are needed.
#
# Calendar periods and whole years keep one new article to one bundle of each set, and only
# bundles whose pages changed are indexed again (their digest is kept in shards.json).
MAIN_PAGES = 10_000
PERIOD_PAGES = 300
SHARDS_FILE = "shards.json"
# Bumped when the search view or the layout changes: every bundle is then rebuilt.
FORMAT = "5"
# Pagefind cuts its word index into chunks of this many word positions (its default, 20,000,
# suits a site of a few thousand pages): a query fetches the chunks holding its words, and the
# page list (pf_meta, fetched first) lists every chunk, so smaller chunks cost there instead.
MAIN_CHUNK = 10_000
PERIOD_CHUNK = 2_000
# Words found in at least this share of the pages are listed with their counts in shards.json:
# the search page estimates from them what ranking a query at once would cost.
COMMON_SHARE = 0.05
_SORT_DATE = re.compile(r'data-pagefind-sort="date:(\d{4})-(\d{2})-\d{2}')
_PERIODS = (("", lambda month: ""), ("-h", lambda month: str((month - 1) // 6 + 1)),
            ("-q", lambda month: str((month - 1) // 3 + 1)), ("-", lambda month: f"{month:02d}"))
UNDATED = "khong-ngay"
# A bundle of one page that no query finds: the search page opens each period through it, so
# that Pagefind's WebAssembly, which every opened bundle fetches from its own folder, comes
# from one address (and the browser's cache) for all periods.
HUB = "chung"
_HUB_PAGE = ('<!doctype html><html lang="vi"><head><title>-</title></head>'
             '<body><main data-pagefind-body>' + "cctp" + TERMINATOR * 2 + '</main></body></html>')
_BODY = re.compile(r"data-pagefind-body.*</article>", re.S)
_IGNORED = re.compile(r"<(\w+)[^>]*data-pagefind-ignore.*?</\1>", re.S)
_INDEXED_WORD = re.compile(r"[^\W_]+" + TERMINATOR)


def page_month(html: str) -> tuple[int, int] | None:
    """(year, month) of an article page, from its Pagefind sort key (partials/pagefind-data.html)."""
    found = _SORT_DATE.search(html)
    return (int(found.group(1)), int(found.group(2))) if found else None


def plan_periods(months: dict[str, tuple[int, int] | None], limit: int = PERIOD_PAGES) -> dict[str, list[str]]:
    """Page path → period bundle, newest first: a year larger than ``limit`` pages is cut into
    the coarsest calendar period (half, quarter, month) that keeps every part within it;
    smaller consecutive years share a bundle up to ``limit`` ("2010-2013"). Undated pages last."""
    by_year: dict[int, list[str]] = {}
    undated = []
    for path, month in sorted(months.items()):
        if month is None:
            undated.append(path)
        else:
            by_year.setdefault(month[0], []).append(path)
    groups: list[tuple[list[int], dict[str, list[str]]]] = []  # (years packed, or [] when cut; parts)
    for year in sorted(by_year):
        pages = by_year[year]
        if len(pages) > limit:
            for infix, period in _PERIODS[1:]:
                parts: dict[str, list[str]] = {}
                for path in pages:
                    parts.setdefault(f"{year}{infix}{period(months[path][1])}", []).append(path)
                if max(map(len, parts.values())) <= limit or infix == "-":
                    break
            groups.append(([], parts))
        elif groups and groups[-1][0] and sum(map(len, groups[-1][1].values())) + len(pages) <= limit:
            groups[-1][0].append(year)
            groups[-1][1]["pages"].extend(pages)
        else:
            groups.append(([year], {"pages": list(pages)}))
    planned: dict[str, list[str]] = {}
    for years, parts in reversed(groups):
        if years:
            planned[str(years[0]) if len(years) == 1 else f"{years[0]}-{years[-1]}"] = parts["pages"]
        else:
            planned.update(sorted(parts.items(), reverse=True))
    if undated:
        planned[UNDATED] = undated
    return planned


def plan_main(months: dict[str, tuple[int, int] | None], limit: int = MAIN_PAGES) -> dict[str, list[str]]:
    """Page path → main bundle: whole consecutive years, oldest first, up to ``limit`` pages
    each (a larger year is a bundle of its own), named after their first year. Newest first."""
    by_year: dict[int, list[str]] = {}
    for path, month in sorted(months.items()):
        by_year.setdefault(month[0] if month else 0, []).append(path)
    bundles: list[list] = []  # [first year, pages], undated pages (year 0) first
    for year in sorted(by_year):
        if bundles and len(bundles[-1][1]) + len(by_year[year]) <= limit:
            bundles[-1][1].extend(by_year[year])
            bundles[-1][0] = bundles[-1][0] or year
        else:
            bundles.append([year, list(by_year[year])])
    return {(str(year) if year else UNDATED): pages for year, pages in reversed(bundles)}


def _digest(hashes: dict[str, bytes], pages: list[str], chunk: int) -> str:
    digest = hashlib.sha256(f"{FORMAT} {PAGEFIND_VERSION} {chunk}".encode())
    for page in pages:
        digest.update(page.encode() + b"\0" + hashes[page])
    return digest.hexdigest()[:20]


# What the search page uses of a Pagefind bundle; the default UI's files are left out.
_KEEP = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|wasm\..*|.*\.pf_meta|index|fragment|filter)$")


def _run_pagefind(views: Path, name: str, pages: list[str], target: Path, chunk: int,
                  glob: str = ARTICLE_GLOB) -> None:
    """Index the search views of ``pages`` (paths under ``views``) into the bundle ``target``."""
    with tempfile.TemporaryDirectory(prefix="cctp-search-set-") as tmp:
        # Pagefind takes a directory: the bundle's pages are linked into one of their own,
        # under the same relative paths, so Pagefind records the same URLs.
        site = Path(tmp)
        for page in pages:
            (site / page).parent.mkdir(parents=True, exist_ok=True)
            os.link(views / page, site / page)
        command = [
            str(pagefind_bin.get_executable()),
            "--site", str(site),
            "--glob", glob,
            "--output-path", str(target.resolve()),
            "--force-language", LANGUAGE,
            "--quiet",
        ]
        env = {**os.environ, "PAGEFIND_UNSTABLE_INDEX_CHUNK_SIZE": str(chunk)}
        done = subprocess.run(command, capture_output=True, text=True, env=env)
    # Pagefind notes on stderr that it has no Vietnamese stemmer; that is expected noise.
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise IndexBuildError(f"pagefind thất bại ở phần {name} (mã thoát {done.returncode}): {detail}")
    if not (target / "pagefind-entry.json").is_file():
        raise IndexBuildError(f"pagefind đã chạy nhưng không ghi chỉ mục vào {target}")
    for item in target.iterdir():
        if not _KEEP.match(item.name):
            shutil.rmtree(item) if item.is_dir() else item.unlink()


def _swap_in(views: Path, name: str, pages: list[str], target: Path, chunk: int, glob: str = ARTICLE_GLOB) -> None:
    """Index into a folder beside ``target``, then put it in its place: a failure leaves the
    old bundle whole."""
    fresh = target.parent / f".{target.name}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    _run_pagefind(views, name, pages, fresh, chunk, glob)
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)


def _read_state(bundle: Path) -> dict:
    try:
        state = json.loads((bundle / SHARDS_FILE).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            return {}
        found = {f"{level}/{s['key']}": s for level in ("main", "periods") for s in state[level]}
        return {**found, "hub": state.get("hub", {})}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _indexed_words(view: str) -> set[str]:
    """The words Pagefind indexes in a search view, roughly: those of the body region."""
    body = _BODY.search(view)
    text = _IGNORED.sub(" ", body.group(0)) if body else ""
    return {w.lower() for w in _INDEXED_WORD.findall(re.sub(r"<[^>]*>|`[^\s]*", " ", text))}


def build_index(output: Path, glob: str = ARTICLE_GLOB, main_pages: int = MAIN_PAGES,
                period_pages: int = PERIOD_PAGES, cache_dir: Path | None = None) -> dict:
    """Write the search index of the built site in ``output`` to ``output/pagefind/``: both sets
    of bundles and ``shards.json`` (see above). Only bundles whose pages changed are indexed
    again; the words of unchanged periods come from ``cache_dir`` (by default ``.cache/
    search-index`` beside ``output``). Returns ``{"pages": n, "bundles": n, "rebuilt": [names]}``."""
    output = Path(output)
    if not output.is_dir():
        raise IndexBuildError(f"{output}: không có thư mục này; hãy dựng trang trước (make site)")
    pages = sorted(p.relative_to(output).as_posix() for p in output.glob(glob) if p.is_file())
    if not pages:
        raise IndexBuildError(f"{output}: không có trang bài viết nào khớp {glob!r}; không có gì để lập chỉ mục")
    bundle = output / BUNDLE
    bundle.mkdir(exist_ok=True)
    previous = _read_state(bundle)
    # The words of each period's pages, kept between builds by the period's digest: the
    # common-word counts are their sum, without reading every page again.
    cache = Path(cache_dir) if cache_dir else output.resolve().parent / ".cache" / "search-index"
    cache.mkdir(parents=True, exist_ok=True)
    months, hashes = {}, {}
    for page in pages:
        raw = (output / page).read_bytes()
        hashes[page] = hashlib.sha256(raw).digest()
        months[page] = page_month(raw.decode("utf-8"))
    document_counts: Counter = Counter()
    state = {"format": FORMAT, "pagefind": PAGEFIND_VERSION, "pages": len(pages)}
    rebuilt, used = [], set()
    with tempfile.TemporaryDirectory(prefix="cctp-search-view-") as tmp:
        views, written = Path(tmp), set()

        def view_pages(members: list[str]) -> None:
            """Write the search views of these pages (once each)."""
            for page in members:
                if page not in written:
                    (views / page).parent.mkdir(parents=True, exist_ok=True)
                    (views / page).write_text(search_view((output / page).read_text(encoding="utf-8")), encoding="utf-8")
                    written.add(page)

        plans = (("main", "chinh", plan_main(months, main_pages), MAIN_CHUNK),
                 ("periods", "giai-doan", plan_periods(months, period_pages), PERIOD_CHUNK))
        for level, folder, plan, chunk in plans:
            state[level] = []
            for key, members in plan.items():
                name = f"{folder}/{key}"
                digest = _digest(hashes, members, chunk)
                target = bundle / folder / key
                if previous.get(f"{level}/{key}", {}).get("digest") != digest \
                        or not (target / "pagefind-entry.json").is_file():
                    view_pages(members)
                    _swap_in(views, name, members, target, chunk)
                    rebuilt.append(name)
                if level == "periods":
                    words = cache / f"{digest}.json"
                    try:
                        counts = json.loads(words.read_text(encoding="utf-8"))
                    except (OSError, ValueError):
                        view_pages(members)
                        counts = Counter(w for m in members for w in _indexed_words((views / m).read_text(encoding="utf-8")))
                        words.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
                    document_counts.update(counts)
                    used.add(words.name)
                dated = sorted(months[m] for m in members if months[m])
                state[level].append({"key": key, "path": f"{folder}/{key}/", "pages": len(members), "digest": digest,
                                     "from": "%d-%02d" % dated[0] if dated else None,
                                     "to": "%d-%02d" % dated[-1] if dated else None})
    for stale in cache.glob("*.json"):
        if stale.name not in used:
            stale.unlink()
    hub = bundle / "giai-doan" / HUB
    if previous.get("hub", {}).get("format") != FORMAT or not (hub / "pagefind-entry.json").is_file():
        with tempfile.TemporaryDirectory(prefix="cctp-search-hub-") as tmp:
            (Path(tmp) / "index.html").write_text(_HUB_PAGE, encoding="utf-8")
            _swap_in(Path(tmp), f"giai-doan/{HUB}", ["index.html"], hub, PERIOD_CHUNK, glob="index.html")
        rebuilt.append(f"giai-doan/{HUB}")
    state["hub"] = {"path": f"giai-doan/{HUB}/", "format": FORMAT}
    # What ranking a query at once costs, per match and posting, over the main bundles, and
    # the page counts of common words: the search page decides from them (search.js).
    state["scale"] = round(sum(s["pages"] ** 2 for s in state["main"]) / len(pages) ** 2, 3)
    floor = max(1, int(COMMON_SHARE * len(pages)))
    state["common"] = {"min": floor, "words": {w.removesuffix(TERMINATOR): n for w, n in
                                               sorted(document_counts.items()) if n >= floor}}
    temporary = bundle / f".{SHARDS_FILE}.new"
    temporary.write_text(json.dumps(state, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    temporary.replace(bundle / SHARDS_FILE)
    # Bundles no longer planned, and whatever an older layout left.
    wanted = {SHARDS_FILE, *(s["path"].split("/")[0] for level in ("main", "periods") for s in state[level])}
    for item in bundle.iterdir():
        if item.name not in wanted:
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    for level, folder in (("main", "chinh"), ("periods", "giai-doan")):
        keys = {s["key"] for s in state[level]} | ({HUB} if level == "periods" else set())
        for item in (bundle / folder).iterdir():
            if item.name not in keys:
                shutil.rmtree(item) if item.is_dir() else item.unlink()
    return {"pages": len(pages), "bundles": len(state["main"]) + len(state["periods"]), "rebuilt": rebuilt}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.index", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (Pelican's output directory)")
    parser.add_argument("--glob", default=ARTICLE_GLOB, help=f"pages to index (default {ARTICLE_GLOB})")
    args = parser.parse_args(argv)
    try:
        done = build_index(args.output, args.glob)
    except (IndexBuildError, OSError) as exc:
        print(f"lỗi chỉ mục: {exc}", file=sys.stderr)
        return 1
    print(f"chỉ mục: {done['pages']} trang bài viết, {done['bundles']} phần → {args.output / BUNDLE}; "
          f"lập lại {len(done['rebuilt'])} phần" + (f" ({', '.join(done['rebuilt'])})" if done["rebuilt"] else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
