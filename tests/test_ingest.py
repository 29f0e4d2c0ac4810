"""`cctp ingest` as editors and operators run it: files written, stable, safe."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import ROOT, SEEDS

EXPECTED = {
    "000": ("2021-07-14", "Bắc Kạn", "Việt Bắc", "news", ["03-QĐ/BCĐ", "69-KL/TW", "33-CT/TW"]),
    "001": ("2022-02-21", "Lạng Sơn", "Hồng Nga", "plan", ["49-NQ/TW", "84-KL/TW", "08-KH/BCĐ"]),
    "002": ("2022-04-13T11:01:00+07:00", "Thái Nguyên", "Hoàng Thanh Huyền", "project", ["10-ĐA/TU", "44-KH/TU"]),
    "003": ("2022-06-03", "Bình Định", None, "directive", ["49-NQ/TW", "14-KH/TU"]),
    "004": ("2023-12-09", "Hậu Giang", "TTXVN", "news", []),
}


def cctp(*args, cwd):
    return subprocess.run([sys.executable, "-m", "scrapers.cli", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8")


@pytest.fixture
def project(tmp_path):
    """An empty project: content/ beside a copy of the seeds outside it."""
    (tmp_path / "site" / "content").mkdir(parents=True)
    shutil.copytree(SEEDS, tmp_path / "incoming" / "seeds")
    return tmp_path


def test_dry_run_json_prints_the_table_and_writes_nothing(project):
    result = cctp("ingest", "--dry-run", "--json", "--content", "content", project / "incoming/seeds",
                  cwd=project / "site")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 5
    for row in rows:
        prefix = Path(row["source"]).name[:3]
        date, province, author, doc_type, codes = EXPECTED[prefix]
        assert (row["date"], row["province"], row["author"], row["doc_type"]) == (date, province, author, doc_type)
        assert [c["code"] for c in row["citations"]] == codes
        for key in ("source", "title", "topics", "tags", "issuer", "signer", "slug", "path", "review"):
            assert key in row
    by = {Path(r["source"]).name[:3]: r for r in rows}
    assert by["003"]["issuer"] == "Ban Thường vụ Tỉnh ủy Bình Định" and by["003"]["signer"] == "Hồ Quốc Dũng"
    assert by["002"]["issuer"] is None and by["002"]["unit_2025"] == "Thái Nguyên"
    assert by["000"]["unit_2025"] == "Thái Nguyên"   # Bắc Kạn merged into Thái Nguyên in 2025
    assert list((project / "site").rglob("*.md")) == [] and not (project / "site/raw").exists()


def test_ingest_writes_front_matter_keeps_raw_and_is_byte_stable(project):
    site = project / "site"
    first = cctp("ingest", project / "incoming/seeds", cwd=site)
    assert first.returncode == 0, first.stderr
    files = sorted((site / "content/articles").rglob("*.md"))
    assert len(files) == 5
    assert sorted(p.name for p in (site / "raw/seeds").iterdir()) == sorted(p.name for p in SEEDS.iterdir())
    before = {p: p.read_bytes() for p in files}
    again = cctp("ingest", project / "incoming/seeds", cwd=site)
    assert again.returncode == 0 and again.stderr.count("không đổi") == 5
    assert {p: p.read_bytes() for p in sorted((site / "content/articles").rglob("*.md"))} == before
    text = next(p for p in files if "chi-thi" in p.name).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: ") and "\nstatus: published\n" in text and "date_basis: received" in text


def test_the_repository_content_is_what_ingest_makes():
    """The committed articles are exactly the ingest's output for the committed raw seeds."""
    result = cctp("ingest", "--dry-run", "raw/seeds", cwd=ROOT)
    assert result.returncode == 0 and result.stderr.count("không đổi") == 5, result.stderr


def test_an_editors_change_wins(project):
    site = project / "site"
    cctp("ingest", project / "incoming/seeds", cwd=site)
    target = next((site / "content/articles").rglob("*thai-nguyen*.md"))
    edited = target.read_text(encoding="utf-8").replace("Hoàng Thanh Huyền", "Hoàng T. Huyền")
    target.write_text(edited, encoding="utf-8")
    result = cctp("ingest", project / "incoming/seeds", cwd=site)
    assert result.returncode == 0
    assert "biên tập viên" in result.stderr and target.name in result.stderr
    assert target.read_text(encoding="utf-8") == edited


def test_bad_input_is_named_and_the_batch_goes_on(project):
    incoming = project / "incoming/seeds"
    (incoming / "zz_latin1.txt").write_bytes("Tin c\xe1i c\xe1ch\n".encode("latin-1") + b"\xff\xfe")
    (incoming / "zz_empty.txt").write_text("   \n", encoding="utf-8")
    result = cctp("ingest", incoming, cwd=project / "site")
    assert result.returncode == 1
    assert "zz_latin1.txt:1" in result.stderr and "UTF-8" in result.stderr
    assert "zz_empty.txt" in result.stderr and "rỗng" in result.stderr
    assert len(list((project / "site/content/articles").rglob("*.md"))) == 5
    assert not list((project / "site").rglob(".tmp-*"))


def test_missing_path_is_a_clear_error(project):
    result = cctp("ingest", project / "nowhere", cwd=project / "site")
    assert result.returncode == 2 and "nowhere" in result.stderr


def test_same_title_from_two_sources_gets_two_files(project):
    incoming = project / "incoming/seeds"
    text = (incoming / "000_5cba6f103846a903.txt").read_text(encoding="utf-8")
    other_story = ("Chiều 14/7/2021, Ban Chỉ đạo Cải cách tư pháp tỉnh Cao Bằng họp phiên thứ hai, nghe báo cáo "
                   "kết quả tuyển dụng thẩm phán, kiểm sát viên và chấp hành viên; thảo luận việc bố trí trụ sở "
                   "làm việc cho Tòa án nhân dân hai cấp và kế hoạch tập huấn kỹ năng tranh tụng cho luật sư.")
    (incoming / "005_copy.txt").write_text(text.split("\n", 1)[0] + "\n\n" + other_story + "\n", encoding="utf-8")
    cctp("ingest", incoming, cwd=project / "site")
    same = sorted((project / "site/content/articles/2021").glob("trien-khai-nhiem-vu*.md"))
    assert len(same) == 2 and same[0].stem != same[1].stem


def test_a_republished_story_becomes_another_source_of_the_same_article(project):
    site, incoming = project / "site", project / "incoming/seeds"
    cctp("ingest", incoming, cwd=site)
    article = next((site / "content/articles").rglob("*thai-nguyen*.md"))
    copy = (incoming / "002_ef9b73df81c7ad29.txt").read_text(encoding="utf-8")
    copy = "Trang chủ > Nội chính\n" + copy.replace("Hoàng Thanh Huyền", "Theo Báo Thái Nguyên") + "\nXem thêm\n"
    (incoming / "010_republished.txt").write_text(copy, encoding="utf-8")
    result = cctp("ingest", incoming, cwd=site)
    assert result.returncode == 0 and "also_sources" in result.stderr
    assert len(list((site / "content/articles").rglob("*.md"))) == 5
    text = article.read_text(encoding="utf-8")
    assert "also_sources:\n- file: raw/seeds/010_republished.txt" in text
    again = cctp("ingest", incoming, cwd=site)
    assert again.stderr.count("không đổi") == 6 and article.read_text(encoding="utf-8") == text
    check = subprocess.run([sys.executable, "-m", "scrapers.cli", "check", "content"], cwd=site,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
