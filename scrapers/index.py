"""Build the Pagefind search index of a built site: ``python -m scrapers.index OUTPUT_DIR``.

Only article pages are indexed. Pagefind keeps about 250 kB of memory per indexed page, so
it is pointed at the article directory (``ARTICLE_GLOB``) and, inside each page, only the
``data-pagefind-body`` region (title and text) is indexed. The language is forced to
Vietnamese so English items land in the same index as the rest.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import pagefind_bin

# Must follow ARTICLE_SAVE_AS in pelicanconf.py ("bai-viet/{slug}/index.html").
ARTICLE_GLOB = "bai-viet/**/*.html"
BUNDLE = "pagefind"
LANGUAGE = "vi"


class IndexBuildError(RuntimeError):
    """The search index could not be built; the message (Vietnamese, like `cctp check`) says why."""


def build_index(output: Path, glob: str = ARTICLE_GLOB) -> None:
    """Write ``output/pagefind/`` for the article pages of the built site in ``output``."""
    output = Path(output)
    if not output.is_dir():
        raise IndexBuildError(f"{output}: không có thư mục này; hãy dựng trang trước (make site)")
    pages = [p for p in output.glob(glob) if p.is_file()]
    if not pages:
        raise IndexBuildError(f"{output}: không có trang bài viết nào khớp {glob!r}; không có gì để lập chỉ mục")
    # A stale bundle would keep fragments of pages that no longer exist.
    shutil.rmtree(output / BUNDLE, ignore_errors=True)
    command = [
        str(pagefind_bin.get_executable()),
        "--site", str(output),
        "--glob", glob,
        "--output-subdir", BUNDLE,
        "--force-language", LANGUAGE,
        "--quiet",
    ]
    done = subprocess.run(command, capture_output=True, text=True)
    # Pagefind notes on stderr that it has no Vietnamese stemmer; that is expected noise.
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise IndexBuildError(f"pagefind thất bại (mã thoát {done.returncode}): {detail}")
    if not (output / BUNDLE / "pagefind-entry.json").is_file():
        raise IndexBuildError(f"pagefind đã chạy nhưng không ghi chỉ mục vào {output / BUNDLE}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scrapers.index", description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path, help="the built site (Pelican's output directory)")
    parser.add_argument("--glob", default=ARTICLE_GLOB, help=f"pages to index (default {ARTICLE_GLOB})")
    args = parser.parse_args(argv)
    try:
        build_index(args.output, args.glob)
    except (IndexBuildError, OSError) as exc:
        print(f"lỗi chỉ mục: {exc}", file=sys.stderr)
        return 1
    count = sum(1 for _ in args.output.glob(args.glob))
    print(f"chỉ mục: {count} trang bài viết → {args.output / BUNDLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
