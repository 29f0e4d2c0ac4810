"""Pelican settings for the public site (`make publish`): absolute URLs and Atom feeds.

The address comes from CCTP_SITEURL (no trailing slash), e.g.
`CCTP_SITEURL=https://example.org/cctp make publish`. The default is the local server
of `make serve`, so an unconfigured publish build still works when served locally.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F403

SITEURL = os.environ.get("CCTP_SITEURL", "http://127.0.0.1:8000").rstrip("/")
if "CCTP_SITEURL" not in os.environ:
    print(f"publishconf: chưa đặt CCTP_SITEURL, dùng {SITEURL}", file=sys.stderr)
RELATIVE_URLS = False

FEED_DOMAIN = SITEURL
FEED_ALL_ATOM = "feeds/all.atom.xml"
TAG_FEED_ATOM = "the/{slug}/atom.xml"
# Written by cctp_provinces and cctp_topics (plugins/cctp_listing) beside each listing.
PROVINCE_FEED_ATOM = "tinh/{slug}/atom.xml"
TOPIC_FEED_ATOM = "chu-de/{slug}/atom.xml"
# The newest 30 articles, each in full: a reader polls a feed for what is new, often over a
# slow mobile link, and Pelican's default of 100 made each feed about 530 kB at 10,000
# articles (about 160 kB now). It also renders a third of the entries when an article is
# added (each of its feeds is written again: 5-19 of them, 0.1-0.3 s at 100 entries).
FEED_MAX_ITEMS = 30

DELETE_OUTPUT_DIRECTORY = True
