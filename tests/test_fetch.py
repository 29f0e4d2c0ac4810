"""The HTTP client on its own, against the local test site: politeness, retries, limits,
conditional GET, and the sources file."""
from __future__ import annotations

import threading
import time

import pytest

from fixtures.sites.site import SPEC, SiteServer
from scrapers.fetch import FetchError, Fetcher, FetchSettings, HttpCache
from scrapers.gazetteer import gazetteer
from scrapers.outlets import SOURCES_FILE
from scrapers.scrape import load_config, load_sources

FAST = dict(connect_timeout=2, read_timeout=1.0, total_timeout=5, retries=2, backoff=0.01, backoff_max=0.05,
            host_delay=0, max_bytes=1_000_000)
PAGE = SPEC["articles"][4]["path"]     # a plain page, no fault


@pytest.fixture(scope="module")
def server():
    with SiteServer(slow_seconds=2.0, lifetime=120) as srv:
        yield srv


def fetcher(tmp_path=None, **overrides) -> Fetcher:
    cache = HttpCache(tmp_path / "cache") if tmp_path else None
    return Fetcher(FetchSettings.load(**{**FAST, **overrides}), cache)


def test_a_page_with_user_agent_and_robots_first(server):
    start = len(server.log)
    with fetcher() as f:
        got = f.get(server.base + PAGE)
    assert got.status == 200 and got.content_type == "text/html" and b"Qu\xe1\xba\xa3ng Ng\xc3\xa3i" in got.body
    hits = server.log[start:]
    assert [h.path for h in hits] == ["/robots.txt", PAGE]
    assert hits[1].headers["user-agent"].startswith("cctp-archive/")


def test_disallowed_paths_are_never_requested(server):
    start = len(server.log)
    with fetcher() as f:
        for path in ("/bao/private/ban-tin-noi-bo-1016.html", "/bao/chinh-tri/chuyen-huong-noi-bo-1015.html"):
            with pytest.raises(FetchError) as err:
                f.get(server.base + path)
            assert err.value.kind == "robots" and "robots.txt" in err.value.reason
    paths = [h.path for h in server.log[start:]]
    assert "/bao/private/ban-tin-noi-bo-1016.html" not in paths and "/private/noi-bo.html" not in paths


def test_5xx_is_retried_4xx_is_not(server):
    with fetcher() as f:
        with pytest.raises(FetchError) as err:
            f.get(server.base + "/bao/chinh-tri/loi-may-chu-1011.html")
        assert err.value.reason == "HTTP 500 (sau 3 lần thử)" and err.value.attempts == 3
        before = len(server.requests_for("/bao/chinh-tri/khong-ton-tai-1014.html"))
        with pytest.raises(FetchError) as err:
            f.get(server.base + "/bao/chinh-tri/khong-ton-tai-1014.html")
        assert err.value.reason == "HTTP 404"
        assert len(server.requests_for("/bao/chinh-tri/khong-ton-tai-1014.html")) == before + 1


def test_timeouts_are_retried_then_reported(server):
    with fetcher(read_timeout=0.3, retries=1) as f:
        t0 = time.monotonic()
        with pytest.raises(FetchError) as err:
            f.get(server.base + "/bao/chinh-tri/cham-mai-1017.html")
        assert err.value.kind == "timeout" and err.value.attempts == 2
        assert time.monotonic() - t0 < 1.5          # two short waits, not the server's 2 s


def test_size_cap_and_redirect_loop(server):
    with fetcher() as f:
        with pytest.raises(FetchError) as err:
            f.get(server.base + "/bao/chinh-tri/trang-rat-lon-1013.html")
        assert err.value.kind == "too-large" and "quá lớn" in err.value.reason
        with pytest.raises(FetchError) as err:
            f.get(server.base + "/bao/chinh-tri/vong-lap-1012.html")
        assert err.value.kind == "redirects" and "vòng chuyển hướng" in err.value.reason


def test_conditional_get_and_cache(server, tmp_path):
    with fetcher(tmp_path) as f:
        first = f.get(server.base + PAGE)
        second = f.get(server.base + PAGE)
    assert first.status == 200 and second.status == 304 and second.body == first.body
    last = server.requests_for(PAGE)[-1]
    assert last.status == 304 and last.headers["if-none-match"] == first.headers["etag"]
    # Without a cache, validators the caller kept still make the request conditional.
    with fetcher() as f:
        third = f.get(server.base + PAGE, etag=first.headers["etag"])
    assert third.status == 304 and third.body is None


def test_per_host_delay_and_concurrency_cap(server):
    in_flight, peak, lock = [0], [0], threading.Lock()
    original = Fetcher._once

    def counting(self, url, validators):
        with lock:
            in_flight[0] += 1
            peak[0] = max(peak[0], in_flight[0])
        try:
            time.sleep(0.05)
            return original(self, url, validators)
        finally:
            with lock:
                in_flight[0] -= 1

    paths = [a["path"] for a in SPEC["articles"]][:6]
    with fetcher(host_concurrency=2, workers=6, host_delay=0.1) as f:
        Fetcher._once = counting
        try:
            f.allowed(server.base + "/")
            t0 = time.monotonic()
            threads = [threading.Thread(target=f.get, args=(server.base + p,)) for p in paths]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - t0
        finally:
            Fetcher._once = original
    assert peak[0] <= 2
    assert elapsed >= 0.1 * (len(paths) - 1)     # one request per 0.1 s to one host


def test_the_sources_file_is_complete():
    """At least ten real outlets of every kind, each marked unchecked, provinces canonical."""
    sources = load_sources(SOURCES_FILE, None, load_config(None))
    assert len(sources) >= 10
    kinds = {s.entry["kind"] for s in sources}
    assert {"provincial-newspaper", "party-portal", "court", "procuracy", "justice-department", "national-outlet"} <= kinds
    for s in sources:
        assert set(s.entry) >= {"name", "title", "kind", "base_url", "province", "checked"}, s.name
        assert s.entry["checked"] is False, s.name
        assert s.feeds or s.sitemaps or s.listings, s.name
        assert s.province is None or gazetteer().province(s.province).name == s.province, s.name
    assert len({s.name for s in sources}) == len(sources)
