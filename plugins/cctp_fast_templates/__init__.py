"""Templates compiled once per build and never checked again on disk while it runs.

Pelican gives every generator its own Jinja environment (a dozen here, one per listing),
so each template was compiled a dozen times; and Jinja's ``auto_reload`` looks at the
template file's modification time on every ``get_template``, i.e. on every ``include`` of
every page (~12 per page). One in-memory bytecode cache shared by the environments keeps
each compiled template (keyed by name and checked against the source's checksum, so an
edited template is compiled again), and ``auto_reload`` is off: a build reads the templates
once, and a new build (``make serve`` rebuilds in the same process) makes new environments.
"""
from __future__ import annotations

from jinja2 import BytecodeCache

from pelican import signals


class SharedBytecode(BytecodeCache):
    """Compiled templates held in this process, for every environment of the build."""

    def __init__(self) -> None:
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        code = self.store.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket) -> None:
        self.store[bucket.key] = bucket.bytecode_to_string()

    def clear(self) -> None:
        self.store.clear()


_shared = SharedBytecode()


def configure(generator) -> None:
    generator.env.auto_reload = False
    generator.env.bytecode_cache = _shared


def register() -> None:
    signals.generator_init.connect(configure)
