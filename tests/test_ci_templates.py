"""Git conventions: `cctp check --changed` (what the pre-commit hook runs), the pre-commit
configuration, and the CI templates checked against the project's own commands."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

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


# --- pre-commit ------------------------------------------------------------------------------

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"


def test_pre_commit_hook_refuses_a_commit_with_an_error(repo):
    if not PRE_COMMIT.exists():
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hook = config["repos"][0]["hooks"][0]
    assert hook["entry"].split()[1:] == ["check", "--changed"] and hook["pass_filenames"] is False
    shutil.copy(ROOT / ".pre-commit-config.yaml", repo)
    # The hook runs .venv/bin/cctp, which `make build` creates; here it is this environment's.
    (repo / ".venv/bin").mkdir(parents=True)
    (repo / ".venv/bin/cctp").symlink_to(Path(sys.executable).parent / "cctp")
    (repo / ".gitignore").write_text(".venv/\n", encoding="utf-8")
    env = {**os.environ, "PRE_COMMIT_HOME": str(repo.parent / "pre-commit-home")}
    subprocess.run([str(PRE_COMMIT), "install"], cwd=repo, env=env, check=True, capture_output=True)
    path = sorted((repo / "content/articles").rglob("*.md"))[0]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("\nlang: vi\n", "\nlang: vietnamese\n", 1), encoding="utf-8")
    git(repo, "add", "content", ".pre-commit-config.yaml", ".gitignore")
    refused = subprocess.run(["git", "-c", "user.name=B", "-c", "user.email=b@example.vn", "commit", "-m", "sửa"],
                             cwd=repo, env=env, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "[lang] giá trị 'vietnamese' không hợp lệ" in refused.stdout + refused.stderr
    path.write_text(text, encoding="utf-8")
    git(repo, "add", "content")
    done = subprocess.run(["git", "-c", "user.name=B", "-c", "user.email=b@example.vn", "commit", "-m", "sửa"],
                          cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --- CI templates ----------------------------------------------------------------------------

TEMPLATES = {"github": ROOT / "ci-templates/github/pages.yml", "gitlab": ROOT / "ci-templates/gitlab/.gitlab-ci.yml"}
BASE_BRANCH = "main"
CI_VALUES = {"${{ github.base_ref }}": BASE_BRANCH, "$CI_MERGE_REQUEST_TARGET_BRANCH_NAME": BASE_BRANCH,
             '"': ""}


def shell_lines(name: str) -> list[str]:
    """Every shell command a template runs, one per line."""
    data = yaml.safe_load(TEMPLATES[name].read_text(encoding="utf-8"))
    if name == "github":
        steps = [s for job in data["jobs"].values() for s in job.get("steps", [])]
        scripts = [s["run"] for s in steps if "run" in s]
    else:
        scripts = [line for job in data.values() if isinstance(job, dict) for line in job.get("script", [])]
    return [line.strip() for script in scripts for line in script.splitlines() if line.strip()]


def test_templates_are_valid_yaml_with_the_expected_jobs():
    github = yaml.safe_load(TEMPLATES["github"].read_text(encoding="utf-8"))
    build, deploy = github["jobs"]["build"], github["jobs"]["deploy"]
    assert deploy["needs"] == "build" and deploy["permissions"] == {"pages": "write", "id-token": "write"}
    upload = next(s for s in build["steps"] if str(s.get("uses", "")).startswith("actions/upload-pages-artifact"))
    assert upload["with"]["path"] == "output"           # what `make publish` writes
    for step in (*build["steps"], *deploy["steps"]):
        if "uses" in step:
            assert "@v" in step["uses"], f"action not pinned to a version: {step['uses']}"
    gitlab = yaml.safe_load(TEMPLATES["gitlab"].read_text(encoding="utf-8"))
    assert gitlab["stages"] == ["check", "build", "deploy"]
    assert gitlab["build"]["artifacts"]["paths"] == ["output"] and gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert gitlab["pages"]["needs"] == ["build"]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_template_commands_are_the_projects_own(name, repo):
    """Each `make` target exists (make -n), each cctp command runs here as CI would run it."""
    git(repo, "branch", "-f", BASE_BRANCH)
    git(repo, "update-ref", f"refs/remotes/origin/{BASE_BRANCH}", BASE_BRANCH)
    bin_dir = Path(sys.executable).parent
    seen = set()
    for line in shell_lines(name):
        for placeholder, value in CI_VALUES.items():
            line = line.replace(placeholder, value)
        words = line.split()
        if "make" in words:
            target = words[words.index("make") + 1]
            done = subprocess.run(["make", "-n", target, f"BIN={bin_dir}"], cwd=ROOT, capture_output=True, text=True)
            assert done.returncode == 0, f"{name}: '{line}': {done.stderr}"
            seen.add(f"make {target}")
        elif words[0] == ".venv/bin/cctp":
            done = cctp(*words[1:], cwd=repo)
            assert done.returncode == 0, f"{name}: '{line}': {done.stderr}"
            seen.add(" ".join(words[:3]))
        elif words[:2] == ["git", "fetch"] or words[:2] == ["rm", "-rf"]:
            continue
        else:
            pytest.fail(f"{name}: unchecked command '{line}'")
    assert {"make publish", ".venv/bin/cctp check --changed"} <= seen
