import datetime as dt

from directives.parsing import parse_directive
from directives.parsing.figures import find_figures
from directives.parsing.references import find_references


def test_ratio_figures_with_unit_and_percent():
    text = (
        "hoàn thành 19/28 đề án trình Bộ Chính trị (đạt 67,8%); 137/137 đồng chí (đạt tỷ lệ 100%); "
        "thu 45.799/36.875 tỷ đồng."
    )
    got = [(f.achieved, f.total, f.unit, f.percent) for f in find_figures(text)]
    assert got == [(19, 28, "đề án", 67.8), (137, 137, "đồng chí", 100.0), (45799, 36875, "tỷ đồng", 124.2)]


def test_dates_document_numbers_terms_and_counters_are_not_figures():
    text = (
        "Ngày 30/9, chiều 28/12, tại Hội nghị ngày 18/1 năm 2022, theo Nghị định số 24/2021/NĐ-CP, số 336-BS/VPTU, "
        "nhiệm kỳ 2020 - 2025, trong tháng 12/2025 và Quý IV/2021, mục (1) và (2)."
    )
    assert find_figures(text) == []


def test_cited_documents_in_every_form_deduplicated_without_the_own_number():
    text = (
        "Quy định số 24-QĐ/TW, ngày 30/7/2021; Quyết định số 28/2002/QĐ-BVHTT; Công văn số 3145/BKHĐT-KTĐPLT; "
        "theo Chỉ thị 36 của Bộ Chính trị; nhắc lại Quy định số 24-QĐ/TW; Nghị quyết số 66- NQ/TW; "
        "Thông báo số 623/TB-VPCP; Nghị quyết Trung ương 4; tiêu chuẩn TCVN 14423:2025; văn bản số 16495/BТС-PTHT."
    )
    refs = {r.number: r for r in find_references(text, own_number="623/TB-VPCP")}
    assert set(refs) == {
        "24-QĐ/TW",
        "28/2002/QĐ-BVHTT",
        "3145/BKHĐT-KTĐPLT",
        "Chỉ thị 36",
        "66-NQ/TW",
        "16495/BTC-PTHT",
    }
    assert refs["24-QĐ/TW"].kind == "Quy định" and refs["24-QĐ/TW"].date == dt.date(2021, 7, 30)


HEADER = """|
**ỦY BAN NHÂN DÂN**
TỈNH ĐẮK LẮK
-------
|
**CỘNG HÒA XÃ HỘI
CHỦ NGHĨA VIỆT NAM**
Độc lập - Tự do - Hạnh phúc
|
Số:
2257/VPCP-VX
|
*Hà Nội, ngày 09
tháng 5 năm 2003*
|
**CÔNG VĂN**
V/v triển khai nhiệm vụ
|
Chiều ngày 08 tháng 5 năm 2003, tại cuộc họp giao ban, lãnh đạo kết luận như sau:
1. Giao Sở Tài chính chủ trì thực hiện.
|
Nơi nhận:
- Như trên;
- Lưu: VT.
|
**KT. CHỦ TỊCH**
PHÓ CHỦ TỊCH
Trương Công Thái
|
"""


def test_header_number_date_kind_title_meeting_and_signer():
    doc = parse_directive(HEADER).document
    assert doc.issuer == "Ủy ban nhân dân tỉnh Đắk Lắk"
    assert doc.number == "2257/VPCP-VX"
    assert doc.issued_on == dt.date(2003, 5, 9)
    assert doc.kind == "Công văn"
    assert doc.title == "Về việc triển khai nhiệm vụ"
    assert doc.meeting_date == dt.date(2003, 5, 8)
    assert doc.signer == "Trương Công Thái"
    assert [t.ref for t in parse_directive(HEADER).tasks] == ["1"]


def test_a_copy_keeps_the_original_signer_and_the_copy_number():
    text = "THÔNG BÁO\n\nKết luận Hội nghị\n\nNgày 30/9/2021, Ban Tổ chức Trung ương tổ chức Hội nghị giao ban.\n\n"
    text += "K/T TRƯỞNG BAN\nĐã ký: Mai Văn Chính\n\nVĂN PHÒNG\n\nSố 336-BS/VPTU\n\nSAO LỤC\n\n"
    text += "Quảng Ngãi, ngày 13 tháng 10 năm 2021\n"
    doc = parse_directive(text).document
    assert (doc.signer, doc.number, doc.issued_on) == ("Mai Văn Chính", "336-BS/VPTU", dt.date(2021, 10, 13))
    assert doc.issuer == "Ban Tổ chức Trung ương" and doc.meeting_date == dt.date(2021, 9, 30)


def test_old_and_new_tone_placement_are_the_same_word():
    from directives.parsing.text import fold

    assert fold("Uỷ ban nhân dân") == fold("Ủy ban nhân dân")


# Examples written for these rules (not corpus headers).
def test_a_one_line_header_a_signature_under_the_office_and_a_name_cut_by_a_line_break():
    from directives.parsing import parse_directive

    text = (
        "CHÍNH PHỦ____ Số: 170/2025/NĐ-CP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
        "Hà Nội, ngày 30 tháng 6 năm 2025\nCÔNG ĐIỆN\nVỀ\nVIỆC PHÒNG, CHỐNG BÃO SỐ 3\n"
        "1. Bộ Xây dựng chỉ đạo kiểm tra các công trình.\nTHỦ TƯỚNG\nPhạm\nMinh Chính\n"
    )
    doc = parse_directive(text).to_dict()["document"]
    assert doc["number"] == "170/2025/NĐ-CP"
    assert doc["issuer"] == "Chính phủ"
    assert doc["issued_on"] == "2025-06-30"
    assert doc["signer"] == "Phạm Minh Chính"
    assert doc["title"].lower() == "về việc phòng, chống bão số 3"


def test_party_numbers_without_colon_dotted_numbers_and_tl_signatures():
    from directives.parsing import parse_directive

    party = (
        "ĐẢNG CỘNG SẢN VIỆT NAM\nSố 36-HD/VPTW\nHƯỚNG DẪN\nVỀ CÔNG TÁC LƯU TRỮ\n"
        "TL. BAN BÍ THƯ\nCHÁNH VĂN PHÒNG\nLê Minh Hưng\n"
    )
    doc = parse_directive(party).to_dict()["document"]
    assert (doc["number"], doc["signer"]) == ("36-HD/VPTW", "Lê Minh Hưng")
    assert parse_directive("Số: 66.2/2025/NQ-CP\nNGHỊ QUYẾT\n").to_dict()["document"]["number"] == "66.2/2025/NQ-CP"
