"""`cctp new` as an editor runs it: a valid draft at the right path, never an overwrite,
clear Vietnamese messages for what is wrong, and `--from` through the ingest."""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

import pytest

from helpers import ROOT, SEEDS
from conftest import read_front_matter
from editor_support import local_site

GOOD = ["--title", "Bắc Kạn họp Ban Chỉ đạo cải cách tư pháp 6 tháng đầu năm", "--province", "bac kan",
        "--date", "14/7/2024", "--doc-type", "Tin tức", "--source", "https://backan.example.vn/tin/42"]


def cctp(*args, cwd, stdin=subprocess.DEVNULL):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", *map(str, args)], cwd=cwd, stdin=stdin,
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """A copy of the repository's content/ (the five ingested samples and the pages)."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    return tmp_path


def test_new_writes_a_valid_draft_with_the_full_front_matter(project):
    result = cctp("new", *GOOD, "--author", "Việt Bắc", cwd=project)
    assert result.returncode == 0, result.stderr
    path = project / "content/articles/2024/bac-kan-hop-ban-chi-dao-cai-cach-tu-phap-6-thang-dau-nam.md"
    assert result.stdout.strip() == str(path.relative_to(project))
    meta = read_front_matter(path)
    assert list(meta)[:5] == ["title", "slug", "date", "date_basis", "status"]
    assert meta["slug"] == path.stem and meta["date"] == "2024-07-14" and meta["status"] == "draft"
    assert (meta["province"], meta["scope"], meta["doc_type"], meta["lang"]) == ("Bắc Kạn", "province", "news", "vi")
    assert meta["authors"] == ["Việt Bắc"]
    assert meta["source"] == {"file": None, "url": "https://backan.example.vn/tin/42", "sha256": None, "retrieved": None}
    assert [r["code"] for r in meta["review"]] == ["body-skeleton"]
    for key in ("topics", "tags", "citations"):
        assert meta[key] == []
    body = path.read_text(encoding="utf-8").split("\n---\n", 1)[1]
    assert "Đoạn mở đầu" in body
    assert "đã tạo (bản nháp)" in result.stderr and "status: published" in result.stderr
    checked = cctp("check", "content", cwd=project)
    assert checked.returncode == 0 and "0 lỗi" in checked.stderr, checked.stderr


def test_new_refuses_to_overwrite(project):
    assert cctp("new", *GOOD, cwd=project).returncode == 0
    path = next((project / "content/articles/2024").glob("*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "\nĐoạn biên tập viên đã viết.\n", encoding="utf-8")
    before = path.read_bytes()
    again = cctp("new", *GOOD, cwd=project)
    assert again.returncode == 1 and "Không ghi đè" in again.stderr and str(path.relative_to(project)) in again.stderr
    assert path.read_bytes() == before
    # The same slug in another year's folder is refused as well: slugs are unique site-wide.
    other_year = [*GOOD[:4], "--date", "2023-01-05", *GOOD[6:]]
    refused = cctp("new", *other_year, cwd=project)
    assert refused.returncode == 1 and "--slug" in refused.stderr
    assert not (project / "content/articles/2023" / path.name).exists()


def test_bad_province_and_values_get_clear_messages(project):
    result = cctp("new", "--title", "Thái Nguyên sơ kết", "--province", "Thai Nguyen Province", "--date", "30/02/2024",
                  "--doc-type", "ban tin", "--source", "backan.vn", cwd=project)
    assert result.returncode == 2
    err = result.stderr
    assert "--province: 'Thai Nguyen Province' không phải tỉnh/thành (trước 2025)" in err
    assert "Có phải: Thái Nguyên?" in err and "ví dụ 'Bắc Kạn'" in err
    assert "--date: '30/02/2024' không phải một ngày có thật" in err and "2024-05-01" in err
    assert "--doc-type: loại văn bản 'ban tin'" in err and "plan (Kế hoạch)" in err
    assert "--source: nguồn 'backan.vn' không phải địa chỉ web" in err and "cctp new --from" in err
    assert not (project / "content/articles/2024").exists()


def test_missing_options_without_a_terminal_are_listed_with_an_example(project):
    result = cctp("new", "--title", "Tin mới", cwd=project)
    assert result.returncode == 2
    assert "thiếu --province, --date, --doc-type, --source" in result.stderr and "Ví dụ: cctp new" in result.stderr


def test_post_merger_item_takes_a_2025_unit(project):
    result = cctp("new", "--title", "Tuyên Quang sơ kết công tác tư pháp", "--province", "", "--unit-2025", "tuyen quang",
                  "--date", "2025-08-01", "--doc-type", "news", "--source", "https://tuyenquang.example.vn/1", cwd=project)
    assert result.returncode == 0, result.stderr
    meta = read_front_matter(project / result.stdout.strip())
    assert (meta["province"], meta["unit_2025"], meta["scope"]) == (None, "Tuyên Quang", "province")


def test_at_a_terminal_it_asks_and_asks_again_after_a_wrong_answer(project):
    main, secondary = pty.openpty()
    answers = ["Lạng Sơn ban hành kế hoạch cải cách tư pháp", "Lang Son City", "Lạng Sơn", "2024-02-21",
               "kế hoạch", "https://langson.example.vn/kh/1"]
    os.write(main, ("\n".join(answers) + "\n").encode("utf-8"))
    try:
        result = cctp("new", cwd=project, stdin=secondary)
    finally:
        os.close(main)
        os.close(secondary)
    assert result.returncode == 0, result.stderr
    assert "Tiêu đề bài:" in result.stdout and "Tỉnh/thành" in result.stdout
    assert "chưa đúng: 'Lang Son City' không phải tỉnh/thành" in result.stderr
    meta = read_front_matter(project / "content/articles/2024/lang-son-ban-hanh-ke-hoach-cai-cach-tu-phap.md")
    assert (meta["province"], meta["doc_type"], meta["date"]) == ("Lạng Sơn", "plan", "2024-02-21")


def test_from_a_document_writes_the_ingest_result_as_a_draft(tmp_path):
    (tmp_path / "content").mkdir()
    seed = next(SEEDS.glob("004_*.txt"))
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    shutil.copy(seed, incoming / seed.name)
    result = cctp("new", "--from", incoming / seed.name, "--source-url", "https://haugiang.example.vn/tin/9", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert path.parent == tmp_path / "content/articles/2023"
    meta = read_front_matter(path)
    assert meta["status"] == "draft" and meta["province"] == "Hậu Giang"
    assert meta["source"]["url"] == "https://haugiang.example.vn/tin/9"
    assert (tmp_path / meta["source"]["file"]).read_bytes() == seed.read_bytes()   # raw kept in raw/
    assert "[title-derived]" in result.stderr
    assert cctp("check", "content", cwd=tmp_path).returncode == 0
    # Neither `new` nor a later ingest overwrites the draft.
    before = path.read_bytes()
    again = cctp("new", "--from", incoming / seed.name, cwd=tmp_path)
    assert again.returncode == 1 and "đã có trong kho" in again.stderr and str(path.relative_to(tmp_path)) in again.stderr
    ingest = cctp("ingest", incoming / seed.name, cwd=tmp_path)
    assert ingest.returncode == 0 and "giữ nguyên bản của biên tập viên" in ingest.stderr
    assert path.read_bytes() == before


PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Lạng Sơn: Hội nghị sơ kết công tác cải cách tư pháp 6 tháng đầu năm 2024</title>
<meta property="article:published_time" content="2024-07-10T08:30:00+07:00"></head><body><article>
<h1>Lạng Sơn: Hội nghị sơ kết công tác cải cách tư pháp 6 tháng đầu năm 2024</h1>
<p>Ngày 10/7, Ban Chỉ đạo Cải cách tư pháp tỉnh Lạng Sơn tổ chức hội nghị sơ kết công tác cải cách tư pháp
6 tháng đầu năm 2024, triển khai nhiệm vụ trọng tâm 6 tháng cuối năm.</p>
<p>Chất lượng tranh tụng tại phiên tòa được nâng lên, số phiên tòa rút kinh nghiệm tăng so với cùng kỳ.</p>
</article></body></html>"""


def test_from_a_web_address_fetches_the_page(tmp_path):
    (tmp_path / "content").mkdir()
    (tmp_path / "site/tin").mkdir(parents=True)
    (tmp_path / "site/tin/so-ket-6-thang.html").write_text(PAGE, encoding="utf-8")
    with local_site(tmp_path / "site") as base:
        result = cctp("new", "--from", f"{base}tin/so-ket-6-thang.html", cwd=tmp_path)
        missing = cctp("new", "--from", f"{base}tin/khong-co.html", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    meta = read_front_matter(tmp_path / result.stdout.strip())
    assert (meta["status"], meta["province"], meta["date"]) == ("draft", "Lạng Sơn", "2024-07-10T08:30:00+07:00")
    assert meta["source"]["url"] == f"{base}tin/so-ket-6-thang.html" and meta["source"]["retrieved"]
    assert (tmp_path / meta["source"]["file"]).read_text(encoding="utf-8") == PAGE   # kept in raw/web/
    assert missing.returncode == 1 and "không tải được" in missing.stderr and "--source-url" in missing.stderr
