"""The subject province: gazetteer mentions weighed by where they stand (title, lead, body)
and how (a 'tỉnh'/'Tỉnh ủy' prefix marks an actor); recipients and stamps are already out
of the body. No province and central bodies in view: a national item."""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .gazetteer import gazetteer, load_json
from .record import Document
from .text import fold


@lru_cache(maxsize=1)
def _rules() -> dict:
    data = load_json("places.json")
    names: dict[str, str] = {}
    for p in gazetteer().provinces:
        for form in (p.name, *p.variants):
            short = len(form) < data["short_variant_min_len"] and not re.search(r"[.\-]", form)
            if not short:
                names.setdefault(fold(form), p.name)
    alternation = "|".join(re.escape(k) for k in sorted(names, key=len, reverse=True))
    prefixes = "|".join(re.escape(fold(p)) for p in sorted(data["prefixes"], key=len, reverse=True))
    districts = {fold(d): province for province, ds in load_json("districts.json")["districts"].items() for d in ds}
    return {
        **data,
        "names": names,
        "districts": districts,
        # A level word and up to four words after it, looked up longest first: a pattern of
        # 646 alternatives would be far slower on every sentence.
        "district": re.compile(r"(?<![^\W_])(huyện ủy|huyện uỷ|thành ủy|thành uỷ|thị ủy|thị uỷ|huyện|quận|thị xã|thành phố|tp\.?|tx\.?)"
                               r"((?:\s+\w+){1,4})"),
        "lower_levels": re.compile(r"(?:huyện|quận|thị xã|thị trấn|xã|phường|thôn|bản|ấp)\s*$"),
        "mention": re.compile(rf"(?<![^\W_])(?P<prefix>(?:{prefixes})\s*)?(?P<name>{alternation})(?![^\W_])"),
        "needs_prefix": {fold(n) for n in data["needs_prefix"]},
        "not_before": {fold(k): [fold(w) for w in v] for k, v in data["not_before"].items()},
        # A central body as actor; "… của Chính phủ" names the issuer of a cited document.
        "national": re.compile("(?<!của )(?<!theo )(?:" + "|".join(re.escape(fold(c)) for c in data["national_cues"]) + ")"),
        "guest": re.compile("|".join(re.escape(fold(c)) for c in data["guest_cues"])),
        "provincial": re.compile("|".join(re.escape(fold(c)) for c in data["provincial_cues"])),
        "merger": re.compile("|".join(re.escape(fold(c)) for c in data["merger_cues"])),
    }


def district_mentions(text: str) -> Counter:
    """Provinces told by a district named with its level ("huyện Bạch Thông")."""
    rules = _rules()
    found: Counter = Counter()
    for m in rules["district"].finditer(fold(text)):
        words = m.group(2).split()
        # "Thành ủy Cam Ranh" names the city of Cam Ranh; "TP Thủ Đức" the city of Thủ Đức.
        level = {"tp": "thành phố", "tx": "thị xã", "thành uỷ": "thành phố", "huyện uỷ": "huyện",
                 "thị uỷ": "thị xã"}.get(m.group(1).rstrip("."), m.group(1))
        for n in range(len(words), 0, -1):
            province = rules["districts"].get(f"{level} {' '.join(words[:n])}")
            if province:
                found[province] += 1
                break
    return found


def mentions(text: str, skip_venue: str | None = None, skip_new_unit: bool = False,
             with_districts: bool = True) -> Counter:
    """Provinces named in the text, each with 1 + the prefix bonus per mention.
    `skip_venue`: a province whose mentions without an actor prefix are only the venue.
    `skip_new_unit`: leave out "X (mới)", the post-2025 unit rather than the old province."""
    rules = _rules()
    key = fold(text)
    aligned = len(key) == len(text)   # folding keeps length for Vietnamese: capitals checkable
    found: Counter = Counter()
    for m in rules["mention"].finditer(key):
        name_key = m.group("name")
        start, end = m.span("name")
        if name_key in rules["needs_prefix"] and not m.group("prefix"):
            continue
        # "huyện Quảng Ninh" (Quảng Bình), "xã Hòa Bình": a lower unit of the same name.
        if not m.group("prefix") and rules["lower_levels"].search(key[max(0, start - 10):start]):
            continue
        after = key[end:end + 8].split()
        if after and after[0] in rules["not_before"].get(name_key, []):
            continue
        # "hòa bình" (peace) is not "Hòa Bình": a place name is written with capitals.
        if aligned and not all(w[:1].isupper() for w in text[start:end].split() if w[:1].isalpha()):
            continue
        if rules["names"][name_key] == skip_venue and not m.group("prefix"):
            continue
        if skip_new_unit and re.match(r"\s*\(?\s*mới\b", key[end:end + 8]):
            continue
        found[rules["names"][name_key]] += 1 + (rules["weights"]["prefix_bonus"] if m.group("prefix") else 0)
    if with_districts:
        found.update(district_mentions(text))
    return found


def extract(doc: Document) -> None:
    rules = _rules()
    w = rules["weights"]
    lead = " ".join([doc.title or "", *(b.text for b in doc.blocks[:1])])
    national_lead = bool(rules["national"].search(fold(lead)))
    # A central body meeting "tại Hà Nội" does not make the item about Hà Nội.
    venue = rules["capital"] if national_lead else None
    score: Counter = Counter()
    in_title: Counter = Counter()

    def weigh(text: str, weight: float, tally: Counter) -> None:
        for sentence in re.split(r"(?<=[.!?;])\s+", text):
            # Guests from elsewhere do not make the subject: what follows a guest cue
            # ("tiếp đoàn công tác tỉnh X", "Dự hội nghị có … Bí thư Tỉnh ủy Y") counts little.
            cue = rules["guest"].search(fold(sentence))
            host, guests = (sentence[:cue.start()], sentence[cue.start():]) if cue else (sentence, "")
            for part, factor in ((host, 1), (guests, rules["guest_weight"])):
                for name, n in mentions(part, venue).items():
                    tally[name] += n * weight * factor

    in_lead: Counter = Counter()
    weigh(doc.title or "", w["title"], in_title)
    weigh(doc.blocks[0].text if doc.blocks else "", w["lead"], in_lead)
    score.update(in_title + in_lead)
    for i, block in enumerate(doc.blocks[1:], 1):
        weigh(block.text, w["lead"] if i < 2 else w["body"], score)
    for extra in (doc.issuer, doc.doc_subject):
        for name, n in mentions(extra or "").items():
            score[name] += n * w["lead"]
    ranked = score.most_common()
    # A central body at work ("Ủy ban Tư pháp của Quốc hội họp …") stays national unless the
    # title or the lead names the province it works in ("… làm việc với UBND tỉnh Hậu Giang").
    if national_lead and ranked and not (in_title[ranked[0][0]] or in_lead[ranked[0][0]]):
        ranked = []
    if ranked and ranked[0][1] >= rules["min_score"]:
        doc.province, doc.scope, doc.province_basis = ranked[0][0], "province", "text"
        if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
            doc.flag("province-ambiguous", "province",
                     f"Bài nhắc nhiều tỉnh ngang nhau ({', '.join(n for n, s in ranked if s == ranked[0][1])}); "
                     f"đã chọn {doc.province}. Kiểm tra 'province' rồi xoá mục này.")
        return
    # The receiving office of a stamped document sits in the issuer's province.
    fallback = mentions((doc.received or {}).get("office") or "")
    if fallback:
        doc.province, doc.scope, doc.province_basis = fallback.most_common(1)[0][0], "province", "stamp"
        return
    if national_lead:
        doc.scope = "national"
        return
    # An outlet of one province speaks of its province when the text names none.
    if doc.source_province:
        doc.province, doc.scope, doc.province_basis = doc.source_province, "province", "source"
        return
    body = fold(doc.body_text()[:3000])
    if rules["provincial"].search(fold(lead)) or (rules["provincial"].search(body) and not rules["national"].search(body)):
        doc.scope = "province"      # about a province the text does not name
    elif rules["national"].search(body):
        doc.scope = "national"
        return
    doc.flag("province-unknown", "province",
             "Không xác định được tỉnh/thành của bài. Điền 'province' (tên trước 2025, ví dụ 'Bắc Kạn') "
             "hoặc 'scope: national' cho tin toàn quốc, rồi xoá mục này.")


def qualify_issuer(doc: Document) -> None:
    """'Ban Thường vụ Tỉnh ủy' + the province → 'Ban Thường vụ Tỉnh ủy Bình Định'."""
    if not doc.issuer:
        return
    if m := re.match(r"^(.*?)\s*\(((?:khóa|khoá|nhiệm kỳ)\s[^)]*)\)$", doc.issuer, re.IGNORECASE):
        doc.issuer, doc.issuer_term = m.group(1), m.group(2)
    if doc.province and not mentions(doc.issuer) and \
            re.search(r"\b(?:Tỉnh ủy|Tỉnh uỷ|Thành ủy|Thành uỷ|UBND tỉnh|Ủy ban nhân dân tỉnh)$", doc.issuer):
        doc.issuer = f"{doc.issuer} {doc.province}"


MERGER_EFFECTIVE = "2025-07-01"


def resolve_2025(doc: Document) -> None:
    """After 1 July 2025 'tỉnh Tuyên Quang' names the new unit (Tuyên Quang + Hà Giang):
    map it back to the old province the text points to (an old district, 'Bình Định (cũ)'),
    else keep the unit and say the old province cannot be told."""
    if not (doc.province and doc.date and doc.date[:10] >= MERGER_EFFECTIVE):
        return
    unit = gazetteer().unit(doc.province)
    if unit is None or len(unit.merged_from) < 2:
        return
    rules = _rules()
    evidence: Counter = Counter()
    for text in [doc.title or "", *(b.text for b in doc.blocks)]:
        key = fold(text)
        for old in unit.merged_from:
            # "tỉnh Bình Định (cũ)": the text names the old province as such.
            evidence[old] += len(re.findall(rf"{re.escape(fold(old))}\s*\(\s*cũ\s*\)", key))
        evidence.update(district_mentions(text))
        for sentence in re.split(r"(?<=[.!?;])\s+", text):
            if rules["merger"].search(fold(sentence)):
                continue    # "hợp nhất tỉnh Hà Giang và tỉnh Tuyên Quang" says nothing about the item
            named = mentions(sentence, skip_new_unit=True, with_districts=False)
            # The unit's own name now means the new unit; only the others are old provinces.
            evidence.update({old: named[old] for old in unit.merged_from if old != unit.name})
    pointed = [old for old in unit.merged_from if evidence[old]]
    if len(pointed) == 1:
        doc.province, doc.province_basis = pointed[0], "text"
        return
    doc.unit_2025 = unit.name
    doc.province = None
    doc.province_basis = None
    doc.flag("province-2025-unit", "province",
             f"Bài sau 1/7/2025 nói về {unit.official_name} (hợp nhất {', '.join(unit.merged_from)}); "
             "không xác định được tỉnh cũ. Điền 'province' nếu bài nói rõ tỉnh cũ nào, rồi xoá mục này.")
