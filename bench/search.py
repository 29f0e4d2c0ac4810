"""Search over a synthetic archive in headless Chromium: bytes and time per query.

    python bench/search.py [--articles 10000] [--work /tmp/cctp-bench-search] [--runs 3]

Builds N articles from bench/corpus.py (seed 1) with pelicanconf.py, indexes them
(scrapers.index), serves the output on 127.0.0.1 the way a static host does (HTML, CSS, JS and
JSON gzip-compressed on the fly; Pagefind's own files are compressed already), and runs
QUERIES on the search page, one after the other in one browser session, --runs times from a
cold cache, each query --pause ms after the previous one's notices are shown (a reader reads
the results before typing again; the page opens the newest periods meanwhile; --pause 0 for
queries back to back). Prints medians over the runs:

- the search page itself (HTML, CSS, script, embedded data) before any query;
- per query: bytes transferred and milliseconds from pressing Enter until the results are
  on screen, then until the notices are there too. The first query also loads Pagefind
  (script, worker, WebAssembly, page list), listed by kind;
- each query again as the first one of a fresh session (bytes until its results are shown),
  since which query comes first is arbitrary, and what the filter counts add when the reader
  then turns to the filters (every filter's values, loaded once).

Targets (issue 5): first query ≤ 300 kB transferred, every later query ≤ 150 ms. An existing
build in --work with the same article count is reused unless --rebuild is given.
"""
from __future__ import annotations

import argparse
import functools
import gzip
import json
import multiprocessing
import os
import shutil
import statistics
import subprocess
import sys
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from corpus import generate  # noqa: E402
from scrapers.index import build_index  # noqa: E402

PELICAN = Path(sys.executable).parent / "pelican"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
FIRST_QUERY_TARGET = 300_000
LATER_QUERY_TARGET_MS = 150
# What readers of the archive type: places with and without accents, the trade's terms,
# document codes, a quoted phrase, a year, an old-style tone, and one very common phrase.
QUERIES = [
    "dak lak", "thi hành án dân sự", "dien bien", "hoa giai co so", '"bổ trợ tư pháp"',
    "giám định tư pháp", "tranh tụng tại phiên tòa", "49-NQ/TW", "dong nai", "luật sư",
    "chuyển đổi số", "viện kiểm sát nhân dân", "da nang", "trợ giúp pháp lý", "phòng chống tham nhũng",
    "quảng ninh 2023", "thừa phát lại", "hoà giải", "ban chi dao cai cach tu phap tinh", "cải cách tư pháp",
]
COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt"}


class StaticHost(SimpleHTTPRequestHandler):
    """A static host as GitHub Pages is one: text files gzip-compressed when the browser accepts
    it, every file with its Last-Modified date and cacheable for ten minutes (Cache-Control:
    max-age=600), connections kept alive (HTTP/1.1: the browser opens at most six at a time).
    Small writes go out at once (TCP_NODELAY, as nginx's default `tcp_nodelay on`): http.server
    sends the headers and the body in separate writes, and on a kept-alive connection Nagle's
    algorithm held the body until the browser's delayed ACK, about 40 ms per request."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    cache: dict[str, bytes] = {}

    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in COMPRESSIBLE or "gzip" not in self.headers.get("Accept-Encoding", "") \
                or not path.is_file() or "If-Modified-Since" in self.headers:
            return super().send_head()  # with Last-Modified; a revalidation is answered 304
        body = self.cache.get(str(path))
        if body is None:
            body = self.cache[str(path)] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(path.stat().st_mtime)))
        self.end_headers()
        from io import BytesIO
        return BytesIO(body)


def serve(output: Path, ready) -> None:
    """The static host, in a process of its own as a real one is: in the bench's process its
    threads shared the interpreter lock with Playwright's, which handles an event per request."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(output)))
    ready.put(server.server_address[1])
    server.serve_forever()


def build(articles: int, work: Path, rebuild: bool, script: Path | None = None) -> Path:
    output = work / "output"
    stamp = work / "built.json"
    if not rebuild and stamp.is_file() and json.loads(stamp.read_text())["articles"] == articles:
        # The page's scripts as they are now, so that a change to them is measured without a rebuild.
        for source in (ROOT / "theme" / "static" / "js").glob("*.js"):
            shutil.copyfile(source, output / "theme" / "js" / source.name)
        if script:
            shutil.copyfile(script, output / "theme" / "js" / "search.js")
        print(f"dùng lại bản dựng {articles} bài ở {output} (search.js: {script or 'theme/static/js'})")
        return output
    shutil.rmtree(work, ignore_errors=True)
    start = time.perf_counter()
    content = generate(articles, work, seed=1)
    generated = time.perf_counter()
    done = subprocess.run([str(PELICAN), str(content), "-s", str(ROOT / "pelicanconf.py"), "-o", str(output),
                           "--delete-output-directory", "--fatal", "errors"], cwd=ROOT, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"pelican failed ({done.returncode}):\n{done.stderr[-3000:]}")
    built = time.perf_counter()
    build_index(output)
    indexed = time.perf_counter()
    stamp.write_text(json.dumps({"articles": articles}))
    print(f"{articles} bài: sinh {generated - start:.0f} s, Pelican {built - generated:.0f} s, "
          f"chỉ mục {indexed - built:.0f} s")
    return output


def index_stats(output: Path) -> str:
    bundle = output / "pagefind"
    state = json.loads((bundle / "shards.json").read_text(encoding="utf-8"))
    lines = []
    for level, folder, label in (("main", "chinh", "chính"), ("periods", "giai-doan", "giai đoạn")):
        sizes = lambda pattern: [p.stat().st_size for p in bundle.glob(f"{folder}/{pattern}")]  # noqa: E731
        chunks = sorted(sizes("*/index/*.pf_index"))
        lines.append(f"chỉ mục {label}: {len(state[level])} phần (lớn nhất {max(s['pages'] for s in state[level])} bài); "
                     f"{len(chunks)} khối, tổng {sum(chunks) / 1e6:.1f} MB, trung vị {statistics.median(chunks) / 1e3:.1f} kB, "
                     f"lớn nhất {chunks[-1] / 1e3:.0f} kB; siêu dữ liệu {sum(sizes('*/*.pf_meta')) / 1e3:.0f} kB; "
                     f"bộ lọc {sum(sizes('*/filter/*.pf_filter')) / 1e3:.0f} kB")
    lines.append(f"shards.json {(bundle / 'shards.json').stat().st_size / 1e3:.0f} kB "
                 f"({len(state['common']['words'])} từ phổ biến), hệ số {state['scale']}")
    return "\n".join(lines)


class Session:
    """One browser context (cold cache) on the search page, counting bytes on the wire."""

    def __init__(self, browser, url: str):
        self.context = browser.new_context(locale="vi-VN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(60_000)
        self.bytes = 0
        self.by_kind: dict[str, int] = {}
        # (epoch ms the response ended, bytes, kind, epoch ms the request started, address)
        self.log: list[tuple[float, int, str, float, str]] = []
        # Context-wide, so that what Pagefind's worker fetches is counted too.
        self.context.on("requestfinished", self._finished)
        self.page.goto(url)
        self.page.wait_for_function("document.querySelector('#tim-kiem').dataset.state === 'idle'")
        self.settle()

    def _finished(self, request) -> None:
        sizes = request.sizes()  # body as transferred (compressed), plus headers
        body = sizes["responseBodySize"]
        if body == 0:  # Chromium reports none for a worker's own script: take the header
            response = request.response()
            body = int(response.headers.get("content-length", 0)) if response else 0
        # A response from the browser's cache is reported with a negative body: nothing came.
        size = body + max(sizes["responseHeadersSize"], 0) if body >= 0 else 0
        self.bytes += size
        kind = kind_of(request.url)
        self.by_kind[kind] = self.by_kind.get(kind, 0) + size
        timing = request.timing
        self.log.append((timing["startTime"] + max(timing["responseEnd"], 0), size, kind, timing["startTime"], request.url))

    def settle(self) -> None:
        # Network events reach Python a moment after the page has used the responses.
        self.page.wait_for_timeout(150)

    def query(self, text: str, pause_ms: int = 0) -> dict:
        # A reader reads the results before typing the next query; the page uses that idle time.
        self.page.wait_for_timeout(pause_ms)
        start_bytes, logged = self.bytes, len(self.log)
        origin, shown, complete = self.page.evaluate("""async (text) => {
            const root = document.querySelector('#tim-kiem');
            const form = root.querySelector('form');
            const when = (name) => new Promise((ok) => root.addEventListener(name, () => ok(performance.now()), {once: true}));
            const shown = when('tim-kiem:ket-qua'), complete = when('tim-kiem:xong');
            const start = performance.now();
            form.elements.q.value = text;
            form.requestSubmit();
            return [performance.timeOrigin + start, await shown - start, await complete - start];
        }""", text)
        self.settle()
        requests = [(begin - origin, end - origin, size, url) for end, size, _, begin, url in self.log[logged:]]
        return {"query": text, "ms_shown": shown, "ms_complete": complete, "bytes": self.bytes - start_bytes,
                "requests": sorted(requests)}

    def close(self) -> None:
        self.context.close()


def kind_of(url: str) -> str:
    name = url.rsplit("/", 1)[-1].split("?")[0]
    if "/pagefind/" not in url:
        return "trang tìm kiếm"
    for suffix, kind in ((".pf_index", "khối chỉ mục"), (".pf_fragment", "mảnh kết quả"), (".pf_filter", "bộ lọc"),
                         (".pf_meta", "siêu dữ liệu"), ("wasm", "WebAssembly"), ("worker", "pagefind-worker.js"),
                         (".js", "pagefind.js")):
        if suffix in name:
            return kind
    return name


def kb(n: float) -> str:
    return f"{n / 1e3:.0f} kB"


def first_query_bytes(browser, url: str, text: str) -> dict:
    """A fresh session's first query: bytes until its results are shown (split by kind), then
    the bytes of the filter counts once the reader turns to the filters."""
    session = Session(browser, url)
    try:
        loaded = len(session.log)
        shown_at = session.page.evaluate("""async (text) => {
            const root = document.querySelector('#tim-kiem');
            const done = new Promise((ok) => root.addEventListener('tim-kiem:xong', ok, {once: true}));
            const shown = new Promise((ok) => root.addEventListener('tim-kiem:ket-qua',
                () => ok(performance.timeOrigin + performance.now()), {once: true}));
            root.querySelector('form').elements.q.value = text;
            root.querySelector('form').requestSubmit();
            const at = await shown;
            await done;
            return at;
        }""", text)
        session.settle()
        query = session.log[loaded:]
        kinds: dict[str, int] = {}
        for end, size, kind, *_ in query:
            if end <= shown_at:
                kinds[kind] = kinds.get(kind, 0) + size
        counted = len(session.log)
        session.page.evaluate("""async () => {
            const root = document.querySelector('#tim-kiem');
            const done = new Promise((ok) => root.addEventListener('tim-kiem:xong', ok, {once: true}));
            root.querySelector('select[name=nam]').focus();
            await done;
        }""")
        session.settle()
        return {"bytes": sum(kinds.values()), "kinds": kinds,
                "after": sum(size for end, size, *_ in query if end > shown_at),
                "counts": sum(size for _, size, *_ in session.log[counted:])}
    finally:
        session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/cctp-bench-search"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--trace", action="store_true",
                        help="print each later query's requests (ms from pressing Enter) in the first session")
    parser.add_argument("--no-cold", action="store_true", help="skip the fresh session per query")
    parser.add_argument("--pause", type=int, default=1000,
                        help="ms between one query's notices and the next query (a reader reading; default 1000)")
    parser.add_argument("--script", type=Path, help="measure this search.js instead (an existing build only)")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    output = build(args.articles, args.work, args.rebuild, args.script)
    print(index_stats(output))
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Queue()
    host = spawn.Process(target=serve, args=(output, ready), daemon=True)
    host.start()
    url = f"http://127.0.0.1:{ready.get(timeout=60)}/tim-kiem/"

    runs, pages = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(args.runs):
            session = Session(browser, url)
            pages.append(session.bytes)
            runs.append([session.query(q, args.pause) for q in QUERIES])
            session.close()
        cold = [first_query_bytes(browser, url, q) for q in (QUERIES[:1] if args.no_cold else QUERIES)]
        browser.close()
    host.terminate()

    if args.trace:
        for done in runs[0][1:]:
            print(f"\n{done['query']}: kết quả {done['ms_shown']:.0f} ms, đủ {done['ms_complete']:.0f} ms")
            for begin, end, size, address in done["requests"]:
                print(f"    {begin:7.0f} {end:7.0f} {kb(size):>7}  {address.split('/pagefind/')[-1][:70]}")

    def median(i: int, key: str) -> float:
        return statistics.median(run[i][key] for run in runs)

    print(f"\n{args.articles} bài, trung vị của {args.runs} lượt, nghỉ {args.pause} ms giữa hai truy vấn; trang tìm kiếm (trước truy vấn đầu): {kb(statistics.median(pages))}")
    print(f"{'#':>2}  {'truy vấn':<38} {'tải về':>8} {'kết quả':>9} {'đủ':>8}")
    for i, text in enumerate(QUERIES):
        print(f"{i + 1:>2}  {text:<38} {kb(median(i, 'bytes')):>8} {median(i, 'ms_shown'):>7.0f} ms {median(i, 'ms_complete'):>5.0f} ms")
    later_ms = [median(i, "ms_shown") for i in range(1, len(QUERIES))]
    later_bytes = [median(i, "bytes") for i in range(1, len(QUERIES))]
    first = cold[0]
    print(f"\nTruy vấn đầu {QUERIES[0]!r}: {kb(first['bytes'])} tới khi thấy kết quả (mục tiêu ≤ {kb(FIRST_QUERY_TARGET)}), "
          f"thêm {kb(first['after'])} sau đó (từ bị thiếu, phần còn lại); số đếm bộ lọc khi người đọc mở bộ lọc: {kb(first['counts'])}")
    print("  theo loại: " + ", ".join(f"{k} {kb(v)}" for k, v in sorted(first["kinds"].items(), key=lambda kv: -kv[1])))
    print(f"Các truy vấn sau: tải về trung vị {kb(statistics.median(later_bytes))}, lớn nhất {kb(max(later_bytes))}; "
          f"thời gian trung vị {statistics.median(later_ms):.0f} ms, lớn nhất {max(later_ms):.0f} ms "
          f"(mục tiêu ≤ {LATER_QUERY_TARGET_MS} ms)")
    firsts = sorted(c["bytes"] for c in cold)
    print(f"Mỗi truy vấn làm truy vấn đầu: trung vị {kb(statistics.median(firsts))}, lớn nhất {kb(firsts[-1])}; "
          f"{sum(b <= FIRST_QUERY_TARGET for b in firsts)}/{len(firsts)} trong mục tiêu")
    for text, c in zip(QUERIES, cold):
        print(f"    {text:<38} {kb(c['bytes']):>8}   (+ bộ lọc {kb(c['counts'])})")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
