"""`cctp ingest`: raw text documents → Markdown articles under content/."""
from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from .gazetteer import gazetteer
from .pipeline import process
from .record import Document
from .outlets import outlet_for
from .sources import SourceError, expand, read
from .dedup import DuplicateIndex
from .write import article_path, atomic_write, compose, edited, front_matter, render, source_indexes, split


@dataclass
class Outcome:
    doc: Document
    path: Path
    state: str      # new | updated | unchanged | kept-edited


MESSAGES = {
    "new": "đã ghi",
    "updated": "đã cập nhật",
    "unchanged": "không đổi",
    "kept-edited": "bỏ qua: tệp đã được biên tập viên sửa, giữ nguyên bản của biên tập viên",
    "duplicate": "trùng với bài đã có: đã thêm nguồn này vào 'also_sources' của bài",
    "duplicate-edited": "trùng với bài đã có nhưng bài đã được biên tập viên sửa: hãy tự thêm nguồn này vào 'also_sources'",
}


def store_raw(path: Path, project: Path, dry_run: bool) -> str:
    """Keep the raw input inside the project (raw/<folder>/<name>); return its project path."""
    path = path.resolve()
    if path.is_relative_to(project):
        return path.relative_to(project).as_posix()
    target = project / "raw" / path.parent.name / path.name
    if target.exists() and target.read_bytes() != path.read_bytes():
        target = target.with_name(f"{path.stem}-{_short_hash(path)}{path.suffix}")
    if not dry_run and not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return target.relative_to(project).as_posix()


def _short_hash(path: Path) -> str:
    import hashlib
    return hashlib.sha256(path.read_bytes()).hexdigest()[:8]


def _owner(path: Path, sources: dict[str, Path]) -> str | None:
    return next((sha for sha, p in sources.items() if p == path), None)


def _source_entry(doc: Document) -> dict:
    return {"file": doc.source_file, "url": doc.source_url, "sha256": doc.source_sha256, "retrieved": doc.retrieved}


def attach_duplicate(doc: Document, path: Path, dry_run: bool) -> Outcome:
    """Record a republished copy as another source of the article it repeats."""
    old = path.read_text(encoding="utf-8")
    if edited(old):
        return Outcome(doc, path, "duplicate-edited")
    meta, markdown = split(old)
    entries = [*(meta.get("also_sources") or []), _source_entry(doc)]
    # Keep the writer's field order: also_sources right after source.
    meta = {k: v for k, v in meta.items() if k != "also_sources"}
    at = list(meta).index("source") + 1
    items = list(meta.items())
    meta = dict(items[:at] + [("also_sources", entries)] + items[at:])
    if not dry_run:
        atomic_write(path, compose(meta, markdown))
    return Outcome(doc, path, "duplicate")


class _LazyDuplicates:
    """The duplicate index over the archive's bodies, built on first use only."""

    def __init__(self, content: Path):
        self.content, self._index = content, None

    def index(self) -> DuplicateIndex:
        if self._index is None:
            self._index = DuplicateIndex()
            for path in sorted(self.content.rglob("*.md")) if self.content.exists() else []:
                try:
                    self._index.add(str(path), split(path.read_text(encoding="utf-8"))[1])
                except ValueError:
                    continue   # not an article file: cctp check reports it
        return self._index

    def add_if_built(self, key: str, text: str) -> None:
        """Keep a built index current; an index not built yet will read the file itself."""
        if self._index is not None:
            self._index.add(key, text)


def ingest_one(path: Path, content: Path, sources: dict[str, Path], planned: dict[Path, str],
               dry_run: bool, source_url: str | None = None, duplicates: _LazyDuplicates | None = None,
               absorbed: dict[str, Path] | None = None) -> Outcome:
    project = content.resolve().parent
    doc = read(path, store_raw(path, project, dry_run))
    if source_url:
        doc.source_url = source_url
    return ingest_doc(doc, content, sources, planned, dry_run, duplicates, absorbed=absorbed)


def ingest_doc(doc: Document, content: Path, sources: dict[str, Path], planned: dict[Path, str], dry_run: bool,
               duplicates: _LazyDuplicates | None = None, existing: Path | None = None,
               absorbed: dict[str, Path] | None = None) -> Outcome:
    """A read Document (from a file or a fetched page) → its article. `existing`: the article an
    earlier version of the same source made (a re-fetched page that changed has a new sha256)."""
    if doc.outlet is None and (outlet := outlet_for(doc.source_url)):
        doc.outlet, doc.source_province = outlet.title, outlet.province
    doc = process(doc)
    if absorbed and doc.source_sha256 in absorbed:
        return Outcome(doc, absorbed[doc.source_sha256], "unchanged")   # already another source of it
    existing = existing or sources.get(doc.source_sha256)
    if existing is None and duplicates is not None:
        hit = duplicates.index().find(doc.body_text())
        if hit:
            outcome = attach_duplicate(doc, Path(hit[0]), dry_run)
            if absorbed is not None:
                absorbed[doc.source_sha256] = outcome.path
            return outcome
    target = article_path(content, doc)
    taken_by = planned.get(target) or (_owner(target, sources) if target.exists() else None)
    if target.exists() and taken_by is None and target != existing:
        taken_by = "?"
    if taken_by and taken_by != doc.source_sha256 and target != existing:
        # Same title, another source: keep both, apart.
        doc.slug = f"{doc.slug}-{doc.source_sha256[:6]}"
        target = article_path(content, doc)
    planned[target] = doc.source_sha256
    text = render(doc)
    current = existing if existing and existing.exists() else (target if target.exists() else None)
    if current is not None:
        old = current.read_text(encoding="utf-8")
        if edited(old):
            return Outcome(doc, current, "kept-edited")
        # Sources absorbed as duplicates stay with the article when it is rewritten.
        doc.also_sources = split(old)[0].get("also_sources") or []
        text = render(doc)
        if current == target and old == text:
            return Outcome(doc, target, "unchanged")
    if not dry_run:
        atomic_write(target, text)
        if current is not None and current != target:
            current.unlink()
    sources[doc.source_sha256] = target
    if duplicates is not None:
        duplicates.add_if_built(str(target), doc.body_text())
    return Outcome(doc, target, "updated" if current is not None else "new")


def as_json(outcome: Outcome, cwd: Path) -> dict:
    doc = outcome.doc
    province = gazetteer().province(doc.province)
    try:
        shown = outcome.path.resolve().relative_to(cwd).as_posix()
    except ValueError:
        shown = str(outcome.path)
    # The front matter, flat, with every optional field present (null when unknown).
    record = {"source": doc.source_file,
              **{k: v for k, v in front_matter(doc).items() if k != "source"}}
    for key in ("date", "date_basis", "author_affiliation", "agency", "about", "doc_number", "issuer", "signer",
                "signer_title", "received"):
        record.setdefault(key, None)
    record.setdefault("recipients", [])
    record.update(unit_2025=province.unit_2025 if province else doc.unit_2025,
                  author=", ".join(doc.authors) or doc.agency or None, path=shown, state=outcome.state)
    return record


def add_arguments(p) -> None:
    p.add_argument("paths", nargs="+", help="tệp .txt, .html, .pdf hoặc thư mục chứa chúng")
    p.add_argument("--content", default="content", type=Path, help="thư mục nội dung (mặc định: content)")
    p.add_argument("--dry-run", action="store_true", help="không ghi gì, chỉ cho biết sẽ làm gì")
    p.add_argument("--json", action="store_true", help="in mỗi tài liệu một dòng JSON")
    p.add_argument("--source-url", help="địa chỉ gốc của tài liệu (khi nhập một tệp đã lưu)")


def run(args) -> int:
    if args.source_url and len(args.paths) != 1:
        print("lỗi: --source-url chỉ dùng với một tệp", file=sys.stderr)
        return 2
    return ingest(args.paths, args.content, args.dry_run, args.json, args.source_url)


def ingest(paths: list[str], content: Path, dry_run: bool, as_jsonl: bool, source_url: str | None = None) -> int:
    failures = 0
    try:
        files = expand(paths)
    except SourceError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 2
    sources, absorbed = source_indexes(content) if content.exists() else ({}, {})
    planned: dict[Path, str] = {}
    duplicates = _LazyDuplicates(content)
    cwd = Path.cwd().resolve()
    for path in files:
        try:
            outcome = ingest_one(path, content, sources, planned, dry_run, source_url, duplicates, absorbed)
        except SourceError as exc:
            failures += 1
            print(f"lỗi: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # noqa: BLE001 — one bad document must not stop the batch
            failures += 1
            print(f"lỗi: {path}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        if as_jsonl:
            print(json.dumps(as_json(outcome, cwd), ensure_ascii=False), flush=True)
        verb = MESSAGES[outcome.state] + (" (thử, không ghi)" if dry_run and outcome.state in ("new", "updated", "duplicate") else "")
        print(f"{verb}: {path} → {outcome.path}", file=sys.stderr)
        for r in outcome.doc.review:
            print(f"  cần xem: [{r.code}] {r.message}", file=sys.stderr)
    print(f"{len(files) - failures}/{len(files)} tài liệu xử lý xong" + (f", {failures} lỗi" if failures else ""),
          file=sys.stderr)
    return 1 if failures else 0
