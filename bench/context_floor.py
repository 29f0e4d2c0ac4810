"""The context floor of `cctp build`: what one new article costs before any page is rendered.

    python bench/context_floor.py --articles 10000 [--repeat 3] [--profile FILE] [--keep DIR]

Generates N articles (bench/corpus.py), builds them once with `cctp build` (no search
index), then --repeat times adds one new article (the newest, as bench/incremental.py does)
and runs Pelican over the built output exactly as `cctp build` does, in a child process
that notes the CPU seconds (user + system of the process so far) at each phase:

- start-up: Python, Pelican, settings and plugins imported;
- articles: read (from the reader cache) and turned into Article objects, every plugin's
  content_object_init included (up to article_generator_finalized);
- context: every other generator's context (pages, browse groups, related items...), up to
  all_generators_finalized;
- digests: cctp_incremental digesting every article before the first page is written;
- writing: the pages rendered or skipped, up to finalized (of which "rendering" is the
  pages actually rendered; the rest is mostly their signatures);
- finish: cctp_incremental's clean-up and record.

Prints each phase's median and the whole child's CPU and wall seconds, with the load
average before and after (the machine is shared). With --profile, the last run is profiled
(cProfile, written to FILE for pstats).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASES = ("start-up", "articles", "context", "digests", "writing", "finish")


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _cpu() -> float:
    t = os.times()
    return t.user + t.system


def child(report: str, profile: str | None, argv: list[str]) -> None:
    """Runs Pelican in this process with a CPU mark at each phase, written to `report`."""
    marks: dict[str, float] = {}
    from pelican import main as pelican_main, signals

    from scrapers.pelican_run import prepare
    prepare()  # as `cctp build` runs Pelican

    def mark(name):
        def receiver(*_args, **_kwargs):
            marks.setdefault(name, _cpu())
        return receiver

    receivers = {name: mark(name) for name in ("start-up", "articles", "context", "writing")}
    signals.initialized.connect(receivers["start-up"])
    signals.article_generator_finalized.connect(receivers["articles"])
    signals.all_generators_finalized.connect(receivers["context"])

    # Before any plugin connects, so this runs before cctp_incremental's finish.
    signals.finalized.connect(receivers["writing"])

    def wrap_incremental(_pelican):
        # Digests are taken at the first write; the plugin is imported by then.
        module = sys.modules.get("cctp_incremental")
        if module is None or getattr(module, "_floor_wrapped", False):
            return
        stock = module._before_first_write

        def timed(*args):
            stock(*args)
            marks.setdefault("digests", _cpu())
        module._before_first_write = timed
        module._floor_wrapped = True
        stock_run = module._run

        def run(key, base, render):
            def timed_render():
                start = _cpu()
                try:
                    return render()
                finally:
                    marks["rendering"] = marks.get("rendering", 0.0) + _cpu() - start
            return stock_run(key, base, timed_render)
        module._run = run

    signals.initialized.connect(wrap_incremental)
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    try:
        pelican_main(argv)
    except SystemExit as stop:
        if stop.code:
            raise
    finally:
        if profiler:
            profiler.disable()
            profiler.dump_stats(profile)
    marks["end"] = _cpu()
    Path(report).write_text(json.dumps(marks), encoding="utf-8")


def phases(marks: dict) -> dict[str, float]:
    """CPU seconds per phase from the cumulative marks (a phase with no mark counts as 0)."""
    order = ["start-up", "articles", "context", "digests", "writing", "end"]
    out, last = {}, 0.0
    names = dict(zip(order, PHASES))
    for key in order:
        value = marks.get(key)
        if value is None:
            out[names[key]] = 0.0
            continue
        out[names[key]] = value - last
        last = value
    out["rendering"] = marks.get("rendering", 0.0)  # part of writing
    out["total"] = marks["end"]
    return out


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        report, profile = sys.argv[2], sys.argv[3] or None
        os.chdir(ROOT)
        child(report, profile, sys.argv[4:])
        return

    from bench.corpus import generate, make_documents
    from scrapers import site_build
    from scrapers.write import article_path, atomic_write, render

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--settings", default="publishconf.py")
    parser.add_argument("--profile", type=Path, help="cProfile the last run into this file")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    os.environ.setdefault("CCTP_SITEURL", "https://example.org/cctp")
    base = args.keep or Path(tempfile.mkdtemp(prefix="context-floor-"))
    base.mkdir(parents=True, exist_ok=True)
    content = base / "content"
    if not content.is_dir():
        generate(args.articles, base, args.seed)
    output, state = base / "output", base / "state"
    settings = ROOT / args.settings
    total = sum(1 for _ in (content / "articles").rglob("*.md"))

    print(f"{total} bài, {args.settings}; {os.cpu_count()} CPU, tải trước khi đo: {load()}")
    started = time.perf_counter()
    # Brings output/ and the records up to date (a changed plugin changes the salt).
    if site_build.build(content, output, settings, index=False, check=False, quiet=True, state_dir=state):
        sys.exit("cctp build thất bại")
    print(f"dựng trước khi đo: {time.perf_counter() - started:.1f} s")
    record = site_build.state_path(settings, output, state).with_suffix(".pages")
    extra = list(make_documents(total + args.repeat + 50, args.seed + 1))[-args.repeat:]
    runs = []
    for i, doc in enumerate(extra):
        doc.date = f"2025-12-{20 + i % 9:02d}"
        doc.slug = f"{doc.slug}-san-{int(time.time())}"
        atomic_write(article_path(content, doc), render(doc))
        report = base / "floor.json"
        profile = str(args.profile) if args.profile and i == len(extra) - 1 else ""
        command = [sys.executable, str(Path(__file__).resolve()), "--child", str(report), profile,
                   str(content), "-s", str(settings), "-o", str(output), "--fatal", "errors",
                   "-e", f"INCREMENTAL_STATE={json.dumps(str(record))}",
                   f"INCREMENTAL_SALT={json.dumps(site_build.salt(settings))}", "DELETE_OUTPUT_DIRECTORY=false"]
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status):
            sys.exit(f"pelican thất bại:\n{process.stderr.read().decode()[-3000:]}")
        result = phases(json.loads(report.read_text(encoding="utf-8")))
        result["wall"] = wall
        result["cpu"] = usage.ru_utime + usage.ru_stime
        runs.append(result)
        print("  + 1 bài: " + ", ".join(f"{k} {v:.2f}" for k, v in result.items()) + " s")
    print(f"tải sau khi đo: {load()}; trung vị CPU của {len(runs)} lần (giây):")
    for key in (*PHASES, "rendering", "cpu", "wall"):
        values = [r[key] for r in runs]
        print(f"  {key:<10} {statistics.median(values):7.2f}  ({', '.join(f'{v:.2f}' for v in values)})")
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
