"""`cctp check`: what breaks the site is an error naming file, line and field."""
import shutil
import subprocess
import sys
import unicodedata

import pytest

from helpers import ROOT


def check(content):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", "check", str(content)],
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def content(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path / "content"


def article(content, name="thai-nguyen"):
    return next((content / "articles").rglob(f"*{name}*.md"))


def test_repository_content_passes_with_warnings(content):
    result = check(content)
    assert result.returncode == 0, result.stderr
    assert "0 lỗi" in result.stderr and "cảnh báo" in result.stderr and "tiêu đề được tạo" in result.stderr


def test_bad_yaml_names_file_and_line(content):
    path = article(content)
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[1] = "title: Thái Nguyên: Triển khai: [sai"
    path.write_text("\n".join(lines), encoding="utf-8")
    result = check(content)
    assert result.returncode == 1
    assert f"{path}:2:" in result.stderr
    assert "YAML" in result.stderr


@pytest.mark.parametrize("old, new, field, hint", [
    ("province: Thái Nguyên", "province: Thai Nguyen Province", "province", "Bắc Kạn"),
    ("province: Thái Nguyên", "province: Thai Nguyen", "province", "Thái Nguyên"),
    ("doc_type: project", "doc_type: project-plan", "doc_type", "doc_type: news"),
    ("date: '2022-04-13T11:01:00+07:00'", "date: 13/04/2022", "date", "2022-04-13"),
    ("status: published", "status: live", "status", "published"),
    ("- lanh-dao-cua-dang", "- lanh-dao", "topics", "topics:"),
])
def test_field_errors_explain_with_an_example(content, old, new, field, hint):
    path = article(content)
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = check(content)
    assert result.returncode == 1
    line = next(i for i, l in enumerate(path.read_text(encoding="utf-8").split("\n"), 1) if l.startswith(field))
    assert f"{path}:{line}: [{field}]" in result.stderr
    assert "Ví dụ đúng" in result.stderr and hint in result.stderr


def test_duplicate_slug_and_source(content):
    path = article(content)
    shutil.copy(path, path.with_name("copy.md"))
    result = check(content)
    assert result.returncode == 1
    assert "trùng" in result.stderr and "[slug]" in result.stderr and "[source]" in result.stderr


def test_non_nfc_text_is_an_error(content):
    path = article(content)
    path.write_text(unicodedata.normalize("NFD", path.read_text(encoding="utf-8")), encoding="utf-8")
    result = check(content)
    assert result.returncode == 1 and "NFC" in result.stderr


def test_draft_without_date_is_a_warning_not_an_error(content):
    path = article(content)
    text = path.read_text(encoding="utf-8").replace("date: '2022-04-13T11:01:00+07:00'\n", "")
    text = text.replace("date_basis: published\n", "").replace("status: published", "status: draft")
    path.write_text(text, encoding="utf-8")
    result = check(content)
    assert result.returncode == 0 and "bài nháp" in result.stderr
    path.write_text(text.replace("status: draft", "status: published"), encoding="utf-8")
    assert check(content).returncode == 1


def test_a_changed_file_is_checked_against_the_others_slugs_and_sources(content):
    """What `cctp build` runs on the changed files only: a slug or source another article
    already has is found whether that article quotes it or not, and a value that only
    appears in another article's text is no repeat."""
    from scrapers import check as rules

    path = article(content)
    meta = rules.check_file(path, False)[1]
    others = [p for p in (content / "articles").rglob("*.md") if p != path]
    text = others[0].read_text(encoding="utf-8")
    others[0].write_text(text.replace("\n---\n", f"\n---\nXem bài {meta['slug']} và {meta['source']['url']}.\n", 1),
                         encoding="utf-8")
    assert rules._repeats(content, path, meta) == []
    copy = path.with_name("ban-sao.md")
    copy.write_text(path.read_text(encoding="utf-8").replace(f"slug: {meta['slug']}", f"slug: \"{meta['slug']}\""),
                    encoding="utf-8")
    found = rules._repeats(content, path, meta)
    assert sorted(f.field for f in found) == ["slug", "source"]
    assert all(str(copy) in f.message for f in found)
