"""What git knows about the files under content/: which changed, and since when each waits.

Used by `cctp check --changed` and `cctp review`. Every function answers None when git is
missing or the folder is not in a work tree, so callers can say so in their own words.
"""
from __future__ import annotations

import subprocess
from pathlib import Path


def _git(cwd: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, encoding="utf-8")
    except FileNotFoundError:
        return None
    return done.stdout if done.returncode == 0 else None


def toplevel(path: Path) -> Path | None:
    """The root of the work tree `path` is in."""
    out = _git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel")
    return Path(out.strip()) if out else None


def changed_files(folder: Path, ref: str = "HEAD") -> list[Path] | None:
    """Files under `folder` that differ from `ref` (staged, unstaged or untracked), deleted
    ones left out; None when git cannot tell (no work tree, unknown ref)."""
    folder = folder.resolve()
    root = toplevel(folder)
    if root is None:
        return None
    # An empty repository has no HEAD yet: then everything in it is new.
    has_ref = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is not None
    if not has_ref and ref != "HEAD":
        return None
    names: set[str] = set()
    if has_ref:
        diff = _git(root, "diff", "--name-only", "-z", "--no-renames", "--diff-filter=d", ref, "--", str(folder))
        if diff is None:
            return None
        names.update(filter(None, diff.split("\0")))
    listed = _git(root, "ls-files", "-z", "--others", "--exclude-standard", *([] if has_ref else ["--cached"]),
                  "--", str(folder))
    names.update(filter(None, (listed or "").split("\0")))
    return sorted(p for p in (root / n for n in names) if p.is_file())


def added_times(folder: Path) -> dict[Path, int]:
    """Each committed file under `folder` → Unix time of the commit that (last) added it at
    its present path. One `git log` for the whole folder, so it stays fast on a big archive."""
    folder = folder.resolve()
    root = toplevel(folder)
    if root is None:
        return {}
    # --no-renames: a file moved to another year folder counts from its move.
    out = _git(root, "log", "--no-renames", "--diff-filter=A", "--name-only", "-z", "--format=%x01%ct",
               "--", str(folder))
    times: dict[Path, int] = {}
    for record in (out or "").split("\x01")[1:]:
        stamp, *names = record.split("\0")
        for name in filter(None, (n.strip("\n") for n in names)):
            # Newest first: the first time seen is the latest addition.
            times.setdefault(root / name, int(stamp))
    return times
