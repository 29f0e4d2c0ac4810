"""Build speed: the same synthetic archive built by our Pelican setup and, beside it, by Hugo.

    python bench/build.py --articles 10000 [--repeat 3] [--vs-hugo] [--stock] [--jobs 2] [--keep DIR]

Generates N articles with bench/corpus.py, then builds them in turn, --repeat times each:
our build as `make publish` runs it with no record of an earlier build (publishconf.py:
every page and the Atom feeds rendered into the output the previous run left, and what it
does not produce removed at the end, as Hugo's --cleanDestinationDir does) in one
process, reading every file (--ignore-cache) and then again from the reader cache as on an
unchanged tree; the full build again with --jobs processes (by default one per core, as
`cctp build` renders, so that row is what `make build` takes on this machine); with
--stock also without the build-speed plugins (CCTP_STOCK_BUILD=1, docs/build-speed.md), and
with --vs-hugo the same Markdown files with Hugo and a minimal layout set doing comparable
work (article pages; paginated home, section, taxonomy and term pages for tags, provinces,
topics, document types and authors; RSS feeds). Prints the median seconds and peak RSS of
each, the ratio to Hugo, and the Pagefind index of our output (seconds, peak RSS) beside it.

Hugo is Debian's package (`apt-get install hugo` as root); without it --vs-hugo says so and
skips Hugo. The machine's load average is printed before and after: on a shared machine
wall-clock figures are only comparable when the load was similar, so CPU seconds (user +
system, which Hugo spreads over every core) are printed too.
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

from bench.corpus import generate  # noqa: E402
from bench.site import PELICAN, mb, run  # noqa: E402
from scrapers.site_build import build_jobs  # noqa: E402

TAXONOMIES = {"tag": "tags", "province": "province", "topic": "topics", "doc_type": "doc_type", "author": "authors"}

HUGO_CONFIG = """baseURL = "https://example.org/cctp/"
languageCode = "vi"
title = "Kho lưu trữ Cải cách tư pháp"
paginate = 20
disableKinds = ["robotsTXT"]
[permalinks]
bai-viet = "/bai-viet/:slug/"
[taxonomies]
{taxonomies}
"""

# The smallest layouts that still do per page what our templates do: a skeleton, the body,
# the article's terms with links, dates, and paginated lists with summaries.
HUGO_LAYOUTS = {
    "_default/baseof.html": """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{{ .Title }} | {{ .Site.Title }}</title>
{{ range .AlternativeOutputFormats }}<link rel="{{ .Rel }}" type="{{ .MediaType.Type }}" href="{{ .Permalink }}">{{ end }}
</head><body><nav>{{ range $name, $terms := .Site.Taxonomies }}<a href="{{ (printf "/%s/" $name) | relURL }}">{{ $name }}</a> {{ end }}</nav>
<main>{{ block "main" . }}{{ end }}</main></body></html>
""",
    "_default/single.html": """{{ define "main" }}<article><h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "02/01/2006" }}</time>
{{ range $tax, $_ := .Site.Taxonomies }}{{ with $.GetTerms $tax }}<ul>{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}{{ end }}
{{ .Content }}
{{ with .Params.citations }}<ul>{{ range . }}<li>{{ .type }} {{ .code }} ({{ .issuer }})</li>{{ end }}</ul>{{ end }}
</article>{{ end }}
""",
    "_default/list.html": """{{ define "main" }}<h1>{{ .Title }}</h1>
{{ range .Paginator.Pages }}<article><h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
<time>{{ .Date.Format "02/01/2006" }}</time><p>{{ .Summary }}</p></article>{{ end }}
{{ template "_internal/pagination.html" . }}{{ end }}
""",
    "_default/terms.html": """{{ define "main" }}<h1>{{ .Title }}</h1><ul>
{{ range .Data.Terms.ByCount }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}
</ul>{{ end }}
""",
}


def hugo_site(content: Path, site: Path) -> Path:
    """The corpus's articles as a Hugo site: same files, under content/bai-viet/<year>/."""
    if site.exists():
        shutil.rmtree(site)
    shutil.copytree(content / "articles", site / "content" / "bai-viet")
    taxonomies = "\n".join(f'{single} = "{plural}"' for single, plural in TAXONOMIES.items())
    (site / "config.toml").write_text(HUGO_CONFIG.format(taxonomies=taxonomies), encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return site


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def summary(label: str, runs: list[tuple[float, int, float]]) -> tuple[float, float, float]:
    seconds, peak, cpu = (statistics.median(r[i] for r in runs) for i in range(3))
    print(f"{label:<34} {seconds:7.1f} s  CPU {cpu:6.1f} s  RSS đỉnh {mb(peak)}   "
          f"({', '.join(f'{r[0]:.1f}' for r in runs)} s)")
    return seconds, peak, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--vs-hugo", action="store_true", help="build the same corpus with Hugo too")
    parser.add_argument("--stock", action="store_true", help="also build without the build-speed plugins")
    parser.add_argument("--jobs", type=int, default=build_jobs(),
                        help="also a full build with CCTP_BUILD_JOBS=JOBS (default: as `cctp build`, one per core)")
    parser.add_argument("--no-index", action="store_true", help="skip the Pagefind index")
    parser.add_argument("--keep", type=Path, help="work here and keep it (default: a temporary folder)")
    args = parser.parse_args()

    hugo = shutil.which("hugo")
    if args.vs_hugo and not hugo:
        print("Không có hugo (apt-get install hugo): bỏ qua phần so sánh với Hugo.")
    base = args.keep or Path(tempfile.mkdtemp(prefix="build-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    content = generate(args.articles, base, args.seed)
    print(f"{args.articles} bài tổng hợp: {time.perf_counter() - started:.1f} s; "
          f"{os.cpu_count()} CPU, tải trước khi đo: {load()}")

    output = base / "output"
    arguments = [str(content), "-s", str(ROOT / "publishconf.py"), "-o", str(output), "--fatal", "errors"]
    # Ours as `cctp build` runs Pelican with no record of an earlier build (scrapers/pelican_run:
    # no spinner thread, no exit clean-up): every page rendered into the output as the last
    # run left it, what the build does not produce removed at its end (as Hugo's
    # --cleanDestinationDir does), a record made for the next build. What cctp_fast_write
    # recorded of the files it wrote (record.written) is kept, as `cctp build` keeps it after
    # a theme or settings change: every page is still rendered, and compared with the file
    # there by digest instead of being read back. The stock build with Pelican's own
    # command, which has no such clean-up: it empties the output first.
    record = base / "record.pages"
    pelican = [sys.executable, "-m", "scrapers.pelican_run", *arguments,
               "-e", f"INCREMENTAL_STATE={json.dumps(str(record))}", 'INCREMENTAL_SALT="bench"',
               "DELETE_OUTPUT_DIRECTORY=false"]
    stock_pelican = [str(PELICAN), *arguments, "--delete-output-directory"]

    def ours(command, env):
        record.unlink(missing_ok=True)  # no record: every page is rendered
        return run(command, env)
    env = {"CCTP_SITEURL": "https://example.org/cctp", "CCTP_BUILD_JOBS": "1"}
    builds: dict[str, list[tuple[float, int, float]]] = {"fast": [], "warm": [], "stock": [], "hugo": [],
                                                         "jobs": []}
    indexes = []
    site = hugo_site(content, base / "hugo") if args.vs_hugo and hugo else None
    # Interleaved so that a change in the machine's load falls on every contender alike.
    for _ in range(args.repeat):
        if site:
            builds["hugo"].append(run([hugo, "--quiet", "--source", str(site), "--destination",
                                       str(base / "hugo-public"), "--cleanDestinationDir"]))
        if args.stock:
            builds["stock"].append(run(stock_pelican, {**env, "CCTP_STOCK_BUILD": "1"}))
        # A full build reads every file (--ignore-cache); the next one, as `make build` on an
        # unchanged tree, reads them from the cache that the first one left.
        builds["fast"].append(ours(pelican + ["--ignore-cache"], env))
        builds["warm"].append(ours(pelican, env))
        if args.jobs > 1:
            builds["jobs"].append(ours(pelican + ["--ignore-cache"], {**env, "CCTP_BUILD_JOBS": str(args.jobs)}))
        if not args.no_index:
            indexes.append(run([sys.executable, "-m", "scrapers.index", str(output)]))

    print(f"tải sau khi đo: {load()}; trung vị của {args.repeat} lần:")
    fast, fast_peak, fast_cpu = summary("Pelican + plugin tăng tốc", builds["fast"])
    summary("  dựng lại, nội dung không đổi", builds["warm"])
    if builds["jobs"]:
        jobs, _, jobs_cpu = summary(f"  {args.jobs} tiến trình (CCTP_BUILD_JOBS)", builds["jobs"])
    if builds["stock"]:
        stock, _, stock_cpu = summary("Pelican gốc (CCTP_STOCK_BUILD=1)", builds["stock"])
        print(f"{'  nhanh hơn bản gốc':<34} {stock / fast:7.2f}× (CPU {stock_cpu / fast_cpu:.2f}×)")
    if builds["hugo"]:
        hugo_seconds, _, hugo_cpu = summary("Hugo", builds["hugo"])
        print(f"{'  tỉ lệ Pelican / Hugo':<34} {fast / hugo_seconds:7.2f}× (CPU {fast_cpu / hugo_cpu:.2f}×; "
              f"mục tiêu ≤ 1,2×)")
        if builds["jobs"]:
            print(f"{f'  {args.jobs} tiến trình / Hugo':<34} {jobs / hugo_seconds:7.2f}× (CPU {jobs_cpu / hugo_cpu:.2f}×)")
    print(f"{'  RSS đỉnh Pelican':<34} {mb(fast_peak)} (mục tiêu ≤ 1 GB)")
    if indexes:
        summary("chỉ mục Pagefind (bên cạnh)", indexes)
    if not args.keep:
        shutil.rmtree(base)


if __name__ == "__main__":
    main()
