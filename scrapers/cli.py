"""The `cctp` command. Each subcommand lives in its own module, which provides
`add_arguments(parser)` and `run(args) -> int`; COMMANDS names them in help order."""
from __future__ import annotations

import argparse
import importlib
import sys

# name → (module, Vietnamese help line)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("scrapers.ingest", "chuyển tài liệu thô (.txt) thành bài Markdown trong content/"),
    "check": ("scrapers.check", "kiểm tra mọi bài trong content/"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cctp", description="Kho lưu trữ Cải cách tư pháp: công cụ biên tập")
    sub = parser.add_subparsers(dest="command", required=True)
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(sub.add_parser(name, help=help_text, description=help_text))
        modules[name] = module
    args = parser.parse_args(argv)
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
