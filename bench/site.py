"""Build and index a synthetic archive of N articles; print what it costs.

    python bench/site.py --articles 10000 [--repeat 3] [--keep /tmp/site-bench]

Articles come from bench/corpus.py (provinces, years, topics, document types and citations
distributed like the real archive, bodies from the seed articles). Prints, as medians over
--repeat builds: Pelican build seconds and peak RSS, Pagefind index seconds and peak RSS,
output bytes and pages, HTML+CSS bytes of a typical (median) article page against the
target (≤ 60 kB before compression), and the largest page.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402

ARTICLE_TARGET = 60_000
PELICAN = Path(sys.executable).parent / "pelican"


def run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, int, float]:
    """Seconds, peak RSS (bytes) and CPU seconds (user + system) of a command and what it
    waited for; `env` is added to this process's environment."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={**os.environ, **(env or {})})
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        sys.exit(f"{' '.join(command)} failed ({process.returncode}):\n{process.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime  # Linux reports kB


def sizes(output: Path) -> dict:
    pages = [p for p in output.rglob("*.html") if "pagefind" not in p.relative_to(output).parts]
    css = sum(p.stat().st_size for p in (output / "theme" / "css").glob("*.css"))
    articles = sorted(p.stat().st_size for p in (output / "bai-viet").glob("*/index.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    return {
        "output_bytes": sum(p.stat().st_size for p in output.rglob("*") if p.is_file()),
        "pages": len(pages),
        "article_median": statistics.median(articles) + css,
        "article_max": articles[-1] + css,
        "largest": (largest.relative_to(output).as_posix(), largest.stat().st_size),
    }


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build here and keep it (default: a temporary folder)")
    args = parser.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="site-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    content = generate(args.articles, base, args.seed)
    print(f"{args.articles} bài tổng hợp: {time.perf_counter() - started:.1f} s")
    output = base / "output"
    builds, indexes = [], []
    for _ in range(args.repeat):
        builds.append(run([str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
                           "--delete-output-directory", "--fatal", "errors"]))
        indexes.append(run([sys.executable, "-m", "scrapers.index", str(output)]))
    s = sizes(output)
    median = statistics.median
    print(f"dựng (Pelican):        {median(b[0] for b in builds):.1f} s, RSS đỉnh {mb(median(b[1] for b in builds))}")
    print(f"chỉ mục (Pagefind):    {median(i[0] for i in indexes):.1f} s, RSS đỉnh {mb(median(i[1] for i in indexes))}")
    print(f"đầu ra:                {mb(s['output_bytes'])}, {s['pages']} trang HTML")
    verdict = "đạt" if s["article_median"] <= ARTICLE_TARGET else "VƯỢT"
    print(f"trang bài viết (HTML+CSS): trung vị {s['article_median'] / 1e3:.1f} kB, lớn nhất "
          f"{s['article_max'] / 1e3:.1f} kB; mục tiêu ≤ {ARTICLE_TARGET / 1e3:.0f} kB: {verdict}")
    print(f"trang lớn nhất:        {s['largest'][0]} ({s['largest'][1] / 1e3:.1f} kB)")
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
