"""Incremental build: one new article added to a built archive, and an unchanged tree.

    python bench/incremental.py --articles 10000 [--repeat 3] [--batch 1] [--settings publishconf.py]
                                [--index] [--keep DIR] [--cold] [--watch]

Generates N articles (bench/corpus.py), builds them once with `cctp build` (the first build,
from an empty output/), then --repeat times: adds --batch new articles (the newest, in a
province, with topics and citations like the others) and rebuilds, timing it; and rebuilds
again with nothing changed. Prints the median seconds of each, how many page writes were
rendered and skipped, and the load average before and after (the machine is shared).
Without --index the search index step is left out (`cctp build --no-index`); with it, the
index step's own seconds and the bundles it indexed again are printed too.

--cold empties the system's page cache before each addition's build (as root: `sync`, then
`3` into /proc/sys/vm/drop_caches). An editor's build usually comes after a pause, and on a
machine whose page cache empties within a minute that build is a cold one: at 10,000
articles it took 5.5 s against 4.1-4.4 s back to back (twelfth session).

--watch runs the additions' builds in `cctp build --watch` (scrapers/resident.py) instead
of one `cctp build` each: the time printed is from the new file's writing to the end of the
build it started (the watcher's noticing included), seen when the build's record is written; an
unchanged tree is not built at all there, so that line is left out.

--keep DIR works there and keeps it: run again with the same DIR and --articles, the built
archive is reused (the articles an earlier run added are deleted and the archive rebuilt
first, untimed), which saves the first build's many minutes.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate, make_documents  # noqa: E402
from scrapers import site_build  # noqa: E402
from scrapers.index import build_index  # noqa: E402
from scrapers.write import article_path, atomic_write, render  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def drop_caches() -> None:
    """The system's page cache emptied, so the next build reads from the disk."""
    os.sync()
    try:
        Path("/proc/sys/vm/drop_caches").write_text("3\n")
    except OSError as exc:
        sys.exit(f"--cold: không xoá được bộ đệm trang ({exc}); cần chạy với quyền root trên Linux")


def stats(path: Path) -> dict:
    """What Pelican's run did, from its record beside the build's record ``path``."""
    with open(path.with_suffix(".pages"), "rb") as fh:
        return pickle.load(fh)["stats"]


def record(path: Path) -> dict:
    return site_build._load(path)


def bundles(output: Path) -> dict[str, str]:
    """Search index bundle → digest (scrapers/index.py's shards.json), or {} without an index."""
    try:
        shards = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    except OSError:
        return {}
    parts = [*shards["main"], *shards["periods"], *([shards["periods_recent"]] if "periods_recent" in shards else [])]
    return {s["path"].rstrip("/"): s["digest"] for s in parts if s["path"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--batch", type=int, default=1, help="articles added before each rebuild")
    parser.add_argument("--index", action="store_true", help="include the search index step")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    parser.add_argument("--cold", action="store_true", help="empty the page cache before each addition's build (root)")
    parser.add_argument("--watch", action="store_true", help="build each addition with `cctp build --watch`")
    args = parser.parse_args()
    if args.cold:
        drop_caches()

    os.environ.setdefault("CCTP_SITEURL", "https://example.org/cctp")
    base = args.keep or Path(tempfile.mkdtemp(prefix="incremental-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    output, state = base / "output", base / "state"
    settings = ROOT / args.settings
    # This build's record (a kept folder may hold others, from other settings or checkouts).
    kept = site_build.state_path(settings, output, state)
    reuse = args.keep and (base / "content").is_dir() and state.is_dir()
    content = base / "content" if reuse else generate(args.articles, base, args.seed)
    count = args.repeat * args.batch
    extra = list(make_documents(args.articles + count, args.seed))[args.articles:]

    def build() -> float:
        started = time.perf_counter()
        code = site_build.build(content, output, settings, index=args.index, quiet=True, state_dir=state)
        if code:
            sys.exit(f"cctp build thất bại (mã {code})")
        return time.perf_counter() - started

    print(f"{args.articles} bài tổng hợp, {args.settings}; {os.cpu_count()} CPU, tải trước khi đo: {load()}"
          + ("; xoá bộ đệm trang trước mỗi lần thêm bài" if args.cold else ""))
    if reuse:
        for old in content.glob("articles/*/*-moi.md"):
            old.unlink()
        print(f"dùng lại {base} (xoá bài lần trước thêm rồi dựng lại): {build():.1f} s")
    else:
        print(f"lần dựng đầu (thư mục trống): {build():.1f} s")
    if args.index and not bundles(output):  # an archive built without the index, and unchanged since
        started = time.perf_counter()
        build_index(output)
        print(f"chỉ mục từ đầu: {time.perf_counter() - started:.1f} s")
    watcher = None
    if args.watch:
        watcher = subprocess.Popen(
            [sys.executable, "-m", "scrapers.cli", "build", "--watch", "--settings", str(settings),
             "--content", str(content), "--output", str(output), "--state-dir", str(state),
             *([] if args.index else ["--no-index"])],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for line in watcher.stderr:  # its first build (nothing to do) is done
            if "Đang theo dõi" in line:
                break
        else:
            sys.exit("cctp build --watch dừng trước khi theo dõi")
        # What it says from then on is read (or a full pipe would stop it) for a failed build,
        # which would otherwise leave watched() waiting for a record that never comes.
        failed: list[str] = []

        def drain() -> None:
            for line in watcher.stderr:
                if "Dựng trang thất bại" in line:
                    failed.append(line.strip())
        threading.Thread(target=drain, daemon=True).start()

    def watched() -> float:
        """Seconds from the files' writing (just before) to the end of the build they started:
        to when its record (its last step) is seen written, within 5 ms; reading the 5 MB
        record here, 0.03-0.09 s, is not the build's."""
        started = time.perf_counter()
        sources = {k: list(v) for k, v in site_build._stat_tree(content).items()}
        path, seen = kept, None
        while True:
            time.sleep(0.005)
            if watcher.poll() is not None:
                sys.exit(f"cctp build --watch dừng (mã {watcher.returncode})")
            if failed:
                watcher.terminate()
                sys.exit(f"cctp build --watch: {failed[0]}")
            stamp = path.stat().st_mtime_ns  # read again only when written: it is 5 MB
            if stamp == seen:
                continue
            ended = time.perf_counter()
            seen, done = stamp, record(kept)
            if done and done.get("output") is not None and done.get("content") == sources:
                return ended - started

    added, indexed, unchanged = [], [], []
    for step in range(args.repeat):
        before = bundles(output)
        if args.cold:  # before the new file is written: a watching build may start at once
            drop_caches()
        for i, doc in enumerate(extra[step * args.batch:(step + 1) * args.batch], start=step * args.batch):
            doc.date = f"2025-12-{20 + i % 9:02d}"  # the newest article, as a new one usually is
            doc.slug = f"{doc.slug}-moi"
            atomic_write(article_path(content, doc), render(doc))
        added.append(watched() if watcher else build())
        s = stats(kept)
        line = f"  + {args.batch} bài: {added[-1]:.2f} s (dựng {s['rendered']} lượt, giữ {s['skipped']}, xoá {s['removed']} tệp)"
        if args.index:
            indexed.append(record(kept)["seconds"]["index"])
            after = bundles(output)
            again = sorted(name for name, digest in after.items() if before.get(name) != digest)
            line += f"; chỉ mục {indexed[-1]:.2f} s, lập lại {', '.join(again) or 'không phần nào'}"
        print(line)
        if watcher:
            time.sleep(2)  # while the watcher reloads what the next build restores
        else:
            unchanged.append(build())
    if watcher:
        # SIGTERM, which it stops on like Ctrl-C: a bench started in the background by a
        # shell without job control inherits SIGINT ignored, and so would the watcher.
        watcher.send_signal(signal.SIGTERM)
        watcher.wait()
    print(f"tải sau khi đo: {load()}; trung vị của {len(added)} lần:")
    print(f"  thêm {args.batch} bài rồi dựng lại:   {statistics.median(added):6.2f} s  ({', '.join(f'{x:.2f}' for x in added)})")
    if indexed:
        print(f"    trong đó chỉ mục tìm kiếm: {statistics.median(indexed):6.2f} s  ({', '.join(f'{x:.2f}' for x in indexed)})")
    if unchanged:
        print(f"  dựng lại khi không đổi gì: {statistics.median(unchanged):6.2f} s  "
              f"({', '.join(f'{x:.2f}' for x in unchanged)})")
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
