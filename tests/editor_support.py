"""Small helpers for the editor-facing tests (new, preview, /admin/): a local web server,
pages for the shared session `browser` fixture of conftest.py, screenshots."""
from __future__ import annotations

import os
import shutil
import socket
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import ROOT, _unavailable


def new_page(browser):
    """A page as a Vietnamese editor's browser shows it."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1200, "height": 900})
    return context.new_page()


def require_npm() -> None:
    if shutil.which("npm") is None:
        _unavailable("npm is not installed (needed to install the CMS for /admin/)")


def screenshot(page, name: str) -> None:
    """Keep a picture of what the editor sees: in test-artifacts/screenshots/ (not in git), or
    in $CCTP_SCREENSHOTS (the guide's pictures: CCTP_SCREENSHOTS=docs/anh make test)."""
    folder = Path(os.environ.get("CCTP_SCREENSHOTS") or ROOT / "test-artifacts" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"))


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's signature
        pass


@contextmanager
def local_site(folder: Path):
    """Serve `folder` at http://127.0.0.1:<free port>/ for the duration of the block."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (for servers the tests start)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
