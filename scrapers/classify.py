"""What kind of document an item presents, and which topics it is about."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .gazetteer import doc_types, load_json, topics
from .record import Document
from .text import fold


@lru_cache(maxsize=1)
def _type_words() -> list[tuple[str, str]]:
    pairs = [(fold(w), slug) for slug, t in doc_types().items() for w in t["words"]]
    return sorted(pairs, key=lambda p: len(p[0]), reverse=True)


@lru_cache(maxsize=1)
def _event_words() -> re.Pattern:
    words = load_json("classify.json")["event_title_starts"]
    return re.compile(r"^(?:[^:]{0,40}:\s*)?(?:" + "|".join(map(re.escape, words)) + r")\b")


def doc_type(doc: Document) -> None:
    """A full-text document keeps the type of its heading. A news item presents a plan,
    project, … when its title names one of the province's own documents (not a central
    one being implemented) and is not the report of a meeting."""
    if doc.full_text or not doc.title or doc.title_derived:
        return
    title = doc.title
    key = fold(title)
    if _event_words().match(key):
        doc.doc_type = "news"
        return
    for word, slug in _type_words():
        for m in re.finditer(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", key):
            # A document's name is capitalised: "Kế hoạch", not "kế hoạch".
            if not title[m.start()].isupper():
                continue
            cited = [c for c in doc.citations if c["type"] and fold(c["type"]) == word]
            central = cited and all(c["code"].endswith("/TW") or re.search(r"/\d{4}/|QH\d", c["code"]) for c in cited)
            issued = re.search(r"ban hành\s*$", key[:m.start()])
            if issued or not central:
                doc.doc_type = slug
                return
    doc.doc_type = "news"


def _count(phrase: str, text: str) -> int:
    return len(re.findall(rf"(?<![^\W_]){re.escape(phrase)}(?![^\W_])", text))


def assign_topics(doc: Document, limit: int = 5) -> None:
    """Topics whose keyword phrases the text uses; the title counts three times."""
    title, body = fold(doc.title or ""), fold(doc.body_text())
    score: Counter = Counter()
    for slug, topic in topics().items():
        for kw in topic["keywords"]:
            k = fold(kw)
            score[slug] += 3 * _count(k, title) + _count(k, body)
    order = list(topics())
    chosen = [s for s, n in score.items() if n >= 2]
    chosen.sort(key=lambda s: (-score[s], order.index(s)))
    doc.topics = chosen[:limit]
