"""Documents an article cites: party form 49-NQ/TW, state form 30/2020/NĐ-CP, with the
type word, date and issuer the text gives. A party code is only unique with its date."""
from __future__ import annotations

import re
from functools import lru_cache

from .gazetteer import load_json
from .record import Document

_DATA = load_json("citations.json")
_ABBR = "|".join(sorted(map(re.escape, _DATA["abbreviations"]), key=len, reverse=True))
_ISSUER = r"[A-ZĐ][A-Za-zĐđ0-9&]*(?:-[A-ZĐ0-9&][A-Za-zĐđ0-9&]*)*"
_ISSUER_WORDS = "|".join(w.replace(" ", r"\s+") for w in sorted(_DATA["issuer_words"], key=len, reverse=True))
# "49-NQ/TW", and as written in practice: "26/CT/TW", "17-CTr/Ban Chỉ đạo".
_PARTY = (rf"(?P<p_num>\d{{1,4}})\s?[-–/]\s?(?P<p_type>{_ABBR})\s?/\s?"
          rf"(?P<p_iss>{_ISSUER_WORDS}|{_ISSUER})")
_STATE = (rf"(?P<s_num>\d{{1,5}})\s?/\s?(?:(?P<s_year>(?:19|20)\d{{2}})\s?/\s?)?"
          rf"(?:(?P<s_type>{_ABBR})\s?-\s?)?(?P<s_iss>{_ISSUER})")
# A bare code (for document numbers): party or state form without named groups.
CODE = (rf"\d{{1,4}}\s?[-–]\s?(?:{_ABBR})\s?/\s?{_ISSUER}|"
        rf"\d{{1,5}}\s?/\s?(?:(?:19|20)\d{{2}}\s?/\s?)?(?:(?:{_ABBR})\s?-\s?)?{_ISSUER}")
_WORDS = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                  for w in sorted([*_DATA["type_words"], *_DATA["english_type_words"]], key=len, reverse=True))
_DATE = r"\d{1,2}\s?[/.\-]\s?\d{1,2}\s?[/.\-]\s?(?:19|20)?\d{2}|\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+(?:19|20)\d{2}"
_STOP = "|".join(w.replace(" ", r"\s+") for w in _DATA["issuer_stop_words"])
_TAIL = (rf"(?:\s*,?\s*ngày\s+(?P<date>{_DATE}))?"
         rf"(?:\s*,?\s*(?:của|do)\s+(?P<issuer>[^,;:.()\n“”\"]{{2,80}}?)"
         rf"(?=\s+(?:{_STOP})\s|\s*[,;:.()\n“”\"]|\s*$))?")
CITATION = re.compile(rf"(?P<word>{_WORDS})\s+(?:số\s*:?\s*)?(?:{_PARTY}|{_STATE})(?![\w/-]){_TAIL}")
BARE = re.compile(rf"(?<![\w/-])(?:{_PARTY})(?![\w/-]){_TAIL}")
# State codes that carry a year or a type are unmistakable without a type word
# ("Luật Tổ chức TAND số 62/2014/QH13", "Plan No. 112/KH-UBND").
BARE_STATE = re.compile(rf"(?<![\w/-])(?P<s_num>\d{{1,5}})\s?/\s?(?:(?P<s_year>(?:19|20)\d{{2}})\s?/\s?(?:(?P<s_type>{_ABBR})\s?-\s?)?"
                        rf"|(?P<s_type2>{_ABBR})\s?-\s?)(?P<s_iss>{_ISSUER})(?![\w/-]){_TAIL}")
_LAW_BEFORE = re.compile(r"(?:" + "|".join(_DATA["law_words"]) + r")\b[^.;:()\n]{0,80}$")
_ISSUER_CODES = _DATA["issuer_words"]
_SHARED = re.compile(r"^\s*(?:,|và|,\s*và)\s*$")


@lru_cache(maxsize=1)
def _party_issuers() -> tuple[str, ...]:
    # BCĐ is left out: state steering committees number their plans 02/KH-BCĐ too.
    return ("TW", "TU", "HU", "QU", "ĐU", "ĐUK", "BCSĐ", "ĐĐ", "VPTW", "VPTU", "BNCTW", "BNCTU", "BNC", "ThU", "TXU")


def _iso(date_text: str | None) -> str | None:
    from .dates import find_dates
    found = find_dates(date_text) if date_text else []
    return found[0].date.isoformat() if found else None


def _build(m: re.Match, word: str | None) -> dict:
    g = dict(m.groupdict())
    g["s_type"] = g.get("s_type") or g.get("s_type2")
    if g.get("p_num"):
        issuer_code = _ISSUER_CODES.get(" ".join(g["p_iss"].split()), g["p_iss"])
        number, abbr, style = g["p_num"], g["p_type"], "party"
        code = f"{int(number):02d}-{abbr}/{issuer_code}"
    elif g.get("s_type") and g.get("s_iss") in _party_issuers() and not g.get("s_year"):
        # '08/NQ-TW': a party document written in the state style.
        number, abbr, issuer_code, style = g["s_num"], g["s_type"], g["s_iss"], "party"
        code = f"{int(number):02d}-{abbr}/{issuer_code}"
    else:
        number, abbr, issuer_code, style = g["s_num"], g.get("s_type"), g["s_iss"], "state"
        code = "/".join(x for x in (number, g.get("s_year")) if x) + "/" + (f"{abbr}-" if abbr else "") + issuer_code
    if word is None:
        word = _DATA["abbreviations"].get(abbr) if abbr else None
        if style == "party" and abbr == "TT":
            word = _DATA["party_tt"]
    issuer = (g.get("issuer") or "").strip() or None
    # English pages: "Plan No." is a Kế hoạch.
    word = _DATA["english_type_words"].get(re.sub(r"\s+", " ", word), word) if word else None
    return {"code": code, "type": re.sub(r"\s+", " ", word) if word else None,
            "date": _iso(g.get("date")), "issuer": issuer}


def find_citations(text: str, exclude: set[str] = frozenset()) -> list[dict]:
    """Citations in reading order, one per code+date; a shared 'của X' reaches back over
    'A và B của X'."""
    found: list[tuple[int, int, dict]] = []
    for m in CITATION.finditer(text):
        found.append((m.start(), m.end(), _build(m, m.group("word"))))
    taken = [(s, e) for s, e, _ in found]
    for pattern in (BARE, BARE_STATE):
        for m in pattern.finditer(text):
            if not any(s <= m.start() < e for s, e in taken):
                law = _LAW_BEFORE.search(text[max(0, m.start() - 100):m.start()])
                found.append((m.start(), m.end(), _build(m, law.group(0).split()[0] if law and not m.groupdict().get("s_type") else None)))
                taken.append((m.start(), m.end()))
    found.sort(key=lambda t: t[0])
    # Walk backwards so chains of three or more inherit too.
    for i in range(len(found) - 2, -1, -1):
        (_, e1, c1), (s2, _, c2) = found[i], found[i + 1]
        if c1["issuer"] is None and c2["issuer"] and _SHARED.match(text[e1:s2]):
            c1["issuer"] = c2["issuer"]
    out: list[dict] = []
    for _, _, c in found:
        if c["code"] in exclude:
            continue
        # One entry per document: the same code with the same (or an unstated) date.
        same = next((o for o in out if o["code"] == c["code"]
                     and (not o["date"] or not c["date"] or o["date"] == c["date"])), None)
        if same is None:
            out.append(c)
        else:
            for k, v in c.items():
                same[k] = same[k] or v
    return out


@lru_cache(maxsize=1)
def key_documents() -> dict[str, list[dict]]:
    """code → the verified key central documents with that code (one per term)."""
    out: dict[str, list[dict]] = {}
    for d in load_json("key_documents.json")["documents"]:
        out.setdefault(d["code"], []).append(d)
    return out


def check_known(doc: Document) -> None:
    """Name key documents from the data file; a date that disagrees stays as written and
    is flagged, never corrected (party numbers restart each term)."""
    for c in doc.citations:
        known = key_documents().get(c["code"], [])
        same = [k for k in known if k["date"] == c["date"]]
        if c["date"] and known and not same:
            doc.flag(f"citation-date-{c['code']}", "citations",
                     f"{c['code']} được ghi ngày {c['date']}, danh mục văn bản chủ chốt ghi "
                     f"{', '.join(k['date'] for k in known)}. Kiểm tra với bản gốc (có thể là văn bản khác cùng số "
                     "của nhiệm kỳ khác); sửa 'date' của trích dẫn nếu cần rồi xoá mục này.")
        elif same or (not c["date"] and len(known) == 1):
            c["title"] = (same or known)[0]["subject"]


def extract(doc: Document) -> None:
    text = "\n\n".join(filter(None, [doc.title, doc.doc_subject, doc.body_text()]))
    doc.citations = find_citations(text, exclude={doc.doc_number} if doc.doc_number else set())
    check_known(doc)
