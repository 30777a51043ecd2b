from directives.parsing import parse_directive
from directives.parsing.bodies import extract_bodies, split_bodies
from directives.parsing.numbering import parse_marker, split_inline_items

NOTICE = """THÔNG BÁO

Kết luận Hội nghị giao ban Quý III năm 2021

I. ĐÁNH GIÁ KẾT QUẢ CÔNG TÁC QUÝ III NĂM 2021

Toàn Ngành đã hoàn thành 19/28 đề án (đạt 67,8%). (1) Tích cực triển khai. (2) Tham mưu kịp thời.

II. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2021

1. Hoàn thành Chương trình công tác năm 2021

(1) Tập trung nghiên cứu, hoàn thiện các đề án¹ báo cáo cấp ủy, hoàn chỉnh các sản phẩm

¹ Quy định số 24-QĐ/TW, ngày 30/7/2021 của Ban Chấp hành Trung ương.

trình Hội nghị Trung ương. (2) Tiếp tục hoàn thiện 08 đề án trước ngày 15/11/2021.

2. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ và Ủy ban nhân dân các xã thực hiện.

a) Sở Xây dựng

- Đánh giá sự phù hợp của dự án;
- Đánh giá nhu cầu sử dụng đất.

K/T TRƯỞNG BAN
Đã ký: Mai Văn Chính
"""


def test_it_nests_sections_tasks_sub_items_letters_and_bullets():
    refs = [t.ref for t in parse_directive(NOTICE).tasks]
    assert refs == ["II.1", "II.1.(1)", "II.1.(2)", "II.2", "II.2.a", "II.2.a.1", "II.2.a.2"]


def test_an_assessment_section_holds_no_tasks_but_its_figures_count():
    parsed = parse_directive(NOTICE)
    assert not [t for t in parsed.tasks if t.ref.startswith("I.")]
    assert [(f.achieved, f.total, f.unit, f.percent) for f in parsed.figures] == [(19, 28, "đề án", 67.8)]


def test_a_footnote_that_cuts_a_sentence_is_lifted_out_and_the_body_rejoined():
    task = {t.ref: t for t in parse_directive(NOTICE).tasks}["II.1.(1)"]
    assert "hoàn chỉnh các sản phẩm trình Hội nghị Trung ương" in task.text
    assert "Quy định số 24" not in task.text


def test_tasks_inherit_the_section_period_unless_they_name_their_own():
    tasks = {t.ref: t for t in parse_directive(NOTICE).tasks}
    assert str(tasks["II.1"].due) == "2021-12-31" and tasks["II.1"].due_period == "Quý IV/2021"
    assert str(tasks["II.1.(2)"].due) == "2021-11-15"


def test_a_heading_that_names_a_body_leads_its_bullets():
    tasks = {t.ref: t for t in parse_directive(NOTICE).tasks}
    assert tasks["II.2.a"].lead == ["Sở Xây dựng"]
    assert tasks["II.2.a.1"].lead == ["Sở Xây dựng"]


def test_ordinal_lists_are_numbered_in_order():
    text = (
        "Năm 2015 cần tập trung:\n\n- Trước hết, cần làm tốt công tác chuẩn bị.\n\nThứ hai, Trong công tác nhân sự.\n"
    )
    tasks = parse_directive(text).tasks
    assert [(t.ref, str(t.due)) for t in tasks] == [("1", "2015-12-31"), ("2", "2015-12-31")]


def test_labelled_lines_give_lead_support_and_deadline_and_are_not_tasks():
    text = (
        "II. NỘI DUNG\n\n1. Rà soát văn bản quy phạm pháp luật\n\n- Cơ quan chủ trì: Sở Khoa học và Công nghệ.\n\n"
        "- Cơ quan phối hợp: Các sở, ngành; Ủy ban nhân dân các xã, phường.\n\n- Thời gian hoàn thành: Tháng 12/2025.\n"
    )
    (task,) = parse_directive(text).tasks
    assert task.lead == ["Sở Khoa học và Công nghệ"]
    assert task.support == ["Các sở, ngành", "Ủy ban nhân dân các xã, phường"]
    assert str(task.due) == "2025-12-31"


def test_markers():
    assert parse_marker("II. NHIỆM VỤ")[0].label == "II"
    assert parse_marker("2.1. Trách nhiệm chung")[0].depth == 2
    assert parse_marker("(3) Thường xuyên")[0].label == "(3)"
    assert parse_marker("(ii) Báo cáo")[0].label == "(ii)"
    assert parse_marker("đ) Công an tỉnh")[0].label == "đ"
    assert parse_marker("Năm 2015 là năm")[0] is None
    pieces, nxt = split_inline_items("(1) Làm A. (2) Làm B; (3) Làm C. Xem (5) sau.", 1)
    assert len(pieces) == 3 and nxt == 4


def test_bodies_in_their_usual_forms():
    assert extract_bodies("Bộ Tư pháp chủ trì, phối hợp với Văn phòng Chính phủ và Bộ Nội vụ nghiên cứu.") == (
        ["Bộ Tư pháp"],
        ["Văn phòng Chính phủ", "Bộ Nội vụ"],
    )
    assert extract_bodies("Giao Bộ Tài chính khẩn trương hoàn thiện báo cáo.")[0] == ["Bộ Tài chính"]
    assert extract_bodies("Đề nghị Ủy ban nhân dân tỉnh Đắk Lắk tiếp tục rà soát.")[0] == [
        "Ủy ban nhân dân tỉnh Đắk Lắk"
    ]
    assert extract_bodies("Sở Tài chính: tham mưu bố trí kinh phí.")[0] == ["Sở Tài chính"]
    assert extract_bodies("Trên cơ sở đề nghị của các Bộ, Bộ Tài chính khẩn trương rà soát.")[0] == ["Bộ Tài chính"]
    assert split_bodies("Sở Tài chính, Sở Xây dựng, UBND cấp xã và các Sở, ban, ngành") == [
        "Sở Tài chính",
        "Sở Xây dựng",
        "UBND cấp xã",
        "Các Sở, ban, ngành",
    ]


def test_a_text_that_is_not_a_directive_gives_zero_tasks():
    parsed = parse_directive("Hôm nay trời đẹp. Chúng tôi đi chơi công viên.")
    assert parsed.tasks == [] and parsed.to_dict()["tasks"] == []
