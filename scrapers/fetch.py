"""Fetching like a good citizen: one HTTP client for every request `cctp scrape` makes.

robots.txt honoured (redirect targets too), a clear User-Agent, a per-host delay and
concurrency cap, time-outs, retries with backoff on 5xx and time-outs (never on 4xx), a
size cap, a redirect limit, and conditional GET against an on-disk cache. It returns
bytes and headers only: decoding and parsing are the readers' job.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx
import yaml

from .write import atomic_write

SETTINGS_FILE = Path(__file__).parent / "data" / "scrape.yaml"
REDIRECTS = {301, 302, 303, 307, 308}
VN = dt.timezone(dt.timedelta(hours=7))


@lru_cache(maxsize=4)
def settings(path: Path = SETTINGS_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str
    robots_agent: str
    connect_timeout: float
    read_timeout: float
    total_timeout: float
    retries: int
    backoff: float
    backoff_max: float
    host_delay: float
    max_crawl_delay: float
    host_concurrency: int
    workers: int
    max_bytes: int
    max_redirects: int

    @classmethod
    def load(cls, **overrides) -> "FetchSettings":
        return cls(**{**settings()["fetch"], **overrides})


@dataclass
class Fetched:
    url: str                 # as asked for
    final_url: str           # after redirects
    status: int              # 200, or 304 when the copy we hold is current
    headers: dict[str, str]
    body: bytes | None       # None on a 304 with no cached copy (the caller knows the item)
    retrieved: str           # ISO date-time (+07:00) of this response
    attempts: int = 1

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset" and value.strip():
                return value.strip().strip("'\"")
        return None


class FetchError(Exception):
    """A URL that could not be fetched; `reason` (Vietnamese) says why, `kind` classifies it."""

    def __init__(self, url: str, kind: str, reason: str, attempts: int = 1):
        super().__init__(f"{url}: {reason}")
        self.url, self.kind, self.reason, self.attempts = url, kind, reason, attempts


class _Retry(Exception):
    def __init__(self, kind: str, reason: str, wait: float | None = None):
        super().__init__(reason)
        self.kind, self.reason, self.wait = kind, reason, wait


def now() -> str:
    return dt.datetime.now(VN).replace(microsecond=0).isoformat()


class HttpCache:
    """Last good response per URL: validators and headers in <key>.json, body in <key>.body."""

    def __init__(self, folder: Path, writable: bool = True):
        self.folder, self.writable = folder, writable

    def _paths(self, url: str) -> tuple[Path, Path]:
        key = hashlib.sha256(url.encode("utf-8")).hexdigest()
        base = self.folder / key[:2] / key
        return base.with_suffix(".json"), base.with_suffix(".body")

    def get(self, url: str) -> tuple[dict, bytes] | None:
        meta_path, body_path = self._paths(url)
        try:
            return json.loads(meta_path.read_text(encoding="utf-8")), body_path.read_bytes()
        except (OSError, ValueError):
            return None

    def put(self, url: str, meta: dict, body: bytes) -> None:
        if not self.writable:
            return
        meta_path, body_path = self._paths(url)
        # Body first: a meta file always points at a complete body.
        atomic_write(body_path, body)
        atomic_write(meta_path, json.dumps(meta, ensure_ascii=False).encode("utf-8"))


@dataclass
class _Host:
    gate: threading.BoundedSemaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_at: float = 0.0
    delay: float = 0.0
    robots: RobotFileParser | None = None
    robots_error: str | None = None
    robots_done: threading.Event = field(default_factory=threading.Event)
    robots_claimed: bool = False


class Fetcher:
    """Thread-safe: scrape workers share one Fetcher (one connection pool, one set of host gates)."""

    def __init__(self, config: FetchSettings | None = None, cache: HttpCache | None = None,
                 sleep=time.sleep):
        self.config = config or FetchSettings.load()
        self.cache = cache
        self._sleep = sleep
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        c = self.config
        self._client = httpx.Client(
            headers={"User-Agent": c.user_agent, "Accept-Language": "vi,en;q=0.5"},
            timeout=httpx.Timeout(c.read_timeout, connect=c.connect_timeout),
            follow_redirects=False,   # followed by hand, so robots.txt is checked at every hop
            limits=httpx.Limits(max_connections=max(c.workers, 1) * 2),
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # Hosts, politeness -------------------------------------------------------------

    def _host(self, url: str) -> _Host:
        key = _origin(url)
        with self._hosts_lock:
            if key not in self._hosts:
                self._hosts[key] = _Host(threading.BoundedSemaphore(max(self.config.host_concurrency, 1)),
                                         delay=self.config.host_delay)
            return self._hosts[key]

    def _wait_turn(self, host: _Host) -> None:
        with host.lock:
            start = max(time.monotonic(), host.next_at)
            host.next_at = start + host.delay
        pause = start - time.monotonic()
        if pause > 0:
            self._sleep(pause)

    def allowed(self, url: str) -> tuple[bool, str | None]:
        """Whether robots.txt lets us fetch `url`; with the reason when not."""
        host = self._host(url)
        with host.lock:
            first = not host.robots_claimed
            host.robots_claimed = True
        if first:
            try:
                self._load_robots(url, host)
            finally:
                host.robots_done.set()
        else:
            host.robots_done.wait()
        if host.robots_error:
            return False, host.robots_error
        if host.robots and not host.robots.can_fetch(self.config.robots_agent, url):
            return False, "robots.txt không cho phép"
        return True, None

    def _load_robots(self, url: str, host: _Host) -> None:
        robots_url = _origin(url) + "/robots.txt"
        try:
            got = self._get(robots_url, {}, redirects_checked=False)
        except FetchError as exc:
            if exc.kind == "http" and exc.reason.startswith("HTTP 4"):
                return   # no robots.txt (RFC 9309: 4xx means no rules)
            # Unreachable robots.txt (5xx, network): assume everything is disallowed.
            host.robots_error = f"không đọc được robots.txt ({exc.reason}), không tải gì từ máy chủ này"
            return
        parser = RobotFileParser(robots_url)
        parser.parse((got.body or b"").decode("utf-8", errors="replace").splitlines())
        host.robots = parser
        crawl_delay = parser.crawl_delay(self.config.robots_agent)
        if crawl_delay:
            host.delay = max(host.delay, min(float(crawl_delay), self.config.max_crawl_delay))

    # Requests ------------------------------------------------------------------------

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """GET `url` politely; raises FetchError with a Vietnamese reason. A 304 comes back with
        the cached body when there is one. `etag`/`last_modified` are validators the caller
        kept (used when the cache has none)."""
        ok, why = self.allowed(url)
        if not ok:
            raise FetchError(url, "robots", why or "")
        cached = self.cache.get(url) if self.cache else None
        validators = {}
        meta = cached[0] if cached else {"etag": etag, "last_modified": last_modified}
        if meta.get("etag"):
            validators["If-None-Match"] = meta["etag"]
        if meta.get("last_modified"):
            validators["If-Modified-Since"] = meta["last_modified"]
        got = self._get(url, validators)
        if got.status == 304:
            if cached:
                got.body = cached[1]
                got.final_url = cached[0].get("final_url", got.final_url)
                got.headers = {**cached[0].get("headers", {}), **got.headers}
            return got
        if self.cache and got.body is not None:
            self.cache.put(url, {"url": url, "final_url": got.final_url, "etag": got.headers.get("etag"),
                                 "last_modified": got.headers.get("last-modified"),
                                 "headers": {k: v for k, v in got.headers.items() if k in ("content-type",)},
                                 "retrieved": got.retrieved}, got.body)
        return got

    def _get(self, url: str, validators: dict, redirects_checked: bool = True) -> Fetched:
        current, seen, hops = url, {url}, 0
        while True:
            status, headers, body, attempts = self._with_retries(current, validators, self._host(current))
            if status in REDIRECTS and headers.get("location"):
                target = urljoin(current, headers["location"]).split("#")[0]
                hops += 1
                if target in seen:
                    raise FetchError(url, "redirects", f"vòng chuyển hướng ({current} → {target})")
                if hops > self.config.max_redirects:
                    raise FetchError(url, "redirects", f"quá {self.config.max_redirects} lần chuyển hướng")
                if redirects_checked:
                    ok, why = self.allowed(target)
                    if not ok:
                        raise FetchError(url, "robots", f"chuyển hướng tới {target}: {why}")
                seen.add(target)
                current = target
                continue
            if status == 304:
                return Fetched(url, current, 304, headers, None, now(), attempts)
            if status >= 400:
                raise FetchError(url, "http", f"HTTP {status}", attempts)
            return Fetched(url, current, status, headers, body, now(), attempts)

    def _with_retries(self, url: str, validators: dict, host: _Host) -> tuple[int, dict, bytes, int]:
        c = self.config
        for attempt in range(1, c.retries + 2):
            try:
                with host.gate:
                    self._wait_turn(host)
                    return (*self._once(url, validators), attempt)
            except _Retry as exc:
                if attempt > c.retries:
                    raise FetchError(url, exc.kind, f"{exc.reason} (sau {attempt} lần thử)", attempt) from None
                pause = min(c.backoff * 2 ** (attempt - 1), c.backoff_max)
                pause = exc.wait if exc.wait is not None else pause + random.uniform(0, c.backoff)
                self._sleep(min(pause, c.backoff_max))
        raise AssertionError("unreachable")

    def _once(self, url: str, validators: dict) -> tuple[int, dict, bytes]:
        c = self.config
        deadline = time.monotonic() + c.total_timeout
        try:
            with self._client.stream("GET", url, headers=validators) as r:
                headers = {k.lower(): v for k, v in r.headers.items()}
                if r.status_code >= 500:
                    raise _Retry("http", f"HTTP {r.status_code}", _retry_after(headers))
                if r.status_code in REDIRECTS or r.status_code == 304 or r.status_code >= 400:
                    return r.status_code, headers, b""
                declared = headers.get("content-length", "")
                if declared.isdigit() and int(declared) > c.max_bytes:
                    raise FetchError(url, "too-large", f"quá lớn ({int(declared):,} byte > {c.max_bytes:,})")
                chunks, size = [], 0
                for chunk in r.iter_bytes():
                    size += len(chunk)
                    if size > c.max_bytes:
                        raise FetchError(url, "too-large", f"quá lớn (hơn {c.max_bytes:,} byte)")
                    if time.monotonic() > deadline:
                        raise _Retry("timeout", f"quá thời gian ({c.total_timeout:g} giây cho cả trang)")
                    chunks.append(chunk)
                return r.status_code, headers, b"".join(chunks)
        except httpx.TimeoutException:
            raise _Retry("timeout", "quá thời gian chờ") from None
        except httpx.RemoteProtocolError as exc:
            raise _Retry("network", f"kết nối bị cắt giữa chừng ({exc})") from None
        except httpx.TransportError as exc:
            raise _Retry("network", f"lỗi mạng ({type(exc).__name__}: {exc})") from None


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _retry_after(headers: dict) -> float | None:
    value = headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
