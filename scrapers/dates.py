"""Dates: header datelines, document date lines, lead datelines, partial dates and year cues.

Numeric Vietnamese forms are read with explicit day-month-year patterns (the order never
varies); dateparser (languages fixed) takes English pages and anything else.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .gazetteer import load_json
from .record import Document

NUM_DATE = re.compile(r"(?<![\d/.\-])(\d{1,2})\s?([/.\-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d/])")
LONG_DATE = re.compile(r"(?:ngày\s+)?(\d{1,2})\s+tháng\s+(\d{1,2})\s*,?\s+năm\s+(\d{4})", re.IGNORECASE)
TIME = re.compile(r"(?<![\d/.:])([01]?\d|2[0-3])\s?(?::|h|giờ)\s?([0-5]\d)(?![\d/])", re.IGNORECASE)
TZ = re.compile(r"[\[(]?\s*(?:GMT|UTC)\s*\+\s*0?7(?::00)?\s*[\])]?|\bICT\b", re.IGNORECASE)
ENGLISH_MONTH = re.compile(r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}\b|"
                           r"\b\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}\b",
                           re.IGNORECASE)
YEAR_CUE = re.compile(r"(?<!tháng )(?<!\d )\b(?:năm\s+|(?:quý\s+[IV]{1,3}|tháng\s+\d{1,2})\s*[/-]\s*)((?:19|20)\d{2})\b"
                      r"(?!\s*[-–]\s*(?:19|20)?\d{2})", re.IGNORECASE)
SENTENCE_START = re.compile(r"(?:^|(?<=[.!?…])\s+)")


@dataclass
class Found:
    date: dt.date
    time: tuple[int, int] | None = None
    start: int = 0
    end: int = 0

    def iso(self) -> str:
        if self.time:
            return dt.datetime(self.date.year, self.date.month, self.date.day, *self.time,
                               tzinfo=dt.timezone(dt.timedelta(hours=7))).isoformat()
        return self.date.isoformat()


@lru_cache(maxsize=1)
def _cues() -> dict:
    data = load_json("dates.json")
    words = sorted(data["weekdays"] + data["header_labels"], key=len, reverse=True)
    lead = "|".join(sorted(data["lead_time_words"], key=len, reverse=True))
    rel = "|".join(data["lead_relative"])
    def alt(key: str) -> str:
        return "|".join(sorted(map(re.escape, data[key]), key=len, reverse=True))

    return {
        "min_year": data["min_year"],
        # "triển khai nhiệm vụ năm 2024", "kế hoạch công tác năm 2024": a year planned for.
        "forward": re.compile(rf"(?:{alt('forward_words')})(?:\s+(?:công tác|nhiệm vụ|trọng tâm)){{0,3}}\s*$",
                              re.IGNORECASE),
        # "tổng kết công tác nội chính … năm 2019": a year under review (same clause).
        "review": re.compile(rf"(?:{alt('review_words')})[^.;:]{{0,120}}$", re.IGNORECASE),
        "glued_counter": re.compile(rf"(\b\d{{1,2}}:\d{{2}})(\d[\d.,]*\s*{data['view_counter']})", re.IGNORECASE),
        "filler": re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b", re.IGNORECASE),
        "lead": re.compile(
            rf"(?:(?P<tod>{lead})(?:\s+(?:{rel}))?\s*[,(]?\s*(?:ngày\s+)?|\(\s*)"
            r"(?P<d>\d{1,2})\s?(?P<sep>[/.\-])\s?(?P<m>\d{1,2})(?:\s?(?P=sep)\s?(?P<y>\d{4}|\d{2}))?(?![\d/])\s*\)?",
            re.IGNORECASE),
    }


def _year(text: str) -> int:
    year = int(text)
    # Two-digit years occur on stamps ("03/6/22"): the archive spans 1945 onwards.
    return year + 2000 if len(text) == 2 else year


def make_date(year: int, month: int, day: int) -> dt.date | None:
    """A real calendar date in the archive's span, else None (placeholders such as 01/01/0001)."""
    if not _cues()["min_year"] <= year <= dt.date.today().year + 1:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def find_dates(text: str) -> list[Found]:
    """Every full date (day, month, year) in the text, with a time when one stands next to it."""
    found: list[Found] = []
    for m in NUM_DATE.finditer(text):
        d = make_date(_year(m.group(4)), int(m.group(3)), int(m.group(1)))
        if d:
            found.append(Found(d, None, m.start(), m.end()))
    for m in LONG_DATE.finditer(text):
        d = make_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if d:
            found.append(Found(d, None, m.start(), m.end()))
    for m in ENGLISH_MONTH.finditer(text):
        d = _dateparser(m.group(0), ["en"])
        if d:
            found.append(Found(d, None, m.start(), m.end()))
    found.sort(key=lambda f: f.start)
    for f in found:
        near = TIME.search(text, max(0, f.start - 20), min(len(text), f.end + 14))
        if near:
            hour, minute = int(near.group(1)), int(near.group(2))
            # "05:12 pm", "11:11 AM"
            # "05:12 pm", "11:11 AM", and the Vietnamese "7:32:15 SA" (sáng) / "CH" (chiều)
            meridiem = re.match(r"(?::\d{2})?\s*(a\.?m|p\.?m|sa|ch)\b", text[near.end():near.end() + 8], re.IGNORECASE)
            half = meridiem.group(1).lower()[0] if meridiem else ""
            if half in "pc" and half and hour < 12:
                hour += 12
            elif half in "as" and half and hour == 12:
                hour = 0
            f.time = (hour, minute)
    return found


def _dateparser(text: str, languages: list[str]) -> dt.date | None:
    import dateparser  # imported lazily: it costs half a second and is rarely needed

    parsed = dateparser.parse(text, languages=languages, settings={"DATE_ORDER": "DMY",
                                                                  "REQUIRE_PARTS": ["day", "month", "year"]})
    return make_date(parsed.year, parsed.month, parsed.day) if parsed else None


def dateline(text: str) -> tuple[Found, str] | None:
    """A short block that is only a date (and time, weekday, labels, maybe a name):
    returns the date and what remains (a byline name, or '')."""
    if len(text.split()) > 16:
        return None
    byline = ""
    if "|" in text:
        # "Nội chính | Hồng Phúc | 09:15 16/06/2022", "Cập nhật: 15:20 | 12/05/2022": the cells
        # with a date or a time make the date line; a name cell is the byline; the rest
        # (section, poster account, counters) is header furniture.
        from .bylines import person_names
        cells = [c.strip() for c in text.split("|") if c.strip()]
        timed = [c for c in cells if find_dates(c) or TIME.search(c)]
        names = [c for c in cells if c not in timed and person_names(c)]
        if timed and len(names) <= 1:
            text, byline = " ".join(timed), (names[0] if names else "")
    # "11:011.234 lượt xem": a view counter glued to the time.
    text = _cues()["glued_counter"].sub(r"\1 \2", text)
    dates = find_dates(text)
    if len(dates) != 1:
        return None
    rest = text[:dates[0].start] + " " + text[dates[0].end:]
    rest = TIME.sub(" ", TZ.sub(" ", rest))   # the zone first: "GMT+07:00" holds a time
    rest = re.sub(r"\b(?:[ap]\.?m|sa|ch)\b|:\d{2}\b", " ", rest, flags=re.IGNORECASE)
    rest = _cues()["filler"].sub(" ", rest)
    counter = load_json('dates.json')['view_counter']
    rest = re.sub(rf"[\d.,]+\s*{counter}|{counter}\s*:?\s*[\d.,]+", " ", rest, flags=re.IGNORECASE)
    rest = re.sub(r"[\s,|·•:\-–—/\[\]()]+", " ", rest).strip()
    return dates[0], rest or byline


def lead_date(text: str) -> tuple[int, int, int | None, str] | None:
    """'Chiều 14/7', 'Ngày 9/12', 'Sáng nay (27/3)', 'Ngày 21/02/2022', 'Ngày 23 tháng 6 năm
    2015': at a sentence start in the lead. Returns (day, month, year or None, matched text)."""
    pattern = _cues()["lead"]
    for start in SENTENCE_START.finditer(text):
        # "Ngày 23 tháng 6 năm 2015", "Sáng ngày 14 tháng 9 năm 2022"
        at = start.end() + len(re.match(r"(?:(?:sáng|trưa|chiều|tối|đêm)\s+)?", text[start.end():], re.IGNORECASE).group(0))
        long = LONG_DATE.match(text, at)
        if long and make_date(int(long.group(3)), int(long.group(2)), int(long.group(1))):
            return int(long.group(1)), int(long.group(2)), int(long.group(3)), long.group(0)
        m = pattern.match(text, start.end())
        if not m or not (m.group("tod") or m.group(0).lstrip().startswith("(")):
            continue
        day, month = int(m.group("d")), int(m.group("m"))
        if not (1 <= day <= 31 and 1 <= month <= 12):
            continue
        year = _year(m.group("y")) if m.group("y") else None
        return day, month, year, m.group(0).strip()
    return None


def year_cues(text: str, month: int | None = None) -> list[tuple[int, str]]:
    """Years the text speaks of ('năm 2021', 'quý I/2024'; not inside full dates, not
    periods such as 'giai đoạn 2021-2025'), each with its kind: 'review' (a year or period
    looked back on), 'forward' (planned for) or 'plain'. Given the event's month, a whole
    year planned or reviewed is moved to the year the event most likely fell in."""
    cues = _cues()
    out: list[tuple[int, str]] = []
    for m in YEAR_CUE.finditer(text):
        year = int(m.group(1))
        before = text[max(0, m.start() - 160):m.start()]
        if re.search(r"(?:đến|tới|từ)\s*$", before, re.IGNORECASE):
            continue    # a horizon ("đến năm 2025"), not when anything happened
        whole_year = m.group(0).lower().startswith("năm") and not re.search(
            r"(?:quý\s+[IV]{1,3}|tháng\s+(?:\d{1,2}|đầu|cuối)(?:\s+(?:đầu|cuối))?)\s*$", before, re.IGNORECASE)
        month_cue = re.match(r"tháng\s+(\d{1,2})", m.group(0), re.IGNORECASE)
        # Only a month told as past narrative: opening a clause ("Tháng 12/2023, H. đã …")
        # or after "vào"/"hồi"; "dự kiến hoàn thành trong tháng 8/2025" looks ahead.
        narrative = re.search(r"(?:^|[.,;:]\s*|\b(?:vào|hồi)\s+)$", before, re.IGNORECASE)
        if month_cue and month and month < int(month_cue.group(1)) and narrative:
            # "Tháng 12/2023, H. đã …" told by an item about 18/4: the event came after.
            out.append((year + 1, "plain"))
        elif cues["forward"].search(before):
            out.append((year - 1 if whole_year and month and month >= 10 else year, "forward"))
        elif cues["review"].search(before):
            out.append((year + 1 if whole_year and month and month <= 3 else year, "review"))
        else:
            out.append((year, "plain"))
    return out


def resolve(doc: Document, published: Found | None, issued: Found | None) -> None:
    """Choose the article's one date and say on what it rests."""
    if published:
        doc.date, doc.date_basis = published.iso(), "published"
        return
    if issued:
        doc.date, doc.date_basis = issued.iso(), "issued"
        return
    lead_text = " ".join(b.text for b in doc.blocks[:3])
    lead = lead_date(lead_text)
    if lead:
        day, month, year, said = lead
        if year is None:
            year = _year_from_cues(doc, said, month, day)
        if year is not None:
            d = make_date(year, month, day)
            if d:
                doc.date, doc.date_basis = d.isoformat(), "event"
                return
        doc.date_text = said
    if doc.received and doc.received.get("date"):
        doc.date, doc.date_basis = doc.received["date"], "received"
        return
    doc.date = None
    doc.flag("date-missing", "date",
             "Không xác định được ngày (thiếu năm hoặc không có ngày"
             + (f"; văn bản chỉ ghi “{doc.date_text}”" if doc.date_text else "")
             + "). Điền 'date: YYYY-MM-DD' và 'date_basis', đổi 'status: published', rồi xoá mục này.")


def _year_from_cues(doc: Document, said: str, month: int, day: int) -> int | None:
    cues = year_cues(doc.title or "", month) + year_cues(doc.body_text(), month)
    if not cues and doc.page_header_date:
        # The page header shows the day of the visit: the event is the latest such day before it.
        header = dt.date.fromisoformat(doc.page_header_date)
        return header.year if (month, day) <= (header.month, header.day) else header.year - 1
    if not cues:
        return None
    # An event comes after everything it reviews: the latest reviewed year is a floor.
    floor = max((y for y, kind in cues if kind == "review"), default=0)
    votes = Counter(y for y, _ in cues if y >= floor) or Counter(y for y, _ in cues)
    ranked = votes.most_common()
    best = max(y for y, n in ranked if n == ranked[0][1])
    if len(ranked) > 1:
        doc.flag("date-year-inferred", "date",
                 f"Năm của “{said}” được suy ra ({best}) từ các năm nhắc trong bài "
                 f"({', '.join(str(y) for y, _ in ranked)}). Kiểm tra 'date' rồi xoá mục này.")
    return best
