"""The `cctp` command. Each subcommand lives in its own module, which provides
`add_arguments(parser)` and `run(args) -> int`; COMMANDS names them in help order."""
from __future__ import annotations

import argparse
import importlib
import sys

# name → (module, Vietnamese help line)
COMMANDS: dict[str, tuple[str, str]] = {
    "ingest": ("scrapers.ingest", "chuyển tài liệu thô (.txt, trang .html, .pdf) thành bài Markdown trong content/"),
    "check": ("scrapers.check", "kiểm tra mọi bài trong content/"),
    "new": ("scrapers.new", "tạo bài mới (bản nháp) đúng chỗ, đủ thông tin đầu bài; --from: từ một tài liệu"),
    "review": ("scrapers.review", "liệt kê bài nháp và các lý do cần biên tập viên xem, bài chờ lâu nhất trước"),
    "build": ("scrapers.site_build", "dựng trang và chỉ mục tìm kiếm, chỉ làm lại phần đã đổi (make build gọi lệnh này)"),
    "scrape": ("scrapers.scrape", "tải bài mới từ các nguồn trong scrapers/data/sources.yaml (trang web, RSS, PDF)"),
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="cctp", description="Kho lưu trữ Cải cách tư pháp: công cụ biên tập")
    sub = parser.add_subparsers(dest="command", required=True)
    # Only the chosen command's module is imported: `cctp check` need not load the
    # scrapers' HTTP stack, and one command's trouble cannot break the others.
    chosen = next((a for a in argv if not a.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            module = importlib.import_module(module_name)
            module.add_arguments(command)
    args = parser.parse_args(argv)
    return module.run(args)


if __name__ == "__main__":
    sys.exit(main())
