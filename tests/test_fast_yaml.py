"""plugins/cctp_fast_yaml's FastLoader makes the objects PyYAML's libyaml safe loader
(CSafeLoader) makes: the same values and types, one object where an alias refers to one, the
same errors; it hands the cases it does not build itself to the stock constructor."""
from __future__ import annotations

import math
import random
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
from cctp_fast_yaml import LOADER  # noqa: E402

pytestmark = pytest.mark.skipif(LOADER is None, reason="PyYAML without libyaml: the stock reader is used")
STOCK = getattr(yaml, "CSafeLoader", None)


def shape(value, seen=None):
    """A comparable picture of `value`: types, values, and which parts are one object."""
    seen = {} if seen is None else seen
    if id(value) in seen and isinstance(value, (list, dict)):
        return ("same as", seen[id(value)])
    seen[id(value)] = len(seen)
    if isinstance(value, dict):
        return ("dict", [(shape(k, seen), shape(v, seen)) for k, v in value.items()])
    if isinstance(value, (list, tuple, set)):
        items = sorted(value, key=repr) if isinstance(value, set) else value
        return (type(value).__name__, [shape(v, seen) for v in items])
    if isinstance(value, float) and math.isnan(value):
        return ("float", "nan")
    return (type(value).__name__, repr(value))


def load(text, loader):
    try:
        return ("ok", shape(yaml.load(text, Loader=loader)))
    except Exception as error:  # noqa: BLE001 - the error is part of what must match
        return ("error", type(error).__name__, str(error))


CASES = [
    "title: Một\ndate: 2024-05-06\ntags: [hoà giải, tư pháp]\n",
    "date: 2024-05-06 07:30:00+07:00\nn: 0x1F\no: 0o17\ns: 1_000\nsx: 1:30\nf: .inf\nnan: .nan\nneg: -.5e3\n",
    "a: yes\nb: No\nc: ~\nd: null\ne: ''\nf: '2024-01-01'\ng: !!str 12\nh: !!int '7'\ni: !!float 1\n",
    "base: &b {x: 1, y: [1, 2]}\nother: *b\nlist: &l [a, b]\nagain: *l\nscalar: &s text\ns2: *s\n",
    "base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n",
    "merge:\n  <<: [{a: 1}, {b: 2}]\n  c: 3\n",
    "= : value key\nx: 1\n",
    "? [a, b]\n: complex key\n",
    "? {a: 1}\n: mapping key\n",
    "set: !!set {a, b}\nomap: !!omap [{a: 1}, {b: 2}]\npairs: !!pairs [{a: 1}, {a: 2}]\n",
    "bin: !!binary aGVsbG8=\n",
    "custom: !thing 1\n",
    "recursive: &r [1, *r]\n",
    "recursive: &r {a: *r}\n",
    "date: 2024-02-30\n",
    "a: 1\na: 2\n",
    "just a string",
    "- 1\n- [2, 3]\n- {a: [4]}\n",
    "",
    "a: [1, 2\n",
    "a: {b: c}: d\n",
    "citations:\n- code: 49-NQ/TW\n  date: '2005-06-02'\n- code: 8-KL/TW\n  date: 2021-12-21\n",
]


@pytest.mark.parametrize("text", CASES)
def test_same_objects_as_the_stock_loader(text):
    assert load(text, LOADER) == load(text, STOCK)


def test_repository_front_matter():
    texts = [p.read_text(encoding="utf-8").split("\n---\n", 1)[0].removeprefix("---\n")
             for p in sorted(ROOT.glob("content/**/*.md"))]
    assert texts
    for text in texts:
        assert load(text, LOADER) == load(text, STOCK)


PIECES = ["a", "b", "1", "0x10", "2024-05-06", "'2024-05-06'", "yes", "~", "null", ".5", "1e3", "Đà Nẵng",
          "!!str 5", "!!set {x}", "&A", "*A", "<<", "=", "[", "]", "{", "}", ", ", ": ", "\n", "\n  ", "- ", "? "]


def test_generated_documents():
    rng = random.Random(3)
    built = 0
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25)))
        want = load(text, STOCK)
        assert load(text, LOADER) == want, text
        built += want[0] == "ok"
    assert built > 300


def test_a_replaced_constructor_is_used(monkeypatch):
    """yaml.add_constructor on the safe loaders' shared table is honoured."""
    table = dict(yaml.constructor.SafeConstructor.yaml_constructors)
    table["tag:yaml.org,2002:int"] = lambda loader, node: "int:" + node.value
    monkeypatch.setattr(yaml.constructor.SafeConstructor, "yaml_constructors", table)
    assert yaml.load("n: 7", Loader=LOADER) == {"n": "int:7"}
