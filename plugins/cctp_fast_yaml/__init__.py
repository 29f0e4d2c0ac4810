"""Front matter parsed by libyaml (yaml.CSafeLoader) instead of PyYAML's pure-Python parser.

The stock reader (pelican.plugins.yaml_metadata) calls yaml.safe_load, which spends more
time scanning the front matter than Markdown spends on the body. CSafeLoader builds the same
Python objects with the same safe constructors; the identical-output test
(tests/test_fast_build.py) checks that the site does not change. Without libyaml the stock
reader is left as it is.

libyaml only parses: PyYAML's Python constructor still turns its nodes into objects, through
a general machinery (a recursion guard, a memo and a deferred generator per mapping and
list). FastLoader builds the common case (maps, lists, strings, numbers, booleans, nulls,
dates, aliases) in one walk with the same constructors for scalars, and gives anything else
(merge keys, sets, other tags, recursive aliases, unhashable keys) to the stock constructor,
which sees the untouched nodes (tests/test_fast_yaml.py compares the objects both make).
The 10,000 synthetic front matters: 1.72 → 1.42 s of CPU; the rest is libyaml's parsing and
the Python calls it makes for every node.
"""
from __future__ import annotations

import yaml
from pelican import signals
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

_CLoader = getattr(yaml, "CSafeLoader", None)
TAG = "tag:yaml.org,2002:"
STR, MAP, SEQ = TAG + "str", TAG + "map", TAG + "seq"


class _Other(Exception):
    """Something the fast walk leaves to the stock constructor."""


if _CLoader is not None:
    class FastLoader(_CLoader):
        def construct_document(self, node):
            # The scalar tags whose constructor is still PyYAML's own: one may have been
            # replaced with yaml.add_constructor.
            table = self.yaml_constructors
            scalars = {tag: table[tag] for tag in SCALARS if table.get(tag) is STOCK[tag]}
            if table.get(MAP) is not STOCK[MAP] or table.get(SEQ) is not STOCK[SEQ]:
                return super().construct_document(node)
            try:
                return self._build(node, scalars, {}, set())
            except _Other:
                return super().construct_document(node)

        def _build(self, node, scalars, made, open_):
            found = made.get(node)
            if found is not None:  # an alias: the same object, as the stock constructor gives
                return found[0]
            kind = type(node)
            tag = node.tag
            if kind is yaml.ScalarNode:
                if tag == STR and STR in scalars:
                    value = node.value
                elif tag in scalars:
                    value = scalars[tag](self, node)
                else:
                    raise _Other
            elif kind is yaml.MappingNode and tag == MAP:
                if node in open_:
                    raise _Other
                open_.add(node)
                value = {}
                for key_node, value_node in node.value:
                    # A merge key ("<<") or value key ("=") has a tag of its own: _Other.
                    key = self._build(key_node, scalars, made, open_)
                    try:
                        hash(key)
                    except TypeError:
                        raise _Other from None
                    value[key] = self._build(value_node, scalars, made, open_)
                open_.discard(node)
            elif kind is yaml.SequenceNode and tag == SEQ:
                if node in open_:
                    raise _Other
                open_.add(node)
                value = [self._build(item, scalars, made, open_) for item in node.value]
                open_.discard(node)
            else:
                raise _Other
            made[node] = (value,)
            return value

    SCALARS = tuple(TAG + name for name in ("str", "null", "bool", "int", "float", "timestamp"))
    STOCK = {TAG + name: getattr(yaml.constructor.SafeConstructor, "construct_yaml_" + name)
             for name in ("str", "null", "bool", "int", "float", "timestamp", "map", "seq")}
    LOADER = FastLoader
else:
    LOADER = None


class CYAMLMetadataReader(YAMLMetadataReader):
    def _load_yaml_metadata(self, text, source_path):
        try:
            metadata = yaml.load(text, Loader=LOADER)
        except Exception:  # noqa: BLE001 - e.g. a date that does not exist: the stock reader reports it
            metadata = None
        if not isinstance(metadata, dict):
            # Let the stock reader parse it again and report the error in its own words.
            return super()._load_yaml_metadata(text, source_path)
        return self._parse_yaml_metadata(metadata, source_path)


def add_reader(readers) -> None:
    for ext in CYAMLMetadataReader.file_extensions:
        if readers.reader_classes.get(ext) is YAMLMetadataReader:
            readers.reader_classes[ext] = CYAMLMetadataReader


def register() -> None:
    if LOADER is not None:
        signals.readers_init.connect(add_reader)
