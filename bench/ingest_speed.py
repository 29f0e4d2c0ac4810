"""Ingest speed: documents per second through the whole pipeline on one core.

    python bench/ingest_speed.py [--docs 2000] [--runs 3]

The batch is synthetic raw text shaped like real input (title, dateline, lead, body,
caption, byline, site debris), made from bench/corpus.py's documents. Prints the median
rate over the runs; target ≥ 100 documents/s.
"""
from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import make_documents  # noqa: E402
from scrapers.pipeline import process  # noqa: E402
from scrapers.record import Document  # noqa: E402


def raw_texts(n: int) -> list[str]:
    out = []
    for i, doc in enumerate(make_documents(n, seed=7)):
        y, m, d = doc.date.split("-")
        body = "\n\n".join(b.text for b in doc.blocks)
        byline = doc.authors[0] if doc.authors else "PV"
        debris = "Skip to main content\nTrang chủ > Tin tức\n" if i % 3 == 0 else ""
        out.append(f"{debris}{doc.title}\n\nThứ Hai, {d}/{m}/{y}, 08:{i % 60:02d} [GMT+7]\n\n{body}\n\n"
                   f"Toàn cảnh hội nghị\n\n{byline}\n\nXem thêm\nChia sẻ\n")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    texts = raw_texts(args.docs)
    process(Document(raw=texts[0]))   # warm the caches (data files, compiled patterns)
    wall, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        for text in texts:
            process(Document(raw=text, source_sha256=hashlib.sha256(text.encode()).hexdigest()))
        wall.append(len(texts) / (time.perf_counter() - start))
        cpu.append(len(texts) / (time.process_time() - start_cpu))
    # CPU time is what one core delivers; wall time also shows what else the machine was doing.
    print(f"{args.docs} tài liệu × {args.runs} lần, một lõi: trung vị {statistics.median(cpu):.0f} tài liệu/giây CPU "
          f"(min {min(cpu):.0f}, max {max(cpu):.0f}); theo đồng hồ {statistics.median(wall):.0f} tài liệu/giây; "
          f"mục tiêu ≥ 100")


if __name__ == "__main__":
    main()
