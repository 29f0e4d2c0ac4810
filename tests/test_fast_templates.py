"""plugins/cctp_fast_templates: each template's globals are one plain dict (Jinja makes a
ChainMap over the environment's, which every include walks in Python), and templates render
as with Jinja's own: the environment's globals as set before loading, a template's own
globals its own. (Whole builds with and without the plugin are compared in
tests/test_fast_build.py.)"""
from __future__ import annotations

import sys
import types
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cctp_fast_templates  # noqa: E402

TEMPLATES = {
    "page.html": "{{ site }}/{{ own|default('-') }}|{% include 'part.html' %}|{% import 'macros.html' as m %}{{ m.f() }}",
    "part.html": "{{ site }}:{{ own|default('-') }}:{{ range(2)|list }}",
    "macros.html": "{% macro f() %}{{ site }}.{{ own|default('-') }}{% endmacro %}",
    "other.html": "{{ site }}",
}


def renders(tmp_path, fast: bool) -> tuple[list[str], bool]:
    env = jinja2.Environment(loader=jinja2.DictLoader(TEMPLATES))
    if fast:
        cctp_fast_templates.configure(types.SimpleNamespace(env=env, settings={"CACHE_PATH": str(tmp_path)}))
    env.globals["site"] = "cctp"  # as Pelican and plugins set them, before any template loads
    out = [env.get_template("page.html", globals={"own": "riêng"}).render(),
           env.get_template("part.html").render(),
           env.get_template("macros.html").module.f()]
    env.get_template("part.html", globals={"own": "thêm"})  # added to a loaded template: its own
    out += [env.get_template("part.html").render(), env.get_template("page.html").render(),
            "own" in env.globals]
    # A template's own global over the environment's of the same name, loaded or not.
    out.append(env.get_template("other.html", globals={"site": "khác"}).render())
    out.append(env.get_template("part.html", globals={"site": "khác"}).render())
    out.append(env.get_template("page.html").render())
    return out, type(env.get_template("page.html").globals) is dict


def test_template_globals_are_a_plain_dict_that_renders_as_jinjas(tmp_path):
    stock, stock_plain = renders(tmp_path, fast=False)
    fast, fast_plain = renders(tmp_path, fast=True)
    assert fast == stock and fast_plain and not stock_plain
    assert stock[0] == "cctp/riêng|cctp:riêng:[0, 1]|cctp.riêng"
