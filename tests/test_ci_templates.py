"""Git conventions: `cctp check --changed` (what the pre-commit hook runs), the pre-commit
configuration, and the CI templates checked against the project's own commands."""
from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers import ROOT


def cctp(*args, cwd):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


def git(cwd, *args):
    return subprocess.run(["git", "-c", "user.name=Biên tập", "-c", "user.email=bt@example.vn", *args], cwd=cwd,
                          check=True, capture_output=True, text=True)


@pytest.fixture
def repo(tmp_path):
    """A git repository holding a copy of content/, committed."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "content")
    git(tmp_path, "commit", "-q", "-m", "samples")
    return tmp_path


def test_check_changed_checks_only_what_git_says_changed(repo):
    clean = cctp("check", "--changed", cwd=repo)
    assert clean.returncode == 0 and "đã kiểm tra 0 tệp đã đổi so với HEAD" in clean.stderr
    articles = sorted((repo / "content/articles").rglob("*.md"))
    broken, untouched = articles[0], articles[1]
    text = broken.read_text(encoding="utf-8")
    province = next(line for line in text.split("\n") if line.startswith("province:"))
    broken.write_text(text.replace(province, "province: Thai Nguyen Province"), encoding="utf-8")
    copy = untouched.with_name("ban-sao.md")            # a new, untracked file repeating another
    shutil.copy(untouched, copy)
    result = cctp("check", "--changed", cwd=repo)
    assert result.returncode == 1
    assert "đã kiểm tra 2 tệp đã đổi" in result.stderr
    line = text.split("\n").index(province) + 1
    assert f"{broken.relative_to(repo)}:{line}: [province]" in result.stderr and "Ví dụ đúng" in result.stderr
    assert f"{copy.relative_to(repo)}: [slug] slug" in result.stderr and f"trùng với {untouched.relative_to(repo)}" in result.stderr
    assert "[source]" in result.stderr
    # Files that did not change are not reported, even with their own warnings.
    others = [p for p in articles if p not in (broken, untouched)]
    assert not any(str(p.relative_to(repo)) + ":" in result.stderr for p in others)
    # Once staged and committed, nothing is left to check against HEAD; against the first commit, both are.
    git(repo, "add", "content")
    git(repo, "commit", "-q", "-m", "edits")
    assert "0 tệp" in cctp("check", "--changed", cwd=repo).stderr
    assert "2 tệp" in cctp("check", "--changed", "--base", "HEAD~1", cwd=repo).stderr


def test_check_changed_outside_git_says_why(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    result = cctp("check", "--changed", cwd=tmp_path)
    assert result.returncode == 2 and "cần git" in result.stderr and "'cctp check'" in result.stderr
