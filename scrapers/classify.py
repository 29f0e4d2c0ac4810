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
    return re.compile(r"(?:^(?:[^:]{0,40}:\s*)?|\s)(?:" + "|".join(map(re.escape, words)) + r")\b")


def doc_type(doc: Document) -> None:
    """A full-text document keeps the type of its heading. A news item presents a plan,
    project, … when its title names one of the province's own documents (not a central
    one being implemented) and is not the report of a meeting."""
    if doc.full_text or not doc.title or doc.title_derived:
        return
    title = doc.title
    key = fold(title)
    if _event_words().match(key):   # the title opens with the event
        doc.doc_type = "news"
        return
    if not _event_words().search(key) and _presented_in_lead(doc):
        return
    for word, slug in _type_words():
        for m in re.finditer(rf"(?<![^\W_]){re.escape(word)}(?![^\W_])", key):
            # A document's name is capitalised: "Kế hoạch", not "kế hoạch".
            if not title[m.start()].isupper():
                continue
            cited = [c for c in doc.citations if c["type"] and fold(c["type"]) == word]
            own = [c for c in cited if not _central(c["code"])]
            issued = re.search(r"ban hành\s*$", key[:m.start()])
            if issued or own or not cited:
                doc.doc_type = slug
                # The document the item presents: its own-level citation of that type.
                doc.about = (own or cited or [{}])[0].get("code")
                return
    doc.doc_type = "news"


@lru_cache(maxsize=1)
def _issue_pattern() -> re.Pattern:
    verbs = "|".join(sorted(map(re.escape, load_json("classify.json")["issue_verbs"]), key=len, reverse=True))
    return re.compile(rf"(?:vừa|đã|mới)?\s*(?:{verbs})\s+(?P<word>[^\W\d_]+(?:\s+[^\W\d_]+)?)\s+số", re.IGNORECASE)


def _presented_in_lead(doc: Document) -> bool:
    """'… vừa ban hành Quyết định số 1254-QĐ/TU …' in the lead: the item presents that
    document (its type and code), unless it is a central one being implemented."""
    lead = doc.blocks[0].text if doc.blocks else ""
    for m in _issue_pattern().finditer(lead):
        word = fold(m.group("word"))
        slug = next((s for w, s in _type_words() if word.startswith(w)), None)
        cited = next((c for c in doc.citations if c["type"] and fold(c["type"]).startswith(word.split()[0])
                      and c["code"] in lead[m.end():m.end() + 40]), None)
        if slug and cited and not _central(cited["code"]):
            doc.doc_type, doc.about = slug, cited["code"]
            return True
    return False


_CENTRAL_ISSUERS = re.compile(r"(?:^|[/-])(?:TW|CP|TTg|QH\d*|UBTVQH\d*|TANDTC|VKSNDTC|VKSTC|HĐTP|BTP|BCA|BNV|BQP|BTC)$")


def _central(code: str) -> bool:
    """Issued by a central body: the party centre (…/TW), the Government, the Prime Minister,
    the National Assembly, the supreme court and procuracy, a ministry. A province's own
    resolution (12/2022/NQ-HĐND) is not."""
    return bool(_CENTRAL_ISSUERS.search(code))


def _count(phrase: str, text: str) -> int:
    return len(re.findall(rf"(?<![^\W_]){re.escape(phrase)}(?![^\W_])", text))


@lru_cache(maxsize=1)
def _topic_matcher() -> tuple[re.Pattern, dict[str, list[tuple[str, str]]]]:
    """One pattern for every keyword phrase of every topic (longest first), and what each
    folded phrase stands for: (topic slug, the phrase as the taxonomy writes it)."""
    own: dict[str, list[tuple[str, str]]] = {}
    for slug, topic in topics().items():
        for kw in topic["keywords"]:
            own.setdefault(fold(kw), []).append((slug, kw))
    # A match of the longest phrase also counts the phrases inside it
    # ("cục thi hành án dân sự" is also "thi hành án dân sự").
    phrases = {p: [m for q, meanings in own.items() if re.search(rf"(?<![^\W_]){re.escape(q)}(?![^\W_])", p)
                   for m in meanings] for p in own}
    alternation = "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:{alternation})(?![^\W_])"), phrases


def assign_topics(doc: Document, limit: int = 5) -> None:
    """Topics whose keyword phrases the text uses (the title counts three times); the
    phrases that triggered each are kept as evidence for the editor."""
    pattern, phrases = _topic_matcher()
    score: Counter = Counter()
    evidence: dict[str, list[str]] = {}
    for text, weight in ((doc.title or "", 3), (doc.body_text(), 1)):
        for m in pattern.finditer(fold(text)):
            for slug, kw in phrases[m.group(0)]:
                score[slug] += weight
                if kw not in evidence.setdefault(slug, []):
                    evidence[slug].append(kw)
    order = list(topics())
    chosen = [s for s, n in score.items() if n >= 2]
    chosen.sort(key=lambda s: (-score[s], order.index(s)))
    doc.topics = chosen[:limit]
    doc.topic_evidence = {s: evidence[s] for s in doc.topics}


@lru_cache(maxsize=1)
def _tag_rules() -> dict:
    data = load_json("tags.json")
    return {**data, "stop": {fold(s) for s in data["stop"]},
            "aliases": {fold(k): v for k, v in data["aliases"].items()}}


def assign_tags(doc: Document) -> None:
    """The source's keywords (one spelling each, no generic ones), then the institutions
    and key central documents the text names."""
    rules = _tag_rules()
    text = fold(" ".join([doc.title or "", doc.body_text()]))
    candidates = list(doc.tags)
    candidates += [name for name in rules["institutions"] if fold(name) in text and _count(fold(name), text)]
    candidates += [c["code"] for c in doc.citations if c.get("title")]
    seen: set[str] = set()
    tags: list[str] = []
    for tag in candidates:
        tag = rules["aliases"].get(fold(tag), tag).strip()
        if not tag or fold(tag) in rules["stop"] or fold(tag) in seen:
            continue
        seen.add(fold(tag))
        tags.append(tag)
    doc.tags = tags[:rules["max_tags"]]
