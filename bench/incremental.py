"""Incremental build: one new article added to a built archive, and an unchanged tree.

    python bench/incremental.py --articles 10000 [--repeat 3] [--settings publishconf.py] [--index]

Generates N articles (bench/corpus.py), builds them once with `cctp build` (the first build,
from an empty output/), then --repeat times: adds one new article (the newest, in a
province, with topics and citations like the others) and rebuilds, timing it; and rebuilds
again with nothing changed. Prints the median seconds of each, how many page writes were
rendered and skipped, and the load average before and after (the machine is shared).
Without --index the search index step is left out (`cctp build --no-index`).
"""
from __future__ import annotations

import argparse
import os
import pickle
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.corpus import generate, make_documents  # noqa: E402
from scrapers import site_build  # noqa: E402
from scrapers.write import article_path, atomic_write, render  # noqa: E402


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def stats(state: Path) -> dict:
    with open(next(state.glob("*.pages")), "rb") as fh:
        return pickle.load(fh)["stats"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--index", action="store_true", help="include the search index step")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    os.environ.setdefault("CCTP_SITEURL", "https://example.org/cctp")
    base = args.keep or Path(tempfile.mkdtemp(prefix="incremental-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    content = generate(args.articles, base, args.seed)
    extra = list(make_documents(args.articles + args.repeat, args.seed))[args.articles:]
    output, state = base / "output", base / "state"
    settings = ROOT / args.settings

    def build() -> float:
        started = time.perf_counter()
        code = site_build.build(content, output, settings, index=args.index, quiet=True, state_dir=state)
        if code:
            sys.exit(f"cctp build thất bại (mã {code})")
        return time.perf_counter() - started

    print(f"{args.articles} bài tổng hợp, {args.settings}; {os.cpu_count()} CPU, tải trước khi đo: {load()}")
    print(f"lần dựng đầu (thư mục trống): {build():.1f} s")
    added, unchanged = [], []
    for i, doc in enumerate(extra):
        doc.date = f"2025-12-{20 + i % 9:02d}"  # the newest article, as a new one usually is
        doc.slug = f"{doc.slug}-moi"
        atomic_write(article_path(content, doc), render(doc))
        added.append(build())
        s = stats(state)
        print(f"  + 1 bài: {added[-1]:.2f} s (dựng {s['rendered']} lượt, giữ {s['skipped']}, xoá {s['removed']} tệp)")
        unchanged.append(build())
    print(f"tải sau khi đo: {load()}; trung vị của {len(added)} lần:")
    print(f"  thêm 1 bài rồi dựng lại:   {statistics.median(added):6.2f} s  ({', '.join(f'{x:.2f}' for x in added)})")
    print(f"  dựng lại khi không đổi gì: {statistics.median(unchanged):6.2f} s  "
          f"({', '.join(f'{x:.2f}' for x in unchanged)})")
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
