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
"Shards" below), each re-indexed only when its pages change; articles added since a main
bundle was last indexed wait in two small "recent" bundles instead, one for each set, and the
search page keeps each search to the bundles that hold all its words (see "Recent pages").

The search page folds queries the same way and decodes the excerpts and titles Pagefind
returns (theme/static/js/search.js, with the tables from ``codec_tables``).
"""
from __future__ import annotations

import argparse
import bisect
import glob as globbing
import gzip
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
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


def _encode_match(match: re.Match) -> str:
    return _encode_word(match.group(0))


# A text repeats a small vocabulary: memoised, a page's view is written about twice as fast.
@lru_cache(maxsize=1 << 16)
def _encode_word(word: str) -> str:
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
    return _WORD.sub(_encode_match, text)


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


def search_view(html: str, period: str | None = None) -> str:
    """The page as Pagefind should read it: text encoded, markup and attributes untouched
    (filter values, sort keys and attribute metadata keep their real spelling), and
    EVERY_PAGE at the start of the indexed region; ``period``: its period as the PERIOD_FILTER
    filter (for the periods' recent bundle, see "Recent pages")."""
    parts = _TAG.split(html)
    view = "".join(part if i % 2 else encode_text(part) for i, part in enumerate(parts))
    tag = f'<span data-pagefind-filter="{PERIOD_FILTER}:{period}"></span>' if period else ""
    return _BODY_START.sub(lambda m: m.group(0) + tag + EVERY_PAGE + " ", view, count=1)


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
FORMAT = "6"
# Pagefind cuts its word index into chunks of this many word positions (its default, 20,000,
# suits a site of a few thousand pages): a query fetches the chunks holding its words, and the
# page list (pf_meta, fetched first) lists every chunk, so smaller chunks cost there instead.
MAIN_CHUNK = 10_000
PERIOD_CHUNK = 2_000
# Words found in at least this share of the pages are listed with their counts in shards.json:
# the search page estimates from them what ranking a query at once would cost.
COMMON_SHARE = 0.05
_SORT_DATE = re.compile(r'data-pagefind-sort="date:(\d{4}-\d{2}-\d{2})')
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


def _digest(hashes: dict[str, bytes], pages: list[str], chunk: int, periods: dict[str, str] | None = None) -> str:
    digest = hashlib.sha256(f"{FORMAT} {PAGEFIND_VERSION} {chunk}".encode())
    for page in pages:
        digest.update(page.encode() + b"\0" + hashes[page])
        if periods is not None:
            digest.update(b"\0" + periods[page].encode())
    return digest.hexdigest()[:20]


# What the search page uses of a Pagefind bundle; the default UI's files are left out.
_KEEP = re.compile(r"^(pagefind\.js|pagefind-worker\.js|pagefind-entry\.json|wasm\..*|.*\.pf_meta|index|fragment|filter)$")


def _run_pagefind(views: dict[str, Path], name: str, target: Path, chunk: int, glob: str = ARTICLE_GLOB) -> None:
    """Index the search views (page path → its view's file) into the bundle ``target``."""
    # Beside the views, so that they can be linked (same file system).
    scratch = next(iter(views.values())).parent
    with tempfile.TemporaryDirectory(prefix="cctp-search-set-", dir=scratch) as tmp:
        # Pagefind takes a directory: the bundle's pages are linked into one of their own,
        # under the same relative paths, so Pagefind records the same URLs.
        site = Path(tmp)
        for page, view in views.items():
            (site / page).parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(view, site / page)
            except OSError:  # a file system without hard links
                shutil.copyfile(view, site / page)
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


def _swap_in(views: dict[str, Path], name: str, target: Path, chunk: int, glob: str = ARTICLE_GLOB) -> None:
    """Index into a folder beside ``target``, then put it in its place: a failure leaves the
    old bundle whole."""
    fresh = target.parent / f".{target.name}.new"
    shutil.rmtree(fresh, ignore_errors=True)
    _run_pagefind(views, name, fresh, chunk, glob)
    shutil.rmtree(target, ignore_errors=True)
    fresh.rename(target)


def _read_state(bundle: Path) -> dict:
    try:
        state = json.loads((bundle / SHARDS_FILE).read_text(encoding="utf-8"))
        if state.get("format") != FORMAT:
            return {}
        # By bundle name (folder/key), the periods' recent bundle included.
        found = {s["path"].rstrip("/"): s for s in [*state["main"], *state["periods"], state.get("periods_recent")]
                 if s and s["path"]}
        return {**found, "hub": state.get("hub", {})}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _read_words(words: Path) -> dict | None:
    """A period's word counts as kept in ``words`` (named after the period's digest), or None."""
    try:
        return json.loads(words.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _count_words(words: Path, views: list[Path]) -> Counter:
    """How many of a period's pages (their search views) have each word, kept in ``words``."""
    counts: Counter = Counter()
    for view in views:
        counts.update(_indexed_words(view.read_text(encoding="utf-8")))  # a set: counted in C
    words.write_text(json.dumps(counts, ensure_ascii=False), encoding="utf-8")
    return counts


def _new_prefixes(words, known) -> list[str]:
    """For each of ``words`` not in ``known`` (words as indexed: ended by TERMINATOR), its
    shortest beginning that no word of ``known`` has: a query word that begins with one of them,
    or a prefix being typed that does, is held by none of the pages ``known`` comes from."""
    held = sorted(known)
    found = set()
    for word in words:
        if word in known:
            continue
        for end in range(1, len(word) + 1):
            at = bisect.bisect_left(held, word[:end])
            if at == len(held) or not held[at].startswith(word[:end]):
                found.add(word[:end])
                break
    return sorted(found)


def _indexed_words(view: str) -> set[str]:
    """The words Pagefind indexes in a search view, roughly: those of the body region."""
    body = _BODY.search(view)
    text = _IGNORED.sub(" ", body.group(0)) if body else ""
    return {w.lower() for w in _INDEXED_WORD.findall(re.sub(r"<[^>]*>|`[^\s]*", " ", text))}


# --- Recent pages ---------------------------------------------------------------------------
#
# Pagefind takes 100–140 s to index a main bundle of 10,000 pages, and cannot add a page to a
# bundle. So a page added to the years of a main bundle whose other pages did not change goes
# to ``chinh/moi`` instead: a main bundle of the pages added since their main bundle was last
# indexed, merged by the search page like the others. Every page is in exactly one main
# bundle, so merged counts and filters are the archive's. Pagefind cannot remove a page
# either: a main bundle with an edited or deleted page is indexed again, whole, and takes
# back its years' recent pages at the same time. The recent bundle is folded into the main
# bundles (planned anew, as from scratch) once it would hold more than RECENT_PAGES pages, or
# with ``--full``. Which pages each main bundle holds is kept in the cache (``bundles-*.state``)
# and trusted only when its digests are those of shards.json.
#
# The periods keep their recent pages apart the same way: each period is planned over all
# pages, as from scratch, but its own bundle holds only its pages that are not recent, so an
# addition leaves it as it was (indexing the newest month again, ~130 pages, was the largest
# part of the index step after one new article at 10,000 articles). The recent pages are
# indexed once more as ``giai-doan/moi``, each with its period as the PERIOD_FILTER filter:
# the search page merges that bundle into each period shards.json says has recent pages
# ("recent": how many), and the period's search filters it to the period.
#
# Pagefind leaves a query word out of a bundle's search when that bundle does not hold it, and
# matches the rest there: merged, a recent bundle would give its pages lacking a word the
# others hold, and the others theirs lacking a word only recent pages hold. So shards.json
# lists the recent pages' words ("words", on chinh/moi) and the shortest beginnings of them
# that the other bundles lack ("new", _new_prefixes: on chinh/moi for the main bundles, on a
# period for its own), and the search page sends each search to the bundles holding all its
# words (search.js, scopedEngine).
#
# Pagefind sorts a merged search by each page's position within its own bundle, so for a
# sort by date the search page needs to know where a recent page falls among the pages it is
# merged with: each recent entry of shards.json (the main one, and "periods_recent") maps its
# Pagefind page ids to the number of dated pages merged with it (the main bundles', or its
# period's own) whose date is not later than its own ("order").
RECENT = "moi"
# The filter that holds a page's period (search.js's PERIOD): set on the periods' own bundles
# by the search page when it opens them, and in the recent pages' views.
PERIOD_FILTER = "giai-doan"
# Each addition indexes the recent bundles again, whole (about 15 ms of CPU a page here), and
# folding it back costs one main bundle (100–140 s at 10,000 pages): about a hundred pages
# keeps both the worst addition and the share of the fold per addition near a second.
RECENT_PAGES = 100


def _memo_path(cache: Path, output: Path) -> Path:
    return cache / f"bundles-{hashlib.sha256(str(output.resolve()).encode()).hexdigest()[:12]}.state"


def _read_memo(path: Path) -> dict:
    try:
        memo = json.loads(path.read_text(encoding="utf-8"))
        return memo if memo.get("format") == FORMAT and isinstance(memo.get("files"), dict) else {}
    except (OSError, ValueError, AttributeError):
        return {}


_ANY_DEPTH = re.compile(r"([^*?\[\]]+)/\*\*/\*([^*?\[\]/]*)")


def pages_in(files: dict, glob: str = ARTICLE_GLOB) -> dict[str, tuple[int, int]] | None:
    """The pages of a listing of the output (relative POSIX path → (size, mtime_ns), such as
    the one a build keeps of the files it produced) that ``glob`` matches, or None when the
    glob is not of the usual ``folder/**/*.html`` shape."""
    shape = _ANY_DEPTH.fullmatch(glob)
    if shape is None:
        return None
    prefix, suffix = shape.group(1) + "/", shape.group(2)
    return {page: (stat_[0], stat_[1]) for page, stat_ in files.items()
            if page.startswith(prefix) and page.endswith(suffix)}


def _list_pages(output: Path, glob: str) -> dict[str, tuple[int, int]]:
    """Page path (relative, POSIX) → (size, mtime_ns) of every file ``glob`` matches. The usual
    ``folder/**/*.html`` is walked with os.scandir, several times faster than a glob over
    10,000 folders (this listing was a third of the time one new article took to index)."""
    found = {}
    shape = _ANY_DEPTH.fullmatch(glob)
    if shape is None:
        for page in globbing.glob(glob, root_dir=output, recursive=True):
            st = (output / page).stat()
            if stat.S_ISREG(st.st_mode):
                found[page] = (st.st_size, st.st_mtime_ns)
        return found
    prefix, suffix = shape.groups()
    folders = [(output / prefix, prefix + "/")]
    while folders:
        folder, relative = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append((entry.path, relative + entry.name + "/"))
            elif entry.name.endswith(suffix) and entry.is_file():
                st = entry.stat()
                found[relative + entry.name] = (st.st_size, st.st_mtime_ns)
    return found


def _scan(output: Path, pages: dict[str, tuple[int, int]], known: dict) -> dict[str, list]:
    """Page → [size, mtime_ns, sha256 of what Pagefind reads of it, sort date or None]. A page
    is read again only when its size or modification time differs from ``known`` (the last
    build's)."""
    files = {}
    for page, (size, mtime) in sorted(pages.items()):
        old = known.get(page)
        if old and old[0] == size and old[1] == mtime:
            files[page] = old
            continue
        path = output / page
        try:
            html = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise IndexBuildError(f"{path}: không phải UTF-8 ({exc.reason}, byte {exc.start})") from None
        found = _SORT_DATE.search(html)
        digest = hashlib.sha256(indexed_part(html).encode()).hexdigest()
        files[page] = [size, mtime, digest, found.group(1) if found else None]
    return files


_PAGEFIND_TAG = re.compile(r"<\w+[^>]*\sdata-pagefind-[^>]*>[^<]*|<title>[^<]*")


def indexed_part(html: str) -> str:
    """What Pagefind reads of a page: its ``data-pagefind-body`` element (found by balancing
    its tags), and outside it the title and every tag with a ``data-pagefind-*`` attribute,
    with the text after it. The rest (links to the previous and next articles, related
    articles) changes as other articles come and go, and must not make a bundle look changed."""
    start = _BODY_START.search(html)
    if start is None:
        return html  # Pagefind then indexes the whole page
    name = re.match(r"<(\w+)", start.group(0)).group(1)
    depth, end = 1, len(html)
    for tag in re.finditer(rf"<(/?){name}\b[^>]*>", html[start.end():], re.IGNORECASE):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            end = start.end() + tag.end()
            break
    outside = html[:start.start()] + html[end:]
    return html[start.start():end] + "\0" + "\0".join(m.group(0) for m in _PAGEFIND_TAG.finditer(outside))


def _year(date: str | None) -> int:
    return int(date[:4]) if date else 0


def plan_recent(files: dict[str, list], memo: dict, main_pages: int = MAIN_PAGES,
                recent_pages: int = RECENT_PAGES) -> tuple[dict[str, list[str]], list[str]] | None:
    """The main bundles as last indexed (``memo``), updated for today's pages (``files``):
    ``(plan, recent pages)``, or None when the main bundles must be planned anew.

    A page belongs to the bundle whose first year is the latest not after its own (the oldest
    bundle for undated and older pages), as in ``plan_main``. A bundle that only gained pages
    keeps its pages, and the new ones are recent; one that lost or changed a page is planned
    with all its pages, recent ones included."""
    held = memo.get("main") or {}
    if not held or memo.get("main_pages") != main_pages:
        return None
    known = memo["files"]
    firsts = sorted((0 if key == UNDATED else int(key), key) for key in held)
    homes: dict[str, list[str]] = {key: [] for key in held}
    for page in sorted(files):
        year = _year(files[page][3])
        home = firsts[0][1]
        for first, key in firsts:
            if first <= year:
                home = key
        homes[home].append(page)
    plan, recent = {}, []
    for key, entry in held.items():
        was, now = entry["pages"], homes[key]
        if set(was) <= set(now) and all(known.get(p, [None] * 3)[2] == files[p][2] for p in was):
            plan[key] = was
            kept = set(was)
            recent += [p for p in now if p not in kept]
        elif len(now) > main_pages:
            return None
        elif now:
            plan[key] = now
    if len(recent) > recent_pages:
        return None
    return plan, sorted(recent)


def _trusted(memo: dict, previous: dict) -> dict:
    """The memo, if its bundles are exactly those shards.json lists, with the same digests."""
    listed = {key.split("/", 1)[1]: entry.get("digest") for key, entry in previous.items() if key.startswith("chinh/")}
    held = {key: entry.get("digest") for key, entry in (memo.get("main") or {}).items()}
    if memo.get("recent"):
        held[RECENT] = memo["recent"].get("digest")
    return memo if held and held == listed else {}


def _page_ids(bundle: Path) -> dict[str, str]:
    """URL → Pagefind page id (its fragment's name) of every page of a bundle."""
    ids = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        ids[json.loads(data[data.index(b"{"):])["url"]] = fragment.name.removesuffix(".pf_fragment")
    return ids


def _url(page: str) -> str:
    """The URL Pagefind records for a page path (``a/index.html`` → ``/a/``)."""
    return "/" + (page.removesuffix("index.html") if page.endswith("/index.html") or page == "index.html" else page)


def _recent_order(bundle: Path, recent: list[str], dates_of, files: dict[str, list]) -> dict[str, int]:
    """Pagefind id of each dated recent page in ``bundle`` → how many of the dated pages it is
    merged with are not later (``dates_of(page)``: their dates, sorted)."""
    ids = _page_ids(bundle)
    order = {}
    for page in recent:
        date = files[page][3]
        if date is None:
            continue  # no sort key: Pagefind leaves the page out of sorted results
        if _url(page) in ids:  # else Pagefind left it out (no text): no result to place
            order[ids[_url(page)]] = bisect.bisect_right(dates_of(page), date)
    return order


def build_index(output: Path, glob: str = ARTICLE_GLOB, main_pages: int = MAIN_PAGES,
                period_pages: int = PERIOD_PAGES, cache_dir: Path | None = None,
                recent_pages: int = RECENT_PAGES, full: bool = False,
                listed: dict[str, tuple[int, int]] | None = None) -> dict:
    """Write the search index of the built site in ``output`` to ``output/pagefind/``: both sets
    of bundles and ``shards.json`` (see above). Only bundles whose pages changed are indexed
    again, and new pages go to the recent bundle (above) unless ``full`` or it is full; the
    words of unchanged periods and what each main bundle holds come from ``cache_dir`` (by
    default ``.cache/search-index`` beside ``output``). ``listed``: the pages ``glob`` matches
    with their sizes and modification times, when the caller knows them (``cctp build`` does,
    from what Pelican produced), instead of a walk of the output.
    Returns ``{"pages": n, "bundles": n, "rebuilt": [names], "recent": n}``."""
    output = Path(output)
    if not output.is_dir():
        raise IndexBuildError(f"{output}: không có thư mục này; hãy dựng trang trước (make site)")
    stats = _list_pages(output, glob) if listed is None else listed
    pages = sorted(stats)
    if not pages:
        raise IndexBuildError(f"{output}: không có trang bài viết nào khớp {glob!r}; không có gì để lập chỉ mục")
    bundle = output / BUNDLE
    bundle.mkdir(exist_ok=True)
    previous = _read_state(bundle)
    # The words of each period's pages, kept between builds by the period's digest: the
    # common-word counts are their sum, without reading every page again.
    cache = Path(cache_dir) if cache_dir else output.resolve().parent / ".cache" / "search-index"
    cache.mkdir(parents=True, exist_ok=True)
    memo_path = _memo_path(cache, output)
    memo = _read_memo(memo_path)
    files = _scan(output, stats, memo.get("files", {}))
    hashes = {page: bytes.fromhex(f[2]) for page, f in files.items()}
    months = {page: (int(f[3][:4]), int(f[3][5:7])) if f[3] else None for page, f in files.items()}
    planned = None if full else plan_recent(files, _trusted(memo, previous), main_pages, recent_pages)
    main_plan, recent = planned or (plan_main(months, main_pages), [])
    document_counts: Counter = Counter()
    state = {"format": FORMAT, "pagefind": PAGEFIND_VERSION, "pages": len(pages)}
    rebuilt, used = [], {memo_path.name}
    # Search views are kept between builds, named after the hash of what Pagefind reads of
    # their page (which is all of the view Pagefind reads): a period indexed again for one new
    # page writes one view, not three hundred (about 40 % of the period's CPU time).
    views = cache / f"views-{FORMAT}"
    views.mkdir(exist_ok=True)
    for old in cache.glob("views-*"):
        if old != views:
            shutil.rmtree(old)

    def view_pages(members: list[str], periods: dict[str, str] | None = None) -> dict[str, Path]:
        """Page → its search view's file, written if missing (``periods``: with its period)."""
        found = {}
        for page in members:
            period = periods[page] if periods else None
            view = found[page] = views / (f"{files[page][2]}-{period}.html" if period else f"{files[page][2]}.html")
            if not view.exists():
                fresh = view.with_suffix(".tmp")
                fresh.write_text(search_view((output / page).read_text(encoding="utf-8"), period), encoding="utf-8")
                fresh.replace(view)
        return found

    # Each bundle as (slot in shards.json, folder, key, its own pages, chunk, the pages its entry
    # counts, their periods when it is the periods' recent bundle).
    period_plan = plan_periods(months, period_pages)
    in_recent = set(recent)
    period_of = {page: key for key, members in period_plan.items() for page in members if page in in_recent}
    planned_bundles = [("main", "chinh", key, members, MAIN_CHUNK, members, None) for key, members in main_plan.items()]
    planned_bundles += [("main", "chinh", RECENT, recent, PERIOD_CHUNK, recent, None)] if recent else []
    planned_bundles += [("periods", "giai-doan", key, [m for m in members if m not in in_recent], PERIOD_CHUNK, members, None)
                        for key, members in period_plan.items()]
    planned_bundles += [("periods_recent", "giai-doan", RECENT, recent, PERIOD_CHUNK, recent, period_of)] if recent else []
    # The bundles to index again are indexed one after the other in a thread (Pagefind runs as
    # a process of its own, and one at a time holds as much memory as ever), while this thread
    # goes through the other bundles; a period's words not counted yet are counted in another.
    # Bundles of at most RECENT_PAGES pages (the recent ones, after an addition) are indexed in
    # a thread of their own, beside the others: one more Pagefind of at most ~25 MB.
    swaps, countings, entries, words_of = [], [], {}, {}
    state.update(main=[], periods=[])
    with ThreadPoolExecutor(1) as indexer, ThreadPoolExecutor(1) as aside, ThreadPoolExecutor(1) as counter:
        for slot, folder, key, members, chunk, listed, periods in planned_bundles:
            name = f"{folder}/{key}"
            digest = _digest(hashes, members, chunk, periods)
            target = bundle / folder / key
            again = bool(members) and (previous.get(name, {}).get("digest") != digest
                                       or not (target / "pagefind-entry.json").is_file())
            views_of = view_pages(members, periods) if again else None
            if again:
                runner = aside if len(members) <= RECENT_PAGES else indexer
                swaps.append((name, runner.submit(_swap_in, views_of, name, target, chunk)))
            if slot == "periods" and members:  # the recent pages are counted below, page by page
                words = cache / f"{digest}.json"
                used.add(words.name)
                counts = words_of[name] = _read_words(words)
                if counts is None:
                    views_of = views_of or view_pages(members, periods)
                    countings.append((name, counter.submit(_count_words, words, list(views_of.values()))))
            dated = sorted(months[m] for m in listed if months[m])
            entry = entries[name] = {
                "key": key, "path": f"{name}/" if members else None, "pages": len(listed), "digest": digest,
                "from": "%d-%02d" % dated[0] if dated else None, "to": "%d-%02d" % dated[-1] if dated else None}
            if len(listed) > len(members):
                entry["recent"] = len(listed) - len(members)
            if slot == "periods_recent":
                state[slot] = entry
            else:
                state[slot].append(entry)
        # The recent pages' words, each page's (its period's "new" needs them apart), read
        # once; not kept, as their set changes with nearly every build.
        recent_views = view_pages(recent, period_of) if recent else {}
        reading = counter.submit(lambda: {page: _indexed_words(view.read_text(encoding="utf-8"))
                                          for page, view in recent_views.items()})
        for name, swap in swaps:  # in the plan's order; the first failure is raised
            swap.result()
            rebuilt.append(name)
        for name, counting in countings:
            words_of[name] = counting.result()
        page_words = reading.result()
    for counts in [*words_of.values(), *page_words.values()]:
        document_counts.update(counts)
    if recent:
        # Where each recent page falls in date order among the pages it is merged with.
        main_dates = sorted(files[p][3] for key, members in main_plan.items() for p in members if files[p][3])
        own_dates = {key: sorted(files[p][3] for p in members if p not in in_recent and files[p][3])
                     for key, members in period_plan.items()}
        entries[f"chinh/{RECENT}"] |= {"recent": True, "order": _recent_order(
            bundle / "chinh" / RECENT, recent, lambda page: main_dates, files)}
        entries[f"giai-doan/{RECENT}"] |= {"recent": True, "order": _recent_order(
            bundle / "giai-doan" / RECENT, recent, lambda page: own_dates[period_of[page]], files)}
        # Which words the recent pages hold, and which the others lack (see "Recent pages").
        recent_words = set().union(*page_words.values())
        entries[f"chinh/{RECENT}"] |= {"words": sorted(w.removesuffix(TERMINATOR) for w in recent_words),
                                       "new": _new_prefixes(recent_words, set().union(*words_of.values()))}
        by_period: dict[str, set] = {}
        for page, held in page_words.items():
            by_period.setdefault(period_of[page], set()).update(held)
        for key, held in by_period.items():
            entries[f"giai-doan/{key}"]["new"] = _new_prefixes(held, words_of.get(f"giai-doan/{key}") or {})
    for stale in cache.glob("*.json"):
        if stale.name not in used:
            stale.unlink()
    current = {f"{f[2]}.html" for f in files.values()} | {f"{files[p][2]}-{k}.html" for p, k in period_of.items()}
    for stale in os.scandir(views):
        if stale.name not in current:  # views of pages gone or changed, and leftovers of a stopped run
            shutil.rmtree(stale.path) if stale.is_dir(follow_symlinks=False) else os.unlink(stale.path)
    hub = bundle / "giai-doan" / HUB
    if previous.get("hub", {}).get("format") != FORMAT or not (hub / "pagefind-entry.json").is_file():
        with tempfile.TemporaryDirectory(prefix="cctp-search-hub-") as tmp:
            (Path(tmp) / "index.html").write_text(_HUB_PAGE, encoding="utf-8")
            _swap_in({"index.html": Path(tmp) / "index.html"}, f"giai-doan/{HUB}", hub, PERIOD_CHUNK, glob="index.html")
        rebuilt.append(f"giai-doan/{HUB}")
    state["hub"] = {"path": f"giai-doan/{HUB}/", "format": FORMAT}
    # What ranking a query at once costs, per match and posting, over the main bundles, and
    # the page counts of common words: the search page decides from them (search.js).
    state["scale"] = round(sum(s["pages"] ** 2 for s in state["main"]) / len(pages) ** 2, 3)
    floor = max(1, int(COMMON_SHARE * len(pages)))
    state["common"] = {"min": floor, "words": {w.removesuffix(TERMINATOR): n for w, n in
                                               sorted(document_counts.items()) if n >= floor}}
    _write_json(bundle / SHARDS_FILE, state, compact=True)
    digests = {s["key"]: s["digest"] for s in state["main"]}
    _write_json(memo_path, {"format": FORMAT, "main_pages": main_pages, "files": files,
                            "main": {key: {"digest": digests[key], "pages": members} for key, members in main_plan.items()},
                            "recent": {"digest": digests[RECENT], "pages": recent} if recent else None})
    # Bundles no longer planned (a period whose pages are all recent has none of its own), and
    # whatever an older layout left.
    kept = {name for name, entry in entries.items() if entry["path"]} | {f"giai-doan/{HUB}"}
    for item in bundle.iterdir():
        if item.name not in {SHARDS_FILE, "chinh", "giai-doan"}:
            shutil.rmtree(item) if item.is_dir() else item.unlink()
    for folder in ("chinh", "giai-doan"):
        for item in (bundle / folder).iterdir():
            if f"{folder}/{item.name}" not in kept:
                shutil.rmtree(item) if item.is_dir() else item.unlink()
    return {"pages": len(pages), "bundles": len(kept) - 1, "rebuilt": rebuilt, "recent": len(recent)}


def listing_after(output: Path, previous: dict, rebuilt: list[str], walk) -> dict[str, list[int]]:
    """The files under ``pagefind/`` after build_index, as ``walk`` (a folder -> {relative path:
    (size, modification time)}) would list them from ``output``, keyed ``pagefind/...``: taken
    from ``previous`` (the same listing, made after the last build) for each bundle not indexed
    again (``rebuilt``) whose ``pagefind-entry.json`` is still as listed there, walked afresh for
    the others. The whole index is about 29,000 files at 10,000 articles; walking it took
    0.08-0.11 s of every build."""
    root = Path(output) / BUNDLE
    prefix = BUNDLE + "/"
    fresh = set(rebuilt)
    kept: dict[str, dict] = {}
    for name, stamp in previous.items():
        if name.startswith(prefix):
            parts = name[len(prefix):].split("/", 2)
            if len(parts) == 3:
                kept.setdefault(f"{parts[0]}/{parts[1]}", {})[name] = stamp
    found: dict[str, list[int]] = {}
    for entry in os.scandir(root):
        if not entry.is_dir(follow_symlinks=False):
            if entry.is_file():
                st = entry.stat()
                found[prefix + entry.name] = [st.st_size, st.st_mtime_ns]
            continue
        for bundle in os.scandir(entry.path):
            key = f"{entry.name}/{bundle.name}"
            if not bundle.is_dir(follow_symlinks=False):
                if bundle.is_file():
                    st = bundle.stat()
                    found[prefix + key] = [st.st_size, st.st_mtime_ns]
                continue
            old = kept.get(key, {}) if key not in fresh else {}
            marker = old.get(f"{prefix}{key}/pagefind-entry.json")
            try:
                st = os.stat(os.path.join(bundle.path, "pagefind-entry.json"))
                same = marker is not None and [st.st_size, st.st_mtime_ns] == list(marker)
            except OSError:
                same = False
            if same:
                found.update(old)
            else:
                found.update({f"{prefix}{key}/{k}": list(v) for k, v in walk(Path(bundle.path)).items()})
    return found


def _write_json(path: Path, data: dict, compact: bool = False) -> None:
    """Write beside, then replace: a reader never sees half a file."""
    temporary = path.parent / f".{path.name}.new"
    temporary.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":") if compact else None),
                         encoding="utf-8")
    temporary.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.index", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (Pelican's output directory)")
    parser.add_argument("--glob", default=ARTICLE_GLOB, help=f"pages to index (default {ARTICLE_GLOB})")
    parser.add_argument("--full", action="store_true",
                        help="plan the main bundles anew, folding the recent pages into them")
    args = parser.parse_args(argv)
    try:
        done = build_index(args.output, args.glob, full=args.full)
    except (IndexBuildError, OSError) as exc:
        print(f"lỗi chỉ mục: {exc}", file=sys.stderr)
        return 1
    print(summary(done, args.output))
    return 0


def summary(done: dict, output: Path) -> str:
    """What build_index did, in a line."""
    return (f"chỉ mục: {done['pages']} trang bài viết, {done['bundles']} phần → {output / BUNDLE}"
            + (f" ({done['recent']} bài mới trong chinh/{RECENT}, giai-doan/{RECENT})" if done["recent"] else "")
            + f"; lập lại {len(done['rebuilt'])} phần" + (f" ({', '.join(done['rebuilt'])})" if done["rebuilt"] else ""))


if __name__ == "__main__":
    sys.exit(main())
