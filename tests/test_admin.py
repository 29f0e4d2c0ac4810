"""/admin/ (Decap CMS) for real: decap-server on 127.0.0.1 writing into a git work tree, the
preview site with /admin/ in it, headless Chromium filling the form. The files it writes are
checked like any other: `cctp check`, the same keys as `cctp new`, and a small git diff."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml
from slugify import slugify

from conftest import ROOT, build_site, read_front_matter
from editor_support import free_port, local_site, new_page, require_npm, screenshot

sys.path.insert(0, str(ROOT))   # admin/ is a folder of the repository, not an installed package

pytestmark = pytest.mark.browser

ADMIN = ROOT / "admin"
TITLE = "Hậu Giang tổ chức hội nghị về hòa giải ở cơ sở năm 2024"
SLUG = slugify(TITLE, max_length=80, word_boundary=True, save_order=True)
AFFILIATION = "Sở Tư pháp tỉnh Hậu Giang"
SAVED = "Thay đổi đã được lưu"          # Decap's Vietnamese status once the file is written
TIMEOUT_MS = 60_000


def cctp(*args, cwd):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


def git(cwd, *args) -> str:
    return subprocess.run(["git", "-c", "user.name=Biên tập", "-c", "user.email=bt@example.vn", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def cms(tmp_path_factory):
    """A git work tree with the repository's content/, decap-server on it, and the preview
    site (previewconf.py, /admin/ included through CCTP_ADMIN) served on 127.0.0.1."""
    require_npm()
    if not (ADMIN / "node_modules" / "decap-cms").is_dir():
        pytest.fail("admin/node_modules is missing: `make test` installs it (npm ci --prefix admin)")
    from admin.serve import decap_server

    repo = tmp_path_factory.mktemp("repo")
    shutil.copytree(ROOT / "content", repo / "content")
    git(repo, "init", "-q")
    git(repo, "add", "content")
    git(repo, "commit", "-q", "-m", "samples")
    with decap_server(repo, free_port()) as api:
        output = build_site(repo / "content", repo.parent / f"{repo.name}-site", settings="previewconf.py",
                            index=False, env={"CCTP_ADMIN": api})
        with local_site(output) as url:
            yield repo, url


def _choose(page, field: str, text: str) -> None:
    """Pick an option of a select (react-select) by typing its label."""
    page.click(f'input[id^="{field}-field-"]')
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def _publish(page) -> None:
    page.get_by_role("button", name="Công bố").first.click()
    page.get_by_text("Công bố ngay").click()


def _open(page, url: str) -> None:
    page.goto(url + "admin/")
    page.get_by_role("button", name="Đăng nhập").click()   # the local backend's login: no account
    page.get_by_text("Bài viết").first.wait_for(timeout=TIMEOUT_MS)


def test_generated_config_comes_from_the_project_data(cms):
    repo, url = cms
    output = next(repo.parent.glob(f"{repo.name}-site"))
    config = yaml.safe_load((output / "admin" / "config.yml").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in config["collections"][0]["fields"]}
    from scrapers.gazetteer import doc_types, gazetteer, topics
    assert [o["value"] for o in fields["province"]["options"]] == [p.name for p in gazetteer().provinces]
    assert fields["unit_2025"]["options"] == [u.name for u in gazetteer().units_2025]
    assert [o["value"] for o in fields["doc_type"]["options"]] == list(doc_types())
    assert [o["value"] for o in fields["topics"]["options"]] == list(topics())
    assert fields["date"]["widget"] == "datetime" and fields["citations"]["widget"] == "list"
    assert {"Bắc Kạn (từ 1/7/2025 thuộc Thái Nguyên)"} <= {o["label"] for o in fields["province"]["options"]}
    assert config["backend"]["proxy_url"].startswith("http://127.0.0.1:")
    # Everything the page loads comes from the site itself.
    page = (output / "admin" / "index.html").read_text(encoding="utf-8")
    assert "http" not in page.replace('href="config.yml"', "")
    assert (output / "admin" / "decap-cms.js").is_file() and (output / "admin" / "yaml" / "index.js").is_file()


def test_create_then_edit_an_article_through_the_form(cms, browser):
    repo, url = cms
    page = new_page(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _open(page, url)
    screenshot(page, "bieu-mau-danh-sach")
    page.goto(url + "admin/#/collections/articles/new")
    page.fill('input[id^="title-field-"]', TITLE)
    page.fill('input[id^="date-field-"]', "2024-03-15")
    _choose(page, "province", "Hậu Giang")
    _choose(page, "doc_type", "Kế hoạch")
    _choose(page, "topics", "Phổ biến, giáo dục")
    # Typed as decomposed Unicode, as some Vietnamese keyboards do: the file must still be NFC.
    page.fill('input[id^="author_affiliation-field-"]', unicodedata.normalize("NFD", AFFILIATION))
    page.get_by_role("button", name="Add tác giả").click()
    page.locator('input[id^="author-field-"]').last.fill("Minh Thư")
    page.get_by_role("button", name="Add văn bản được trích dẫn").click()
    page.locator('input[id^="code-field-"]').last.fill("32-CT/TW")
    page.locator('input[id^="type-field-"]').last.fill("Chỉ thị")
    page.locator('[data-slate-editor="true"]').first.click()
    page.keyboard.type("Ngày 15/3, Sở Tư pháp tỉnh Hậu Giang tổ chức hội nghị.\n\nHội nghị bàn về hòa giải ở cơ sở.")
    page.locator('input[id^="title-field-"]').scroll_into_view_if_needed()
    screenshot(page, "bieu-mau-bai-moi")
    # Without a source the form refuses, in Vietnamese, and writes nothing.
    _publish(page)
    page.get_by_text("Thiếu nguồn").wait_for(timeout=TIMEOUT_MS)
    screenshot(page, "bieu-mau-thieu-nguon")
    assert not list((repo / "content/articles").rglob(f"{SLUG}.md"))
    errors.clear()   # Decap leaves the refused save as an unhandled rejection: expected here
    page.fill('input[id^="url-field-"]', "https://haugiang.example.vn/tin/15")
    _publish(page)
    page.get_by_text(SAVED).wait_for(timeout=TIMEOUT_MS)
    path = repo / "content/articles/2024" / f"{SLUG}.md"
    assert path.is_file(), sorted(p.name for p in (repo / "content/articles").rglob("*.md"))
    text = path.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", text)
    meta = read_front_matter(path)
    assert (meta["title"], meta["slug"], meta["date"], meta["status"]) == (TITLE, SLUG, "2024-03-15", "draft")
    assert (meta["province"], meta["doc_type"], meta["topics"]) == ("Hậu Giang", "plan", ["pho-bien-giao-duc-phap-luat"])
    assert meta["authors"] == ["Minh Thư"] and meta["author_affiliation"] == AFFILIATION
    assert meta["citations"] == [{"code": "32-CT/TW", "type": "Chỉ thị", "date": None, "issuer": None}]
    assert meta["source"] == {"file": None, "url": "https://haugiang.example.vn/tin/15", "sha256": None, "retrieved": None}
    assert text.endswith("Hội nghị bàn về hòa giải ở cơ sở.\n") and "\n---\n\nNgày 15/3" in text
    checked = cctp("check", "content", cwd=repo)
    assert checked.returncode == 0 and "0 lỗi" in checked.stderr, checked.stderr
    # The same keys, in the same order, as `cctp new` writes for the same article.
    made = cctp("new", "--title", TITLE, "--province", "Hậu Giang", "--date", "2024-03-15", "--doc-type", "plan",
                "--source", "https://haugiang.example.vn/tin/16", "--slug", "ban-cua-cctp-new", cwd=repo)
    assert made.returncode == 0, made.stderr
    new_meta = read_front_matter(repo / made.stdout.strip())
    assert [k for k in meta if k != "author_affiliation"] == list(new_meta)   # cctp new has no affiliation
    (repo / made.stdout.strip()).unlink()

    # Edit it: a new title (the address stays), a tag, published.
    page.goto(url + f"admin/#/collections/articles/entries/2024/{SLUG}")
    page.fill('input[id^="title-field-"]', TITLE + " (đã sửa)")
    page.get_by_role("button", name="Add thẻ").click()
    page.locator('input[id^="tag-field-"]').last.fill("hòa giải")
    _choose(page, "status", "Xuất bản")
    _publish(page)
    page.get_by_text(SAVED).wait_for(timeout=TIMEOUT_MS)
    edited = read_front_matter(path)
    assert (edited["title"], edited["slug"], edited["status"], edited["tags"]) == (
        TITLE + " (đã sửa)", SLUG, "published", ["hòa giải"])
    assert list((repo / "content/articles").rglob(f"{SLUG}*.md")) == [path]
    checked = cctp("check", "content", cwd=repo)
    assert checked.returncode == 0 and "0 lỗi" in checked.stderr, checked.stderr
    assert not errors, errors
    page.context.close()


def test_clearing_a_review_reason_in_the_form_is_a_small_diff(cms, browser):
    """An ingest-made article: fix the derived title, remove its review reason. Git shows
    exactly those lines; `cctp review` no longer lists the file."""
    repo, url = cms
    listed = json.loads(cctp("review", "--json", cwd=repo).stdout)
    item = next(i for i in listed if any(r["code"] == "title-derived" for r in i["reasons"]))
    path = repo / item["path"]
    rel = path.relative_to(repo / "content/articles").with_suffix("")
    page = new_page(browser)
    _open(page, url)
    page.goto(url + f"admin/#/collections/articles/entries/{rel.as_posix()}")
    page.fill('input[id^="title-field-"]', "Hậu Giang: ngành Tư pháp hoàn thành nhiệm vụ năm 2023")
    # The review list's only entry: its top bar ends with the remove (×) button, which has no label.
    review = page.locator('label[for^="review-field-"]').locator("xpath=ancestor::div[2]")
    review.locator('button[class*="TopBarButton"]').last.click()
    assert review.get_by_text("title-derived").count() == 0
    _publish(page)
    page.get_by_text(SAVED).wait_for(timeout=TIMEOUT_MS)
    page.context.close()
    diff = git(repo, "diff", "-U0", "--", str(path.relative_to(repo)))
    changed = [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert "+title: 'Hậu Giang: ngành Tư pháp hoàn thành nhiệm vụ năm 2023'" in changed
    assert "+review: []" in changed and any(line.startswith("-- code: title-derived") for line in changed)
    assert all(line.startswith(("+title", "-title", "+review", "-review", "-- code", "-  field", "-  message"))
               for line in changed), changed
    remaining = json.loads(cctp("review", "--json", cwd=repo).stdout)
    assert item["path"] not in [i["path"] for i in remaining]
    assert cctp("check", "content", cwd=repo).returncode == 0


def test_published_admin_needs_the_operator_to_name_the_git_host(tmp_path, monkeypatch):
    from admin.build import AdminBuildError, build_admin
    for name in ("CCTP_ADMIN_BACKEND", "CCTP_ADMIN_REPO", "CCTP_ADMIN_BRANCH", "CCTP_ADMIN_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(AdminBuildError, match="CCTP_ADMIN_BACKEND"):
        build_admin(tmp_path / "admin")
    monkeypatch.setenv("CCTP_ADMIN_BACKEND", "github")
    with pytest.raises(AdminBuildError, match="CCTP_ADMIN_REPO"):
        build_admin(tmp_path / "admin")
    monkeypatch.setenv("CCTP_ADMIN_REPO", "bien-tap/cctp-archive")
    if not (ADMIN / "node_modules" / "decap-cms").is_dir():
        pytest.skip("admin/node_modules is missing (npm ci --prefix admin)")
    build_admin(tmp_path / "admin")
    config = yaml.safe_load((tmp_path / "admin" / "config.yml").read_text(encoding="utf-8"))
    assert config["backend"] == {"name": "github", "branch": "main", "repo": "bien-tap/cctp-archive"}


def test_admin_is_in_a_built_site_only_when_the_operator_asks():
    bin_dir = Path(sys.executable).parent
    for target in ("build", "publish"):
        plain = subprocess.run(["make", "-n", target, f"BIN={bin_dir}"], cwd=ROOT, capture_output=True, text=True)
        asked = subprocess.run(["make", "-n", target, "ADMIN=1", f"BIN={bin_dir}"], cwd=ROOT, capture_output=True,
                               text=True)
        assert plain.returncode == 0 and asked.returncode == 0, plain.stderr + asked.stderr
        assert "admin" not in plain.stdout
        assert "admin-site" in asked.stdout or "-m admin.build output/admin" in asked.stdout
