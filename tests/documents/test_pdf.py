"""PDFs: the text layer read in reading order; scans handed to OCR; bad files refused clearly."""

from pathlib import Path

import pytest

from directives.documents import DocumentError, NeedsOCR, extract
from directives.parsing import parse_directive

FIXTURES = Path(__file__).parent / "fixtures"
PDF = (FIXTURES / "chi-thi.pdf").read_bytes()
SCAN = (FIXTURES / "chi-thi.scan.pdf").read_bytes()


def test_the_letterhead_columns_are_read_one_after_the_other_not_line_by_line_across():
    result = extract("chi-thi.pdf", PDF)
    assert (result.method, result.pages) == ("pdf-text", 2)
    lines = [line for line in result.text.splitlines() if line]
    assert not [line for line in lines if "ỦY BAN" in line and "CỘNG HÒA" in line]
    order = [
        next(i for i, line in enumerate(lines) if line.startswith(start))
        for start in (
            "ỦY BAN NHÂN DÂN",
            "TỈNH ĐẮK LẮK",
            "CỘNG HÒA XÃ HỘI",
            "Độc lập",
            "Số: 015/CT-UBND",
            "Đắk Lắk, ngày",
        )
    ]
    assert order == sorted(order)


def test_lines_wrapped_by_the_page_are_joined_back_into_their_paragraph():
    text = extract("chi-thi.pdf", PDF).text
    assert (
        "1. Giao Công an tỉnh chủ trì, phối hợp với Sở Xây dựng tổ chức kiểm tra an toàn phòng cháy, chữa cháy "
        "đối với các chung cư, nhà cao tầng và cơ sở kinh doanh có nguy cơ cháy, nổ cao; hoàn thành trước ngày "
        "31/12/2025.\n"
    ) in text
    assert "Yêu cầu Thủ trưởng các sở, ban, ngành nghiêm túc thực hiện Chỉ thị này./." in text


def test_the_parser_reads_a_text_pdf_as_it_reads_the_word_file():
    from_pdf = parse_directive(extract("chi-thi.pdf", PDF).text)
    from_docx = parse_directive(extract("chi-thi.docx", (FIXTURES / "chi-thi.docx").read_bytes()).text)
    assert from_pdf.document == from_docx.document
    assert from_pdf.document.number == "015/CT-UBND" and from_pdf.document.issued_on.isoformat() == "2025-11-20"
    first = [(t.ref, t.due, t.lead, t.support) for t in from_pdf.tasks[:2]]
    assert first == [(t.ref, t.due, t.lead, t.support) for t in from_docx.tasks[:2]]
    assert first[0][2:] == (["Công an tỉnh"], ["Sở Xây dựng"])


def test_a_password_protected_pdf_is_refused_with_a_message_saying_so():
    with pytest.raises(DocumentError, match="mật khẩu"):
        extract("bao-mat.pdf", (FIXTURES / "encrypted.pdf").read_bytes())


@pytest.mark.parametrize("data", [b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF", PDF[: len(PDF) // 3]])
def test_a_corrupt_or_truncated_pdf_is_refused_as_damaged(data):
    with pytest.raises(DocumentError, match="hỏng|không có trang"):
        extract("hong.pdf", data)


def test_a_scan_without_ocr_asked_for_says_it_needs_ocr():
    with pytest.raises(NeedsOCR, match="OCR"):
        extract("scan.pdf", SCAN, ocr=False)


def test_a_scan_on_a_server_without_tesseract_gets_a_message_naming_what_to_install(path_without):
    path_without("tesseract")
    with pytest.raises(DocumentError, match="tesseract-ocr-vie") as error:
        extract("scan.pdf", SCAN)
    assert "không có lớp chữ" in str(error.value)
    # a text PDF still reads without OCR
    assert "CỘNG HÒA" in extract("chi-thi.pdf", PDF).text


def test_a_ruled_task_table_is_read_row_by_row_as_the_word_file_gives_it():
    pdf_lines = extract("chi-thi.pdf", PDF).text.splitlines()
    docx_text = extract("chi-thi.docx", (FIXTURES / "chi-thi.docx").read_bytes()).text
    rows = [line for line in docx_text.splitlines() if line.startswith("| ")]
    assert len(rows) == 3 and all(row in pdf_lines for row in rows)
