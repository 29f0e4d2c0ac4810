"""Per-field accuracy of the ingest on the hand-written development set (tests/devset).

    python bench/ingest_accuracy.py [--verbose]

Each document's expected metadata is in tests/devset/expected.json. A field is right when
the ingest gives exactly the expected value; "unknown" is right only where the expected
value is null too (the text really does not say).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.pipeline import process  # noqa: E402
from scrapers.record import Document  # noqa: E402
from scrapers.text import fold  # noqa: E402

DEVSET = ROOT / "tests" / "devset"
FIELDS = ("province", "date", "author", "doc_type", "citations", "lang", "scope")


def _date(value: str | None) -> str | None:
    """Dates compare by their ISO text; a time is compared to the minute."""
    return value[:16] if value and "T" in value else value


def observed(doc: Document) -> dict:
    return {
        "province": doc.province,
        "date": _date(doc.date),
        "author": sorted(fold(a) for a in (doc.authors or ([doc.agency] if doc.agency else []))),
        "doc_type": doc.doc_type,
        "citations": [c["code"] for c in doc.citations],
        "lang": doc.lang,
        "scope": doc.scope if doc.scope != "unknown" else None,
    }


def expected_of(e: dict) -> dict:
    return {
        "province": e.get("province"),
        "date": _date(e.get("date")),
        "author": sorted(fold(a) for a in (e.get("authors") or ([e["agency"]] if e.get("agency") else []))),
        "doc_type": e.get("doc_type"),
        "citations": e.get("citation_codes", []),
        "lang": e.get("lang", "vi"),
        "scope": e.get("scope") or ("national" if e.get("province") is None else "province"),
    }


def run_devset(devset: Path = DEVSET) -> list[tuple[str, dict, dict]]:
    """(file name, expected, observed) for every document of the set."""
    expected = json.loads((devset / "expected.json").read_text(encoding="utf-8"))
    rows = []
    for name, exp in sorted(expected.items()):
        path = devset / "docs" / name
        raw = path.read_text(encoding="utf-8")
        doc = process(Document(raw=raw, source_file=f"tests/devset/docs/{name}",
                               source_sha256=hashlib.sha256(raw.encode()).hexdigest()))
        rows.append((name, expected_of(exp), observed(doc)))
    return rows


def accuracy(rows) -> dict[str, float]:
    return {f: sum(e[f] == o[f] for _, e, o in rows) / len(rows) for f in FIELDS}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verbose", "-v", action="store_true", help="list every mismatch")
    parser.add_argument("--devset", type=Path, default=DEVSET)
    args = parser.parse_args()
    rows = run_devset(args.devset)
    for field, value in accuracy(rows).items():
        print(f"{field:10s} {value:6.1%}  ({sum(e[field] == o[field] for _, e, o in rows)}/{len(rows)})")
    if args.verbose:
        for name, e, o in rows:
            for f in FIELDS:
                if e[f] != o[f]:
                    print(f"  {name} {f}: expected {e[f]!r}, got {o[f]!r}")


if __name__ == "__main__":
    main()
