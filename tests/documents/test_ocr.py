"""OCR with Tesseract's Vietnamese model: a scanned page and an image read, a photo refused."""

import random
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from directives.documents import DocumentError, extract
from directives.parsing import parse_directive

pytestmark = pytest.mark.slow
FIXTURES = Path(__file__).parent / "fixtures"
SCAN = (FIXTURES / "chi-thi.scan.pdf").read_bytes()


@pytest.fixture(scope="module")
def scanned():
    messages = []
    result = extract("chi-thi.scan.pdf", SCAN, progress=messages.append)
    return result, messages


def test_a_scanned_pdf_is_read_with_ocr_and_reports_its_progress(scanned):
    result, messages = scanned
    assert (result.method, result.pages) == ("ocr", 1)
    assert messages and "trang 1/1" in messages[-1]
    assert any("OCR" in w for w in result.warnings)
    lines = [line for line in result.text.splitlines() if line]
    assert lines[0] == "ỦY BAN NHÂN DÂN" and "CỘNG HÒA XÃ HỘI" in result.text


def test_the_parser_finds_the_scans_number_date_and_tasks(scanned):
    parsed = parse_directive(scanned[0].text)
    assert parsed.document.number == "015/CT-UBND"
    assert parsed.document.issued_on.isoformat() == "2025-11-20"
    tasks = {t.ref: t for t in parsed.tasks}
    assert tasks["1"].lead == ["Công an tỉnh"] and tasks["1"].due.isoformat() == "2025-12-31"
    assert tasks["2"].lead == ["Sở Giáo dục và Đào tạo"]


def test_an_image_of_a_page_is_read_too(tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "200",
            "-gray",
            "-png",
            "-singlefile",
            str(FIXTURES / "chi-thi.scan.pdf"),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    result = extract("trang-1.png", (tmp_path / "p.png").read_bytes())
    assert result.method == "ocr" and "Số: 015/CT-UBND" in result.text


def png(width: int, height: int, pixels: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + pixels[y * width : (y + 1) * width] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def test_a_photo_without_text_is_refused_not_read_as_garbage():
    # a grey "cat": soft shading, two ears, eyes, whiskers, fur noise
    rng = random.Random(7)
    width, height = 640, 480
    pixels = bytearray()
    for y in range(height):
        for x in range(width):
            value = 150 + int(60 * (x / width)) - int(40 * (y / height))
            if (x - 320) ** 2 / 180**2 + (y - 260) ** 2 / 150**2 < 1:
                value = 90 + rng.randint(-25, 25)
            for ex in (260, 380):
                if (x - ex) ** 2 + (y - 230) ** 2 < 18**2:
                    value = 30
            if abs(y - 120 - abs(x - 320) // 3) < 4 and 200 < x < 440 and abs(x - 320) > 60:
                value = 60
            pixels.append(max(0, min(255, value)))
    with pytest.raises(DocumentError, match="Không tìm thấy chữ trong ảnh"):
        extract("meo.png", png(width, height, bytes(pixels)))
