"""`cctp review`: drafts and open review reasons, by file and reason, the longest waiting first."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest

from helpers import ROOT
from conftest import article_files, front_matter, read_front_matter


def cctp(*args, cwd):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


def git(cwd, *args):
    subprocess.run(["git", "-c", "user.name=Biên tập", "-c", "user.email=bt@example.vn", *args], cwd=cwd,
                   check=True, capture_output=True)


@pytest.fixture
def project(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def open_reasons() -> list[tuple[str, str]]:
    """(file name, code) of every review entry in the repository's samples, read from the files."""
    return sorted((path.name, r["code"]) for path in article_files() for r in read_front_matter(path).get("review") or [])


def test_lists_the_samples_open_reasons(project):
    expected = open_reasons()
    assert expected, "the samples should have open review reasons"
    result = cctp("review", "--json", cwd=project)
    assert result.returncode == 0, result.stderr
    items = json.loads(result.stdout)
    listed = sorted((item["path"].rsplit("/", 1)[1], r["code"]) for item in items for r in item["reasons"])
    assert listed == expected
    for item in items:
        assert item["path"].startswith("content/articles/") and item["title"] and item["waiting_since"]
        lines = (project / item["path"]).read_text(encoding="utf-8").split("\n")
        for reason in item["reasons"]:
            assert reason["message"]
            # The line named is where the entry is written, so an editor can jump to it.
            assert lines[reason["line"] - 1].lstrip("- ").startswith("code:")
    text = cctp("review", cwd=project)
    for name, code in expected:
        assert name in text.stdout and f"[{code}]" in text.stdout
    assert "việc cần xem" in text.stdout


def test_drafts_are_listed_and_clearing_is_editing_the_file(project):
    draft = cctp("new", "--title", "Bản tin nháp về hòa giải ở cơ sở", "--province", "Hậu Giang", "--date", "2024-03-01",
                 "--doc-type", "news", "--source", "https://haugiang.example.vn/1", cwd=project)
    assert draft.returncode == 0, draft.stderr
    path = project / draft.stdout.strip()
    entry = next(i for i in json.loads(cctp("review", "--json", cwd=project).stdout) if i["path"] == draft.stdout.strip())
    assert [r["code"] for r in entry["reasons"]] == ["draft", "body-skeleton"]
    assert entry["reasons"][0]["field"] == "status" and "status: published" in entry["reasons"][0]["message"]
    # The editor writes the body, removes the reason and publishes: nothing is left for this file.
    meta = {**read_front_matter(path), "status": "published", "review": []}
    path.write_text(front_matter(meta) + "\nNgày 1/3, Hội đồng phối hợp phổ biến, giáo dục pháp luật họp.\n",
                    encoding="utf-8")
    assert cctp("check", "content", cwd=project).returncode == 0
    assert draft.stdout.strip() not in cctp("review", cwd=project).stdout


def test_longest_waiting_first(project):
    git(project, "init", "-q")
    git(project, "add", "content")
    git(project, "commit", "-q", "-m", "samples")
    time.sleep(1.1)   # commit times have a one-second resolution
    result = cctp("new", "--title", "Bài mới thêm", "--province", "Bắc Kạn", "--date", "2020-01-01",
                  "--doc-type", "news", "--source", "https://backan.example.vn/2", cwd=project)
    items = json.loads(cctp("review", "--json", cwd=project).stdout)
    # The new file's article date is the oldest, but it has waited the shortest time.
    assert items[-1]["path"] == result.stdout.strip()
    assert [i["waiting_since"] for i in items] == sorted(i["waiting_since"] for i in items)


def test_an_unreadable_file_waits_too(project):
    path = next((project / "content/articles").rglob("*.md"))
    path.write_text("---\ntitle: 'không đóng\n---\n", encoding="utf-8")
    items = json.loads(cctp("review", "--json", cwd=project).stdout)
    entry = next(i for i in items if i["path"].endswith(path.name))
    assert entry["reasons"][0]["code"] == "unreadable" and "cctp check" in entry["reasons"][0]["message"]


def test_each_file_is_checked_again_only_when_it_or_the_checks_change(project, monkeypatch):
    """What `cctp review` found in each file is kept by the file's size and modification time
    and the checks' code (scrapers/filememo.py): the same items as checking every file, a file
    edited since is checked again, and other code finds the kept results unused."""
    from scrapers import filememo, review

    monkeypatch.setattr(review, "MEMO_DIR", project / "memo")
    content = project / "content"
    checked = []
    stock = review.reasons_of

    def counted(path, is_page=False):
        checked.append(path.name)
        return stock(path, is_page)

    monkeypatch.setattr(review, "reasons_of", counted)
    first = review.collect(content)
    files = len(list(content.rglob("*.md")))
    assert len(checked) == files and first
    checked.clear()
    assert review.collect(content) == first and checked == []  # all kept

    edited = next(p for p in content.rglob("*.md") if any(i.path.endswith(p.name) for i in first))
    meta = read_front_matter(edited)  # its reasons dealt with
    meta.pop("review", None)
    meta["status"] = "published"
    edited.write_text(front_matter(meta) + edited.read_text(encoding="utf-8").split("---\n", 2)[2], encoding="utf-8")
    again = review.collect(content)
    assert checked == [edited.name]
    assert not any(i.path.endswith(edited.name) for i in again) and len(again) == len(first) - 1
    monkeypatch.setattr(review, "MEMO_DIR", project / "fresh-memo")
    assert review.collect(content) == again  # as checking every file finds it
    monkeypatch.setattr(review, "MEMO_DIR", project / "memo")
    monkeypatch.setattr(filememo, "code_salt", lambda: "other checks")
    monkeypatch.setattr(review, "reasons_of", counted)
    checked.clear()
    assert review.collect(content) == again and len(checked) == files
