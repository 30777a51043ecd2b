"""Plain text in every encoding Vietnamese offices produce: real byte sequences, read back."""

import unicodedata

import pytest

from directives.documents import DocumentError, extract
from directives.documents.encodings import decode_text, encode_tcvn3, encode_vni
from directives.parsing import parse_directive

PASSAGE = (
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
    "Độc lập - Tự do - Hạnh phúc\n\n"
    "II. NHIỆM VỤ TRỌNG TÂM\n"
    "1. Giao Sở Tài chính chủ trì, phối hợp với Sở Nội vụ rà soát, hoàn thành trước ngày 30/6/2022.\n"
    "2. Sở Giáo dục và Đào tạo chủ trì tổng kết công tác bồi dưỡng học sinh giỏi; hoàn thành trong Quý III/2022.\n"
    "3. Ủy ban nhân dân các huyện, thị xã, thành phố hướng dẫn, đôn đốc việc thực hiện; "
    "những khó khăn, vướng mắc kịp thời báo cáo.\n"
)


def cp1258(text: str) -> bytes:
    """Windows-1258 as Word wrote it: base letters (â ê ô ơ ư ă đ are single bytes) + tone bytes."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out += base.encode("cp1258") + tones.encode("cp1258")
    return out


def test_tcvn3_bytes_as_printed_in_the_published_chart_are_read():
    # "Cộng hoà xã hội chủ nghĩa Việt Nam" / "Độc lập - Tự do - Hạnh phúc" typed in .VnTime
    data = b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam\n\xa7\xe9c l\xcbp - T\xf9 do - H\xb9nh ph\xf3c"
    assert decode_text(data) == ("Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc", "tcvn3")


def test_vni_bytes_as_printed_in_the_published_chart_are_read():
    data = b"Co\xe4ng ho\xf8a xa\xf5 ho\xe4i chu\xfb ngh\xf3a Vie\xe4t Nam. \xd1o\xe4c la\xe4p - T\xf6\xef do"
    assert decode_text(data) == ("Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do", "vni")


def test_a_directive_in_tcvn3_parses_like_its_unicode_text():
    data = encode_tcvn3(PASSAGE)
    assert b"\xc3" not in data and data.count(b"\xe9") >= 3  # one byte a letter: ộ is 0xE9
    extracted = extract("chi-thi.txt", data)
    assert extracted.encoding == "tcvn3" and "TCVN3" in extracted.warnings[0]
    # capitals with tones have no TCVN3 code: a line of capitals and a sentence start are raised again
    assert extracted.text == PASSAGE
    tasks = parse_directive(extracted.text).tasks
    assert [(t.ref, t.lead) for t in tasks] == [(t.ref, t.lead) for t in parse_directive(PASSAGE).tasks]
    assert len(tasks) == 3


def test_a_directive_in_vni_and_in_windows_1258_reads_back_exactly():
    for data, encoding in ((encode_vni(PASSAGE), "vni"), (cp1258(PASSAGE), "cp1258")):
        extracted = extract("chi-thi.txt", data)
        assert (extracted.text, extracted.encoding) == (PASSAGE, encoding)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16", "utf-8-sig", "utf-8"])
def test_utf_8_and_utf_16_with_or_without_a_byte_order_mark(codec):
    assert extract("a.txt", PASSAGE.encode(codec)).text == PASSAGE


def test_text_in_no_vietnamese_encoding_is_refused_with_the_encodings_named():
    # Shift-JIS Japanese: no reading of these bytes is Vietnamese
    data = ("会議の結論について、各機関は責任を持って実施すること。" * 20).encode("shift_jis")
    with pytest.raises(DocumentError, match="TCVN3 \\(ABC\\) và VNI"):
        extract("x.txt", data)
