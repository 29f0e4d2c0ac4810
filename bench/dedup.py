"""Near-duplicate detection: precision and recall by threshold, to choose THRESHOLD.

    python bench/dedup.py

Pairs: the development sets' own republished pairs (notes say "duplicate of NNN"), plus
for every document a republished copy made the way outlets republish (another byline and
credit, site debris, a caption, the last paragraph dropped, a few words changed). Every
other pair of documents is a negative; many are on the same subject (steering-committee
meetings, plans), which is what makes the task hard.
"""
from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.dedup import jaccard, shingles  # noqa: E402
from scrapers.pipeline import process  # noqa: E402
from scrapers.record import Document  # noqa: E402

SETS = [ROOT / "tests" / "devset", ROOT / "tests" / "devset2"]
THRESHOLDS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]


def body(raw: str) -> str:
    return process(Document(raw=raw, source_sha256=hashlib.sha256(raw.encode()).hexdigest())).body_text()


def republish(raw: str, rng: random.Random) -> str:
    paragraphs = [p for p in raw.split("\n\n") if p.strip()]
    if len(paragraphs) > 4:
        paragraphs.pop()                       # the last paragraph cut
    words = "\n\n".join(paragraphs).split(" ")
    for _ in range(max(1, len(words) // 60)):  # light rewording
        i = rng.randrange(len(words))
        words[i] = rng.choice(["các", "những", "đã", "cũng", "tiếp tục"])
    return ("Trang chủ > Tin tức\n\n" + " ".join(words) + "\n\nToàn cảnh hội nghị. Ảnh: PV\n\n"
            "Minh Anh (Theo báo địa phương)\n\nXem thêm\n")


def main() -> None:
    rng = random.Random(3)
    docs: dict[str, str] = {}
    positives: set[tuple[str, str]] = set()
    for folder in SETS:
        if not (folder / "expected.json").exists():
            continue
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        for name, exp in expected.items():
            key = f"{folder.name}/{name}"
            raw = (folder / "docs" / name).read_text(encoding="utf-8")
            docs[key] = body(raw)
            docs[key + "#copy"] = body(republish(raw, rng))
            positives.add((key, key + "#copy"))
            if m := re.search(r"duplicate of (\d{3})", exp.get("notes", "")):
                other = next(k for k in expected if k.startswith(m.group(1)))
                positives.add(tuple(sorted((key, f"{folder.name}/{other}"))))
    sets = {k: shingles(v) for k, v in docs.items()}
    scored = [(jaccard(sets[a], sets[b]), tuple(sorted((a, b))) in positives or (a, b) in positives)
              for a, b in combinations(sorted(docs), 2)]
    n_pos = sum(p for _, p in scored)
    print(f"{len(docs)} văn bản, {n_pos} cặp trùng, {len(scored) - n_pos} cặp khác nhau")
    print("ngưỡng  precision  recall")
    for t in THRESHOLDS:
        tp = sum(1 for s, p in scored if s >= t and p)
        fp = sum(1 for s, p in scored if s >= t and not p)
        print(f"{t:5.2f}  {tp / (tp + fp) if tp + fp else 1:9.3f}  {tp / n_pos:6.3f}")
    hardest = max((s for s, p in scored if not p), default=0)
    weakest = min((s for s, p in scored if p), default=0)
    print(f"cặp khác nhau giống nhất: {hardest:.2f}; cặp trùng ít giống nhất: {weakest:.2f}")


if __name__ == "__main__":
    main()
