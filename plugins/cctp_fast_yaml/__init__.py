"""Front matter parsed by libyaml (yaml.CSafeLoader) instead of PyYAML's pure-Python parser.

The stock reader (pelican.plugins.yaml_metadata) calls yaml.safe_load, which spends more
time scanning the front matter than Markdown spends on the body. CSafeLoader builds the same
Python objects with the same safe constructors; the identical-output test
(tests/test_fast_build.py) checks that the site does not change. Without libyaml the stock
reader is left as it is.
"""
from __future__ import annotations

import yaml
from pelican import signals
from pelican.plugins.yaml_metadata.yaml_metadata import YAMLMetadataReader

LOADER = getattr(yaml, "CSafeLoader", None)


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
