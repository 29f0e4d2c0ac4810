"""Whether a cache or record file is still the one last read or written, without reading it."""
from __future__ import annotations

import os


def file_stamp(path) -> tuple | None:
    """A file's size, modification time and inode (a file replaced whole is a new one), or None
    when it is missing."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino
