"""Each stage on the kinds of input real documents bring, beyond the five seeds."""
import json

import pytest

from helpers import ROOT, run
from scrapers.blocks import normalise, segment
from scrapers.citations import find_citations
from scrapers.dates import dateline, lead_date, year_cues
from scrapers.places import mentions
from scrapers.text import fold, nfc, strip_diacritics
from scrapers.truecase import truecase

BODY = ("Ban Chỉ đạo Cải cách tư pháp tỉnh họp đánh giá kết quả thực hiện nhiệm vụ năm 2023, "
        "triển khai nhiệm vụ trọng tâm và chỉ đạo các cơ quan tư pháp phối hợp chặt chẽ.")


# --- text ---------------------------------------------------------------------------

def test_fold_unifies_tone_placement_case_and_composition():
    assert fold("Hòa Bình") == fold("Hoà Bình") == fold("HOÀ BÌNH")
    assert fold("Tỉnh ủy") == fold("Tỉnh uỷ")
    assert fold(nfc("Thanh Hoá")) == fold("Thanh Hóa")
    import unicodedata
    assert fold(unicodedata.normalize("NFD", "Đắk Lắk")) == fold("Đắk Lắk")
    assert fold("Hoàng") != fold("Hoàn")
    assert strip_diacritics("Đắk Lắk") == "dak lak"


# --- blocks and cleaning ------------------------------------------------------------

def test_hard_wrapped_lines_join_and_paragraphs_stay():
    raw = ("Tiêu đề bài viết về cải cách tư pháp\n\nBan Chỉ đạo Cải cách tư pháp tỉnh đã tổ chức hội nghị\n"
           "sơ kết công tác năm 2023 với sự tham dự của\nđại biểu các cơ quan tư pháp.\nĐoạn thứ hai bắt đầu ở đây.\n")
    blocks = segment(normalise(raw))
    assert [b.text for b in blocks] == [
        "Tiêu đề bài viết về cải cách tư pháp",
        "Ban Chỉ đạo Cải cách tư pháp tỉnh đã tổ chức hội nghị sơ kết công tác năm 2023 với sự tham dự của "
        "đại biểu các cơ quan tư pháp.",
        "Đoạn thứ hai bắt đầu ở đây."]


def test_debris_captions_and_credits_go_but_text_stays():
    raw = ("Skip to main content\nTrang chủ\nHội nghị sơ kết cải cách tư pháp tỉnh Nghệ An\n\n"
           f"Sáng 12/3/2024, {BODY}\n\nĐồng chí Nguyễn Văn A phát biểu tại hội nghị\nẢnh: Minh Hà\n\n"
           f"Hội nghị thống nhất nhiều giải pháp. {BODY}\n\nChia sẻ\nIn bài\nLượt xem: 1.234\n"
           "Tin liên quan\nTin khác về chủ đề khác ở tỉnh Cà Mau\nMột tin khác nữa\n")
    doc = run(raw)
    body = doc.body_text()
    for gone in ("Skip", "Trang chủ", "Ảnh: Minh Hà", "phát biểu tại hội nghị", "Chia sẻ", "In bài", "Lượt xem", "Cà Mau"):
        assert gone not in body
    assert "Hội nghị thống nhất nhiều giải pháp." in body
    assert doc.authors == [] and doc.province == "Nghệ An"


# --- dates --------------------------------------------------------------------------

@pytest.mark.parametrize("line, iso, rest", [
    ("Thứ Tư, 13/04/2022, 11:01 [GMT+7]", "2022-04-13T11:01:00+07:00", ""),
    ("17:03, 10/03/2023", "2023-03-10T17:03:00+07:00", ""),
    ("14/11/2015 08:53 GMT+7", "2015-11-14T08:53:00+07:00", ""),
    ("Hoàng Anh 18:11, 27/09/2023", "2023-09-27T18:11:00+07:00", "Hoàng Anh"),
    ("Cập nhật lúc 08:30 ngày 21/02/2022", "2022-02-21T08:30:00+07:00", ""),
    ("Thứ Hai, 25-11-2019, 09:39", "2019-11-25T09:39:00+07:00", ""),
    ("26.12.2023", "2023-12-26", ""),
    ("Thứ 5, ngày 15 tháng 4 năm 2021", "2021-04-15", ""),
    ("November 14, 2015 10:00", "2015-11-14T10:00:00+07:00", ""),
])
def test_datelines(line, iso, rest):
    found, remainder = dateline(line)
    assert found.iso() == iso and remainder == rest


def test_placeholder_dates_are_no_dates():
    assert dateline("01/01/0001") is None
    assert dateline("Ngày đăng: 01/01/0001 00:00") is None


@pytest.mark.parametrize("text, expected", [
    ("Chiều 14/7, Ban Chỉ đạo họp", (14, 7, None)),
    ("Sáng nay (27/3), tại Hà Nội", (27, 3, None)),
    ("Sáng 6-1, UBND tỉnh", (6, 1, None)),
    ("Mở đầu. Ngày 21/02/2022, Ban Chỉ đạo ban hành", (21, 2, 2022)),
    ("Trong 6 tháng đầu năm, các cơ quan", None),
])
def test_lead_dates(text, expected):
    got = lead_date(text)
    assert (got[:3] if got else None) == expected


def test_year_cues_skip_full_dates_and_periods():
    cues = year_cues("6 tháng cuối năm 2021; Nghị quyết ngày 02 tháng 6 năm 2005; giai đoạn năm 2021-2025; "
                     "đến năm 2030")
    assert cues == [(2021, "plain")]


@pytest.mark.parametrize("lead, year", [
    ("Sáng 6-1, Ban Nội chính tổ chức hội nghị tổng kết công tác năm 2019, triển khai nhiệm vụ năm 2020.", 2020),
    ("Ngày 19/10, Cục tổng kết công tác năm 2023 và triển khai nhiệm vụ năm 2024.", 2023),
    ("Sáng nay (27/3), Ban Chỉ đạo sơ kết quý I/2024, triển khai nhiệm vụ quý II/2024.", 2024),
    ("Trong ngày 2-4, đoàn làm việc về kết quả năm 2020 và quý I năm 2021. Năm 2020, tỉnh làm tốt.", 2021),
])
def test_a_partial_date_takes_the_year_the_event_fell_in(lead, year):
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\n{lead} {BODY.replace(' năm 2023', '')}\n")
    assert doc.date is not None and int(doc.date[:4]) == year


def test_partial_date_without_any_year_makes_a_draft():
    doc = run(f"Hội nghị cải cách tư pháp tỉnh Cà Mau\n\nChiều 14/7, {BODY.replace(' năm 2023', '')}\n")
    assert doc.date is None and doc.status == "draft"
    assert any(r.code == "date-missing" and "Chiều 14/7" in r.message for r in doc.review)


def test_page_header_date_above_the_title_is_not_the_article_date():
    doc = run(f"Thứ 5, ngày 15 tháng 4 năm 2021\nHội nghị cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2019, {BODY}\n")
    assert doc.title == "Hội nghị cải cách tư pháp tỉnh Cà Mau"
    assert doc.date == "2019-03-12" and doc.date_basis == "event"


def test_document_place_date_line_is_the_issue_date():
    raw = ("TỈNH ỦY CÀ MAU\nSố 12-KH/TU\nCà Mau, ngày 06 tháng 02 năm 2023\n\nKẾ HOẠCH\n"
           f"về thực hiện nhiệm vụ cải cách tư pháp năm 2023\n\n{BODY}\n\nT/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\n\nNguyễn Văn Bình\n")
    doc = run(raw)
    assert doc.date == "2023-02-06" and doc.date_basis == "issued"
    assert doc.doc_type == "plan" and doc.doc_number == "12-KH/TU"
    assert doc.issuer == "Tỉnh ủy Cà Mau" and doc.signer == "Nguyễn Văn Bình"
    assert doc.signer_title == "T/M Ban Thường vụ — Phó Bí thư"
    assert doc.title == "Kế hoạch số 12-KH/TU của Tỉnh ủy Cà Mau về thực hiện nhiệm vụ cải cách tư pháp năm 2023"
    assert doc.province == "Cà Mau"


# --- authors ------------------------------------------------------------------------

@pytest.mark.parametrize("tail, authors, agency", [
    ("Minh Anh - Quốc Huy", ["Minh Anh", "Quốc Huy"], None),
    ("Người viết: Trần Thu Hà", ["Trần Thu Hà"], None),
    ("Tin, ảnh: Hải Yến", ["Hải Yến"], None),
    ("(Theo TTXVN)", [], "TTXVN"),
    ("Theo Báo Lạng Sơn", [], "Báo Lạng Sơn"),
    ("PV", ["PV"], None),
    ("Ảnh: Minh Hà", [], None),
])
def test_end_bylines(tail, authors, agency):
    doc = run(f"Hội nghị cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2024, {BODY}\n\n{tail}\n")
    assert doc.authors == authors and doc.agency == agency
    assert tail not in doc.body_text()


def test_agency_tag_before_lead_credits_unless_a_person_signs():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\n(PLVN) - Sáng 12/3/2024, {BODY}\n")
    assert doc.authors == [] and doc.agency == "PLVN" and doc.body_text().startswith("Sáng 12/3/2024")
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\nTTXVN - Sáng 12/3/2024, {BODY}\n\nLan Hương\n")
    assert doc.authors == ["Lan Hương"] and doc.agency == "TTXVN"


def test_top_byline_with_time():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\nHoàng Anh 18:11, 27/09/2023\n\n{BODY}\n")
    assert doc.authors == ["Hoàng Anh"] and doc.date == "2023-09-27T18:11:00+07:00"


# --- provinces ----------------------------------------------------------------------

def test_province_variants_and_false_friends():
    assert mentions("UBND tỉnh Thanh Hoá và Đăk Lăk") == {"Thanh Hóa": 2, "Đắk Lắk": 1}
    assert mentions("vì hòa bình và hữu nghị") == {}
    assert mentions("tư tưởng Hồ Chí Minh") == {}
    assert "Hồ Chí Minh" in mentions("Tòa án TP.HCM") and "Hồ Chí Minh" in mentions("thành phố Hồ Chí Minh")
    assert mentions("chiến thắng Điện Biên Phủ") == {}
    assert mentions("Thừa Thiên - Huế") == {"Thừa Thiên Huế": 1}


def test_subject_province_beats_a_guest_mention_and_weather():
    raw = ("Ban Chỉ đạo Cải cách tư pháp tỉnh Đồng Nai họp phiên thứ hai\n\nHà Nội 28°C\n\n"
           f"Sáng 5/4/2024, {BODY} Dự họp có đồng chí Trần Văn Nam, Phó Bí thư Tỉnh ủy Bình Dương; "
           "đồng chí Lê Hoa, Chủ tịch UBND tỉnh Bình Dương.\n\n{BODY}\n")
    doc = run(raw)
    assert doc.province == "Đồng Nai" and doc.scope == "province"


def test_national_item_has_no_province():
    raw = ("Ban Chỉ đạo Cải cách tư pháp Trung ương họp phiên thứ nhất năm 2024\n\n"
           "Sáng 3/4/2024, Chủ tịch nước chủ trì phiên họp của Ban Chỉ đạo Cải cách tư pháp Trung ương "
           "với các thành viên Bộ Công an, Bộ Tư pháp, Tòa án nhân dân tối cao.\n")
    doc = run(raw)
    assert doc.province is None and doc.scope == "national"
    assert not any(r.code == "province-unknown" for r in doc.review)


# --- citations, type, topics, language ----------------------------------------------

def test_citations_pass_the_domain_tests():
    tests = json.loads((ROOT.parent / "shared/domain/doc_numbering.json").read_text())["citation_tests"] \
        if (ROOT.parent / "shared/domain/doc_numbering.json").exists() else []
    for case in tests:
        got = find_citations(case["text"])
        assert len(got) == len(case["expected"]), case["text"]
        for g, e in zip(got, case["expected"]):
            assert int(g["code"].split("-")[0].split("/")[0]) == e["number"]
            assert g["date"] == e["date"]


def test_citations_party_code_in_state_style_bare_codes_and_dedup():
    got = find_citations("Nghị quyết số 08/NQ-TW; theo 49-NQ/TW và tinh thần Nghị quyết số 49-NQ/TW ngày 02/6/2005")
    assert [(c["code"], c["date"]) for c in got] == [("08-NQ/TW", None), ("49-NQ/TW", "2005-06-02")]
    assert got[1]["type"] == "Nghị quyết"


@pytest.mark.parametrize("title, expected", [
    ("Tỉnh ủy Cà Mau ban hành Kế hoạch thực hiện Kết luận số 84-KL/TW", "plan"),
    ("Hội nghị quán triệt Nghị quyết số 27-NQ/TW", "news"),
    ("Triển khai Nghị quyết số 27-NQ/TW của Trung ương", "news"),
    ("Báo cáo kết quả công tác cải cách tư pháp năm 2023", "report"),
    ("Nâng cao hiệu quả công tác cải cách tư pháp", "news"),
])
def test_doc_type_from_title(title, expected):
    doc = run(f"{title}\n\nSáng 12/3/2024, {BODY}\n")
    assert doc.doc_type == expected


def test_key_document_date_disagreement_is_flagged_not_corrected():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2024, {BODY} Thực hiện Nghị quyết số 49-NQ/TW "
              "ngày 02/6/2006 của Bộ Chính trị.\n")
    cited = next(c for c in doc.citations if c["code"] == "49-NQ/TW")
    assert cited["date"] == "2006-06-02" and "title" not in cited
    assert any(r.code.startswith("citation-date") and "2005-06-02" in r.message for r in doc.review)


def test_topics_from_keywords():
    doc = run("Nâng cao chất lượng công tác thi hành án dân sự\n\nSáng 12/3/2024, Cục Thi hành án dân sự tỉnh "
              "Cà Mau tổng kết công tác thi hành án dân sự, việc chấp hành viên tổ chức thi hành án.\n")
    assert doc.topics[0] == "thi-hanh-an"
    assert {"thi hành án dân sự", "chấp hành viên"} <= set(doc.topic_evidence["thi-hanh-an"])


def test_english_page():
    doc = run("Judicial reform conference held in Da Nang\n\nNovember 14, 2015\n\nThe steering committee for judicial "
              "reform of Da Nang city met on Saturday to review its work in 2015 and plans for the next year.\n")
    assert doc.lang == "en" and doc.date == "2015-11-14" and doc.province == "Đà Nẵng"


def test_truncated_text_is_flagged():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2024, {BODY}\n\n"
              "Các cơ quan tư pháp tỉnh tiếp tục phối hợp để nâng cao chất lượng công tác điều tra, truy tố, xét xử và thi hà")
    assert any(r.code == "text-truncated" for r in doc.review)


def test_truecase_uses_the_texts_own_spelling():
    assert truecase("BAN CHỈ ĐẠO CẢI CÁCH TƯ PHÁP TỈNH ĐỒNG THÁP", "x Ban Chỉ đạo Cải cách tư pháp tỉnh Đồng Tháp") \
        == "Ban Chỉ đạo Cải cách tư pháp tỉnh Đồng Tháp"
    assert truecase("SỞ TƯ PHÁP TỈNH KHÁNH HÒA") == "Sở Tư pháp tỉnh Khánh Hòa"


def test_several_credits_under_the_text_in_any_order():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2024, {BODY}\n\nMinh Anh\n\nNguồn: Báo Cà Mau\n")
    assert doc.authors == ["Minh Anh"] and doc.agency == "Báo Cà Mau"
    assert doc.body_text().endswith("phối hợp chặt chẽ.")


def test_labelled_byline_on_top_and_date_under_the_text():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\nNgười viết: Trần Thu Hà\n\n{BODY}\n\nCập nhật: 21/02/2024 08:30\n")
    assert doc.authors == ["Trần Thu Hà"]
    assert doc.date == "2024-02-21T08:30:00+07:00" and doc.date_basis == "published"
    assert "Cập nhật" not in doc.body_text() and "Người viết" not in doc.body_text()


def test_districts_tell_their_province_and_are_not_provinces():
    assert mentions("Ủy ban nhân dân huyện Bạch Thông") == {"Bắc Kạn": 1}
    assert mentions("huyện Quảng Ninh tổ chức hội nghị") == {"Quảng Bình": 1}
    assert mentions("xã Hòa Bình, huyện Chợ Đồn") == {"Bắc Kạn": 1}
    doc = run(f"Hội nghị tuyên truyền pháp luật tại huyện Bạch Thông\n\nSáng 12/3/2024, {BODY}\n")
    assert doc.province == "Bắc Kạn"


@pytest.mark.parametrize("text, code", [
    ("Chỉ thị số 26/CT/TW của Ban Bí thư", "26-CT/TW"),
    ("Chỉ thị số 09/CT-TU ngày 5/3/2021", "09-CT/TU"),
    ("Chương trình số 17-CTr/Ban Chỉ đạo ngày 2/3/2022", "17-CTr/BCĐ"),
    ("Kết luận 84 - KL/TW", "84-KL/TW"),
    ("Kế hoạch số 123/KH-UBND ngày 5/5/2023", "123/KH-UBND"),
    ("Nghị quyết số 202/2025/QH15", "202/2025/QH15"),
])
def test_citation_forms_seen_in_practice(text, code):
    assert [c["code"] for c in find_citations(text)] == [code]


def test_after_the_2025_merger_a_new_unit_maps_back_or_says_it_cannot():
    merged = run("Tỉnh Tuyên Quang triển khai nhiệm vụ cải cách tư pháp năm 2025\n\nSáng 12/8/2025, Ban Chỉ đạo "
                 "Cải cách tư pháp tỉnh Tuyên Quang (gồm địa bàn tỉnh Tuyên Quang và tỉnh Hà Giang cũ) họp phiên thứ nhất.\n")
    assert merged.province is None and merged.unit_2025 == "Tuyên Quang"
    assert any(r.code == "province-2025-unit" for r in merged.review)
    before = run("Tỉnh Tuyên Quang triển khai nhiệm vụ cải cách tư pháp năm 2024\n\nSáng 12/8/2024, Ban Chỉ đạo "
                 "Cải cách tư pháp tỉnh Tuyên Quang họp phiên thứ nhất; tỉnh Hà Giang cử đại diện dự.\n")
    assert before.province == "Tuyên Quang" and before.unit_2025 is None


@pytest.mark.parametrize("tail, authors, agency", [
    ("Mai Hoa (Theo Báo Lạng Sơn)", ["Mai Hoa"], "Báo Lạng Sơn"),
    ("Thanh Hà/VOV-Đông Bắc", ["Thanh Hà"], "VOV-Đông Bắc"),
    ("TS. Nguyễn Văn Thành\n(Vụ Địa phương II, Ban Nội chính Trung ương)", ["Nguyễn Văn Thành"], None),
    ("H’Ly Niê", ["H’Ly Niê"], None),
    ("TUẤN PHÙNG", ["Tuấn Phùng"], None),
    ("(Theo TTXVN)\n\nLượt xem: 412\nChia sẻ   In", [], "TTXVN"),
])
def test_more_byline_shapes(tail, authors, agency):
    doc = run(f"Hội nghị cải cách tư pháp tỉnh Cà Mau\n\nSáng 12/3/2024, {BODY}\n\n{tail}\n")
    assert (doc.authors, doc.agency) == (authors, agency)


def test_byline_above_the_date_line_and_english_agencies():
    doc = run(f"Tin cải cách tư pháp tỉnh Cà Mau\n\nMinh Khang\n13/01/2024 06:45\n\n(PLVN) - {BODY}\n")
    assert doc.authors == ["Minh Khang"] and doc.agency == "PLVN" and doc.date.startswith("2024-01-13T06:45")
    doc = run("Da Nang expands legal aid\n\nMay 10, 2023\n\nDa Nang (VNA) – The city will open legal aid desks "
              "at its industrial parks to help migrant workers with disputes and claims. — VNA\n")
    assert doc.agency == "VNA" and doc.body_text().startswith("The city") and not doc.body_text().endswith("VNA")


def test_after_the_merger_an_old_district_or_an_old_name_marked_cu_tells_the_old_province():
    hg = run("Trợ giúp pháp lý vùng cao\n\nThứ Sáu, 15/08/2025 - 10:20\n\nSau khi tỉnh Tuyên Quang (mới) được thành lập "
             "trên cơ sở hợp nhất tỉnh Hà Giang và tỉnh Tuyên Quang, Trung tâm Trợ giúp pháp lý tỉnh đã tổ chức trợ giúp "
             "lưu động tại các xã thuộc huyện Đồng Văn trước đây.\n")
    assert hg.province == "Hà Giang"
    bd = run("Thi hành án dân sự phía Đông tỉnh Gia Lai\n\nThứ Năm, 04/09/2025, 16:10\n\nSau khi hợp nhất, Thi hành án "
             "dân sự tỉnh Gia Lai (mới) chỉ đạo các phòng khu vực trên địa bàn tỉnh Bình Định (cũ) giải quyết án tồn đọng.\n")
    assert bd.province == "Bình Định"


def test_a_central_body_meeting_in_the_capital_is_national():
    doc = run("Tòa án nhân dân tối cao triển khai công tác năm 2024\n\nThứ Sáu, 05/01/2024 - 10:30\n\nSáng 5/1, tại "
              "Hà Nội, Tòa án nhân dân tối cao tổ chức hội nghị triển khai công tác năm 2024 với 63 điểm cầu.\n")
    assert doc.scope == "national" and doc.province is None


def test_the_host_not_the_visiting_delegation_is_the_subject():
    doc = run("Ban Nội chính Tỉnh ủy trao đổi kinh nghiệm với đoàn công tác tỉnh Tuyên Quang\n\n"
              "Cập nhật: 15:20 | 12/05/2022\n\nNgày 12/5, Ban Nội chính Tỉnh ủy Thái Nguyên tiếp và làm việc với "
              "đoàn công tác Ban Nội chính Tỉnh ủy Tuyên Quang do đồng chí Ma Văn Thưởng làm trưởng đoàn.\n")
    assert doc.province == "Thái Nguyên" and doc.date == "2022-05-12T15:20:00+07:00"


def test_a_delegate_from_a_province_does_not_make_a_national_meeting_provincial():
    doc = run("Ủy ban Tư pháp thẩm tra báo cáo công tác tư pháp năm 2022\n\nChiều ngày 3-10, tại Nhà Quốc hội, "
              "Ủy ban Tư pháp của Quốc hội họp phiên toàn thể năm 2022.\n\nMột đại biểu thuộc Đoàn đại biểu Quốc "
              "hội tỉnh Bình Định dẫn chứng các vụ án hành chính về đất đai kéo dài ở tỉnh Bình Định.\n")
    assert doc.scope == "national" and doc.province is None


def test_a_provinces_own_resolution_is_what_the_item_presents():
    doc = run("Xứ Thanh nâng mức chi hỗ trợ cho hoạt động hòa giải ở cơ sở\n\n15/07/2022 - 09:20 (GMT+7)\n\n"
              "HĐND tỉnh Thanh Hoá vừa ban hành Nghị quyết số 12/2022/NQ-HĐND quy định mức chi cho hòa giải.\n\n"
              "Lê Ngọc\n\nNguồn bài viết: Báo Thanh Hóa\n")
    assert doc.doc_type == "resolution" and doc.about == "12/2022/NQ-HĐND"
    assert doc.authors == ["Lê Ngọc"] and doc.agency == "Báo Thanh Hóa" and doc.province == "Thanh Hóa"


def test_site_furniture_before_the_title_and_a_credit_to_a_website():
    doc = run("BÁO ẤP BẮC\nTrang chủ > Tin tức > Hoạt động của các đơn vị\n\nPháp luật - Bạn đọc\n"
              "21-03-2023 08:15:32\n\nTAND thành phố Vị Thanh xét xử trực tuyến 2 vụ án hình sự\n\n"
              f"Ngày 20/3, {BODY}\n\n(Theo baohaugiang.com.vn)\n")
    assert doc.title == "TAND thành phố Vị Thanh xét xử trực tuyến 2 vụ án hình sự"
    assert doc.date == "2023-03-21T08:15:00+07:00" and doc.agency == "baohaugiang.com.vn"
    assert doc.province == "Hậu Giang"


def test_a_web_pages_own_title_date_and_author_fill_in():
    from scrapers.pipeline import process
    from scrapers.record import Document
    doc = Document(raw=f"Năm 2023, cơ quan tư pháp địa phương hoàn thành tốt nhiệm vụ. {BODY}\n", source_sha256="x")
    doc.page_title, doc.page_date, doc.page_authors = "Hậu Giang: tư pháp năm 2023", "2023-12-10T08:05:00+07:00", ["Hồng Nga"]
    doc = process(doc)
    assert doc.title == "Hậu Giang: tư pháp năm 2023" and not doc.title_derived
    assert doc.date == "2023-12-10T08:05:00+07:00" and doc.date_basis == "published" and doc.authors == ["Hồng Nga"]


@pytest.mark.parametrize("top, authors, agency, affiliation", [
    ("PGS, TS NGUYỄN ĐỨC MINH\nViện Nhà nước và Pháp luật", ["Nguyễn Đức Minh"], None, "Viện Nhà nước và Pháp luật"),
    ("(Theo baotravinh.vn)", [], "baotravinh.vn", None),
    ("VÕ HÙNG - Báo Quảng Ngãi", ["Võ Hùng"], "Báo Quảng Ngãi", None),
    ("Thực hiện: Bùi Minh - Quang Tuấn", ["Bùi Minh", "Quang Tuấn"], None, None),
])
def test_bylines_under_the_title(top, authors, agency, affiliation):
    doc = run(f"Xây dựng nền tư pháp chuyên nghiệp ở tỉnh Cà Mau\n\n{top}\n\nSáng 12/3/2024, {BODY}\n\n{BODY}\n")
    assert (doc.authors, doc.agency, doc.author_affiliation) == (authors, agency, affiliation)


def test_a_video_page_with_crew_credits_and_a_tag_cloud():
    doc = run(f"Vị Thủy: Xét xử trực tuyến vụ án trộm cắp tài sản tỉnh Hậu Giang\n\n19:45 | 08/06/2022\n\n{BODY}\n\n"
              "Phóng viên: Ngọc Hân\nQuay phim: Minh Trí\nBiên tập: Thu Ba\n\nTừ khóa:\n"
              "trợ giúp pháp lý  Chợ Đồn  người dân tộc thiểu số  cải cách tư pháp\n")
    assert doc.authors == ["Ngọc Hân"] and doc.date == "2022-06-08T19:45:00+07:00"
    assert doc.tags[:2] == ["trợ giúp pháp lý", "Chợ Đồn"]
