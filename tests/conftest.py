"""Build fixtures for the site tests: the repository's own content, and small made-up sites.

Builds run Pelican as a subprocess from this interpreter's environment, exactly as
`make site` does, then index them with scrapers.index.
"""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from scrapers.index import build_index

ROOT = Path(__file__).resolve().parents[1]
# Every incremental build the tests run (all in subprocesses) checks that an article digested
# as made plus what was set since changes whenever it would digested whole
# (plugins/cctp_incremental, _verify): a plugin changing an article in place fails the build.
os.environ["CCTP_INCREMENTAL_VERIFY"] = "1"
PELICAN = Path(sys.executable).parent / "pelican"
CONTENT = ROOT / "content"


def build_site(content: Path, output: Path, settings: str = "pelicanconf.py", index: bool = True,
               env: dict[str, str] | None = None) -> Path:
    """Build `content` into `output` with one of the repository's settings files."""
    done = subprocess.run(
        [str(PELICAN), str(content), "-s", str(ROOT / settings), "-o", str(output),
         "--delete-output-directory", "--fatal", "errors"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, **(env or {})},
    )
    if done.returncode != 0:
        pytest.fail(f"pelican failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    if index:
        build_index(output)
    return output


def front_matter(meta: dict) -> str:
    """YAML front matter in field order. `date` is written bare, as the ingest writes it, so a
    date-time stays a YAML timestamp and a date stays a date."""
    lines = []
    for key, value in meta.items():
        if key == "date" and isinstance(value, str):
            lines.append(f"date: {value}")
        else:
            lines.append(yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False, width=10_000).rstrip())
    return "---\n" + "\n".join(lines) + "\n---\n"


def write_article(content: Path, meta: dict, body: str) -> Path:
    """Write one article as content/articles/<year>/<slug>.md (drafts without date: undated/)."""
    date = meta.get("date")
    folder = str(date)[:4] if date else "undated"
    path = content / "articles" / folder / f"{meta['slug']}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(front_matter(meta) + "\n" + body.strip() + "\n", encoding="utf-8")
    return path


def synthetic_content(base: Path, articles: int, seed: int, with_real: bool = False) -> Path:
    """`base`/content with `articles` synthetic articles from bench/corpus.py (and, with
    `with_real`, the repository's own articles beside them)."""
    import importlib.util
    import shutil
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    content = corpus.generate(articles, base, seed=seed)
    if with_real:
        shutil.copytree(CONTENT / "articles", content / "articles", dirs_exist_ok=True)
    return content


def article_files(content: Path = CONTENT) -> list[Path]:
    return sorted((content / "articles").glob("**/*.md"))


def read_front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    _, header, _ = text.split("---\n", 2)
    return yaml.safe_load(header)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so browser tests must run)")
    pytest.skip(f"{reason}; browser tests skipped (set CI=1 to make this a failure)")


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright, shared by every browser test module
    (sync Playwright cannot run twice at once in one thread)."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is not installed")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def make_site(tmp_path_factory):
    """make_site(articles, index=True, settings="pelicanconf.py", env=None) -> output directory.

    `articles` is a list of (front matter dict, Markdown body). The repository's pages
    (content/pages) are copied in so page links work as on the real site."""
    def _make(articles, index: bool = True, settings: str = "pelicanconf.py",
              env: dict[str, str] | None = None) -> Path:
        base = tmp_path_factory.mktemp("site")
        content = base / "content"
        (content / "articles").mkdir(parents=True)
        pages = content / "pages"
        pages.mkdir()
        for page in (CONTENT / "pages").glob("*.md"):
            (pages / page.name).write_text(page.read_text(encoding="utf-8"), encoding="utf-8")
        for meta, body in articles:
            write_article(content, meta, body)
        return build_site(content, base / "output", settings=settings, index=index, env=env)
    return _make


@pytest.fixture(scope="session")
def sample_site(make_site) -> Path:
    """SAMPLES (below) built with pelicanconf.py and indexed."""
    return make_site(list(SAMPLES.values()))


CORPUS_ARTICLES = 300


@pytest.fixture(scope="session")
def corpus_site(tmp_path_factory) -> Path:
    """A mid-size archive built and indexed once per session: CORPUS_ARTICLES synthetic
    articles from bench/corpus.py (provinces, years, topics and citations spread like a real
    archive) plus the repository's own content/articles."""
    base = tmp_path_factory.mktemp("corpus")
    content = synthetic_content(base, CORPUS_ARTICLES, seed=4, with_real=True)
    return build_site(content, base / "output")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The repository's own content/, built with pelicanconf.py and indexed."""
    if not article_files():
        pytest.skip("content/articles/ has no articles yet: run the ingest (cctp ingest) first")
    return build_site(CONTENT, tmp_path_factory.mktemp("real") / "output")


# Made-up articles covering every front-matter shape the templates handle. They are modelled
# on the seed documents but are not them: tests must not depend on the ingest's output.
SAMPLES = {
    "project": ({
        "title": "Thái Nguyên: Triển khai thực hiện Đề án nâng cao chất lượng cải cách tư pháp",
        "slug": "thai-nguyen-trien-khai-de-an",
        "date": "2022-04-13T11:01:00+07:00",
        "date_basis": "published",
        "status": "published",
        "lang": "vi",
        "scope": "province",
        "province": "Thái Nguyên",
        "doc_type": "project",
        "authors": ["Hoàng Thanh Huyền"],
        "author_affiliation": "Ban Nội chính Tỉnh ủy Thái Nguyên",
        "topics": ["lanh-dao-cua-dang", "bo-tro-tu-phap"],
        "tags": ["49-NQ/TW", "Thái Nguyên"],
        "citations": [
            {"code": "10-ĐA/TU", "type": "Đề án", "date": dt.date(2021, 12, 15),
             "issuer": "Ban Chấp hành Đảng bộ tỉnh"},
            {"code": "49-NQ/TW", "type": "Nghị quyết", "date": "2005-06-02", "issuer": "Bộ Chính trị"},
        ],
        "source": {"file": "raw/seeds/002_ef9b73df81c7ad29.txt", "url": None,
                   "sha256": "0" * 64, "retrieved": None},
        "review": [],
    }, "Đề án đề ra 08 nhóm nhiệm vụ, giải pháp, trong đó có nâng cao chất lượng hoạt động "
       "bổ trợ tư pháp và giám định tư pháp.\n\nHội nghị giao ban khối Nội chính đã quán triệt Đề án."),
    "news": ({
        "title": "Triển khai nhiệm vụ công tác cải cách tư pháp",
        "slug": "bac-kan-trien-khai-nhiem-vu-cai-cach-tu-phap",
        "date": "2021-07-14",
        "date_basis": "event",
        "status": "published",
        "lang": "vi",
        "scope": "province",
        "province": "Bắc Kạn",
        "doc_type": "news",
        "topics": ["lanh-dao-cua-dang"],
        "source": {"file": None, "url": "https://backan.example.vn/tin/123",
                   "sha256": "1" * 64, "retrieved": "2024-05-01T08:00:00+07:00"},
        "review": [{"code": "title-derived", "field": "title",
                    "message": "Tiêu đề được tạo từ đoạn mở đầu. Sửa tiêu đề rồi xoá mục này."}],
    }, "Chiều 14/7, Ban Chỉ đạo Cải cách tư pháp tỉnh Bắc Kạn họp đánh giá kết quả 6 tháng đầu năm."),
    "directive": ({
        "title": "Chỉ thị về tăng cường lãnh đạo, chỉ đạo đối với các hoạt động tư pháp",
        "slug": "binh-dinh-chi-thi-tang-cuong-lanh-dao-hoat-dong-tu-phap",
        "date": "2022-05-30",
        "date_basis": "issued",
        "status": "published",
        "lang": "vi",
        "scope": "province",
        "province": "Bình Định",
        "doc_type": "directive",
        "doc_number": "14-CT/TU",
        "issuer": "Ban Thường vụ Tỉnh ủy Bình Định",
        "signer": "Hồ Quốc Dũng",
        "signer_title": "T/M Ban Thường vụ — Bí thư",
        "recipients": ["Ban Bí thư Trung ương Đảng", "Ban Nội chính Trung ương"],
        "received": {"office": "Sở Nội vụ tỉnh Bình Định", "number": "6123", "date": "2022-06-03"},
        "source": {"file": "raw/seeds/003_983c4ab738b874af.txt", "url": None, "sha256": "3" * 64,
                   "retrieved": None},
    }, "Ban Thường vụ Tỉnh ủy yêu cầu các cấp ủy tăng cường lãnh đạo công tác giám định tư pháp."),
    "tagged": ({
        "title": "Ngành Tư pháp Hậu Giang hoàn thành tốt nhiệm vụ năm 2023",
        "slug": "hau-giang-nganh-tu-phap-hoan-thanh-nhiem-vu-2023",
        "date": "2023-12-09",
        "date_basis": "event",
        "status": "published",
        "lang": "vi",
        "scope": "province",
        "province": "Hậu Giang",
        "doc_type": "news",
        "authors": ["TTXVN"],
        "tags": ["Hậu Giang", "công nghệ thông tin"],
    }, "Ngày 9/12, Đoàn công tác của Bộ Tư pháp làm việc với UBND tỉnh Hậu Giang về ứng dụng công nghệ thông tin."),
    "english": ({
        "title": "Judicial reform conference reviews ten years of Resolution 49",
        "slug": "judicial-reform-conference-reviews-resolution-49",
        "date": "2023-03-02",
        "date_basis": "published",
        "status": "published",
        "lang": "en",
        "scope": "national",
        "province": None,
        "doc_type": "news",
    }, "The Central Steering Committee for Judicial Reform reviewed the implementation of Resolution 49."),
    "draft": ({
        "title": "Bản nháp chưa công bố",
        "slug": "ban-nhap-chua-cong-bo",
        "status": "draft",
        "lang": "vi",
        "scope": "unknown",
        "province": None,
        "doc_type": "other",
    }, "Từ khoá riêng của bản nháp: zqxnhapbimat."),
}
