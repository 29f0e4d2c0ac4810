"""`cctp review`: what waits for an editor — drafts and every open review reason — by file,
the item waiting longest first.

A reason is an entry of the article's own `review:` list (code, field, message), so this
command only reads files: clearing a reason is editing the file as its message says. The
codes are not listed here; new ones from the pipeline show up as they are written.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from .check import check_file
from .gitfiles import added_times

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DRAFT = ("draft", "status", "Bài nháp, chưa xuất bản. Xem lại bài; khi xong, đổi thành 'status: published'.")
UNREADABLE = ("unreadable", "", "Không đọc được thông tin đầu bài. Chạy 'cctp check' để biết lỗi ở dòng nào và cách sửa.")
_REVIEW_KEY = re.compile(r"^review\s*:")
_REVIEW_ENTRY = re.compile(r"^\s*- (?:\{\s*)?code\s*:")


@dataclass
class Reason:
    code: str
    field: str
    message: str
    line: int           # line of the file where the reason (or the field it is about) is written


@dataclass
class Item:
    path: str
    title: str | None
    status: str | None
    date: str | None
    waiting_since: str  # ISO date-time: when git first had the file at this path, else its mtime
    reasons: list[Reason] = field(default_factory=list)


def _lines(text: str) -> tuple[int, list[int]]:
    """(line of `status:`, lines of each `review:` entry), 1-based; 0 when absent."""
    status, entries, in_review = 0, [], False
    for number, line in enumerate(text.split("\n")[1:], 2):
        if line.rstrip() == "---":
            break
        if line.startswith("status:"):
            status = number
        if _REVIEW_KEY.match(line):
            in_review = True
            entries.append(number)      # the key itself, for a reason written in flow style
            continue
        if in_review and line and not line[0].isspace() and not line.startswith("-"):
            in_review = False
        if in_review and _REVIEW_ENTRY.match(line):
            entries.append(number)
    # With block entries the key's own line is not an entry's; keep it only as a fallback.
    return status, entries[1:] or entries


def reasons_of(path: Path, is_page: bool = False) -> tuple[dict | None, list[Reason]]:
    """The file's front matter and what in it waits for an editor."""
    _, meta = check_file(path, is_page)
    if meta is None:
        code, field_name, message = UNREADABLE
        return None, [Reason(code, field_name, message, 1)]
    text = path.read_text(encoding="utf-8")
    status_line, entry_lines = _lines(text)
    out: list[Reason] = []
    if meta.get("status") == "draft":
        code, field_name, message = DRAFT
        out.append(Reason(code, field_name, message, status_line))
    for i, entry in enumerate(meta.get("review") or []):
        line = entry_lines[min(i, len(entry_lines) - 1)] if entry_lines else 0
        if isinstance(entry, dict):
            out.append(Reason(str(entry.get("code") or "?"), str(entry.get("field") or ""),
                              str(entry.get("message") or ""), line))
        else:
            out.append(Reason("?", "", str(entry), line))
    return meta, out


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


# The fields of a file's front matter an item shows.
SHOWN = ("title", "status", "date")
MEMO_DIR = Path(__file__).resolve().parent.parent / ".cache" / "cctp-review"


def _summary(path: Path, is_page: bool) -> tuple[dict | None, list[Reason]]:
    """reasons_of, with only the fields an item shows (kept per file between runs)."""
    meta, reasons = reasons_of(path, is_page)
    return (None if meta is None else {k: meta.get(k) for k in SHOWN}), reasons


def collect(content: Path) -> list[Item]:
    """Every file under `content` with something to review, the one waiting longest first.
    Each file is checked again only when its size or modification time (or the checks'
    code) changed since the last run (FileMemo): checking 10,000 files took 12.6 s, on every
    `cctp review` and every rebuild of the preview's review page."""
    from .filememo import FileMemo, code_salt

    memo = FileMemo(MEMO_DIR, content, salt=code_salt())
    added = added_times(content)
    items: list[tuple[float, Item]] = []
    for path in sorted(content.rglob("*.md")):
        relative = path.relative_to(content)
        is_page = relative.parts[:1] == ("pages",)
        st = path.stat()
        meta, reasons = memo.get(relative.as_posix(), (st.st_size, st.st_mtime_ns), lambda: _summary(path, is_page))
        if not reasons:
            continue
        since = added.get(path.resolve()) or st.st_mtime
        date = (meta or {}).get("date")
        items.append((since, Item(
            path=_shown(path),
            title=(meta or {}).get("title"),
            status=(meta or {}).get("status"),
            date=date.isoformat() if isinstance(date, (dt.date, dt.datetime)) else date,
            waiting_since=dt.datetime.fromtimestamp(int(since), TZ).isoformat(),
            reasons=reasons,
        )))
    memo.save()
    items.sort(key=lambda pair: (pair[0], pair[1].path))
    return [item for _, item in items]


def day(iso: str | None) -> str:
    """'2022-06-03…' → '03/06/2022' for people."""
    if not iso or not re.match(r"^\d{4}-\d{2}-\d{2}", iso):
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[:4]}"


def format_text(items: list[Item]) -> str:
    if not items:
        return "Không có bài nào chờ biên tập viên: không có bài nháp, không còn lý do cần xem.\n"
    out = []
    for item in items:
        head = f"{item.path}"
        if item.title:
            head += f" — {item.title}"
        facts = [f"ngày bài {day(item.date)}" if item.date else "chưa có ngày",
                 f"chờ từ {day(item.waiting_since)}"]
        out.append(f"{head}\n  ({'; '.join(facts)})")
        for r in item.reasons:
            where = f"dòng {r.line}" if r.line else "tệp"
            field_name = f" {r.field}:" if r.field else ""
            out.append(f"  - {where} [{r.code}]{field_name} {r.message}")
    count = sum(len(i.reasons) for i in items)
    out.append(f"\n{len(items)} bài, {count} việc cần xem (bài chờ lâu nhất trước). "
               "Xử lý xong việc nào thì sửa tệp như lời dặn rồi xoá mục đó khỏi 'review'.")
    return "\n".join(out) + "\n"


def add_arguments(p) -> None:
    p.add_argument("content", nargs="?", default="content", type=Path, help="thư mục nội dung (mặc định: content)")
    p.add_argument("--json", action="store_true", help="in danh sách dạng JSON (cho công cụ khác)")


def run(args) -> int:
    if not args.content.is_dir():
        print(f"lỗi: không có thư mục nội dung '{args.content}'", file=sys.stderr)
        return 2
    items = collect(args.content)
    if args.json:
        print(json.dumps([asdict(i) for i in items], ensure_ascii=False, indent=1))
    else:
        sys.stdout.write(format_text(items))
    return 0
