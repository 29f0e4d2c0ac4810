"""`cctp check`: every file under content/ is valid before Pelican sees it.

pelican-yaml-metadata only logs a YAML error and builds the page with no metadata, so
everything that would silently break the site is an error here, with file, line, field
and an example of a right value. Open review reasons and drafts are warnings.
"""
from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import markdown
import yaml

from .gazetteer import doc_types, gazetteer, topics
from .sanitize import unsafe_parts

FRONT = re.compile(r"\A---\n(?P<meta>.*?\n)---\n", re.DOTALL)
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?([+-]\d{2}:\d{2}|Z)$")
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHOICES = {
    "status": ("published", "draft"),
    "date_basis": ("published", "event", "issued", "received"),
    "lang": ("vi", "en"),
    "scope": ("province", "national", "unknown"),
}
REQUIRED_ARTICLE = ("title", "slug", "status", "lang", "doc_type", "source")
REQUIRED_PAGE = ("title", "slug")
# libyaml's parser when PyYAML has it: the same values (the same constructors build them),
# several times faster; plugins/cctp_fast_yaml does the same for the build.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class Finding:
    path: Path
    line: int
    field: str
    message: str
    example: str = ""
    error: bool = True

    def __str__(self) -> str:
        kind = "lỗi" if self.error else "cảnh báo"
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        field = f" [{self.field}]" if self.field else ""
        tail = f" Ví dụ đúng: {self.example}" if self.example else ""
        return f"{kind}: {where}:{field} {self.message}{tail}"


def _line_of(meta_text: str, key: str) -> int:
    """Line (in the file) where a top-level key is set; the front matter starts on line 2."""
    for i, line in enumerate(meta_text.split("\n")):
        if re.match(rf"^{re.escape(key)}\s*:", line):
            return i + 2
    return 1


def _iso(value) -> str | None:
    """The value as an ISO string when it is a valid date or date-time, else None."""
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            if ISO_DATE.match(value):
                dt.date.fromisoformat(value)
                return value
            if ISO_DATETIME.match(value):
                dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
                return value
        except ValueError:
            return None
    return None


@functools.lru_cache(maxsize=1)
def _markdown() -> markdown.Markdown:
    # One converter, reset for each file: making one costs more than converting a page.
    return markdown.Markdown(extensions=["extra", "sane_lists"])


def unsafe_html(path: Path, body: str) -> list[Finding]:
    """A warning when the body has HTML the site build strips (scrapers.sanitize allow-list)."""
    parts = unsafe_parts(_markdown().reset().convert(body))
    if not parts:
        return []
    return [Finding(path, 0, "", f"HTML không an toàn, sẽ bị loại khỏi trang: {', '.join(parts)}.",
                    "xoá thẻ hoặc thuộc tính đó, hoặc viết lại bằng Markdown", error=False)]


def check_file(path: Path, is_page: bool) -> tuple[list[Finding], dict | None]:
    """Findings for one file, and its metadata when it could be read."""
    out: list[Finding] = []
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [Finding(path, 0, "", f"tệp không phải UTF-8 ({exc.reason}).")], None
    for number, line in enumerate(text.split("\n"), 1):
        if not unicodedata.is_normalized("NFC", line):
            out.append(Finding(path, number, "", "văn bản chưa chuẩn hoá Unicode NFC (dấu tách rời).",
                               "chạy lại 'cctp ingest' hoặc lưu tệp với chuẩn NFC"))
            break
    m = FRONT.match(text)
    if not m:
        out.append(Finding(path, 1, "", "thiếu phần thông tin đầu bài giữa hai dòng '---'.",
                           "---\\ntitle: …\\nslug: …\\n---"))
        return out, None
    meta_text = m.group("meta")
    try:
        meta = yaml.load(meta_text, Loader=LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc)
        out.append(Finding(path, line, "", f"YAML sai cú pháp: {problem}.",
                           "đặt chuỗi có dấu ':' trong ngoặc đơn, ví dụ title: 'Thái Nguyên: Triển khai …'"))
        return out, None
    if not isinstance(meta, dict):
        out.append(Finding(path, 2, "", "phần thông tin đầu bài phải là các dòng 'khoá: giá trị'.", "title: …"))
        return out, None

    def err(key: str, message: str, example: str = "", error: bool = True) -> None:
        out.append(Finding(path, _line_of(meta_text, key.split(".")[0]), key, message, example, error))

    for key in REQUIRED_PAGE if is_page else REQUIRED_ARTICLE:
        if meta.get(key) in (None, "", []):
            err(key, "thiếu trường bắt buộc.", {"title": "title: Tiêu đề bài", "slug": "slug: tieu-de-bai",
                                                 "status": "status: published", "lang": "lang: vi",
                                                 "doc_type": "doc_type: news", "source": "source: {file: raw/…}"}[key])
    if meta.get("slug") and not SLUG.match(str(meta["slug"])):
        err("slug", f"'{meta['slug']}' không hợp lệ: chỉ chữ thường không dấu, số và '-'.", "slug: thai-nguyen-trien-khai-de-an")
    for key, allowed in CHOICES.items():
        if key in meta and meta[key] is not None and meta[key] not in allowed:
            err(key, f"giá trị '{meta[key]}' không hợp lệ; chọn một trong: {', '.join(allowed)}.", f"{key}: {allowed[0]}")
    out.extend(unsafe_html(path, text[m.end():]))
    if is_page:
        return out, meta

    date = meta.get("date")
    if date is None:
        if meta.get("status") != "draft":
            err("date", "bài đã xuất bản phải có ngày.", "date: 2022-04-13 (hoặc để status: draft)")
    elif _iso(date) is None:
        err("date", f"'{date}' không phải ngày ISO 8601.", "date: 2022-04-13 hoặc date: '2022-04-13T11:01:00+07:00'")
    elif not meta.get("date_basis"):
        err("date_basis", "thiếu căn cứ của ngày.", "date_basis: published")
    if meta.get("doc_type") and meta["doc_type"] not in doc_types():
        err("doc_type", f"loại văn bản '{meta['doc_type']}' không có trong danh mục.", f"doc_type: news  (một trong: {', '.join(doc_types())})")
    province = meta.get("province")
    if province:
        known = gazetteer().province(str(province))
        if known is None:
            err("province", f"'{province}' không phải tỉnh/thành (trước 2025) trong danh mục.", "province: Bắc Kạn")
        elif known.name != province:
            err("province", f"hãy dùng tên chuẩn '{known.name}' thay cho '{province}'.", f"province: {known.name}")
    unit = meta.get("unit_2025")
    if unit and gazetteer().unit(str(unit)) is None:
        err("unit_2025", f"'{unit}' không phải đơn vị hành chính cấp tỉnh sau 2025.", "unit_2025: Tuyên Quang")
    for key in ("topics", "tags", "authors", "recipients"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], list):
            err(key, "phải là một danh sách.", f"{key}: [a, b]")
    for topic in meta.get("topics") or []:
        if topic not in topics():
            err("topics", f"chủ đề '{topic}' không có trong danh mục.", f"topics: [{next(iter(topics()))}]")
    for i, c in enumerate(meta.get("citations") or []):
        if not isinstance(c, dict) or not c.get("code"):
            err("citations", f"trích dẫn thứ {i + 1} thiếu 'code'.", "- code: 49-NQ/TW")
        elif c.get("date") is not None and _iso(c["date"]) is None:
            err("citations", f"ngày của {c['code']} ('{c['date']}') không phải ngày ISO.", "date: '2005-06-02'")
    source = meta.get("source")
    if source is not None and not (isinstance(source, dict) and (source.get("file") or source.get("url"))):
        err("source", "nguồn phải có 'file' hoặc 'url'.", "source: {file: raw/seeds/000.txt, url: null}")
    for reason in meta.get("review") or []:
        msg = reason.get("message", reason) if isinstance(reason, dict) else reason
        err("review", f"cần biên tập viên xem: {msg}", error=False)
    if meta.get("status") == "draft":
        err("status", "bài nháp: không xuất bản cho đến khi đổi thành 'status: published'.", error=False)
    return out, meta


def check_tree(content: Path) -> list[Finding]:
    findings: list[Finding] = []
    slugs: dict[str, Path] = {}
    sources: dict[str, Path] = {}
    for path in sorted(content.rglob("*.md")):
        is_page = "pages" in path.relative_to(content).parts[:1]
        found, meta = check_file(path, is_page)
        findings.extend(found)
        if not meta:
            continue
        slug = meta.get("slug")
        if slug:
            key = ("page:" if is_page else "") + str(slug)
            if key in slugs:
                findings.append(Finding(path, 0, "slug", f"slug '{slug}' trùng với {slugs[key]}.", f"slug: {slug}-2"))
            slugs.setdefault(key, path)
        source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
        for ident in filter(None, (source.get("sha256"), source.get("url"))):
            if ident in sources:
                findings.append(Finding(path, 0, "source", f"cùng nguồn với {sources[ident]} (bài trùng).",
                                        "xoá một trong hai bài"))
            sources.setdefault(ident, path)
    return findings


def add_arguments(p) -> None:
    p.add_argument("content", nargs="?", default="content", type=Path, help="thư mục nội dung (mặc định: content)")
    p.add_argument("--changed", action="store_true",
                   help="chỉ kiểm tra các tệp git cho là đã đổi (so với --base; gồm cả tệp mới, đã hoặc chưa "
                        "git add); dùng cho pre-commit")
    p.add_argument("--base", default="HEAD", metavar="REF",
                   help="với --changed: so với commit/nhánh này (mặc định HEAD; trong CI ví dụ origin/main)")


def run(args) -> int:
    if args.changed:
        return check_changed(args.content, args.base)
    return check_content(args.content)


def check_changed(content: Path, ref: str) -> int:
    """Check only the files git says changed. Every other file is only scanned as text (no
    YAML), for a slug or source the changed files repeat, so this stays fast on a big archive."""
    from .gitfiles import changed_files

    if not content.is_dir():
        print(f"lỗi: không có thư mục nội dung '{content}'", file=sys.stderr)
        return 2
    changed = changed_files(content, ref)
    if changed is None:
        print(f"lỗi: --changed cần git và một kho git có '{ref}' (thư mục '{content}' không nằm trong kho git, "
              "hoặc không có REF này). Chạy 'cctp check' để kiểm tra tất cả.", file=sys.stderr)
        return 2
    root = content.resolve()
    changed = [p for p in changed if p.suffix == ".md"]
    findings: list[Finding] = []
    for path in changed:
        shown = content / path.relative_to(root)
        is_page = "pages" in path.relative_to(root).parts[:1]
        found, meta = check_file(shown, is_page)
        findings.extend(found)
        if meta and not is_page:
            findings.extend(_repeats(content, shown, meta))
    errors = [f for f in findings if f.error]
    for f in findings:
        print(f, file=sys.stderr)
    print(f"đã kiểm tra {len(changed)} tệp đã đổi so với {ref}: {len(errors)} lỗi, "
          f"{len(findings) - len(errors)} cảnh báo", file=sys.stderr)
    return 1 if errors else 0


# A line of the front matter _repeats can match a slug or a source on, at any line start
# (a lookahead, so that a key whose value spills onto the next line does not hide that line).
_REPEAT_LINE = re.compile(r"(?=^\s*(?:- )?(slug|sha256|url):\s*(.*?)\s*$)", re.M)
INDEX_DIR = Path(__file__).resolve().parent.parent / ".cache" / "cctp-check"
QUOTES = "'\""


def _candidates(data: bytes) -> tuple[frozenset, frozenset]:
    """The slugs and sources a file's front matter can be matched on: each slug, sha256 or url
    line's value, with and without a quote at either end (the lines _repeats's expressions
    match, for any wanted value)."""
    head = FRONT.match(data.decode("utf-8", errors="replace"))
    found: dict[str, set] = {"slug": set(), "source": set()}
    for key, value in _REPEAT_LINE.findall(head.group("meta")) if head else ():
        if not value or "\ufffd" in value:  # bytes that are not UTF-8 repeat no value of a valid file
            continue
        variants = {value}
        if value[0] in QUOTES:
            variants.add(value[1:])
        if value[-1] in QUOTES:
            variants.add(value[:-1])
            if value[0] in QUOTES and len(value) > 1:
                variants.add(value[1:-1])
        found["slug" if key == "slug" else "source"].update(variants)
    return frozenset(found["slug"]), frozenset(found["source"])


def _article_values(content: Path) -> dict[str, tuple[frozenset, frozenset]]:
    """Every article's _candidates by its path, in the order of the paths' parts, read again
    only for a file whose size or modification time changed since the last check (FileMemo):
    checking one changed file read all the others (10,000 files: 1.3 s with the disk's cache
    cold, as a commit after a pause finds it, 0.16 s warm). Paths as text: pathlib's sorting and
    relative paths took most of the time once the files were no longer read."""
    from .filememo import FileMemo

    memo = FileMemo(INDEX_DIR, content)
    start = len(str(content)) + 1
    values = {}
    found = [os.path.join(folder, name) for folder, _, names in os.walk(content / "articles", followlinks=True)
             for name in names if name.endswith(".md")]
    for other in sorted(found, key=lambda p: p.split(os.sep)):
        try:
            st = os.stat(other)
            values[other] = memo.get(other[start:], (st.st_size, st.st_mtime_ns), lambda: _candidates(_read(other)))
        except OSError:
            continue
    memo.save()
    return values


def _read(path: str) -> bytes:
    with open(path, "rb") as fh:
        return fh.read()


def _repeats(content: Path, path: Path, meta: dict) -> list[Finding]:
    """Other articles with the same slug or source as `path` (the rule check_tree applies)."""
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    wanted = {"slug": [str(meta["slug"])] if meta.get("slug") else [],
              "source": [str(v) for v in (source.get("sha256"), source.get("url")) if v]}
    out: list[Finding] = []
    if not (wanted["slug"] or wanted["source"]):
        return out
    here = path.resolve()
    for name, (slugs, sources) in _article_values(content).items():
        hits = [key for key, held in (("slug", slugs), ("source", sources)) if any(v in held for v in wanted[key])]
        other = Path(name) if hits else None
        if not hits or other.resolve() == here:
            continue
        for key in hits:
            message = f"slug '{meta['slug']}' trùng với {other}." if key == "slug" else f"cùng nguồn với {other} (bài trùng)."
            out.append(Finding(path, 0, key, message, f"slug: {meta['slug']}-2" if key == "slug" else "xoá một trong hai bài"))
    return out


def check_content(content: Path) -> int:
    if not content.is_dir():
        print(f"lỗi: không có thư mục nội dung '{content}'", file=sys.stderr)
        return 2
    findings = check_tree(content)
    errors = [f for f in findings if f.error]
    for f in findings:
        print(f, file=sys.stderr)
    files = sum(1 for _ in content.rglob("*.md"))
    print(f"đã kiểm tra {files} tệp: {len(errors)} lỗi, {len(findings) - len(errors)} cảnh báo", file=sys.stderr)
    return 1 if errors else 0
