"""Pelican settings for the editors' preview (`make serve`): the site as it will be, plus
drafts (at their future address, with a banner), open review reasons on each article, a
review page (/can-xem/), reload after each rebuild, and /admin/ when CCTP_ADMIN is set.

Never publish a preview: `make build` and `make publish` rebuild output/ from scratch
with pelicanconf.py / publishconf.py, in which cctp_drafts leaves every draft out.
"""
import os
import sys

ROOT = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, ROOT)

from pelicanconf import *  # noqa: E402,F403
from pelicanconf import ARTICLE_LANG_SAVE_AS, ARTICLE_LANG_URL, ARTICLE_SAVE_AS, ARTICLE_URL, PLUGINS  # noqa: E402

PLUGINS = [p for p in PLUGINS if p != "cctp_drafts"] + ["cctp_preview"]
DRAFT_URL, DRAFT_SAVE_AS = ARTICLE_URL, ARTICLE_SAVE_AS
DRAFT_LANG_URL, DRAFT_LANG_SAVE_AS = ARTICLE_LANG_URL, ARTICLE_LANG_SAVE_AS
THEME_TEMPLATES_OVERRIDES = [os.path.join(ROOT, "plugins", "cctp_preview", "templates")]
# Each rebuild starts clean, so a renamed or deleted draft does not linger; but for the search
# index, whose bundles are indexed again only when their pages change (scrapers/index.py): each
# save re-indexed all of them: a rebuild at 10,000 articles took 95 s, 34 s with them kept.
DELETE_OUTPUT_DIRECTORY = True
OUTPUT_RETENTION = ["pagefind"]
# One process: a forked worker must not outlive a rebuild of `--autoreload`.
BUILD_JOBS = 1
