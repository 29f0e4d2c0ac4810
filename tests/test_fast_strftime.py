"""plugins/cctp_fast_strftime: Pelican's date formatting remembered, the same answers as
Pelican's own for dates in any time zone, naive or aware, and only for formats the locale
does not change."""
from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from pelican.utils import SafeDatetime

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cctp_fast_strftime  # noqa: E402

FORMATS = ["%d/%m/%Y", "%-d/%-m/%Y", "%Y-%m-%d", "%Y", "%H:%M %z", "%Y-%m-%dT%H:%M:%S%z", "ngày %d tháng %m",
           "%%d %d", "%j %U %W %w %u %V %G %I %y %f", "%d %B %Y", "%A %d", "%c", "%x %X", "%p", "%Z", "%b", ""]
ZONES = [None, ZoneInfo("Asia/Ho_Chi_Minh"), ZoneInfo("UTC"), ZoneInfo("America/New_York"),
         dt.timezone(dt.timedelta(hours=7))]


def dates(count: int):
    rng = random.Random(3)
    for _ in range(count):
        naive = dt.datetime(rng.randint(1990, 2030), rng.randint(1, 12), rng.randint(1, 28),
                            rng.randint(0, 23), rng.choice([0, 30]), fold=rng.randint(0, 1))
        zone = rng.choice(ZONES)
        kind = rng.choice([SafeDatetime, dt.datetime, "date"])
        if kind == "date":
            yield naive.date()
        else:
            yield kind(*naive.timetuple()[:6], tzinfo=zone, fold=naive.fold)


def test_the_same_answers_as_pelican():
    stock = cctp_fast_strftime._stock.get("strftime") or __import__("pelican.utils").utils.strftime
    cases = list(dates(400))
    # The same instant in two zones compares equal, and must not share an answer.
    instant = SafeDatetime(2024, 5, 3, 2, 0, tzinfo=ZoneInfo("UTC"))
    cases += [instant, instant.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))] * 2
    cctp_fast_strftime.install(True)
    try:
        for date in cases:
            for fmt in FORMATS:
                if isinstance(date, dt.date) and not isinstance(date, dt.datetime) and "%z" in fmt:
                    continue
                want = stock(date, fmt)
                assert cctp_fast_strftime.strftime(date, fmt) == want, (date, fmt)
                assert cctp_fast_strftime.strftime(date, fmt) == want, (date, fmt)  # remembered
    finally:
        cctp_fast_strftime.install(False)
        cctp_fast_strftime._forget()


def test_only_formats_the_locale_leaves_alone_are_remembered():
    assert cctp_fast_strftime._numeric("%d/%m/%Y") and cctp_fast_strftime._numeric("%-d tháng %-m, %Y")
    for fmt in ("%d %B %Y", "%a", "%c", "%x", "%X", "%p", "%Z", "%b %d"):
        assert not cctp_fast_strftime._numeric(fmt), fmt
    cctp_fast_strftime.install(True)
    try:
        date = SafeDatetime(2024, 5, 3)
        cctp_fast_strftime._memo.clear()
        cctp_fast_strftime.strftime(date, "%d %B %Y")
        cctp_fast_strftime.strftime(date, "%d/%m/%Y")
        assert [key[-1] for key in cctp_fast_strftime._memo] == ["%d/%m/%Y"]
    finally:
        cctp_fast_strftime.install(False)
        cctp_fast_strftime._forget()
