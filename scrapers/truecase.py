"""Restore normal casing to text printed in capitals ("BAN CHỈ ĐẠO … TỈNH LẠNG SƠN").

The article's own running text is the best authority for how a phrase is written; the
gazetteer and a list of institutional names fill in what it lacks.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from .gazetteer import gazetteer, load_json
from .text import fold, is_caps

_EDGE = re.compile(r"^([(\[“\"'«]*)(.*?)([)\]”\"'».,:;!?]*)$")
MAX_N = 8


def _key(tokens: list[str]) -> str:
    return fold(" ".join(_EDGE.match(t).group(2) for t in tokens))


class Casing:
    """Phrase → preferred written form, learnt from reference texts."""

    def __init__(self) -> None:
        self._forms: dict[str, Counter] = defaultdict(Counter)

    def learn(self, text: str, weight: int = 1) -> None:
        for sentence in re.split(r"(?<=[.!?;:\n])\s+", text):
            tokens = sentence.split()
            for i in range(len(tokens)):
                for n in range(1, min(MAX_N, len(tokens) - i) + 1):
                    chunk = tokens[i:i + n]
                    # A phrase cut by punctuation inside is no phrase.
                    if any(_EDGE.match(t).group(3) for t in chunk[:-1]):
                        break
                    core = " ".join(_EDGE.match(t).group(2) for t in chunk)
                    if is_caps(core) and len(core) > 3:
                        continue
                    # Sentence-initial capitals say nothing about a word's own case:
                    # such a form is kept only as a last resort (count 0).
                    self._forms[fold(core)][core] += weight if i > 0 else 0

    def form(self, key: str) -> str | None:
        forms = self._forms.get(key)
        if not forms:
            return None
        return max(forms.items(), key=lambda kv: (kv[1], kv[0]))[0]


@lru_cache(maxsize=1)
def _lexicon() -> Casing:
    casing = Casing()
    names = list(load_json("names.json")["phrases"])
    for unit in [*gazetteer().provinces, *gazetteer().units_2025]:
        kind = "thành phố" if unit.type.startswith("thành phố") else "tỉnh"
        names += [unit.name, f"{kind} {unit.name}"]
    for phrase in names:
        casing.learn("x " + phrase, weight=2)
    return casing


def truecase(text: str, reference: str = "", capitalize_first: bool = True) -> str:
    """Recase the capitalised parts of `text` using `reference` and the lexicon."""
    local = Casing()
    if reference:
        local.learn(reference, weight=4)
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        if not is_caps(_EDGE.match(tokens[i]).group(2)):
            out.append(tokens[i])
            i += 1
            continue
        for n in range(min(MAX_N, len(tokens) - i), 0, -1):
            chunk = tokens[i:i + n]
            if not all(is_caps(_EDGE.match(t).group(2)) or not _EDGE.match(t).group(2) for t in chunk):
                continue
            key = _key(chunk)
            form = local.form(key) or _lexicon().form(key)
            if form:
                words = form.split()
                for j, tok in enumerate(chunk):
                    lead, _, trail = _EDGE.match(tok).groups()
                    out.append(lead + (words[j] if j < len(words) else "") + trail)
                i += n
                break
        else:
            lead, core, trail = _EDGE.match(tokens[i]).groups()
            # Roman numerals (khóa XX) and codes (49-NQ/TW) keep their capitals.
            keep = re.fullmatch(r"[IVXLC]+|[\dA-ZĐ/-]*\d[\dA-ZĐ/-]*|[A-ZĐ]{2,5}", core)
            out.append(lead + (core if keep else core.lower()) + trail)
            i += 1
    result = " ".join(out)
    if capitalize_first and result:
        result = result[0].upper() + result[1:]
    return result
