"""`cctp build`: the site and its search index, redoing only what the changes require.

    cctp build [--settings pelicanconf.py] [--content content] [--output output] [--full]

What a build depends on is fingerprinted in two parts: the *salt* (the settings files, the
theme, the plugins, the `scrapers` package and its data files, the installed packages'
versions (scrapers/installed.py), the Python version and the CCTP_* environment variables)
and the *content* (every file under content/). Both are file sizes and modification times,
not file bytes, as for Pelican's reader cache: a touched file costs a build, never a wrong
one.

- Nothing changed and output/ is as the last build left it (every file's size and
  modification time, the search index included): nothing is run.
- Otherwise Pelican runs over the existing output/ with the cctp_incremental plugin (pages
  whose inputs did not change are not rendered, files no longer produced are removed; a new
  salt renders every page), and the search index (scrapers/index.py) is updated in a thread
  here as soon as Pelican has written every article page (plugins/cctp_articles_ready),
  while it writes the listings (or after it, without that plugin). The changed
  articles are checked (`cctp check` rules; every file when the salt changed or there is no
  record) while Pelican reads, and Pelican writes nothing unless they pass (the gate in
  scrapers/pelican_run; with --full, which empties output/ first, the check comes first).
- With no record of a previous build every page is rendered into output/ as it is, and
  what the build did not produce is removed at its end (the same files as emptying it
  first, which took 3 s of a 20 s build at 10,000 articles: deleting 17,000 files and
  folders one by one). With --full output/ is emptied first, as
  `pelican --delete-output-directory` does.

The record lives in .cache/cctp-build/, one per output folder and settings file; it is
marked unfinished before Pelican starts, so an interrupted build is never taken for a
finished one (the next build is incremental again: cctp_incremental keeps its own record
per page).
"""
from __future__ import annotations

import glob
import hashlib
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scrapers import installed
from scrapers.stamps import file_stamp

ROOT = Path(__file__).resolve().parent.parent
STATE_DIR = ROOT / ".cache" / "cctp-build"
# Under the project root, what a build reads besides content/ (the salt). Caches and the
# output are not inputs.
SALT_PATHS = ("theme", "plugins", "scrapers")
# Environment variables that change how a build runs, never what it writes.
UNSALTED = ("CCTP_BUILD_JOBS",)
SKIP_DIRS = {"__pycache__", ".pytest_cache", "node_modules"}
# Output folders other steps write: the form editor (make admin-site) is not part of what a
# site build leaves, so it neither makes a build necessary nor is it kept by one.
NOT_LISTED = ("admin",)


def _stat_tree(root: Path, skip_top: tuple[str, ...] = ()) -> dict[str, tuple[int, int]]:
    """relative path → (size, mtime_ns) of every file under root."""
    out: dict[str, tuple[int, int]] = {}
    stack = [(str(root), "")]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = rel + entry.name
            if entry.is_dir(follow_symlinks=False):
                if entry.name in SKIP_DIRS or (not rel and entry.name in skip_top):
                    continue
                stack.append((entry.path, name + "/"))
            elif entry.is_file():
                st = entry.stat()
                out[name] = (st.st_size, st.st_mtime_ns)
    return out


def _digest(items) -> str:
    h = hashlib.blake2b(digest_size=16)
    for item in items:
        h.update(repr(item).encode())
        h.update(b"\0")
    return h.hexdigest()


def salt(settings: Path) -> str:
    """Everything but content/ that the build reads (see the module's docstring)."""
    parts: list = [sys.version, str(settings.resolve())]
    for conf in sorted(ROOT.glob("*conf.py")):
        st = conf.stat()
        parts.append((conf.name, st.st_size, st.st_mtime_ns))
    for top in SALT_PATHS:
        parts.append((top, sorted(_stat_tree(ROOT / top).items())))
    parts.append(installed.stamp())
    # How many processes render changes how fast, never what (tests/test_incremental.py).
    parts.append(sorted((k, v) for k, v in os.environ.items() if k.startswith("CCTP_") and k not in UNSALTED))
    return _digest(parts)


# The listings' share of the rendering (cctp_parallel_write) in a build that renders few pages:
# the listings' process then spends its time signing ~8,000 pages it mostly keeps, and took
# longest. Builds forked from one waiting process (as `cctp build --watch`) after one new
# article at 10,000 articles, shares in turn: 3.07 s median with 0.40 (2.89-3.28, 10 builds),
# 3.17 s with the full build's 0.44 (3.01-3.27).
INCREMENTAL_LISTING_SHARE = 0.40

# More processes than this add memory (each holds a copy-on-write view of the context) for
# little: the articles' context is made by one process before they fork.
MAX_JOBS = 4


def build_jobs() -> int:
    """How many processes render pages (cctp_parallel_write): CCTP_BUILD_JOBS, else one per
    core this process may use, at most MAX_JOBS. On two idle cores, rendering every page of
    10,000 articles took 10.7 s with two against 14.7 s with one (docs/build-speed.md)."""
    asked = os.environ.get("CCTP_BUILD_JOBS", "").strip()
    if asked:
        try:
            return max(1, int(asked))
        except ValueError:
            raise SystemExit(f"CCTP_BUILD_JOBS={asked!r}: cần một số nguyên (số tiến trình dựng trang)") from None
    return max(1, min(MAX_JOBS, len(os.sched_getaffinity(0))))


def state_path(settings: Path, output: Path, state_dir: Path = STATE_DIR) -> Path:
    key = _digest([str(settings.resolve()), str(output.resolve())])
    return state_dir / f"{key}.record"


# The record this process last wrote, by path: (the file's stamp, the record). In a process
# that builds again (`cctp build --watch`) the next build takes it from here while the file is
# as written (unpickling it was 0.025 s of a build after one new article at 10,000 articles).
_held: dict = {}


def _load(path: Path) -> dict | None:
    """The record of the last build, pickled: as JSON (until the twelfth session) the 5 MB of
    10,000 sources' and 17,000 output files' stamps took 0.07 s to read (a fifth of a build on
    an unchanged tree) and 0.06 s to write. A JSON record an older build left is read once."""
    held = _held.get(path)
    if held is not None and held[0] == file_stamp(path):
        return held[1]
    try:
        with open(path, "rb") as fh:
            found = pickle.load(fh)
        return found if isinstance(found, dict) else None
    except (OSError, EOFError, pickle.UnpicklingError, ValueError, TypeError, AttributeError):
        pass
    try:
        return json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(path: Path, state: dict) -> None:
    from scrapers.write import atomic_write  # here: an unchanged tree's build saves nothing

    atomic_write(path, pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))
    path.with_suffix(".json").unlink(missing_ok=True)
    _held[path] = (file_stamp(path), state)


def _listing(output: Path, skip_top: tuple[str, ...] = ()) -> dict[str, list[int]]:
    return {k: list(v) for k, v in _stat_tree(output, NOT_LISTED + skip_top).items()}


def _outputs(output: Path, recorded: dict | None) -> dict[str, list[int]]:
    """What _listing(output, (pagefind,)) finds after a build, from what Pelican recorded of the
    files it left (cctp_incremental), the top folder's files listed afresh (cctp_sitemap writes
    robots.txt and the sitemaps after that record); a walk without such a record."""
    from scrapers.index import BUNDLE

    if recorded is None:
        return _listing(output, (BUNDLE,))
    skipped = (*NOT_LISTED, BUNDLE)
    found = {name: list(stamp) for name, stamp in recorded.items()
             if "/" in name and name.split("/", 1)[0] not in skipped
             and not SKIP_DIRS.intersection(name.split("/")[:-1])}
    for entry in os.scandir(output):
        if not entry.is_dir(follow_symlinks=False) and entry.is_file():
            st = entry.stat()
            found[entry.name] = [st.st_size, st.st_mtime_ns]
    return found


def _changed(old: dict, new: dict) -> list[str]:
    return sorted(k for k in new if old.get(k) != new[k])


def _check(content: Path, changed: list[str] | None) -> int:
    """`cctp check` rules: the whole tree, or only the changed Markdown files (each also
    against the others' slugs and sources, as `cctp check --changed` does)."""
    from scrapers import check

    if changed is None:
        return check.check_content(content)
    findings = []
    for rel in changed:
        path = content / rel
        if path.suffix != ".md" or not path.is_file():
            continue
        is_page = rel.startswith("pages/")
        found, meta = check.check_file(path, is_page)
        findings.extend(found)
        if meta and not is_page:
            findings.extend(check._repeats(content, path, meta))
    errors = [f for f in findings if f.error]
    for f in findings:
        print(f, file=sys.stderr)
    if findings:
        print(f"đã kiểm tra {len(changed)} tệp đã đổi: {len(errors)} lỗi, "
              f"{len(findings) - len(errors)} cảnh báo", file=sys.stderr)
    return 1 if errors else 0


def _spawn(args: list[str], env: dict, stdout, pass_fds=(), close_fds=()) -> subprocess.Popen:
    """Pelican (scrapers/pelican_run) with `args`, in a new Python (a resident build forks
    instead: scrapers/resident.Zygote.start). `close_fds`: ours only, which Popen closes anyway."""
    return subprocess.Popen([sys.executable, "-m", "scrapers.pelican_run", *args], cwd=ROOT, stdout=stdout,
                            pass_fds=pass_fds, env={**os.environ, **env})


def _run_gated(args: list[str], ready, stdout, launch=_spawn, env: dict | None = None, pass_fds=(),
               close_fds=()) -> int | None:
    """Runs Pelican (scrapers/pelican_run) while `ready()` decides here whether it may write:
    it reads and makes its context meanwhile, and waits at its gate before writing anything.
    Pelican's exit status, or None when `ready()` said no (Pelican then writes nothing)."""
    from scrapers.pelican_run import GATE

    read_end, write_end = os.pipe()
    try:
        process = launch(args, {**(env or {}), GATE: str(read_end)}, stdout, pass_fds=(read_end, *pass_fds),
                         close_fds=(write_end, *close_fds))
    except BaseException:
        os.close(write_end)
        raise
    finally:
        os.close(read_end)
    go = False
    try:
        go = ready()
    finally:  # whatever happens here, Pelican hears it, and is waited for
        try:
            os.write(write_end, b"1" if go else b"0")
        except BrokenPipeError:  # it ended before its gate (an error while reading)
            pass
        os.close(write_end)
        code = process.wait()
    return code if go else None


class _EarlyIndex:
    """The search index, updated in a thread of this process as soon as Pelican has written
    every article page (the only pages it reads; plugins/cctp_articles_ready says when), while
    Pelican writes the listings, feeds and sitemap. After one new article at 10,000 articles
    every article page was written 0.15-0.25 s before Pelican's end, and that end and its
    record came before the index's 0.6 s (one build 4.26-4.35 -> 4.02-4.21 s)."""

    def __init__(self, output: Path, jobs: int, pages_file: Path, known: dict | None = None) -> None:
        """`known`: the output's files after the last build ({relative path: (size, mtime_ns)}),
        if it has not changed since (the build's record): the article pages Pelican did not
        write are as listed there."""
        from scrapers.index import build_index, pages_in

        self.build_index, self.pages_in = build_index, pages_in
        self.output, self.jobs, self.pages_file = output, jobs, pages_file
        self.known = known or {}
        # What a stopped build's processes listed: not this build's.
        for stale in self._written_files():
            stale.unlink(missing_ok=True)
        self.read_end, self.write_end = os.pipe()
        self.outcome: tuple | None = None  # (result, seconds), or (exception, None)
        self.thread: threading.Thread | None = None
        self.told: float | None = None  # when every process had said (time.perf_counter)

    def env(self) -> dict:
        from scrapers.pelican_run import ARTICLES_LIST, ARTICLES_READY

        return {ARTICLES_READY: str(self.write_end), ARTICLES_LIST: str(self.pages_file)}

    def start(self) -> None:
        """Once Pelican has started: only its processes hold the pipe's write end now."""
        os.close(self.write_end)
        self.thread = threading.Thread(target=self._run, name="cctp-index", daemon=True)
        self.thread.start()

    def close(self) -> None:
        """When Pelican could not be started."""
        for fd in (self.read_end, self.write_end):
            try:
                os.close(fd)
            except OSError:
                pass

    def _run(self) -> None:
        told = 0
        with open(self.read_end, "rb", buffering=0) as pipe:
            while told < self.jobs:
                got = pipe.read(self.jobs - told)
                if not got:  # Pelican ended (an error, the gate closed) or has no such plugin
                    return
                told += len(got)
        started = self.told = time.perf_counter()
        try:
            with open(self.pages_file, "rb") as fh:
                names = pickle.load(fh)
            written = self._written()
            known = self.known if written is not None else {}
            stats = {}
            for name in names:
                found = known.get(name)
                if found is not None and name not in written:
                    stats[name] = (found[0], found[1])
                    continue
                try:
                    st = os.stat(self.output / name)
                except FileNotFoundError:
                    continue
                stats[name] = (st.st_size, st.st_mtime_ns)
            listed = self.pages_in(stats)
            self.outcome = (self.build_index(self.output, listed=listed), time.perf_counter() - started)
        except Exception as exc:  # noqa: BLE001 - handed to the build, which says it
            self.outcome = (exc, None)

    def _written_files(self) -> list[Path]:
        from scrapers.pelican_run import ARTICLES_WRITTEN

        return list(self.pages_file.parent.glob(glob.escape(self.pages_file.name + ARTICLES_WRITTEN) + "*"))

    def _written(self) -> set | None:
        """The article pages Pelican's processes wrote (cctp_articles_ready), or None when one
        did not say."""
        found = self._written_files()
        written: set = set()
        try:
            for path in found:
                with open(path, "rb") as fh:
                    written.update(pickle.load(fh))
        except (OSError, EOFError, pickle.UnpicklingError):
            return None
        finally:
            for path in found:
                path.unlink(missing_ok=True)
        return written if len(found) == self.jobs else None

    def join(self) -> tuple | None:
        """(result, seconds) or (exception, None); None when it never ran (the index is then
        made after Pelican, as without this)."""
        if self.thread is not None:
            self.thread.join()
        return self.outcome


def build(content: Path, output: Path, settings: Path, full: bool = False, index: bool = True,
          check: bool = True, quiet: bool = False, state_dir: Path = STATE_DIR, launch=_spawn) -> int:
    """`launch`: how Pelican is started (_spawn; `cctp build --watch` forks, scrapers/resident)."""
    started = time.perf_counter()
    say = (lambda *a: None) if quiet else (lambda *a: print(*a, file=sys.stderr))
    jobs = build_jobs()
    record = state_path(settings, output, state_dir)
    pages_record = record.with_suffix(".pages")
    old = None if full else _load(record)
    new_salt = salt(settings)
    files = _stat_tree(content)
    source = {k: list(v) for k, v in files.items()}

    if (old and old.get("salt") == new_salt and old.get("content") == source
            and output.is_dir() and old.get("output") == _listing(output)):
        say(f"Không có gì thay đổi: bỏ qua dựng trang và chỉ mục tìm kiếm "
            f"({time.perf_counter() - started:.2f} s).")
        return 0

    same_salt = bool(old) and old.get("salt") == new_salt
    changed = None
    if same_salt:
        changed = _changed(old.get("content", {}), source)
        gone = sorted(set(old.get("content", {})) - set(source))
        say(f"Nội dung: {len(changed)} tệp mới hoặc đã sửa, {len(gone)} tệp đã xoá.")
    elif old:
        say("Giao diện, plugin, cấu hình hoặc dữ liệu đã đổi: dựng lại mọi trang.")
    else:
        say("Dựng lại toàn bộ vào thư mục trống (--full)." if full else
            "Chưa có bản dựng trước: dựng mọi trang, rồi xoá tệp cũ không còn dùng.")

    def checked() -> bool:
        if check and _check(content, changed) != 0:
            say("Có lỗi trong content/: sửa rồi chạy lại (không dựng trang).")
            return False
        if old:  # from here on, a stopped build must not look finished (but may be resumed)
            _save(record, {**old, "output": None})
        return True

    # Pelican's arguments (scrapers/pelican_run ends without freeing the build's objects one by one).
    command = [str(content), "-s", str(settings), "-o", str(output), "--fatal", "errors",
               "-e", f"INCREMENTAL_STATE={json.dumps(str(pages_record))}",
               f"INCREMENTAL_SALT={json.dumps(new_salt)}", f"BUILD_JOBS={jobs}"]
    command += ["--delete-output-directory"] if full else ["DELETE_OUTPUT_DIRECTORY=false"]
    if same_salt:  # most pages are kept: see INCREMENTAL_LISTING_SHARE
        command.append(f"LISTING_SHARE={INCREMENTAL_LISTING_SHARE}")
    stdout = subprocess.DEVNULL if quiet else None
    if old is None:
        pages_record.unlink(missing_ok=True)
    state_dir.mkdir(parents=True, exist_ok=True)  # Pelican writes beside the record
    # Pelican's record of what it produced, as it was before this build: read afterwards only
    # if this build wrote it (a run without cctp_incremental, CCTP_STOCK_BUILD, leaves the last one).
    before = file_stamp(pages_record)
    early = _EarlyIndex(output, jobs, pages_record.with_suffix(".articles"),
                        known=(old or {}).get("output")) if index else None
    early_env = early.env() if early else None
    early_fds = {"pass_fds": (early.write_end,), "close_fds": (early.read_end,)} if early else {}
    try:
        if full:  # Pelican empties output/ before it reads: nothing may start before the check
            if not checked():
                return 1
            process = launch(command, early_env or {}, stdout, **early_fds)
            if early:
                early.start()
            code = process.wait()
        else:
            def opened() -> bool:
                if early:
                    early.start()
                return checked()
            code = _run_gated(command, opened, stdout, launch, env=early_env, **early_fds)
    finally:
        if early and early.thread is None:  # Pelican was not started, or the check came first
            early.close()
    if code != 0:
        if early:
            early.join()  # whatever it was doing to the index is done before this build ends
        return 1 if code is None else code
    site_seconds = time.perf_counter() - started
    produced = {}
    try:
        if file_stamp(pages_record) != before:
            with open(pages_record, "rb") as fh:
                produced = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError):
        pass
    stats = produced.get("stats", {})
    say(f"Trang: dựng {stats.get('rendered', '?')} lượt, giữ nguyên {stats.get('skipped', '?')} lượt, "
        f"xoá {stats.get('removed', '?')} tệp không còn dùng ({site_seconds:.1f} s).")

    # Here: a build with nothing to do stops before.
    from scrapers.index import BUNDLE, IndexBuildError, build_index, listing_after, pages_in, summary

    index_seconds = None
    # The index step writes under pagefind/ only: the rest of the output is listed meanwhile,
    # from Pelican's record of the files it left (a walk of 17,000 files at 10,000 articles
    # when there is none). The index takes the article pages from that record too, instead of
    # walking their 10,000 folders (0.1 s here; on a disk whose caches have emptied since the
    # last build, much more).
    with ThreadPoolExecutor(1) as pool:
        pages = pool.submit(_outputs, output, produced.get("outputs"))
        if index:
            index_started = time.perf_counter()
            outcome = early.join()
            try:
                if outcome is None:  # not started while Pelican wrote: now, from its record
                    done = build_index(output, listed=pages_in(produced["files"]) if "files" in produced else None)
                    index_seconds = time.perf_counter() - index_started
                elif isinstance(outcome[0], BaseException):
                    raise outcome[0]
                else:
                    done, index_seconds = outcome
            except (IndexBuildError, OSError) as exc:
                print(f"lỗi chỉ mục: {exc}", file=sys.stderr)
                return 1
            if not quiet:
                print(summary(done, output))
        listing = pages.result()
    if index and old and old.get("output") and same_salt:
        # The bundles not indexed again are as the last build listed them.
        listing.update(listing_after(output, old["output"], done["rebuilt"], _stat_tree))
    else:
        listing.update({f"{BUNDLE}/{k}": list(v) for k, v in _stat_tree(output / BUNDLE).items()})
    # The step times are kept for bench/incremental.py.
    _save(record, {"salt": new_salt, "content": source, "output": listing,
                   "seconds": {"site": site_seconds, "index": index_seconds}})
    say(f"Xong sau {time.perf_counter() - started:.1f} s.")
    return 0


def add_arguments(p) -> None:
    p.add_argument("--content", type=Path, default=ROOT / "content", help="thư mục nội dung (mặc định: content)")
    p.add_argument("--output", type=Path, default=ROOT / "output", help="thư mục trang (mặc định: output)")
    p.add_argument("--settings", type=Path, default=ROOT / "pelicanconf.py",
                   help="tệp cấu hình Pelican (mặc định: pelicanconf.py; trang công khai: publishconf.py)")
    p.add_argument("--full", action="store_true", help="dựng lại toàn bộ vào thư mục trống")
    p.add_argument("--no-index", action="store_true", help="không dựng chỉ mục tìm kiếm")
    p.add_argument("--no-check", action="store_true", help="không kiểm tra content/ trước khi dựng")
    p.add_argument("--watch", action="store_true",
                   help="dựng, rồi ở lại và dựng lại mỗi khi content/ đổi (nhanh hơn mỗi lần gọi lệnh; Ctrl-C để dừng)")
    p.add_argument("--state-dir", type=Path, default=STATE_DIR,
                   help="nơi giữ hồ sơ các lần dựng (mặc định: .cache/cctp-build)")


def run(args) -> int:
    paths = (args.content.resolve(), args.output.resolve(), args.settings.resolve())
    if args.watch:
        if args.full:
            raise SystemExit("--watch không đi cùng --full: dựng lại toàn bộ trước, rồi mới theo dõi")
        from scrapers import resident

        return resident.watch(*paths, index=not args.no_index, check=not args.no_check,
                              state_dir=args.state_dir.resolve())
    return build(*paths, full=args.full, index=not args.no_index, check=not args.no_check,
                 state_dir=args.state_dir.resolve())
