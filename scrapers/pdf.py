"""PDF directives → the Document record: the text layer with pdfminer.six, or, for a scan
with no text layer, OCR with Tesseract's Vietnamese model when it is installed.

Stamps, headers and signature blocks come out as lines of text; the `parts` stage reads
them as it reads a typed directive (sample 003).
"""
from __future__ import annotations

import functools
import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

from .record import Document
from .sources import SourceError
from .text import nfc

OCR_LANG = "vie"
OCR_DPI = 300
OCR_TIMEOUT = 180          # seconds per page
MIN_LETTERS_PER_PAGE = 40  # fewer letters than this per page: a scan, not a text layer
INSTALL_HINT = "apt-get install tesseract-ocr tesseract-ocr-vie"
_GAP = re.compile(r"(?<=[^.!?:;\n])\n\n(?=(\w))")


class OcrUnavailable(SourceError):
    """A scanned PDF and no Tesseract (or no Vietnamese model) to read it."""


@functools.lru_cache(maxsize=1)
def ocr_ready() -> str | None:
    """None when Tesseract with the Vietnamese model is installed, else what is missing."""
    exe = shutil.which("tesseract")
    if not exe:
        return "chưa cài Tesseract"
    try:
        langs = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, timeout=30).stdout.split()
    except (OSError, subprocess.SubprocessError) as exc:
        return f"không chạy được Tesseract ({exc})"
    return None if OCR_LANG in langs else "Tesseract chưa có mô hình tiếng Việt (vie)"


def text_layer(data: bytes) -> tuple[str, int]:
    """The PDF's own text, paragraphs apart by blank lines, and its page count."""
    from pdfminer.high_level import extract_text
    from pdfminer.layout import LAParams
    from pdfminer.pdfparser import PDFSyntaxError

    try:
        text = extract_text(io.BytesIO(data), laparams=LAParams(line_margin=0.5, boxes_flow=None))
    except (PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise SourceError(f"không đọc được PDF ({type(exc).__name__}: {exc})") from exc
    return text, max(text.count("\x0c"), 1)   # pdfminer ends every page with a form feed


def ocr(data: bytes) -> str:
    """Rasterise each page (pypdfium2) and read it with Tesseract (vie)."""
    missing = ocr_ready()
    if missing:
        raise OcrUnavailable(f"PDF là bản quét (không có lớp chữ) và {missing}: cài bằng '{INSTALL_HINT}' rồi chạy lại")
    import pypdfium2

    pages: list[str] = []
    document = pypdfium2.PdfDocument(data)
    try:
        for page in document:
            image = page.render(scale=OCR_DPI / 72).to_pil().convert("L")
            png = io.BytesIO()
            image.save(png, format="PNG")
            done = subprocess.run(["tesseract", "stdin", "stdout", "-l", OCR_LANG, "--psm", "3"],
                                  input=png.getvalue(), capture_output=True, timeout=OCR_TIMEOUT)
            if done.returncode != 0:
                raise SourceError(f"Tesseract lỗi: {done.stderr.decode('utf-8', 'replace').strip()[:200]}")
            pages.append(done.stdout.decode("utf-8", "replace"))
    finally:
        document.close()
    return "\n\n".join(pages)


def _tidy(text: str) -> str:
    """NFC, form feeds as paragraph breaks, at most one blank line in a row; a blank line
    before a lower-case continuation (OCR splits a paragraph at a wide gap) is dropped."""
    text = nfc(text).replace("\x0c", "\n\n")
    text = re.sub(r"\n\s*\n(\s*\n)+", "\n\n", text)
    return _GAP.sub(lambda m: "\n" if m.group(1).islower() else m.group(0), text).strip() + "\n"


def read_bytes(data: bytes, name: str) -> tuple[str, str]:
    """(text, how: 'text' | 'ocr'). Raises SourceError naming `name`."""
    if not data.startswith(b"%PDF"):
        raise SourceError(f"{name}: không phải tệp PDF")
    try:
        text, pages = text_layer(data)
        letters = sum(c.isalpha() for c in text)
        if letters >= MIN_LETTERS_PER_PAGE * max(pages, 1):
            return _tidy(text), "text"
        return _tidy(ocr(data)), "ocr"
    except OcrUnavailable as exc:
        raise OcrUnavailable(f"{name}: {exc}") from None
    except SourceError as exc:
        raise SourceError(f"{name}: {exc}") from None


def to_document(data: bytes, source_name: str | None, name: str) -> Document:
    text, how = read_bytes(data, name)
    if not text.strip():
        raise SourceError(f"{name}: PDF không có chữ nào đọc được")
    doc = Document(raw=text, source_file=source_name, source_sha256=hashlib.sha256(data).hexdigest())
    if how == "ocr":
        doc.flag("ocr", "body", "Văn bản được nhận dạng (OCR) từ bản quét: đối chiếu với bản gốc, sửa lỗi nhận dạng rồi xoá mục này.")
    return doc


def read_file(path: Path, source_name: str) -> Document:
    """Reader for a saved PDF (`cctp ingest chi-thi.pdf --source-url …`)."""
    return to_document(path.read_bytes(), source_name, str(path))
