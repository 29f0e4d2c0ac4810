"""Pelican settings for the default build (`make build`).

Relative URLs, so the output works from any static server and under any sub-path; no feeds;
nothing is fetched from another host (no CDN, web fonts or external scripts).
`publishconf.py` builds on this for the public site.
"""
import os
import sys
from pathlib import Path

SITENAME = "Kho lưu trữ Cải cách tư pháp"
SITEURL = ""
RELATIVE_URLS = True

PATH = "content"
ARTICLE_PATHS = ["articles"]
PAGE_PATHS = ["pages"]
STATIC_PATHS: list[str] = []
DEFAULT_LANG = "vi"
TIMEZONE = "Asia/Ho_Chi_Minh"
# Pelican's date strings would need a system locale for Vietnamese; cctp_dates does it instead.
DEFAULT_DATE_FORMAT = "%d/%m/%Y"

THEME = "theme"
PLUGIN_PATHS = ["plugins"]
# Listing PLUGINS turns off namespace auto-discovery, hence yaml_metadata is named here.
# Browse plugins import their shared machinery (plugins/cctp_listing) by name.
sys.path.insert(0, str(Path(__file__).resolve().parent / "plugins"))
# Build-speed plugins (docs/build-speed.md): same output, less time. CCTP_STOCK_BUILD=1 leaves
# them out, which tests/test_fast_build.py and bench/build.py use to compare.
FAST_PLUGINS = [] if os.environ.get("CCTP_STOCK_BUILD") else [
    "cctp_fast_yaml",
    "cctp_fast_archives",
    "cctp_fast_urls",
    "cctp_fast_summary",
    "cctp_fast_markdown",
    "cctp_fast_escape",
    "cctp_fast_strftime",
    "cctp_fast_templates",
    "cctp_fast_write",
    "cctp_read_cache",
    "cctp_parallel_read",
    "cctp_parallel_write",
    "cctp_incremental",  # only under `cctp build`; after cctp_parallel_write (wraps its writer)
    "cctp_articles_ready",  # only under `cctp build`: the index starts once the article pages are written
]
# Processes rendering pages (cctp_parallel_write); same output for any number. `cctp build`
# (make build) uses one per core unless CCTP_BUILD_JOBS says otherwise.
BUILD_JOBS = int(os.environ.get("CCTP_BUILD_JOBS") or 1)
# Each file's Markdown and front matter are read again only when the file changes
# (cctp_read_cache keeps one cache per settings and reader code; `--ignore-cache` rereads all).
CACHE_CONTENT = LOAD_CONTENT_CACHE = bool(FAST_PLUGINS)
CACHE_PATH = ".cache/pelican"
GZIP_CACHE = False  # compressing it took longer than the reading it saves
# An article's entry in a list is rendered once per build and reused (cctp_fragments); the
# stock build renders it on every page, which is what the fast build is compared with.
FRAGMENT_MEMO = bool(FAST_PLUGINS)
PLUGINS = [
    "pelican.plugins.yaml_metadata",
    *FAST_PLUGINS,
    "cctp_stable_pages",  # after FAST_PLUGINS: wraps their writer, so each sees one call per page
    "cctp_drafts",
    "cctp_dates",
    "cctp_metadata",
    "cctp_sanitize",
    "cctp_tags",
    "cctp_provinces",
    "cctp_units",
    "cctp_topics",
    "cctp_doc_types",
    "cctp_authors",
    "cctp_documents",  # before cctp_related and cctp_tracker, which use what it finds
    "cctp_related",
    "cctp_tracker",
    "cctp_timeline",
    "cctp_map",
    "cctp_seo",
    "cctp_fragments",
    "cctp_sitemap",
    "cctp_search",
]

# Content is Markdown only; the reStructuredText reader would just warn that docutils has
# no Vietnamese.
READERS = {"rst": None}
MARKDOWN = {
    "extension_configs": {
        "markdown.extensions.extra": {},
        "markdown.extensions.sane_lists": {},
    },
    "output_format": "html5",
}
JINJA_ENVIRONMENT = {
    # Titles and metadata are text from documents: escape them; bodies are marked |safe.
    "autoescape": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "extensions": [],
}

# URL scheme. Every page is a directory with index.html so URLs end in "/".
ARTICLE_URL = "bai-viet/{slug}/"
ARTICLE_SAVE_AS = "bai-viet/{slug}/index.html"
# An article with `lang: en` is not a translation of anything: same scheme as the rest.
ARTICLE_LANG_URL = ARTICLE_URL
ARTICLE_LANG_SAVE_AS = ARTICLE_SAVE_AS
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
PAGE_LANG_URL = PAGE_URL
PAGE_LANG_SAVE_AS = PAGE_SAVE_AS
TAG_URL = "the/{slug}/"
TAG_SAVE_AS = "the/{slug}/index.html"
TAGS_URL = "the/"
TAGS_SAVE_AS = "the/index.html"
PROVINCE_URL = "tinh/{slug}/"
PROVINCE_SAVE_AS = "tinh/{slug}/index.html"
PROVINCES_URL = "tinh/"
PROVINCES_SAVE_AS = "tinh/index.html"
YEAR_ARCHIVE_URL = "nam/{date:%Y}/"
YEAR_ARCHIVE_SAVE_AS = "nam/{date:%Y}/index.html"
YEARS_URL = "nam/"
YEARS_SAVE_AS = "nam/index.html"
SEARCH_URL = "tim-kiem/"
SEARCH_SAVE_AS = "tim-kiem/index.html"
INDEX_URL = ""
INDEX_SAVE_AS = "index.html"
# 404.html keeps Pelican's default name: static hosts look for exactly that file.
DIRECT_TEMPLATES = ["index", "tags", "years", "search", "404"]

# Drafts are never written, under any language.
DRAFT_URL = DRAFT_SAVE_AS = DRAFT_LANG_URL = DRAFT_LANG_SAVE_AS = ""
DRAFT_PAGE_URL = DRAFT_PAGE_SAVE_AS = DRAFT_PAGE_LANG_URL = DRAFT_PAGE_LANG_SAVE_AS = ""
# No categories (the folder is the year, not a category) and no author pages for now.
USE_FOLDER_AS_CATEGORY = False
CATEGORY_URL = CATEGORY_SAVE_AS = CATEGORIES_URL = CATEGORIES_SAVE_AS = ""
AUTHOR_URL = AUTHOR_SAVE_AS = AUTHORS_URL = AUTHORS_SAVE_AS = ""
ARCHIVES_URL = ARCHIVES_SAVE_AS = ""

# Listings are paged from the oldest article (cctp_stable_pages): older page n, at the last
# pattern's address, keeps the same articles for good; the listing's own page shows the newest.
DEFAULT_PAGINATION = 20
PAGINATED_TEMPLATES = {"index": None, "tag": None, "period_archives": None, "province": None,
                       "unit": None, "topic": None, "doc_type": None, "byline": None, "month": None}
PAGINATION_PATTERNS = (
    (1, "{url}", "{save_as}"),
    (2, "{base_name}/trang/{number}/", "{base_name}/trang/{number}/index.html"),
)

FEED_ALL_ATOM = None
FEED_ATOM = None
CATEGORY_FEED_ATOM = None
TAG_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None

# Where a raw input file (`source.file`) can be read online, e.g.
# "https://github.com/OWNER/cctp-archive/blob/main/{path}"; None shows the path as text.
SOURCE_FILE_URL = None
