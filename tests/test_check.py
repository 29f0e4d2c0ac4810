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


def _repeats_by_reading(content, path, meta):
    """_repeats by its definition: every other article's front matter read and matched."""
    import re

    from scrapers.check import FRONT

    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    wanted = {"slug": [str(meta["slug"])] if meta.get("slug") else [],
              "source": [str(v) for v in (source.get("sha256"), source.get("url")) if v]}
    lines = {key: re.compile(rf"^\s*(?:- )?{prefix}:\s*['\"]?(?:{'|'.join(map(re.escape, values))})['\"]?\s*$", re.M)
             for key, prefix, values in (("slug", "slug", wanted["slug"]), ("source", "(?:sha256|url)", wanted["source"]))
             if values}
    out = []
    for other in sorted((content / "articles").rglob("*.md")):
        if other.resolve() == path.resolve():
            continue
        head = FRONT.match(other.read_bytes().decode("utf-8", errors="replace"))
        out += [(key, str(other)) for key, pattern in lines.items() if head and pattern.search(head.group("meta"))]
    return out


def test_repeats_are_found_as_reading_every_article_finds_them(tmp_path, monkeypatch):
    """The slugs and sources of the other articles come from an index kept between checks
    (scrapers/check.py's _article_values), and find what reading each article's front matter
    finds, however its lines are written (quoted or not, in a list, a value on the next line,
    a key with no value before another); an article that changed is read again."""
    import os
    import random

    from scrapers import check as rules

    monkeypatch.setattr(rules, "INDEX_DIR", tmp_path / "index")
    rng = random.Random(5)
    values = ["bai-mot", "bai-hai", "https://baobinhdinh.vn/a.html", "ab12cd34", "bai-ba"]
    shapes = ["{k}: {v}", "{k}: '{v}'", '{k}: "{v}"', "  - {k}: {v}", "    {k}: '{v}\"", "{k}:\n  {v}",
              "{k}:\nurl: {v}", "{k}: {v}'", "{k}: \"{v}", "{k}: x{v}", "{k}:  {v}  "]
    content = tmp_path / "content"
    folder = content / "articles" / "2024"
    folder.mkdir(parents=True)
    files = []
    for i in range(40):
        lines = [rng.choice(shapes).format(k=rng.choice(["slug", "url", "sha256"]), v=rng.choice(values))
                 for _ in range(rng.randint(1, 4))]
        files.append(folder / f"bai-{i}.md")
        files[-1].write_text("---\ntitle: Bài\n" + "\n".join(lines) + "\n---\nslug: bai-mot\n", encoding="utf-8")
    for i in range(60):
        slug, url = rng.choice(values), rng.choice(values)
        meta = {"slug": slug, "source": {"url": url, "sha256": rng.choice(values)}}
        path = files[i % len(files)]
        found = [(f.field, f.message.split(" trùng với ")[-1].split("cùng nguồn với ")[-1].split(" (bài trùng)")[0].rstrip("."))
                 for f in rules._repeats(content, path, meta)]
        assert found == _repeats_by_reading(content, path, meta)
        if i % 10 == 9:  # an article edited between checks
            edited = files[rng.randrange(len(files))]
            edited.write_text(edited.read_text(encoding="utf-8").replace("title: Bài", f"slug: {slug}"), encoding="utf-8")
            later = edited.stat().st_mtime_ns + 1_000_000_000
            os.utime(edited, ns=(later, later))
    assert len(list((tmp_path / "index").iterdir())) == 1

    stale = tmp_path / "index" / "0123456789abcdef.pickle"  # another folder's, not checked for months
    stale.write_bytes(b"")
    os.utime(stale, ns=(0, 0))
    rules._repeats(content, files[0], {"slug": "bai-mot"})  # reads the article edited last
    assert not stale.exists() and len(list((tmp_path / "index").iterdir())) == 1
    empty = tmp_path / "trong"
    (empty / "articles").mkdir(parents=True)
    assert rules._repeats(empty, empty / "articles" / "moi.md", {"slug": "bai-mot"}) == []
    read = []
    stock = rules._candidates
    monkeypatch.setattr(rules, "_candidates", lambda data: read.append(1) or stock(data))
    rules._repeats(content, files[0], {"slug": "bai-mot"})
    assert read == []  # nothing changed since the last check: no article read
