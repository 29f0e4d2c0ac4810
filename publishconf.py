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

DELETE_OUTPUT_DIRECTORY = True
