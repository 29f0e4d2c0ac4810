"""Small helpers for the editor-facing browser tests (preview, /admin/), which use the shared
session `browser` fixture of conftest.py."""
from __future__ import annotations

import os
import shutil
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
