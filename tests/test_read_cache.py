"""The finished-article cache (plugins/cctp_read_cache/finished.py) is keyed on a stamp of the
code that made the articles, the same whichever script started the build."""
from __future__ import annotations

import sys
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
from cctp_read_cache import finished  # noqa: E402

SETTINGS = {"PLUGIN_PATHS": [str(ROOT / "plugins")]}


def test_the_stamp_leaves_out_the_script_that_started_the_build(monkeypatch, tmp_path):
    # multiprocessing lists the entry script again as __mp_main__: a bench's own script must
    # not make its build miss every article that `cctp build` kept.
    script = tmp_path / "entry.py"
    script.write_text("", encoding="utf-8")
    entry = types.ModuleType("__mp_main__")
    entry.__file__ = str(script)
    before = finished.code_stamp(SETTINGS)
    monkeypatch.setitem(sys.modules, "__mp_main__", entry)
    assert finished.code_stamp(SETTINGS) == before
    monkeypatch.setitem(sys.modules, "project_module", entry)  # a module of the project counts
    assert finished.code_stamp(SETTINGS) != before
