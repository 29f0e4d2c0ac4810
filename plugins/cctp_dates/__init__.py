"""Vietnamese dates without a locale: "Thứ Tư, 13/04/2022" (", 11:01" when a time was given).

Sets on each article ``date_has_time`` (the front matter's date carried a time of day),
``date_vi`` (the display string) and ``date_iso`` (for <time datetime>: a date, or a
date-time when one was given), and registers the Jinja filters ``vn_date`` and ``vn_day``.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import partial
from zoneinfo import ZoneInfo

from pelican import signals
from pelican.contents import Article

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")

# The parsed date cannot tell "2022-04-13" from "2022-04-13T00:00", so look at the text.
_DATE_LINE = re.compile(
    r"^date:[ \t]*['\"]?\d{4}-\d{2}-\d{2}(?P<time>[Tt ]\d{1,2}:\d{2})?", re.MULTILINE
)
_FRONT_MATTER = re.compile(r"\A\s*---[ \t]*\n(?P<yaml>.*?)^(?:---|\.\.\.)[ \t]*$", re.DOTALL | re.MULTILINE)


def front_matter_has_time(text: str) -> bool:
    """True when the YAML front matter's ``date`` includes a time of day."""
    header = _FRONT_MATTER.match(text)
    line = _DATE_LINE.search(header.group("yaml")) if header else None
    return bool(line and line.group("time"))


def _local(value: dt.date, tz: str | None) -> dt.date:
    if tz and isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(ZoneInfo(tz))
    return value


def vn_date(value, with_time: bool = False, tz: str | None = None) -> str:
    """'Thứ Tư, 13/04/2022' or, with_time, 'Thứ Tư, 13/04/2022, 11:01'; '' for no date."""
    value = _as_date(value)
    if value is None:
        return ""
    value = _local(value, tz)
    text = f"{WEEKDAYS[value.weekday()]}, {value.day:02d}/{value.month:02d}/{value.year}"
    if with_time and isinstance(value, dt.datetime):
        text += f", {value.hour:02d}:{value.minute:02d}"
    return text


def vn_day(value, tz: str | None = None) -> str:
    """'13/04/2022' for a date, ISO string or datetime; '04/2022' or '2022' for partial ISO
    dates; any other string is returned unchanged (metadata may hold free text)."""
    if isinstance(value, str):
        parts = value.strip().split("-")
        if len(parts) in (1, 2) and all(p.isdigit() for p in parts) and len(parts[0]) == 4:
            return "/".join(reversed(parts))
    parsed = _as_date(value)
    if parsed is None:
        return "" if value is None else str(value)
    parsed = _local(parsed, tz)
    return f"{parsed.day:02d}/{parsed.month:02d}/{parsed.year}"


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return dt.datetime.fromisoformat(text) if len(text) > 10 else dt.date.fromisoformat(text)
        except ValueError:
            return None
    return None


def annotate_article(content) -> None:
    """content_object_init: record whether the date had a time, and its display string."""
    if not isinstance(content, Article) or not hasattr(content, "date"):
        return
    try:
        with open(content.source_path, encoding="utf-8") as fh:
            content.date_has_time = front_matter_has_time(fh.read())
    except OSError:
        content.date_has_time = False
    if content.date.year >= dt.MAXYEAR:  # Pelican's placeholder for undated drafts
        content.date_vi = content.date_iso = ""
        return
    tz = content.settings.get("TIMEZONE")
    content.date_vi = vn_date(content.date, content.date_has_time, tz)
    local = _local(content.date, tz)
    content.date_iso = local.isoformat() if content.date_has_time else local.date().isoformat()


def add_filters(generator) -> None:
    """generator_init: make the filters available to every template."""
    tz = generator.settings.get("TIMEZONE")
    generator.env.filters["vn_date"] = partial(vn_date, tz=tz)
    generator.env.filters["vn_day"] = partial(vn_day, tz=tz)


def register() -> None:
    signals.content_object_init.connect(annotate_article)
    signals.generator_init.connect(add_filters)
