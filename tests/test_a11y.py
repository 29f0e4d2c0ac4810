"""Accessibility: axe-core (from npm, injected into the page) finds no serious or critical
violation on the home page, an article, the province index, a province page, a cited
document's page and the tracker of the mid-size corpus build.

axe-core is installed with `make axe` (npm, into .cache/npm, git-ignored); when it is
missing this test installs it, or skips when npm is absent (fails under CI).
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import ROOT
from test_browser import Visit
from test_browser_site import corpus_url, journey  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

AXE = ROOT / ".cache" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = ("serious", "critical")


@pytest.fixture(scope="session")
def axe_script() -> str:
    if not AXE.is_file():
        npm = shutil.which("npm")
        if npm is None:
            if os.environ.get("CI"):
                pytest.fail("npm is not installed, so axe-core cannot be (CI is set)")
            pytest.skip("npm is not installed: axe-core unavailable (run `make axe` where npm exists)")
        done = subprocess.run([npm, "install", "--no-save", "--no-audit", "--no-fund", "--prefix",
                               str(AXE.parents[2]), "axe-core@4"], capture_output=True, text=True)
        if done.returncode != 0 or not AXE.is_file():
            pytest.fail(f"npm install axe-core failed:\n{done.stdout}\n{done.stderr}")
    return str(AXE)


def pages(journey) -> dict[str, str]:
    return {
        "trang chủ": "",
        "bài viết": f"bai-viet/{journey['article']}/",
        "danh sách tỉnh": "tinh/",
        "trang tỉnh": f"tinh/{journey['province']}/",
        "văn bản được dẫn": f"van-ban/{journey['document']}/",
        "theo dõi thực hiện": "theo-doi-thuc-hien/",
        "năm": "nam/2022/",
    }


@pytest.mark.parametrize("name", list(pages({"article": "", "province": "", "document": ""})))
def test_no_serious_accessibility_violations(browser, corpus_url, journey, axe_script, name):
    v = Visit(browser, corpus_url)
    v.page.goto(corpus_url + pages(journey)[name])
    v.page.add_script_tag(path=axe_script)
    result = v.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    serious = [f"{r['impact']}: {r['id']} — {r['help']} ({len(r['nodes'])}×, e.g. {r['nodes'][0]['target']})"
               for r in result["violations"] if r["impact"] in SERIOUS]
    assert serious == [], name
    v.check_clean()
    v.context.close()
