"""`cctp new`: a new article, as a draft, at the right path with the full front matter.

    cctp new --title … --province … --date … --doc-type … --source URL
    cctp new --from TỆP_HOẶC_URL [--source-url URL]

Without options (at a terminal) it asks for each value, with an example, until it is valid.
The first form writes the front matter the ingest writes (scrapers.write.front_matter), with
`status: draft`, a body skeleton and a review reason saying the body is still a skeleton.
`--from` runs the ingest on one document and writes its article as a draft. That file does
not match its ingest checksum, so it counts as the editor's from the start: a later
`cctp ingest` of the same document never overwrites it. Nothing is ever overwritten: an
existing file, a slug already used, or a document already in the archive is refused.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import re
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from slugify import slugify

from .check import check_file
from .gazetteer import doc_types, gazetteer
from .ingest import ingest_one, store_raw
from .pipeline import SLUG_MAX
from .record import Document, Review
from .sources import SourceError
from .text import fold, nfc, strip_diacritics
from .write import _Dumper, front_matter, render, source_index

SKELETON = """\
<!-- Khung bài do 'cctp new' tạo: thay các dòng dưới bằng nội dung thật rồi xoá dòng này. -->

Đoạn mở đầu: ai, làm gì, ở đâu, khi nào (một đến ba câu).

Các đoạn tiếp theo: nội dung chính, mỗi đoạn cách nhau một dòng trống.

## Tiêu đề mục (nếu cần)

- ý thứ nhất
- ý thứ hai
"""
SKELETON_REASON = Review("body-skeleton", "body",
                         "Thân bài còn là khung mẫu của 'cctp new'. Viết nội dung thật (xoá các dòng mẫu) rồi xoá mục này.")
EXAMPLE = ("cctp new --title 'Bắc Kạn triển khai nhiệm vụ cải cách tư pháp năm 2024' --province 'Bắc Kạn' "
           "--date 2024-05-01 --doc-type news --source https://backan.gov.vn/…")


class Invalid(ValueError):
    """A value an editor gave that cannot be used; the message says what to give instead."""


def parse_title(text: str) -> str:
    title = " ".join(nfc(text).split())
    if not title:
        raise Invalid("tiêu đề không được để trống. Ví dụ: 'Bắc Kạn triển khai nhiệm vụ cải cách tư pháp năm 2024'")
    return title


def parse_province(text: str) -> str | None:
    """Canonical pre-2025 name; '' means a national item (no province)."""
    text = nfc(text).strip()
    if not text:
        return None
    known = gazetteer().province(text)
    if known:
        return known.name
    keys = {strip_diacritics(n): n for p in gazetteer().provinces for n in (p.name, *p.variants)}
    close = difflib.get_close_matches(strip_diacritics(text), list(keys), n=3, cutoff=0.6)
    hint = f" Có phải: {', '.join(dict.fromkeys(gazetteer().province(keys[c]).name for c in close))}?" if close else ""
    raise Invalid(f"'{text}' không phải tỉnh/thành (trước 2025) trong danh mục.{hint} "
                  "Dùng tên trước sáp nhập 2025 (danh mục: scrapers/data/provinces.json), ví dụ 'Bắc Kạn'; "
                  "để trống nếu là tin toàn quốc.")


def parse_unit(text: str) -> str:
    """Canonical name of a unit formed by the 2025 merger."""
    key = strip_diacritics(nfc(text).strip())
    unit = next((u for u in gazetteer().units_2025 if strip_diacritics(u.name) == key), None)
    if unit is None:
        names = ", ".join(u.name for u in gazetteer().units_2025)
        raise Invalid(f"'{text.strip()}' không phải tỉnh/thành sau sáp nhập 2025. Chọn một trong: {names}.")
    return unit.name


def parse_date(text: str) -> str:
    """ISO date from '2024-05-01' or '01/05/2024'."""
    text = text.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    raise Invalid(f"'{text}' không phải một ngày có thật. Ví dụ: 2024-05-01 hoặc 01/05/2024 (ngày/tháng/năm).")


def parse_doc_type(text: str) -> str:
    """A slug of data/doc_types.json, given as the slug or its Vietnamese label."""
    key = fold(nfc(text).strip())
    for slug, entry in doc_types().items():
        if key in (slug, fold(entry["label"])):
            return slug
    choices = ", ".join(f"{slug} ({entry['label']})" for slug, entry in doc_types().items())
    raise Invalid(f"loại văn bản '{text.strip()}' không có trong danh mục. Chọn một trong: {choices}.")


def parse_source(text: str) -> str:
    url = text.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise Invalid(f"nguồn '{url}' không phải địa chỉ web. Ví dụ: https://backan.gov.vn/tin-tuc/123. "
                      "Tài liệu chỉ có trong tệp (bản quét, PDF, .txt): dùng 'cctp new --from TỆP'.")
    return url


# option → (question, parser), in the order they are asked.
FIELDS = {
    "title": ("Tiêu đề bài", parse_title),
    "province": ("Tỉnh/thành (tên trước 2025, ví dụ Bắc Kạn; để trống nếu là tin toàn quốc)", parse_province),
    "date": ("Ngày (ví dụ 2024-05-01 hoặc 01/05/2024)", parse_date),
    "doc_type": (f"Loại văn bản ({', '.join(doc_types())}; hoặc tên tiếng Việt như 'Kế hoạch')", parse_doc_type),
    "source": ("Địa chỉ gốc (URL) của bài", parse_source),
}


def _ask(question: str, parse, tries: int = 3):
    for _ in range(tries):
        try:
            return parse(input(f"{question}: "))
        except Invalid as exc:
            print(f"  chưa đúng: {exc}", file=sys.stderr)
        except EOFError:
            break
    raise Invalid(f"chưa có giá trị hợp lệ cho '{question}'.")


def gather(args, interactive: bool) -> dict:
    """The five values, from the options or (at a terminal) asked for; Invalid says what is wrong."""
    values, problems, missing = {}, [], []
    for name, (question, parse) in FIELDS.items():
        option, given = f"--{name.replace('_', '-')}", getattr(args, name)
        if given is not None:
            try:
                values[name] = parse(given)
            except Invalid as exc:
                problems.append(f"{option}: {exc}")
        elif interactive:
            values[name] = _ask(question, parse)
        else:
            missing.append(option)
    if args.unit_2025 is not None:
        try:
            values["unit_2025"] = parse_unit(args.unit_2025)
        except Invalid as exc:
            problems.append(f"--unit-2025: {exc}")
        if values.get("province"):
            problems.append("--unit-2025 chỉ dùng khi bài không nói tỉnh cũ (để trống --province): "
                            "bài sau 1/7/2025 chỉ nêu tên tỉnh/thành mới.")
    if missing:
        problems.append(f"thiếu {', '.join(missing)}. Ví dụ: {EXAMPLE}")
    if problems:
        raise Invalid("\n  ".join(problems))
    return values


def article_text(values: dict, slug: str, authors: list[str], lang: str, date_basis: str) -> str:
    """The file for a hand-made article: the ingest's front matter, as a draft, and a skeleton."""
    doc = Document(raw="", title=values["title"], slug=slug, date=values["date"], date_basis=date_basis,
                   lang=lang, province=values["province"], unit_2025=values.get("unit_2025"),
                   doc_type=values["doc_type"], authors=authors,
                   scope="province" if values["province"] or values.get("unit_2025") else "national",
                   source_url=values["source"], review=[SKELETON_REASON])
    meta = front_matter(doc)
    meta["status"] = "draft"
    meta["source"]["sha256"] = None      # no raw file to fingerprint
    head = yaml.dump(meta, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=10**6)
    return f"---\n{head}---\n\n{SKELETON}"


def create(path: Path, text: str) -> None:
    """Write a new file atomically; FileExistsError if it exists (never overwrites)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.link(tmp, path)   # fails if the name is taken, unlike a rename
    finally:
        Path(tmp).unlink(missing_ok=True)


def _slug_in_use(content: Path, slug: str) -> Path | None:
    return next(iter(sorted((content / "articles").glob(f"*/{slug}.md"))), None)


def _report(path: Path, content: Path) -> int:
    """Say what was written and what to do next; the file must pass `cctp check`."""
    findings, meta = check_file(path, is_page=False)
    errors = [f for f in findings if f.error]
    for f in errors:
        print(f, file=sys.stderr)
    print(f"đã tạo (bản nháp): {path}", file=sys.stderr)
    for reason in (meta or {}).get("review") or []:
        print(f"  cần xem: [{reason['code']}] {reason['message']}", file=sys.stderr)
    print("Tiếp theo: sửa tệp, xoá từng mục 'review' khi đã xử lý, đổi 'status: draft' thành "
          "'status: published' khi bài sẵn sàng. Xem trước: make serve; danh sách việc: cctp review.", file=sys.stderr)
    print(path)
    return 1 if errors else 0


def new_article(args, interactive: bool) -> int:
    try:
        values = gather(args, interactive)
        slug = slugify(args.slug or values["title"], max_length=SLUG_MAX, word_boundary=True, save_order=True)
        if not slug:
            raise Invalid(f"không tạo được slug từ '{args.slug or values['title']}'. Ví dụ: --slug bac-kan-trien-khai")
    except Invalid as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 2
    path = args.content / "articles" / values["date"][:4] / f"{slug}.md"
    taken = _slug_in_use(args.content, slug)
    if taken:
        print(f"lỗi: đã có bài với slug '{slug}': {taken}. Không ghi đè. Sửa bài đó, hoặc đặt slug khác: --slug {slug}-2",
              file=sys.stderr)
        return 1
    text = article_text(values, slug, [nfc(a).strip() for a in args.author or []], args.lang, args.date_basis)
    try:
        create(path, text)
    except FileExistsError:
        print(f"lỗi: đã có tệp {path}. Không ghi đè.", file=sys.stderr)
        return 1
    return _report(path, args.content)


def download(url: str, folder: Path) -> tuple[Path, str]:
    """One web page or PDF, fetched as `cctp scrape` fetches (robots.txt, time and size limits),
    saved under folder/web/ for the ingest to read and keep in raw/web/."""
    from .fetch import Fetcher

    with Fetcher() as fetcher:
        got = fetcher.get(url)
    body = got.body or b""
    suffix = ".pdf" if got.content_type == "application/pdf" or body.startswith(b"%PDF") else ".html"
    name = slugify(Path(urlsplit(got.final_url).path).stem, max_length=60) or "trang"
    path = folder / "web" / f"{name}{suffix}"
    path.parent.mkdir(parents=True)
    path.write_bytes(body)
    return path, got.retrieved


def new_from(args) -> int:
    """The ingest's article for one document (a file, or a page or PDF at a web address),
    written as a draft."""
    given = args.from_
    if re.match(r"^https?://", given):
        from .fetch import FetchError

        with tempfile.TemporaryDirectory() as folder:
            try:
                path, retrieved = download(given, Path(folder))
            except FetchError as exc:
                print(f"lỗi: không tải được {given}: {exc.reason}. Có thể lưu trang (hoặc PDF) về máy rồi chạy: "
                      f"cctp new --from TỆP --source-url {given}", file=sys.stderr)
                return 1
            args.source_url = args.source_url or given
            return _new_from_file(path, args, retrieved)
    path = Path(given)
    if not path.is_file():
        print(f"lỗi: không tìm thấy tệp '{given}'.", file=sys.stderr)
        return 2
    return _new_from_file(path, args)


def _new_from_file(path: Path, args, retrieved: str | None = None) -> int:
    content = args.content
    project = content.resolve().parent
    try:
        outcome = ingest_one(path, content, source_index(content) if content.exists() else {}, {}, dry_run=True,
                             source_url=args.source_url)
    except SourceError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 2
    if outcome.state != "new":
        print(f"lỗi: tài liệu này đã có trong kho: {outcome.path}. Không ghi đè; mở tệp đó để sửa.", file=sys.stderr)
        return 1
    store_raw(path, project, dry_run=False)
    outcome.doc.retrieved = retrieved or outcome.doc.retrieved
    text = re.sub(r"^status: published$", "status: draft", render(outcome.doc), count=1, flags=re.MULTILINE)
    try:
        create(outcome.path, text)
    except FileExistsError:
        print(f"lỗi: đã có tệp {outcome.path}. Không ghi đè.", file=sys.stderr)
        return 1
    return _report(outcome.path, content)


def add_arguments(p) -> None:
    p.add_argument("--title", help="tiêu đề bài")
    p.add_argument("--province", help="tỉnh/thành (tên trước 2025, ví dụ 'Bắc Kạn'); '' nếu là tin toàn quốc")
    p.add_argument("--unit-2025", dest="unit_2025",
                   help="chỉ khi không có --province: tỉnh/thành sau sáp nhập 2025 mà bài (sau 1/7/2025) nhắc tới")
    p.add_argument("--date", help="ngày bài: 2024-05-01 hoặc 01/05/2024")
    p.add_argument("--doc-type", dest="doc_type", help=f"loại văn bản: {', '.join(doc_types())}")
    p.add_argument("--source", help="địa chỉ gốc (URL) của bài")
    p.add_argument("--author", action="append", help="tác giả (lặp lại cho nhiều người)")
    p.add_argument("--lang", default="vi", choices=("vi", "en"), help="ngôn ngữ (mặc định: vi)")
    p.add_argument("--date-basis", dest="date_basis", default="published",
                   choices=("published", "event", "issued", "received"), help="ngày là ngày gì (mặc định: published)")
    p.add_argument("--slug", help="tên tệp/đường dẫn (mặc định: tạo từ tiêu đề)")
    p.add_argument("--from", dest="from_", metavar="TỆP_HOẶC_URL",
                   help="tạo bài từ một tài liệu (.txt, .html, .pdf …, hoặc địa chỉ web của trang/PDF) qua quy trình ingest")
    p.add_argument("--source-url", dest="source_url", help="với --from: địa chỉ gốc của tài liệu")
    p.add_argument("--content", default="content", type=Path, help="thư mục nội dung (mặc định: content)")


def run(args) -> int:
    if args.from_:
        return new_from(args)
    if args.source_url:
        print("lỗi: --source-url chỉ dùng với --from; bài nhập tay dùng --source URL.", file=sys.stderr)
        return 2
    return new_article(args, interactive=sys.stdin.isatty())
