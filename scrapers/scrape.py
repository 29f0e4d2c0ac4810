"""`cctp scrape`: new items from the outlets in data/sources.yaml → articles under content/.

Each run: entry points (feeds, sitemaps, listing pages) are fetched and read for article
links; each link is fetched (conditionally: an unchanged page costs a 304), read into a
Document (scrapers.html / scrapers.pdf), kept only when it is about judicial reform, and
handed to the ingest (scrapers.ingest.ingest_doc) like any raw input. Fetching runs in
worker threads; reading and writing happen in this thread, in a stable order.

Nothing is lost or clobbered: the page as received is kept under raw/web/, articles are
written atomically, an article an editor changed is never overwritten (the new version
goes beside it as <slug>.md.new, which neither `cctp check` nor Pelican reads), and a
page that fails is reported and tried again next run.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import yaml
from slugify import slugify

from . import html, pdf
from .discover import Link, feed_links, listing_links, normalise_url, sitemap_links
from .fetch import Fetched, Fetcher, FetchError, FetchSettings, HttpCache, settings
from .ingest import MESSAGES, _LazyDuplicates, ingest_doc
from .outlets import SOURCES_FILE, outlets
from .sources import SourceError
from .text import fold
from .write import atomic_write, render, source_index

ASIDE_SUFFIX = ".new"     # <slug>.md.new: the new version of an article an editor changed
MAX_SITEMAP_DEPTH = 2


class SetupError(Exception):
    """The run cannot start (unknown source, unreadable settings or state); says why, in Vietnamese."""


# Sources -------------------------------------------------------------------------------

@dataclass
class Source:
    name: str
    title: str
    province: str | None
    entry: dict
    host: str
    feeds: list[str]
    sitemaps: list[str]
    listings: list[str]
    article_re: re.Pattern
    document_re: re.Pattern
    keywords: list[str]
    sections: list[str]

    @classmethod
    def from_outlet(cls, outlet, defaults: dict) -> "Source":
        e = outlet.entry
        topic = e.get("topic") or defaults["topic"]
        return cls(outlet.name, outlet.title, outlet.province, e, outlet.host,
                   list(e.get("feeds") or []), list(e.get("sitemaps") or []), list(e.get("listings") or []),
                   re.compile(e.get("article_links") or r"$^"), re.compile(e.get("document_links") or r"\.pdf$", re.I),
                   [fold(k) for k in topic.get("keywords") or []], [fold(s) for s in topic.get("sections") or []])

    def owns(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
        own = self.host.split(":")[0]
        return host == own or host.endswith("." + own)

    def is_item(self, url: str) -> bool:
        path = urlsplit(url)._replace(scheme="", netloc="").geturl()
        return self.owns(url) and bool(self.article_re.search(path) or self.document_re.search(path))

    def on_topic(self, title: str | None, text: str, section: str | None, url: str) -> bool:
        if self.sections and any(s in fold(section or "") or s in fold(url) for s in self.sections):
            return True
        # The title and lead say what an item is about; a passing mention further down does not.
        head = fold(f"{title or ''}\n{text[:1500]}")
        return any(k in head for k in self.keywords)


def load_sources(path: Path, names: list[str] | None, defaults: dict) -> list[Source]:
    found = [Source.from_outlet(o, defaults) for o in outlets(path)]
    if names:
        unknown = sorted(set(names) - {s.name for s in found})
        if unknown:
            raise SetupError(f"không có nguồn {', '.join(unknown)} trong {path} "
                             f"(có: {', '.join(s.name for s in found)})")
        found = [s for s in found if s.name in names]
    return found


# State ---------------------------------------------------------------------------------

class State:
    """What was seen, by URL: stored (with its article and text hash), off-topic, failed.
    Written only when something changed, so a quiet run leaves no diff."""

    def __init__(self, path: Path):
        self.path = path
        self.items: dict[str, dict] = {}
        if path.exists():
            try:
                self.items = json.loads(path.read_text(encoding="utf-8")).get("items", {})
            except ValueError as exc:
                raise SetupError(f"{path}: tệp trạng thái hỏng ({exc}); sửa hoặc xoá nó rồi chạy lại") from exc
        self._saved = self._dump()

    def _dump(self) -> str:
        return json.dumps({"version": 1, "items": self.items}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    def get(self, url: str) -> dict:
        return self.items.get(url, {})

    def put(self, url: str, **values) -> None:
        item = dict(self.items.get(url, {}))
        item.update(values)
        self.items[url] = {k: v for k, v in item.items() if v is not None}

    def save(self) -> bool:
        text = self._dump()
        if text == self._saved:
            return False
        atomic_write(self.path, text)
        self._saved = text
        return True


# Report --------------------------------------------------------------------------------

LABELS = {
    "new": "mới",
    "updated": "cập nhật",
    "unchanged": "không đổi",
    "kept-edited": "giữ bản biên tập viên (bản mới để bên cạnh)",
    "duplicate": "trùng bài đã có (ghi thêm nguồn)",
    "duplicate-edited": "trùng bài đã có, bài đã được sửa (cần thêm nguồn bằng tay)",
    "off-topic": "bỏ qua: ngoài chủ đề",
    "old": "bỏ qua: cũ hơn --since",
    "robots": "bỏ qua: robots.txt không cho phép",
    "failed": "lỗi",
}


@dataclass
class Report:
    dry_run: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    aside: list[Path] = field(default_factory=list)
    _bar: object = None
    _task: object = None

    def start(self, total: int) -> None:
        """A progress bar on a terminal; under cron or CI, one line per item instead."""
        if sys.stderr.isatty():
            from rich.progress import Progress
            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("Đang tải", total=total)

    def note(self, state: str, url: str, detail: str = "") -> None:
        self.counts[state] = self.counts.get(state, 0) + 1
        if state == "failed":
            self.failures.append(f"{url}: {detail}")
            line = f"lỗi: {url}: {detail}"
        else:
            line = f"{LABELS.get(state, MESSAGES.get(state, state))}: {url}" + (f" → {detail}" if detail else "")
        if self._bar:
            self._bar.advance(self._task)
            self._bar.console.log(line)
        else:
            print(line, file=sys.stderr, flush=True)

    def finish(self) -> str:
        if self._bar:
            self._bar.stop()
        order = ["new", "updated", "unchanged", "kept-edited", "duplicate", "duplicate-edited", "off-topic", "old",
                 "robots", "failed"]
        parts = [f"{self.counts[k]} {LABELS[k]}" for k in order if self.counts.get(k)]
        lines = [("Thử (không ghi gì): " if self.dry_run else "Xong: ") + (", ".join(parts) or "không có mục nào")]
        if self.aside:
            lines.append("Chờ biên tập viên so sánh (bài đã sửa tay; bản mới để bên cạnh, không được dựng):")
            lines += [f"  {p}" for p in self.aside]
        if self.failures:
            lines.append(f"Lỗi ({len(self.failures)}), sẽ thử lại lần chạy sau:")
            lines += [f"  {f}" for f in self.failures]
        return "\n".join(lines)


# The run -------------------------------------------------------------------------------

@dataclass
class Candidate:
    url: str
    source: Source
    date: dt.date | None = None
    retry: bool = False


class Scrape:
    def __init__(self, content: Path, sources: list[Source], config: dict, dry_run: bool = False,
                 since: dt.date | None = None, limit: int | None = None, report: Report | None = None):
        self.content, self.sources, self.config = content, sources, config
        self.project = content.resolve().parent
        paths = config["paths"]
        self.state = State(self.project / paths["state"])
        self.raw_dir = self.project / paths["raw"]
        self.dry_run, self.since, self.limit = dry_run, since, limit
        self.report = report or Report(dry_run=dry_run)
        self.tracking = config.get("tracking_params") or []
        cache = HttpCache(self.project / paths["cache"], writable=not dry_run)
        self.fetcher = Fetcher(FetchSettings(**config["fetch"]), cache)
        self.index = source_index(content) if content.exists() else {}
        self.planned: dict[Path, str] = {}
        self.duplicates = _LazyDuplicates(content)

    # Discovery ---------------------------------------------------------------------

    def discover(self, pool: ThreadPoolExecutor) -> list[Candidate]:
        """Candidates of every source, newest first within a source, each URL once."""
        jobs: list[tuple[Source, str, str, int, Future]] = []
        for source in self.sources:
            for kind in ("feeds", "sitemaps", "listings"):
                for url in getattr(source, kind):
                    jobs.append((source, kind, url, 0, pool.submit(self.fetcher.get, url)))
        found: dict[str, list[Link]] = {s.name: [] for s in self.sources}
        while jobs:
            later = []
            for source, kind, url, depth, job in jobs:
                try:
                    got = job.result()
                    if kind == "feeds":
                        links = feed_links(got.body or b"", got.final_url)
                    elif kind == "sitemaps":
                        links, children = sitemap_links(got.body or b"", got.final_url)
                        for child in children if depth < MAX_SITEMAP_DEPTH else []:
                            later.append((source, kind, child, depth + 1, pool.submit(self.fetcher.get, child)))
                        links = [l for l in links if source.is_item(l.url)]
                    else:
                        links = [l for l in listing_links(got.body or b"", got.final_url, got.charset)
                                 if source.is_item(l.url)]
                    found[source.name].extend(links)
                except FetchError as exc:
                    self.report.note("robots" if exc.kind == "robots" else "failed", url, f"trang đầu vào: {exc.reason}")
                except (ValueError, lxml.etree.LxmlError) as exc:
                    self.report.note("failed", url, f"trang đầu vào không đọc được: {exc}")
            jobs = later
        candidates: list[Candidate] = []
        for source in self.sources:
            seen: dict[str, Candidate] = {}
            for link in found[source.name]:
                url = normalise_url(link.url, self.tracking)
                if url not in seen:
                    seen[url] = Candidate(url, source, link.date)
                elif link.date and not seen[url].date:
                    seen[url].date = link.date
            # Failures of earlier runs are tried again even when no entry point lists them now.
            for url, item in sorted(self.state.items.items()):
                if item.get("source") == source.name and item.get("status") == "failed" and url not in seen:
                    seen[url] = Candidate(url, source, retry=True)
            chosen = []
            for cand in sorted(seen.values(), key=lambda c: c.date or dt.date.max, reverse=True):
                if self.state.get(cand.url).get("status") == "off-topic":
                    self.report.note("off-topic", cand.url, "đã xét ở lần trước")
                elif self.since and cand.date and cand.date < self.since:
                    self.report.note("old", cand.url, cand.date.isoformat())
                else:
                    chosen.append(cand)
            candidates.extend(chosen[: self.limit] if self.limit else chosen)
        return candidates

    # One item ------------------------------------------------------------------------

    def fetch(self, cand: Candidate) -> Fetched:
        known = self.state.get(cand.url)
        return self.fetcher.get(cand.url, known.get("etag"), known.get("last_modified"))

    def read(self, cand: Candidate, got: Fetched):
        """The Document a fetched item holds (a web page or a PDF)."""
        body = got.body or b""
        if got.content_type == "application/pdf" or body.startswith(b"%PDF"):
            return pdf.to_document(body, None, cand.url), "pdf"
        page = html.parse(body, url=got.final_url, charset=got.charset, source=cand.source.entry)
        return html.to_document(body, page, None), "html"

    def handle(self, cand: Candidate, got: Fetched) -> None:
        url, known = cand.url, self.state.get(cand.url)
        if got.not_modified and known.get("status") == "stored":
            return self.report.note("unchanged", url, "304")
        doc, kind = self.read(cand, got)
        doc.source_url = url if kind == "pdf" else self._key(doc.source_url, url)
        if doc.source_url != url and self.state.get(doc.source_url).get("status") == "stored":
            # Another address of an item we hold (the page names its canonical URL).
            self.state.put(url, source=cand.source.name, status="alias", canonical=doc.source_url)
            return self.report.note("unchanged", url, f"cùng bài với {doc.source_url}")
        key = doc.source_url
        known = self.state.get(key) or known
        if not cand.source.on_topic(doc.page_title, doc.raw, doc.page_section, key):
            self.state.put(key, source=cand.source.name, status="off-topic", seen=got.retrieved)
            return self.report.note("off-topic", key)
        page_day = doc.page_date[:10] if doc.page_date else None
        if self.since and page_day and dt.date.fromisoformat(page_day) < self.since:
            return self.report.note("old", key, page_day)
        text_sha = hashlib.sha256(doc.raw.encode("utf-8")).hexdigest()
        article = self.project / known["article"] if known.get("article") else None
        validators = {"etag": got.headers.get("etag"), "last_modified": got.headers.get("last-modified")}
        if known.get("status") == "stored" and known.get("text_sha256") == text_sha and article and article.exists():
            self.state.put(key, **validators)
            return self.report.note("unchanged", key, "nội dung như cũ")
        raw_path = self._raw_path(cand.source, key, got.body or b"", kind)
        if not self.dry_run:
            atomic_write(raw_path, got.body or b"")
        doc.source_file = raw_path.relative_to(self.project).as_posix()
        doc.retrieved = got.retrieved
        doc.outlet, doc.source_province = cand.source.title, cand.source.province
        outcome = ingest_doc(doc, self.content, self.index, self.planned, self.dry_run, self.duplicates,
                             existing=article if article and article.exists() else None)
        if outcome.state == "kept-edited":
            aside = outcome.path.with_name(outcome.path.name + ASIDE_SUFFIX)
            if not self.dry_run:
                atomic_write(aside, render(outcome.doc))
            self.report.aside.append(self._shown(aside))
        self.state.put(key, source=cand.source.name, status="stored", article=self._rel(outcome.path),
                       text_sha256=text_sha, raw=doc.source_file, retrieved=got.retrieved,
                       first_seen=known.get("first_seen") or got.retrieved, error=None, tries=None, **validators)
        self.report.note(outcome.state, key, str(self._shown(outcome.path)))
        for reason in outcome.doc.review:
            if reason.code == "ocr":
                print(f"  cần xem: [{reason.code}] {reason.message}", file=sys.stderr)

    def _key(self, canonical: str | None, url: str) -> str:
        """The item's address: the page's canonical URL when it is on the same site."""
        if canonical:
            canon = normalise_url(canonical, self.tracking)
            if urlsplit(canon).netloc == urlsplit(url).netloc:
                return canon
        return url

    def _raw_path(self, source: Source, url: str, body: bytes, kind: str) -> Path:
        stem = slugify(Path(urlsplit(url).path).stem or "trang", max_length=60) or "trang"
        return self.raw_dir / source.name / f"{stem}-{hashlib.sha256(body).hexdigest()[:10]}.{kind}"

    def _rel(self, path: Path) -> str:
        return path.resolve().relative_to(self.project).as_posix()

    def _shown(self, path: Path) -> Path:
        try:
            return path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return path

    def failed(self, cand: Candidate, reason: str) -> None:
        known = self.state.get(cand.url)
        if known.get("status") in (None, "failed"):
            self.state.put(cand.url, source=cand.source.name, status="failed", error=reason,
                           tries=known.get("tries", 0) + 1)
        self.report.note("failed", cand.url, reason)

    # Run -----------------------------------------------------------------------------

    def run(self) -> int:
        workers = max(self.fetcher.config.workers, 1)
        with self.fetcher, ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            candidates = self.discover(pool)
            self.report.start(len(candidates))
            jobs = [(cand, pool.submit(self.fetch, cand)) for cand in candidates]
            try:
                for cand, job in jobs:
                    try:
                        self.handle(cand, job.result())
                    except FetchError as exc:
                        if exc.kind == "robots":
                            self.report.note("robots", cand.url, exc.reason)
                        else:
                            self.failed(cand, exc.reason)
                    except SourceError as exc:
                        self.failed(cand, str(exc).removeprefix(cand.url + ": "))
                    except Exception as exc:  # noqa: BLE001 — one bad page must not stop the batch
                        self.failed(cand, f"{type(exc).__name__}: {exc}")
            finally:
                for _, job in jobs:
                    job.cancel()
                if not self.dry_run:
                    self.state.save()
        print(self.report.finish(), file=sys.stderr)
        return 1 if self.report.failures else 0


# Command -------------------------------------------------------------------------------

def add_arguments(p) -> None:
    p.add_argument("--source", action="append", metavar="TÊN", help="chỉ nguồn này (lặp lại được); mặc định: mọi nguồn")
    p.add_argument("--since", type=_day, metavar="NGÀY", help="bỏ qua mục cũ hơn ngày này (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, metavar="N", help="tải tối đa N bài mỗi nguồn")
    p.add_argument("--dry-run", action="store_true", help="tải và đọc nhưng không ghi gì")
    p.add_argument("--content", default="content", type=Path, help="thư mục nội dung (mặc định: content)")
    p.add_argument("--sources", default=SOURCES_FILE, type=Path, help="tệp danh sách nguồn (mặc định: scrapers/data/sources.yaml)")
    p.add_argument("--config", type=Path, help="tệp YAML ghi đè cài đặt trong scrapers/data/scrape.yaml")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        import argparse
        raise argparse.ArgumentTypeError(f"ngày không hợp lệ: '{text}' (cần dạng YYYY-MM-DD)") from None


def load_config(override: Path | None) -> dict:
    config = {k: (dict(v) if isinstance(v, dict) else v) for k, v in settings().items()}
    if override:
        try:
            extra = yaml.safe_load(override.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise SetupError(f"{override}: không đọc được cài đặt ({exc})") from exc
        for key, value in extra.items():
            if isinstance(value, dict) and isinstance(config.get(key), dict):
                config[key] = {**config[key], **value}
            else:
                config[key] = value
    return config


def run(args) -> int:
    if args.limit is not None and args.limit < 1:
        print("lỗi: --limit phải là số dương", file=sys.stderr)
        return 2
    try:
        config = load_config(args.config)
        if not args.sources.exists():
            raise SetupError(f"không tìm thấy {args.sources}")
        sources = load_sources(args.sources, args.source, config)
        job = Scrape(args.content, sources, config, args.dry_run, args.since, args.limit)
    except SetupError as exc:
        print(f"lỗi: {exc}", file=sys.stderr)
        return 2
    return job.run()
