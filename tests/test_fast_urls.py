"""plugins/cctp_fast_urls: an URL setting formatted from the values it names gives Pelican's own
answer, for every kind of field an URL setting can hold, and Pelican's error for a field the
article does not have."""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest
from pelican.contents import Article, Page
from pelican.settings import DEFAULT_CONFIG
from pelican.urlwrappers import Author, Category

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "plugins"))
import cctp_fast_urls  # noqa: E402

TEMPLATES = ["bai-viet/{slug}/", "bai-viet/{slug}/index.html", "{date:%Y}/{date:%m}/{slug}.html",
             "{category}/{author}/{lang}/{slug}", "{path}", "{source}/{slug}", "tĩnh/{{đúng}}/{slug}", "",
             "{date.year}/{slug}", "{0}", "{metadata[slug]}"]


def content(cls, settings, **metadata):
    return cls("<p>x</p>", metadata={"title": "Tiêu đề", **metadata}, settings=settings,
               source_path=str(Path(settings["PATH"]) / "2025" / "bai.md"))


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_same_url_as_pelican(template, tmp_path):
    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "ARTICLE_URL": template, "PAGE_SAVE_AS": template,
                "DRAFT_URL": template}
    author, category = Author("Văn Tuấn", settings), Category("Tin tức", settings)
    made = [content(Article, settings, slug="bai-mot", date=dt.datetime(2025, 3, 9), author=author,
                    category=category, source="https://vi.example/a"),
            content(Article, settings, slug="bai-hai", date=dt.datetime(2025, 3, 9), status="draft",
                    source="https://vi.example/b"),
            content(Page, settings, slug="trang", source="https://vi.example/c")]
    for item, key, klass in ((made[0], "url", None), (made[1], "url", "draft"), (made[2], "save_as", None)):
        try:
            expected = cctp_fast_urls._stock_expand(item, key, klass)
        except (KeyError, IndexError, AttributeError) as exc:
            with pytest.raises(type(exc)):
                cctp_fast_urls._expand_settings(item, key, klass)
            continue
        assert cctp_fast_urls._expand_settings(item, key, klass) == expected


def test_a_missing_field_fails_as_in_pelican(tmp_path):
    settings = {**DEFAULT_CONFIG, "PATH": str(tmp_path), "ARTICLE_URL": "{province}/{slug}/"}
    article = content(Article, settings, slug="bai", date=dt.datetime(2025, 1, 1))
    with pytest.raises(KeyError):
        cctp_fast_urls._expand_settings(article, "url")
