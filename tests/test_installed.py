"""scrapers/installed.py: the installed distributions as the builds' stamps see them. A new
version, a reinstall or a new distribution changes the stamp; anything else on the path
does not."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from scrapers import installed


def test_the_stamp_follows_what_is_installed(tmp_path):
    site = tmp_path / "site-packages"
    (site / "nh3-0.2.18.dist-info").mkdir(parents=True)
    (site / "nh3").mkdir()
    (site / "legacy-1.0-py3.11.egg-info").mkdir()
    (site / "notes.txt").write_text("x", encoding="utf-8")
    paths = [str(site), str(tmp_path / "missing"), str(site / "notes.txt")]
    before = installed.stamp(paths)
    assert [name for name, _ in before] == ["legacy-1.0-py3.11.egg-info", "nh3-0.2.18.dist-info"]
    assert installed.stamp(paths + [str(site)]) == before  # the same folder twice counts once

    (site / "nh3" / "__init__.py").write_text("", encoding="utf-8")
    assert installed.stamp(paths) == before

    (site / "nh3-0.2.18.dist-info").rename(site / "nh3-0.3.0.dist-info")
    upgraded = installed.stamp(paths)
    assert upgraded != before and ("nh3-0.3.0.dist-info", upgraded[1][1]) in upgraded

    later = upgraded[0][1] + 5_000_000_000
    os.utime(site / "legacy-1.0-py3.11.egg-info", ns=(later, later))  # installed again
    assert installed.stamp(paths) != upgraded

    (site / "rich-14.0.0.dist-info").mkdir()
    assert len(installed.stamp(paths)) == 3


def test_the_running_python_has_its_distributions_in_the_stamp():
    names = {name.split("-")[0].lower() for name, _ in installed.stamp()}
    assert {"pelican", "markdown", "jinja2"} <= names


def test_the_projects_own_folder_is_not_counted():
    # It holds the editable install's metadata folder, and is on sys.path or not depending on
    # how a command was started (`cctp build --watch` found its salt changed after one build).
    assert (Path(installed.PROJECT) / "pyproject.toml").is_file()
    assert installed.stamp([installed.PROJECT]) == []
    others = [p for p in sys.path if os.path.realpath(p or ".") != installed.PROJECT]
    assert installed.stamp(others + [installed.PROJECT]) == installed.stamp(others)
