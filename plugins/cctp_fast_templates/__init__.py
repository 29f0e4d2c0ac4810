"""Templates compiled once per build and never checked again on disk while it runs.

Pelican gives every generator its own Jinja environment (a dozen here, one per listing),
so each template was compiled a dozen times; and Jinja's ``auto_reload`` looks at the
template file's modification time on every ``get_template``, i.e. on every ``include`` of
every page (~12 per page). One in-memory bytecode cache shared by the environments keeps
each compiled template (keyed by name and checked against the source's checksum, so an
edited template is compiled again), and ``auto_reload`` is off: a build reads the templates
once, and a new build (``make serve`` rebuilds in the same process) makes new environments.

Each loaded template's globals are one plain dict instead of Jinja's ChainMap over the
environment's: every include and every list entry makes a context, which iterates the
template's globals (a set of their names, and a dict when the context is not shared), and a
ChainMap is iterated in Python (223,000 contexts in a full build at 10,000 articles: about
half a second of CPU). Jinja asks that globals not be changed once a template is loaded (Pelican
and our plugins set them when each generator is made), and a template's own globals stay its
own.

The compiled templates are also kept on disk (``CACHE_PATH/jinja/``), so a build after a
content change (``cctp build``: a new process) does not compile the theme again (~50
templates, about a second). Jinja checks each against its source's checksum; the folder is
named after what else shapes the compiled code: the Jinja environment settings and the
Jinja and Python versions.
"""
from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import types
from pathlib import Path

import jinja2
from jinja2 import BytecodeCache

from pelican import signals


class SharedBytecode(BytecodeCache):
    """Compiled templates held in this process, for every environment of the build, and in
    `folder` when there is one."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}
        self.folder: Path | None = None

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is None and self.folder is not None:
            try:
                code = (self.folder / bucket.key).read_bytes()
            except OSError:
                return
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        code = self.store[bucket.key] = bucket.bytecode_to_string()
        if self.folder is not None:
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                # Written aside and renamed: a build stopped midway leaves no half file.
                fd, tmp = tempfile.mkstemp(dir=self.folder)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(code)
                os.replace(tmp, self.folder / bucket.key)
            except OSError:
                pass  # a read-only cache only costs the compilation next time

    def clear(self) -> None:
        self.store.clear()


_shared = SharedBytecode()


def cache_folder(settings) -> Path | None:
    if not settings.get("CACHE_PATH"):
        return None
    shape = repr((sorted(settings.get("JINJA_ENVIRONMENT", {}).items()), jinja2.__version__, sys.version))
    return Path(settings["CACHE_PATH"]) / "jinja" / hashlib.blake2b(shape.encode(), digest_size=8).hexdigest()


def flat_globals(env, d=None) -> dict:
    """Environment.make_globals as a plain dict: the template's own globals over the
    environment's, as they are when it is loaded."""
    return {**env.globals, **(d or {})}


def configure(generator) -> None:
    generator.env.auto_reload = False
    generator.env.bytecode_cache = _shared
    generator.env.make_globals = types.MethodType(flat_globals, generator.env)
    _shared.folder = cache_folder(generator.settings)


def register() -> None:
    signals.generator_init.connect(configure)
