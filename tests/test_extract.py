"""Reading pages and PDFs: page metadata first, figures apart, charsets, text layer and OCR,
and `cctp ingest` of saved .html and .pdf files."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from fixtures.sites.site import SPEC, Site, document_text, font, load_articles, render_scanned_pdf, render_text_pdf
from scrapers import html, pdf
from scrapers.charset import decode
from scrapers.sources import SourceError

BASE = "http://127.0.0.1:8000"
SITE = Site(BASE).build()
ARTICLES = {a.path: a for a in load_articles()}


def parse(path: str) -> html.Page:
    res = SITE.resources[path]
    return html.parse(res.body, url=BASE + path, charset=res.charset)


def words(text: str) -> set[str]:
    return set(text.casefold().split())


@pytest.mark.parametrize("path", list(ARTICLES))
def test_page_metadata_and_main_text(path):
    article, page = ARTICLES[path], parse(path)
    spec = article.spec
    assert page.title == article.title
    if spec.get("published"):
        assert page.date == html.iso_datetime(spec["published"])
    else:
        assert page.date is None and page.date_text == spec["shown_date"]
    # An author the page marks up (meta tag, itemprop, class="author"); a plain closing line
    # is the text's own byline, read later by the byline stage.
    if "author_meta" in spec.get("meta", []) or spec["shape"] in ("news_cms", "party_portal"):
        assert page.authors == [spec["author"]]
    text = "\n".join(t for _, t in page.blocks)
    assert words(article.gold) <= words(text)                   # nothing of the article lost
    for figure in spec.get("figures", []):                      # captions are figures, not text
        assert figure["caption"] not in text
        assert any(f["caption"] == figure["caption"] and f["src"] == BASE + figure["src"] for f in page.figures)
    for junk in ("Đọc nhiều", "Tin liên quan", "Bình luận", "Lượt truy cập", "Thống kê truy cập", "Ghi rõ nguồn"):
        assert junk not in text, junk


def test_json_ld_gives_date_and_agency():
    page = parse("/qg/2023/12/09/nam-2023-co-quan-tu-phap-dia-phuong-hoan-thanh-tot-nhiem-vu/")
    assert page.date == "2023-12-09T15:40:00+07:00" and page.authors == ["TTXVN"] and page.section == "Pháp luật"


def test_page_fields_set_on_the_document():
    path = "/toaan/tin-tuc/phien-toa-rut-kinh-nghiem-theo-tinh-than-cai-cach-tu-phap-5521"
    res = SITE.resources[path]
    doc = html.to_document(res.body, html.parse(res.body, url=BASE + path), "raw/web/x.html")
    assert (doc.page_title, doc.page_date, doc.page_authors) == (ARTICLES[path].title, "2024-05-20T09:15:00+07:00", ["Hải Yến"])
    assert doc.source_url == BASE + path and len(doc.figures) == 1
    # The text the stages read: title, date line, text, byline.
    lines = doc.raw.split("\n\n")
    assert lines[0] == ARTICLES[path].title and lines[1] == "20/05/2024, 09:15 [GMT+7]" and lines[-1].strip() == "Hải Yến"


def test_charsets():
    stp = parse("/stp/Pages/tin-tuc/so-tu-phap-nang-cao-chat-luong-bo-tro-tu-phap.aspx")   # windows-1258, meta only
    assert stp.encoding == "cp1258" and stp.title == "Sở Tư pháp tỉnh Đồng Tháp nâng cao chất lượng hoạt động bổ trợ tư pháp"
    wrong = parse("/bao/chinh-tri/hdnd-tinh-giam-sat-viec-giai-quyet-an-hanh-chinh-1005.html")   # says latin-1, is UTF-8
    assert wrong.encoding == "utf-8" and "Hội đồng nhân dân" in wrong.title
    garbled = "Cải cách tư pháp".encode("utf-8").decode("cp1252").encode("utf-8")   # mojibake in the page itself
    assert decode(garbled, "utf-8")[0] == "Cải cách tư pháp"
    assert decode("<meta charset='windows-1258'>".encode() + "Tư pháp".encode("utf-8"))[0].endswith("Tư pháp")


def test_a_page_without_text_is_a_clear_error():
    with pytest.raises(SourceError, match="nội dung chính"):
        html.to_document(b"<html><body></body></html>", html.parse(b"<html><body></body></html>"), "trang.html")


needs_font = pytest.mark.skipif(font() is None, reason="không có phông chữ tiếng Việt (fonts-dejavu-core) để dựng PDF thử")
needs_ocr = pytest.mark.skipif(os.environ.get("CI") != "true" and (font() is None or pdf.ocr_ready() is not None),
                               reason="thiếu Tesseract với mô hình tiếng Việt (apt-get install tesseract-ocr tesseract-ocr-vie)")


@needs_font
def test_text_pdf():
    spec = SPEC["documents"][0]
    text, how = pdf.read_bytes(render_text_pdf(document_text(spec)), "chi-thi.pdf")
    assert how == "text" and "## CHỈ THỊ" in text and "Hồ Quốc Dũng" in text


@needs_ocr
def test_scanned_pdf_is_read_by_ocr():
    spec = SPEC["documents"][1]
    text, how = pdf.read_bytes(render_scanned_pdf(document_text(spec)), "ke-hoach.pdf")
    assert how == "ocr"
    assert words(document_text(spec)) - words(text) <= {"1.", "2.", "3."} or \
        len(words(document_text(spec)) & words(text)) / len(words(document_text(spec))) > 0.95


@needs_font
def test_scanned_pdf_without_tesseract_says_what_to_install(monkeypatch):
    monkeypatch.setattr(pdf, "ocr_ready", lambda: "chưa cài Tesseract")
    with pytest.raises(pdf.OcrUnavailable) as err:
        pdf.read_bytes(render_scanned_pdf("KẾ HOẠCH\n\nthực hiện nhiệm vụ", dpi=72), "quet.pdf")
    assert "quet.pdf" in str(err.value) and "tesseract-ocr-vie" in str(err.value)


def test_not_a_pdf():
    with pytest.raises(SourceError, match="x.pdf: không phải tệp PDF"):
        pdf.read_bytes(b"<html>", "x.pdf")


@needs_font
def test_ingest_saved_html_and_pdf(tmp_path):
    """An editor archives a page and a PDF by hand; a broken file is named, the batch goes on."""
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    path = "/toaan/tin-tuc/phien-toa-rut-kinh-nghiem-theo-tinh-than-cai-cach-tu-phap-5521"
    (tmp_path / "phien-toa.html").write_bytes(SITE.resources[path].body)
    (incoming / "chi-thi.pdf").write_bytes(render_text_pdf(document_text(SPEC["documents"][0])))
    (incoming / "hong.pdf").write_bytes(b"%PDF-1.4 rubbish")
    (tmp_path / "site" / "content").mkdir(parents=True)

    def ingest(*args):
        return subprocess.run([sys.executable, "-m", "scrapers.cli", "ingest", *map(str, args)], cwd=tmp_path / "site",
                              capture_output=True, text=True, encoding="utf-8")

    done = ingest(tmp_path / "phien-toa.html", "--source-url", "https://www.toaan.gov.vn/tin/5521")
    assert done.returncode == 0, done.stderr
    done = ingest(incoming)
    assert done.returncode == 1 and "hong.pdf" in done.stderr and "PDF" in done.stderr
    files = sorted((tmp_path / "site/content/articles").rglob("*.md"))
    assert len(files) == 2, done.stderr
    metas = [yaml.safe_load(f.read_text(encoding="utf-8").split("---\n")[1]) for f in files]
    page = next(m for m in metas if m["source"]["file"].endswith(".html"))
    assert page["source"]["url"] == "https://www.toaan.gov.vn/tin/5521" and str(page["date"]) == "2024-05-20T09:15:00+07:00"
    assert page["authors"] == ["Hải Yến"] and page["province"] == "Nghệ An"
    directive = next(m for m in metas if m["source"]["file"].endswith(".pdf"))
    assert directive["doc_type"] == "directive" and directive["signer"] == "Hồ Quốc Dũng"
    assert (tmp_path / "site" / directive["source"]["file"]).is_file()
