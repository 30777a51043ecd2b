"""Deadlines carried between a heading and its items, as the text implies.

Down: an item with no deadline of its own inherits its heading's. Up: an item that says only when
("- Hoàn thành trước 30/9/2025.") is the heading's deadline and no task; a heading with no deadline at
all whose items each name one is due with the last of them. The texts are made up for these tests.
"""

import datetime as dt

import pytest

from directives.parsing import parse_directive
from directives.parsing.deadlines import is_deadline_only

D = dt.date
TODAY = D(2025, 7, 1)


def tasks_of(text):
    return {t.ref: t for t in parse_directive(text, today=TODAY).tasks}


PLAN = """KẾ HOẠCH
Chỉnh trang đô thị

II. NHIỆM VỤ CỤ THỂ

5. Sở Xây dựng: chủ trì, phối hợp với Sở Tài chính rà soát quy hoạch chung đô thị.
- Rà soát các đồ án quy hoạch phân khu.
- Tổ chức lấy ý kiến cộng đồng dân cư.
- Hoàn thành trước 30/9/2025.

6. Sở Y tế: chủ trì kiểm tra an toàn thực phẩm tại các bếp ăn tập thể.
- Kiểm tra các cơ sở, báo cáo kết quả trước 30/8/2025.
- Tuyên truyền kiến thức an toàn thực phẩm.
"""


def test_an_item_that_says_only_when_is_the_deadline_of_the_heading_that_names_the_body():
    tasks = tasks_of(PLAN)
    assert tasks["II.5"].lead == ["Sở Xây dựng"]
    assert tasks["II.5"].due == D(2025, 9, 30)
    assert "Hoàn thành trước 30/9/2025." in tasks["II.5"].text


def test_the_headings_other_items_inherit_that_deadline_and_the_line_itself_is_no_task():
    tasks = tasks_of(PLAN)
    assert [ref for ref in tasks if ref.startswith("II.5.")] == ["II.5.1", "II.5.2"]
    assert tasks["II.5.1"].due == tasks["II.5.2"].due == D(2025, 9, 30)
    assert not [t for t in tasks.values() if t.text.startswith("Hoàn thành trước")]


def test_a_dated_item_with_work_of_its_own_keeps_its_date_to_itself():
    # "báo cáo kết quả trước 30/8/2025" is when that report is due, not the heading's other work
    tasks = tasks_of(PLAN)
    assert tasks["II.6.1"].due == D(2025, 8, 30)
    assert tasks["II.6"].due is None and tasks["II.6.2"].due is None


def test_a_lettered_item_naming_only_a_period_dates_its_heading_too():
    text = """KẾ HOẠCH
Chuyển đổi số

II. NHIỆM VỤ

2. Sở Khoa học và Công nghệ
a) Xây dựng nền tảng dữ liệu dùng chung của tỉnh.
b) Thời hạn: Quý IV/2025.
c) Hướng dẫn các xã kết nối.
"""
    tasks = tasks_of(text)
    assert tasks["II.2"].due == D(2025, 12, 31)
    assert set(tasks) == {"II.2", "II.2.a", "II.2.c"}
    assert tasks["II.2.c"].due == D(2025, 12, 31) and tasks["II.2.c"].lead == ["Sở Khoa học và Công nghệ"]


def test_a_heading_whose_items_all_name_a_deadline_is_due_with_the_last_of_them():
    text = """KẾ HOẠCH
Phòng chống thiên tai

II. NHIỆM VỤ

3. Sở Nông nghiệp và Môi trường
a) Rà soát phương án ứng phó, hoàn thành trước ngày 30/6/2025.
b) Tổ chức diễn tập, hoàn thành trước ngày 30/9/2025.
"""
    tasks = tasks_of(text)
    assert tasks["II.3"].due == D(2025, 9, 30)
    assert (tasks["II.3.a"].due, tasks["II.3.b"].due) == (D(2025, 6, 30), D(2025, 9, 30))


@pytest.mark.parametrize(
    "items",
    [
        "a) Rà soát phương án ứng phó, hoàn thành trước ngày 30/6/2025.\nb) Tổ chức diễn tập hằng năm.",
        "a) Rà soát phương án ứng phó, hoàn thành trước ngày 30/6/2025.\nb) Báo cáo trước ngày 15/12 hằng năm.",
    ],
)
def test_a_heading_with_an_undated_or_recurring_item_is_given_no_end(items):
    text = f"KẾ HOẠCH\nPhòng chống thiên tai\n\nII. NHIỆM VỤ\n\n3. Sở Nông nghiệp và Môi trường\n{items}\n"
    assert tasks_of(text)["II.3"].due is None


def test_a_headings_own_deadline_is_not_replaced_by_its_items():
    text = """KẾ HOẠCH
Phòng chống thiên tai

II. NHIỆM VỤ

3. Sở Nông nghiệp và Môi trường chủ trì, hoàn thành trước ngày 31/10/2025:
a) Rà soát phương án ứng phó, hoàn thành trước ngày 30/6/2025.
b) Tổ chức diễn tập.
- Hoàn thành trước 30/11/2025.
"""
    tasks = tasks_of(text)
    assert tasks["II.3"].due == D(2025, 10, 31)
    assert tasks["II.3.a"].due == D(2025, 6, 30)


@pytest.mark.parametrize(
    ("text", "only"),
    [
        ("Hoàn thành trước 30/9/2025.", True),
        ("Thời hạn hoàn thành: trước ngày 15/10/2025", True),
        ("Trước ngày 15/10/2025.", True),
        ("Thời gian thực hiện: Quý IV/2025", True),
        ("Chậm nhất ngày 15/12/2025 hoàn thành.", True),
        ("Hoàn thành việc rà soát trước 30/9/2025", False),
        ("Báo cáo kết quả trước 30/9/2025.", False),
        ("Thời gian hỗ trợ: từ nay đến hết ngày 31 tháng 12 năm 2025", False),
        ("Thực hiện năm 2026 và các năm tiếp theo.", False),  # a start, no deadline
        ("Tuyên truyền kiến thức an toàn thực phẩm.", False),
    ],
)
def test_it_knows_a_line_that_says_only_when(text, only):
    assert is_deadline_only(text) is only
