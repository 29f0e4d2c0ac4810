"""Near-duplicate stories: the same item republished by another outlet or scraped twice.

Word 5-gram shingles of the folded body; MinHash LSH (datasketch) finds candidates in
sub-linear time, and the exact Jaccard similarity of the shingle sets decides. The
threshold is measured in bench/dedup.py (precision and recall on the development set).
"""
from __future__ import annotations

import re

from .text import fold

SHINGLE = 5
THRESHOLD = 0.5
NUM_PERM = 64
_WORD = re.compile(r"[^\W_]+")


def shingles(text: str) -> frozenset[str]:
    words = _WORD.findall(fold(text))
    if len(words) < SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def jaccard(a: frozenset, b: frozenset) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class DuplicateIndex:
    """Texts by key; `find` returns the most similar indexed key at or above the threshold."""

    def __init__(self, threshold: float = THRESHOLD):
        from datasketch import MinHashLSH  # imported lazily: scipy costs a second

        self.threshold = threshold
        # LSH recall must exceed the exact threshold's: query it a little lower.
        self._lsh = MinHashLSH(threshold=max(0.1, threshold - 0.15), num_perm=NUM_PERM)
        self._sets: dict[str, frozenset] = {}

    @staticmethod
    def _minhash(items: frozenset):
        from datasketch import MinHash

        m = MinHash(num_perm=NUM_PERM, seed=1)
        for s in items:
            m.update(s.encode("utf-8"))
        return m

    def add(self, key: str, text: str) -> None:
        items = shingles(text)
        if not items or key in self._sets:
            return
        self._sets[key] = items
        self._lsh.insert(key, self._minhash(items))

    def find(self, text: str) -> tuple[str, float] | None:
        items = shingles(text)
        if not items:
            return None
        scored = [(key, jaccard(items, self._sets[key])) for key in self._lsh.query(self._minhash(items))]
        best = max(scored, key=lambda kv: kv[1], default=None)
        return best if best and best[1] >= self.threshold else None
