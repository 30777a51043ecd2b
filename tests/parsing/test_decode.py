import io
import unicodedata

import pytest

from directives.parsing import MAX_UPLOAD_BYTES, ParseInputError, decode_upload, docx_to_text, parse_directive

TEXT = "Ủy ban nhân dân tỉnh: 1. Giao Sở Tài chính chủ trì, hoàn thành trước ngày 30/6/2022."


def test_utf8_with_and_without_bom():
    assert decode_upload(TEXT.encode()) == TEXT
    assert decode_upload(b"\xef\xbb\xbf" + TEXT.encode()) == TEXT


def test_utf16_with_bom():
    assert decode_upload(TEXT.encode("utf-16")) == TEXT


def cp1258(text):
    """Windows-1258 writes most tone marks as combining characters."""
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            out += unicodedata.normalize("NFC", parts[:-1]).encode("cp1258") + parts[-1].encode("cp1258")
    return out


def test_cp1258_legacy_text_is_decoded_and_composed():
    data = cp1258("Sở Tài chính chủ trì, hoàn thành trước ngày 30/6/2022")
    assert b"\xc3" not in data[:2]  # not UTF-8
    assert decode_upload(data) == "Sở Tài chính chủ trì, hoàn thành trước ngày 30/6/2022"


@pytest.mark.parametrize(
    ("data", "word"),
    [(b"", "trống"), (b"\x00\x01\x02binary\x00", "nhị phân"), (b"a" * (MAX_UPLOAD_BYTES + 1), "quá lớn")],
)
def test_it_refuses_empty_binary_and_oversized_uploads_in_vietnamese(data, word):
    with pytest.raises(ParseInputError, match=word):
        decode_upload(data, "x.txt")


def test_a_docx_with_a_task_table_reads_as_pipe_rows_the_parser_turns_into_items():
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH")
    document.add_paragraph("II. NHIỆM VỤ")
    table = document.add_table(rows=3, cols=4)
    rows = [
        ["STT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"],
        ["1", "Rà soát văn bản", "Sở Tư pháp", "Tháng 12/2025"],
        ["2", "Tập huấn cán bộ", "Sở Nội vụ", "Quý I/2026"],
    ]
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buf = io.BytesIO()
    document.save(buf)
    text = decode_upload(buf.getvalue(), "ke-hoach.docx")
    assert text == docx_to_text(buf.getvalue())
    assert "| 1 | Rà soát văn bản | Sở Tư pháp | Tháng 12/2025 |" in text
    tasks = parse_directive(text).tasks
    assert [(t.ref, t.lead, str(t.due)) for t in tasks] == [
        ("II.1", ["Sở Tư pháp"], "2025-12-31"),
        ("II.2", ["Sở Nội vụ"], "2026-03-31"),
    ]
