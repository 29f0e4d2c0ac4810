"""The five seed documents: the table the spine issue fixes, and what editors see."""
import pytest

from helpers import seed

TABLE = {
    "000": ("2021-07-14", "Bắc Kạn", ["Việt Bắc"], "news", ["03-QĐ/BCĐ", "69-KL/TW", "33-CT/TW"]),
    "001": ("2022-02-21", "Lạng Sơn", ["Hồng Nga"], "plan", ["49-NQ/TW", "84-KL/TW", "08-KH/BCĐ"]),
    "002": ("2022-04-13T11:01:00+07:00", "Thái Nguyên", ["Hoàng Thanh Huyền"], "project", ["10-ĐA/TU", "44-KH/TU"]),
    "003": ("2022-06-03", "Bình Định", [], "directive", ["49-NQ/TW", "14-KH/TU"]),
    "004": ("2023-12-09", "Hậu Giang", [], "news", []),
}


@pytest.mark.parametrize("prefix", sorted(TABLE))
def test_sample_table(prefix):
    date, province, authors, doc_type, codes = TABLE[prefix]
    doc = seed(prefix)
    assert doc.date == date
    assert doc.province == province
    assert doc.authors == authors
    assert doc.doc_type == doc_type
    assert [c["code"] for c in doc.citations] == codes
    assert doc.status == "published"


def test_000_partial_date_takes_year_from_text_and_drops_debris():
    doc = seed("000")
    assert doc.date_basis == "event"
    body = doc.body_text()
    assert "Xem thêm" not in body and "Toàn cảnh cuộc họp" not in body and "Quang cảnh cuộc họp" not in body
    assert body.startswith("Chiều 14/7, Ban Chỉ đạo Cải cách tư pháp tỉnh Bắc Kạn")
    assert "hoàn thành tốt nhiệm vụ được giao./." in body
    assert doc.review == []


def test_001_title_sentence_case_and_skip_link_dropped():
    doc = seed("001")
    assert doc.title == ("Ban Chỉ đạo Cải cách tư pháp tỉnh Lạng Sơn ban hành Kế hoạch thực hiện nhiệm vụ "
                         "trọng tâm công tác cải cách tư pháp năm 2022")
    assert "Skip to main content" not in doc.body_text()
    assert sum(b.text.startswith("Thứ ") for b in doc.blocks) == 8
    c = {c["code"]: c for c in doc.citations}
    assert c["49-NQ/TW"]["issuer"] == "Bộ Chính trị" and c["84-KL/TW"]["issuer"] == "Bộ Chính trị"
    assert c["49-NQ/TW"]["title"] == "Về Chiến lược cải cách tư pháp đến năm 2020"
    assert doc.about == "08-KH/BCĐ" and "49-NQ/TW" in doc.tags


def test_002_published_time_affiliation_and_repeated_caption():
    doc = seed("002")
    assert doc.date_basis == "published"
    assert doc.author_affiliation == "Ban Nội chính Tỉnh ủy Thái Nguyên"
    body = doc.body_text()
    assert "Hội nghị giao ban Quý I" not in body
    assert "[GMT+7]" not in body and "Hoàng Thanh Huyền" not in body
    assert body.rstrip().endswith("các nhiệm vụ cải cách tư pháp.")
    assert {"code": "44-KH/TU", "type": "Kế hoạch", "date": "2021-12-15", "issuer": None} in doc.citations


def test_003_directive_parts_leave_the_body():
    doc = seed("003")
    assert doc.title.startswith("Chỉ thị của Ban Thường vụ Tỉnh ủy Bình Định")
    assert "về tăng cường lãnh đạo, chỉ đạo đối với các hoạt động tư pháp" in doc.title
    assert doc.issuer == "Ban Thường vụ Tỉnh ủy Bình Định"
    assert doc.signer == "Hồ Quốc Dũng"
    assert doc.signer_title == "T/M Ban Thường vụ — Bí thư"
    assert doc.recipients[0] == "Ban Bí thư Trung ương Đảng" and doc.recipients[-1] == "Lưu Văn phòng Tỉnh ủy"
    assert len(doc.recipients) == 10
    assert doc.received == {"office": "Sở Nội vụ tỉnh Bình Định", "number": "6123", "date": "2022-06-03"}
    assert doc.date_basis == "received"
    body = doc.body_text()
    for gone in ("Nơi nhận", "6123", "Hồ Quốc Dũng", "T/M BAN", "SỞ NỘI VỤ", "CHỈ THỊ"):
        assert gone not in body
    assert {r.code for r in doc.review} >= {"text-gap"}
    gap = next(r for r in doc.review if r.code == "text-gap")
    assert "trong cùng cấp" in gap.message
    assert [b.text[:2] for b in doc.blocks if b.kind == "numbered"] == ["1.", "2.", "3.", "4.", "5.", "6."]


def test_004_derived_title_agency_and_tags():
    doc = seed("004")
    assert doc.title_derived and doc.title.startswith("Năm 2023, cơ quan tư pháp địa phương")
    assert any(r.code == "title-derived" for r in doc.review)
    assert doc.agency == "TTXVN"
    # The source's keywords first, then the institutions the text names.
    assert doc.tags[:3] == ["Hậu Giang", "lĩnh vực tư pháp", "công nghệ thông tin"]
    assert "Sở Tư pháp" in doc.tags and "Bộ Tư pháp" in doc.tags
    body = doc.body_text()
    assert "Từ khóa" not in body and "TTXVN -" not in body
    assert "Ngày 9/12, Đoàn công tác của Bộ Tư pháp" in body


CAPTIONS = {"Hội nghị giao ban Quý I năm 2022 khối Nội chính và khối Dân vận Tỉnh ủy Thái Nguyên"}


@pytest.mark.parametrize("prefix", sorted(TABLE))
def test_every_article_sentence_is_kept(prefix):
    """Cleaning removes debris, never the article's own sentences: every sentence of every
    raw paragraph is in the body (or the title), but for the stamp line."""
    import re
    from helpers import SEEDS
    raw = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    doc = seed(prefix)
    from scrapers.text import fold
    kept = fold(" ".join(" ".join([doc.body_text(), doc.title or "", *doc.recipients]).split()))
    checked = 0
    for line in raw.splitlines():
        # The stamp is provenance; the heading becomes title and issuer (province added).
        if line.startswith(("Số và Ký hiệu HS", "#")) or line in CAPTIONS:
            continue
        for sentence in re.split(r"(?<=[.;!?])\s+", " ".join(line.split())):
            words = sentence.split()
            if len(words) >= 8:
                checked += 1
                assert fold(" ".join(words[2:8]).rstrip(",;.")) in kept, sentence
    assert checked > 5
