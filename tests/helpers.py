"""Shared test helpers: run the pipeline on a text, locate the project."""
from __future__ import annotations

import hashlib
from pathlib import Path

from scrapers.pipeline import process
from scrapers.record import Document

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "raw" / "seeds"


def run(text: str):
    """The Document the pipeline makes of a raw text."""
    return process(Document(raw=text, source_file="test.txt",
                            source_sha256=hashlib.sha256(text.encode()).hexdigest()))


def seed(prefix: str):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return process(Document(raw=path.read_text(encoding="utf-8"), source_file=str(path),
                            source_sha256=hashlib.sha256(path.read_bytes()).hexdigest()))
