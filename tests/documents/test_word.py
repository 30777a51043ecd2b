"""Word files: .docx (tables, zip bombs, text limit) and .doc (antiword, else catdoc)."""

import io
import os
import zipfile
from pathlib import Path

import pytest

from directives.documents import DocumentError, extract
from directives.documents.base import MAX_TEXT_CHARS
from directives.parsing import parse_directive

FIXTURES = Path(__file__).parent / "fixtures"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_bytes(document_xml: bytes, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", document_xml)
    return buf.getvalue()


def test_a_docx_reads_in_document_order_letterhead_cell_by_cell_and_task_table_as_pipe_rows():
    text = extract("chi-thi.docx", (FIXTURES / "chi-thi.docx").read_bytes()).text
    lines = [line for line in text.splitlines() if line]
    assert lines[:6] == [
        "ỦY BAN NHÂN DÂN",
        "TỈNH ĐẮK LẮK",
        "-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
    ]
    assert lines[6:8] == ["Số: 015/CT-UBND", "Đắk Lắk, ngày 20 tháng 11 năm 2025"]
    assert "| TT | Nội dung | Cơ quan chủ trì | Thời hạn hoàn thành |" in lines
    row = "| 3.2 | Diễn tập chữa cháy tại khu công nghiệp | Ban Quản lý các Khu công nghiệp tỉnh | Quý I/2026 |"
    assert row in lines
    parsed = parse_directive(text)
    assert (parsed.document.number, parsed.document.signer) == ("015/CT-UBND", "Nguyễn Văn An")
    leads = [t.lead for t in parsed.tasks]
    assert ["Sở Nông nghiệp và Môi trường"] in leads and ["Ban Quản lý các Khu công nghiệp tỉnh"] in leads


def test_a_docx_bomb_is_refused_from_its_declared_sizes_before_anything_is_inflated(monkeypatch):
    # 40 MB of one repeated paragraph deflates to ~40 KB: the ratio gives it away
    body = b"<w:p><w:r><w:t>" + b"a" * 1000 + b"</w:t></w:r></w:p>"
    data = docx_bytes(b"<w:document " + W.encode() + b"><w:body>" + body * 40_000 + b"</w:body></w:document>")
    assert len(data) < 200_000

    def no_read(*args, **kwargs):  # nothing may be decompressed
        raise AssertionError("read before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "read", no_read)
    with pytest.raises(DocumentError, match="zip bomb"):
        extract("bom.docx", data)


def test_a_docx_whose_text_passes_the_limit_is_refused_even_when_it_compresses_normally():
    import random

    rng = random.Random(4)
    letters = "abcdeghiklmnopqrstuvxyàáảãạâấầêếềôốồơớờưứừđ    "
    text = "".join(rng.choices(letters, k=MAX_TEXT_CHARS + 10_000))
    paragraphs = [text[i : i + 1000] for i in range(0, len(text), 1000)]
    xml = f"<w:document {W}><w:body>" + "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    data = docx_bytes((xml + "</w:body></w:document>").encode())
    with pytest.raises(DocumentError, match="quá dài"):
        extract("dai.docx", data)


@pytest.mark.parametrize(
    ("name", "data", "word"),
    [
        ("hong.docx", b"PK\x03\x04" + b"\x00" * 100, "hỏng"),
        ("hong.docx", docx_bytes(b"<w:document><w:body><w:p>"), "hỏng"),
        ("bang.xlsx", docx_bytes(b"x").replace(b"word/document.xml", b"xl/workbook.xml00"), ".xlsx"),
        ("anh.gif", b"GIF89a" + b"\x00" * 50, ".gif"),
        ("van-ban.rtf", b"{\\rtf1\\ansi hello}", "RTF"),
    ],
)
def test_corrupt_and_unsupported_files_get_a_clear_message(name, data, word):
    with pytest.raises(DocumentError, match=word.replace(".", "\\.")):
        extract(name, data)


def test_a_doc_reads_through_antiword_with_its_tables_as_the_docx_gives_them():
    doc = extract("chi-thi.doc", (FIXTURES / "chi-thi.doc").read_bytes())
    docx = extract("chi-thi.docx", (FIXTURES / "chi-thi.docx").read_bytes())
    assert doc.method == "doc"
    assert [line for line in doc.text.splitlines() if line] == [line for line in docx.text.splitlines() if line]


def _path_with_only(tmp_path, *tools):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in tools:
        os.symlink(f"/usr/bin/{tool}", bin_dir / tool)
    return str(bin_dir)


def test_without_antiword_a_doc_is_read_by_catdoc(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", _path_with_only(tmp_path, "catdoc"))
    doc = extract("chi-thi.doc", (FIXTURES / "chi-thi.doc").read_bytes())
    assert "1. Giao Công an tỉnh chủ trì, phối hợp với Sở Xây dựng" in doc.text
    assert "Đắk Lắk, ngày 20 tháng 11 năm 2025" in doc.text


def test_without_either_tool_a_doc_gets_a_message_naming_them(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", _path_with_only(tmp_path))
    with pytest.raises(DocumentError, match="antiword hoặc catdoc"):
        extract("chi-thi.doc", (FIXTURES / "chi-thi.doc").read_bytes())
