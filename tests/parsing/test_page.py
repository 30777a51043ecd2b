"""Raw pages pasted whole from a legal-text site, and the wide sample: chrome is neither metadata nor tasks."""

import datetime as dt
import re
from pathlib import Path

import pytest

from directives.parsing import NORMATIVE_WARNING, parse_directive
from directives.parsing.page import split_page

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
WIDE = FIXTURES / "wide"
DEV2 = FIXTURES / "corpus" / "dev2"
NORMATIVE = {line.split()[0] for line in (WIDE / "normative.txt").read_text(encoding="utf-8").splitlines() if line}
CHROME = re.compile(
    r"Đăng xuất|Đăng nhập|THƯ VIỆN PHÁP LUẬT|Quý khách|Quý Thành viên|Mã số thuế"
    r"|Click (?:phải|trái|vào)|^Văn bản liên quan|Hiệu lực: Đã biết|Cập nhật:",
    re.IGNORECASE,
)

PAGE = """Đang tải văn bản...
**Số hiệu:**
|
12/KH-UBND
|
**Loại văn bản:**
|
Kế hoạch
|
**Nơi ban hành:**
|
Tỉnh Bình Định
|
**Người ký:**
|
Trần Văn An
|
**Ngày ban hành:**
|
03/02/2026
|
## Tóm tắt: tỉnh giao nhiệm vụ trước ngày 30/3/2026
- Tóm tắt của trang, không phải nhiệm vụ.
**ỦY BAN NHÂN DÂN**
TỈNH BÌNH ĐỊNH
|
**CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
Số: 12/KH-UBND
Bình Định, ngày 03 tháng 02 năm 2026
**KẾ HOẠCH**
TRIỂN KHAI CÔNG TÁC PHÒNG CHÁY NĂM 2026
1. Sở Xây dựng chủ trì rà soát các công trình, hoàn thành trước ngày 30/6/2026.
2. Công an tỉnh kiểm tra định kỳ các cơ sở.
**KT. CHỦ TỊCH**
**PHÓ CHỦ TỊCH**
Trần Văn An
Kế hoạch 12/KH-UBND năm 2026 triển khai công tác phòng cháy
## Văn bản liên quan
Ban hành:
01/01/2026
Hiệu lực: Đã biết
**Địa chỉ:**
|
1 Đường Số 1
- Bạn vừa bị Đăng xuất khỏi Tài khoản .
- Hỗ trợ: (028) 0000.0000
"""


def test_a_pasted_page_keeps_the_document_and_reads_the_site_particulars():
    parts = split_page(PAGE)
    assert parts.site["number"] == "12/KH-UBND"
    assert parts.site["signer"] == "Trần Văn An"
    assert parts.site["issued_on"] == dt.date(2026, 2, 3)
    assert parts.text.lstrip().startswith("**ỦY BAN NHÂN DÂN**")
    assert "Đăng xuất" not in parts.text and "Tóm tắt" not in parts.text
    draft = parse_directive(PAGE, today=dt.date(2026, 2, 10)).to_dict()
    assert [t["ref"] for t in draft["tasks"]] == ["1", "2"]
    assert draft["tasks"][0]["due"] == "2026-06-30"
    doc = draft["document"]
    assert (doc["kind"], doc["number"], doc["signer"]) == ("Kế hoạch", "12/KH-UBND", "Trần Văn An")
    assert doc["issuer"] == "Ủy ban nhân dân tỉnh Bình Định"
    assert draft["warnings"] == []


def test_a_text_without_site_chrome_is_left_as_it_is():
    text = "Số hiệu: không phải trang web\n1. Sở Y tế chủ trì kiểm tra."
    assert split_page(text).text == text


@pytest.mark.parametrize("path", sorted(DEV2.glob("*-raw.txt")), ids=lambda p: p.stem)
def test_raw_pages_of_dev2_give_no_task_from_page_chrome_and_their_particulars(path):
    draft = parse_directive(path.read_text(encoding="utf-8")).to_dict()
    assert draft["tasks"]
    assert not [t["text"][:60] for t in draft["tasks"] if CHROME.search(t["text"])]
    doc = draft["document"]
    assert doc["kind"] and doc["number"] and doc["issuer"] and doc["signer"] and doc["issued_on"]


@pytest.mark.parametrize("path", sorted(WIDE.glob("*.txt")), ids=lambda p: p.stem)
def test_the_wide_sample_never_crashes_makes_no_chrome_task_and_flags_laws(path):
    if path.name == "normative.txt":
        return
    draft = parse_directive(path.read_text(encoding="utf-8")).to_dict()
    assert not [t["text"][:60] for t in draft["tasks"] if CHROME.search(t["text"])]
    for task in draft["tasks"]:
        assert task["text"].strip()
    if path.stem in NORMATIVE:
        assert draft["warnings"] == [NORMATIVE_WARNING]
        assert draft["tasks"] == []
    else:
        assert draft["warnings"] == []
        assert draft["tasks"]
        assert draft["document"]["number"]
