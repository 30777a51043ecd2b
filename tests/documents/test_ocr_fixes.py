"""Item numbers as OCR misreads them are read back the way a clerk reads a scan; OCR text only.

The example lines are made up for these tests: they show the shapes Tesseract produces, not any
particular document.
"""

import pytest

from directives.documents import extract, ocr
from directives.documents.ocr_fixes import fix_line, fix_numbering, fix_words
from directives.parsing import parse_directive

from .test_pdf import PDF, SCAN


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("L. ĐÁNH GIÁ CHUNG", "I. ĐÁNH GIÁ CHUNG"),  # the period merged into the I's foot, twice over
        ("L ĐÁNH GIÁ CHUNG", "I. ĐÁNH GIÁ CHUNG"),
        ("II NỘI DUNG", "II. NỘI DUNG"),  # the period lost
        ("IIL Tổ chức thực hiện", "III. Tổ chức thực hiện"),
        ("VIH", "VIII."),  # two strokes read as an H
        ("I.MỤC ĐÍCH, YÊU CẦU", "I. MỤC ĐÍCH, YÊU CẦU"),
        ("II, TỔ CHỨC THỰC HIỆN", "II. TỔ CHỨC THỰC HIỆN"),
        ("2, Rà soát văn bản", "2. Rà soát văn bản"),  # an arabic number's period read as a comma
        ("11; Đề nghị Ủy ban", "11. Đề nghị Ủy ban"),
        ("2,", "2."),
        ("1.2: Trách nhiệm", "1.2. Trách nhiệm"),
        ("3.Ưu tiên phát triển", "3. Ưu tiên phát triển"),  # the space lost
    ],
)
def test_a_misread_number_at_the_start_of_a_line_is_read_as_the_number_it_is(read, meant):
    assert fix_line(read) == meant


@pytest.mark.parametrize(
    "line",
    [
        "II. NỘI DUNG",
        "Lê Văn Tám",
        "V/v triển khai",
        "III, IV và V của Kế hoạch",  # a list of numerals in running text
        "II năm 2025, các đơn vị",
        "94,29",
        "l",  # a lone stroke may be a speck
        "2, 3 và 4 tháng",
        "a) Chủ trì",
    ],
)
def test_lines_that_are_not_misread_numbers_are_left_as_they_are(line):
    assert fix_line(line) == line


def test_a_section_number_that_lost_a_stroke_is_the_next_one_when_the_sections_around_agree():
    text = "I. MỤC ĐÍCH\nNội dung.\nII. NHIỆM VỤ\nNội dung.\nII. TỔ CHỨC THỰC HIỆN\nNội dung.\nIV. KINH PHÍ\n"
    assert fix_numbering(text).splitlines()[4] == "III. TỔ CHỨC THỰC HIỆN"


def test_a_repeated_section_number_is_kept_where_the_next_section_does_not_follow_from_it():
    # "II." twice, then "III.": the document numbers its sections that way, nothing was lost
    text = "I. MỤC ĐÍCH\nNội dung.\nII. NHIỆM VỤ\nNội dung.\nII. GIẢI PHÁP\nNội dung.\nIII. KINH PHÍ\n"
    assert fix_numbering(text) == text


def test_an_attached_plan_starts_its_section_numbers_again():
    text = "QUYẾT ĐỊNH\nI. CĂN CỨ\nNội dung.\nKẾ HOẠCH\nTRIỂN KHAI\nI. MỤC ĐÍCH\nNội dung.\nII. NHIỆM VỤ\n"
    assert fix_numbering(text) == text


def test_a_section_number_read_as_a_word_on_its_own_line_is_the_one_due_between_its_neighbours():
    text = "II. MỤC TIÊU\nNội dung.\n\nHỆ\nPHẠM VI, ĐỐI TƯỢNG\n\n1. Phạm vi toàn tỉnh.\n\nIV. KINH PHÍ\n"
    assert "III. PHẠM VI, ĐỐI TƯỢNG" in fix_numbering(text).splitlines()


def test_an_item_number_read_as_a_stray_glyph_between_its_neighbours_is_the_number_between_them():
    text = "3. Tham gia góp ý.\n\nẢ.\nPhối hợp kiểm tra việc thi hành.\n\n5. Tổ chức hỗ trợ.\n"
    assert "4. Phối hợp kiểm tra việc thi hành." in fix_numbering(text).splitlines()


def test_an_item_number_lost_altogether_is_given_to_the_one_paragraph_shaped_like_its_siblings():
    text = (
        "IV. PHÂN CÔNG NHIỆM VỤ\n"
        "1. Sở Công Thương:\n\n- Chủ trì cung ứng hàng hóa.\n\n"
        "2. Sở Y tế:\n\n- Cấp phát thuốc.\n\n"
        "3. Sở Tài chính:\n\nPhối hợp thẩm định kinh phí.\n\n"
        "Công an tỉnh:\n\n- Bảo đảm an ninh trật tự.\n\n"
        "5. Sở Xây dựng:\n\n- Khắc phục hạ tầng.\n"
    )
    lines = fix_numbering(text).splitlines()
    assert "4. Công an tỉnh:" in lines
    assert "Phối hợp thẩm định kinh phí." in lines  # what "Sở Tài chính:" announces stays its text


def test_no_number_is_guessed_where_two_paragraphs_could_have_lost_it():
    text = "1. Rà soát quy hoạch.\n\nKiểm tra việc thực hiện.\n\nBáo cáo kết quả.\n\n3. Tổng kết.\n"
    assert fix_numbering(text) == text


def test_the_last_item_of_a_section_read_as_a_glyph_alone_on_its_line_is_the_next_number():
    text = "VI. TỔ CHỨC\n\n1. Các sở triển khai.\n\n2. Báo cáo định kỳ.\n\nả.\nTrong quá trình thực hiện, báo cáo./.\n"
    assert "3. Trong quá trình thực hiện, báo cáo./." in fix_numbering(text).splitlines()


def test_a_letter_read_as_another_glyph_is_the_letter_due_after_the_one_before():
    text = "1. Sở Y tế\na) Chủ trì.\nđ) Tham mưu.\ne) Chuyển đổi số.\nø) Đẩy mạnh truyền thông.\n¡) Kiểm tra.\n"
    lines = fix_numbering(text).splitlines()
    assert lines[4:] == ["g) Đẩy mạnh truyền thông.", "h) Kiểm tra."]


def test_a_number_alone_on_its_line_joins_the_text_after_the_scans_blank_line():
    assert fix_numbering("3.\n\nSở Y tế:\n\n- Cấp thuốc.") == "3. Sở Y tế:\n\n- Cấp thuốc."


def test_a_scan_whose_numbers_came_out_wrong_is_parsed_into_its_sections_and_tasks():
    text = (
        "KẾ HOẠCH\nTriển khai công tác dân số\n\n"
        "L. MỤC ĐÍCH, YÊU CẦU\n\n1. Mục đích\n\nNâng cao chất lượng dân số.\n\n"
        "II NỘI DUNG THỰC HIỆN\n\n1, Sở Y tế\n\na) Chủ trì tổ chức triển khai.\n\n"
        "2. Sở Tài chính\n\na) Bố trí kinh phí thực hiện.\n\n"
        "IIL TỔ CHỨC THỰC HIỆN\n\nCác đơn vị báo cáo kết quả./.\n"
    )
    as_read = {t.ref for t in parse_directive(text).tasks}
    assert not as_read & {"II.1", "II.1.a", "II.2"}  # as Tesseract reads it, "Sở Y tế" sits in "MỤC ĐÍCH"
    tasks = {t.ref: t for t in parse_directive(fix_numbering(text)).tasks}
    assert {"II.1", "II.1.a", "II.2", "II.2.a"} <= set(tasks)
    assert tasks["II.1.a"].lead == ["Sở Y tế"]


def test_the_fixes_apply_to_pages_read_by_ocr_and_never_to_a_text_layer(monkeypatch):
    from directives.documents.layout import Segment

    def page(*lines):
        return [
            Segment(x0=85, x1=300, top=100 + 20 * i, bottom=112 + 20 * i, size=12, text=t) for i, t in enumerate(lines)
        ]

    monkeypatch.setattr(ocr, "ocr_missing", lambda: None)
    monkeypatch.setattr("directives.documents.ocr_missing", lambda: None)
    monkeypatch.setattr(
        ocr, "ocr_pdf_pages", lambda data, pages, total, progress=None: {0: page("L. MỤC ĐÍCH", "1, Sở Y tế chủ trì.")}
    )
    assert extract("scan.pdf", SCAN).text.startswith("I. MỤC ĐÍCH")

    def refuse(text):
        raise AssertionError("a text layer went through the OCR fixes")

    monkeypatch.setattr("directives.documents.ocr_fixes.fix_numbering", refuse)
    assert extract("chi-thi.pdf", PDF).method == "pdf-text"


def test_a_heading_after_which_items_count_from_one_again_is_the_section_whose_number_was_lost():
    text = (
        "I. QUAN ĐIỂM, PHẠM VI\n\n1. Quan điểm\n\nNội dung.\n\n2. Phạm vi\n\nNội dung.\n\n"
        "CÁC NHIỆM\nVỤ, GIẢI PHÁP TRỌNG TÂM\n\n1. Về an sinh xã hội\n\n2. Về hạ tầng\n\n"
        "II. TỔ CHỨC THỰC HIỆN\n\n1. Các bộ triển khai.\n"
    )
    lines = fix_numbering(text).splitlines()
    assert "II. CÁC NHIỆM" in lines and "III. TỔ CHỨC THỰC HIỆN" in lines


def test_capitals_that_start_a_lettered_part_or_precede_no_restart_are_no_lost_section():
    text = (
        "I. NHIỆM VỤ\n\n1. Rà soát.\n\nA. NHIỆM VỤ CHUNG\n\n1. Tuyên truyền.\n\n2. Kiểm tra.\n\n"
        "KẾT QUẢ CẦN ĐẠT\n\n3. Báo cáo.\n\nII. TỔ CHỨC THỰC HIỆN\n"
    )
    assert fix_numbering(text) == text


def test_sub_items_imply_the_item_whose_number_was_lost():
    text = (
        "II. NỘI DUNG\n\n2.\n\nRà soát văn bản.\n\n- Cơ quan thực hiện: Sở Tư pháp.\n\n"
        "Tham gia góp ý dự thảo văn bản\n\n3.1. Góp ý nghị định\n\n3.2. Tổ chức triển khai\n\n4. Kiểm tra.\n"
    )
    lines = fix_numbering(text).splitlines()
    assert "3. Tham gia góp ý dự thảo văn bản" in lines and "2. Rà soát văn bản." in lines


def test_a_number_repeated_where_the_next_is_further_on_is_the_one_due():
    text = "1. Rà soát.\n\n2. Góp ý.\n\n2. Kiểm tra.\n\nTổ chức hỗ trợ.\n\n5. Triển khai.\n"
    assert fix_numbering(text).splitlines()[4] == "3. Kiểm tra."


def test_a_paragraph_that_opens_in_lower_case_after_a_blank_line_lost_its_number_with_its_first_word():
    text = "1. Hoàn thiện thể chế.\n\n2. Tuyên truyền.\n\ntiên phát triển hạ tầng 5G\n\n4. Huy động nguồn lực.\n"
    assert "3. Tiên phát triển hạ tầng 5G" in fix_numbering(text).splitlines()


@pytest.mark.parametrize(
    ("read", "meant"),
    [
        ("Chiều nay (1⁄7), Ban Tổ chức", "Chiều nay (1/7), Ban Tổ chức"),  # a fraction slash for a slash
        ("SỞ Y tế chủ trì", "Sở Y tế chủ trì"),  # capitals a stacked mark caused
        ("Các SỞ, ban, ngành", "Các Sở, ban, ngành"),
        ("VỀ phía tỉnh", "Về phía tỉnh"),
        ("Hồ Phúc HỢp - Ủy viên", "Hồ Phúc Hợp - Ủy viên"),
        ("Hoàn thành 19/19 để án trong chương trình", "Hoàn thành 19/19 đề án trong chương trình"),
        ("Ửy ban nhần dân tỉnh", "Ủy ban nhân dân tỉnh"),
        ("II. VỀ MỘT SỐ KIẾN NGHỊ", "II. VỀ MỘT SỐ KIẾN NGHỊ"),  # a line in capitals stays so
        ("Ban Chỉ đạo ĐỀ ÁN 06 tỉnh", "Ban Chỉ đạo ĐỀ ÁN 06 tỉnh"),
        ("HĐND tỉnh và UBND các xã", "HĐND tỉnh và UBND các xã"),  # abbreviations
    ],
)
def test_glyphs_and_words_a_mark_misread_are_read_back(read, meant):
    assert fix_words(read) == meant
