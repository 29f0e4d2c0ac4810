"""What is installed, for the build's stamps (scrapers/site_build.py's salt, cctp_read_cache's
code stamp): each distribution's metadata folder on sys.path, by name and modification time.

The folder's name carries the distribution's version (``nh3-0.2.18.dist-info``), and installing
again writes the folder anew. importlib.metadata's versions parse every METADATA file as an
e-mail message: about 0.07 s for this project's 170 distributions, in each of the two
processes of one `cctp build`, before anything is built."""
from __future__ import annotations

import os
import sys

SUFFIXES = (".dist-info", ".egg-info")
# The project's own folder: on sys.path or not depending on how a command was started (Pelican
# puts the settings' folder there, `python -m` the current one), and its metadata folder is the
# editable install's, not an installed distribution (its code is stamped file by file).
PROJECT = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def stamp(paths: list[str] | None = None) -> list[tuple[str, int]]:
    """Sorted (folder name, modification time in ns) of the metadata folders on `paths`, but
    the project's own folder."""
    found = []
    for entry in dict.fromkeys(sys.path if paths is None else paths):
        if os.path.realpath(entry or ".") == PROJECT:
            continue
        try:
            names = os.listdir(entry or ".")
        except OSError:  # a zip file, or a folder that is gone
            continue
        for name in names:
            if name.endswith(SUFFIXES):
                try:
                    found.append((name, os.stat(os.path.join(entry or ".", name)).st_mtime_ns))
                except OSError:
                    continue
    return sorted(found)
