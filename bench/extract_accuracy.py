"""Main-text extraction accuracy on the test site's pages: trafilatura and readability-lxml
side by side, each after the same page clean-up (figures and page furniture out).

For every page of tests/fixtures/sites (CMS shapes built from the samples and the dev
set), the extracted text is compared with the text the page was built from (lead and
paragraphs; no title, captions or byline) as bags of word tokens: precision, recall, F1.
The extractor named in scrapers/data/scrape.yaml must reach F1 >= 0.95 on average.

    .venv/bin/python bench/extract_accuracy.py [--show PAGE-SUBSTRING]
"""
from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fixtures.sites.site import Site, load_articles  # noqa: E402

from scrapers import html  # noqa: E402
from scrapers.fetch import settings  # noqa: E402

TARGET = 0.95
BASE = "http://127.0.0.1:8000"   # pages are rendered, not served: no request is made


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.casefold()))


def score(gold: str, got: str) -> tuple[float, float, float]:
    g, e = tokens(gold), tokens(got)
    hit = sum((g & e).values())
    p = hit / sum(e.values()) if e else 0.0
    r = hit / sum(g.values()) if g else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show", help="print the extracted text of pages whose path contains this")
    args = ap.parse_args()
    site = Site(BASE).build()
    chosen = settings()["extractor"]
    names = list(html.EXTRACTORS)
    print(f"{'page':58} " + " ".join(f"{n[:11]:>11} P/R/F1{'':9}" for n in names))
    totals = {n: [] for n in names}
    for article in load_articles():
        res = site.resources[article.path]
        row = f"{article.path[-58:]:58} "
        for name in names:
            try:
                page = html.parse(res.body, url=BASE + article.path, charset=res.charset, extractor=name)
                got = "\n\n".join(text for _, text in page.blocks)
            except Exception as exc:  # noqa: BLE001 — a crash scores zero and is shown
                got = ""
                print(f"  {name} failed on {article.path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            p, r, f = score(article.gold, got)
            totals[name].append((p, r, f))
            row += f"  {p:5.3f} {r:5.3f} {f:5.3f}      "
            if args.show and args.show in article.path:
                print(f"--- {name}:\n{got}\n---")
        print(row)
    print()
    verdict = 0
    for name in names:
        n = len(totals[name])
        p, r, f = (sum(t[i] for t in totals[name]) / n for i in range(3))
        mark = ""
        if name == chosen:
            mark = " ← chosen (data/scrape.yaml)" + ("" if f >= TARGET else f"  BELOW TARGET {TARGET}")
            verdict = 0 if f >= TARGET else 1
        print(f"{name:12} mean precision {p:.3f}  recall {r:.3f}  F1 {f:.3f}  over {n} pages{mark}")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
