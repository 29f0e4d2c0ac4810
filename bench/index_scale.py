"""The search index at 100,000 articles: time and peak memory of `scrapers.index`.

    python bench/index_scale.py --site OUTPUT [--copies 10] [--work /tmp/cctp-bench-index]
                                [--repeat 1] [--batch 1] [--reuse]

Takes the article pages of a built site (`bench/search.py` leaves 10,000 in
/tmp/cctp-bench-search/output) and writes them --copies times under new slugs, each copy moved
back in time by a whole number of the site's year spans (its sort key and year filter are
rewritten), so the archive spans --copies times the years with the same shape. Then builds the
index from scratch, and --repeat times again after --batch new articles (copies of the newest
under new slugs): what an addition re-indexes, and its median seconds. Prints the wall time,
the peak memory of the largest Pagefind process and of the Python process, and the bundles
written. --reuse keeps the work folder's pages and index when it has them (the articles an
earlier run added are deleted and the index updated first, untimed), which saves the
replication and the index from scratch.

The Pelican side of 100,000 articles is bench/build.py's; this is the index alone, whose
memory (about 250 kB per page in one Pagefind process) is what limits one machine.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.index import ARTICLE_GLOB, BUNDLE, build_index  # noqa: E402

YEAR = re.compile(r'(data-pagefind-sort="date:|data-pagefind-meta="ngay:|data-pagefind-filter="nam:)(\d{4})')


def replicate(site: Path, work: Path, copies: int) -> int:
    pages = sorted(site.glob(ARTICLE_GLOB))
    years = [int(m.group(2)) for p in pages for m in [YEAR.search(p.read_text(encoding="utf-8"))] if m]
    span = max(years) - min(years) + 1
    count = 0
    for copy in range(copies):
        for page in pages:
            html = page.read_text(encoding="utf-8")
            html = YEAR.sub(lambda m: m.group(1) + str(int(m.group(2)) - copy * span), html)
            relative = page.relative_to(site)
            target = work / relative.parent.parent / f"{relative.parent.name}-{copy}" / relative.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(html, encoding="utf-8")
            count += 1
    return count


def peak_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kB on Linux


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (Pagefind), user and system."""
    return sum(getattr(resource.getrusage(who), field) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
               for field in ("ru_utime", "ru_stime"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, default=Path("/tmp/cctp-bench-search/output"))
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cctp-bench-index"))
    parser.add_argument("--repeat", type=int, default=1, help="additions measured")
    parser.add_argument("--batch", type=int, default=1, help="articles per addition")
    parser.add_argument("--reuse", action="store_true", help="keep the work folder's pages and index")
    args = parser.parse_args()
    output = args.work / "output"
    print(f"{os.cpu_count()} CPU, tải: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.reuse and (output / BUNDLE / "shards.json").is_file():
        for old in output.glob("bai-viet/*-moi-*"):
            shutil.rmtree(old)
        start = time.perf_counter()
        done = build_index(output)
        print(f"dùng lại {output} ({done['pages']} trang), xoá bài lần trước thêm: {time.perf_counter() - start:.0f} s")
    else:
        shutil.rmtree(args.work, ignore_errors=True)
        start = time.perf_counter()
        pages = replicate(args.site, output, args.copies)
        print(f"{pages} trang bài viết chép trong {time.perf_counter() - start:.0f} s")
        start = time.perf_counter()
        done = build_index(output)
        full = time.perf_counter() - start
        state = json.loads((output / BUNDLE / "shards.json").read_text(encoding="utf-8"))
        print(f"lập chỉ mục từ đầu: {full:.0f} s; {len(state['main'])} phần chính (lớn nhất "
              f"{max(s['pages'] for s in state['main'])} bài), {len(state['periods'])} giai đoạn; "
              f"bộ nhớ đỉnh: Pagefind {peak_mb(resource.RUSAGE_CHILDREN):.0f} MB, Python {peak_mb(resource.RUSAGE_SELF):.0f} MB")

    newest = max((p for p in output.glob(ARTICLE_GLOB) if "-moi-" not in p.parent.name),
                 key=lambda p: YEAR.search(p.read_text(encoding="utf-8")).group(2))
    seconds = []
    for step in range(args.repeat):
        for i in range(args.batch):
            added = newest.parent.parent / f"{newest.parent.name}-moi-{step}-{i}" / newest.name
            added.parent.mkdir()
            added.write_text(newest.read_text(encoding="utf-8").replace("<h1", f'<h1 data-moi="{step}-{i}"', 1),
                             encoding="utf-8")
        start, cpu = time.perf_counter(), cpu_seconds()
        done = build_index(output)
        seconds.append(time.perf_counter() - start)
        print(f"thêm {args.batch} bài: {seconds[-1]:.2f} s (CPU {cpu_seconds() - cpu:.2f} s), lập lại "
              f"{', '.join(done['rebuilt'])} ({done['recent']} bài trong phần bài mới)")
    if seconds:
        print(f"trung vị của {len(seconds)} lần: {statistics.median(seconds):.2f} s; "
              f"tải: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
