"""The `cctp` command: ingest raw documents, check the content."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cctp", description="Kho lưu trữ Cải cách tư pháp: công cụ biên tập")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="chuyển tài liệu thô (.txt) thành bài Markdown trong content/")
    p.add_argument("paths", nargs="+", help="tệp .txt hoặc thư mục chứa chúng")
    p.add_argument("--content", default="content", type=Path, help="thư mục nội dung (mặc định: content)")
    p.add_argument("--dry-run", action="store_true", help="không ghi gì, chỉ cho biết sẽ làm gì")
    p.add_argument("--json", action="store_true", help="in mỗi tài liệu một dòng JSON")

    c = sub.add_parser("check", help="kiểm tra mọi bài trong content/")
    c.add_argument("content", nargs="?", default="content", type=Path)

    args = parser.parse_args(argv)
    if args.command == "ingest":
        from .ingest import run
        return run(args.paths, args.content, args.dry_run, args.json)
    from .check import run as check
    return check(args.content)


if __name__ == "__main__":
    sys.exit(main())
