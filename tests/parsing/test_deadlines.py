import datetime as dt

import pytest

from directives.parsing.deadlines import find_deadline, find_period

D = dt.date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hoàn thành trước ngày 30/6/2022", D(2022, 6, 30)),
        ("báo cáo trước ngày 20 tháng 5 năm 2003", D(2003, 5, 20)),
        ("trình Bộ Chính trị trong Quý IV/2021", D(2021, 12, 31)),
        ("Thời gian thực hiện: Quý III năm 2020", D(2020, 9, 30)),
        ("ban hành trong tháng 6 năm 2022", D(2022, 6, 30)),
        ("(hoàn thành trong tháng 11/2025)", D(2025, 11, 30)),
        ("hoàn thành trong năm 2023", D(2023, 12, 31)),
        ("tập trung trong 6 tháng cuối năm 2019", D(2019, 12, 31)),
        ("tập trung trong 6 tháng đầu năm 2019", D(2019, 6, 30)),
        ("gửi Văn phòng trước ngày 15.8", D(2018, 8, 15)),
        ("gửi Văn phòng trước ngày 12.7.2018", D(2018, 7, 12)),
        ("Thời gian hoàn thành: Tháng 11 - 12/2025.", D(2025, 12, 31)),
        ("Thời hạn hoàn thành: Từ ngày 01/01/2026 đến ngày 31/3/2026.", D(2026, 3, 31)),
        ("**Thời hạn hoàn thành: trước ngày 30/11/2025.**", D(2025, 11, 30)),
    ],
)
def test_it_reads_a_deadline_in_every_usual_form(text, expected):
    assert find_deadline(text, context_year=2018).date == expected


@pytest.mark.parametrize(
    "text",
    [
        "Thời gian thực hiện: Năm 2026 và các năm tiếp theo.",
        "Thời gian thực hiện: Quý IV năm 2025 và các năm tiếp theo.",
        "Thời gian thực hiện: Từ tháng 11/2025 đến khi kết thúc Tổng kiểm kê.",
        "theo Kế hoạch số 1505/KH-TTCP ngày 22/7/2025",
        "Đối với các nhiệm vụ triển khai trong năm 2025",
    ],
)
def test_ongoing_work_and_document_dates_are_no_deadline(text):
    assert find_deadline(text, context_year=2025) is None


def test_a_task_naming_two_deadlines_keeps_the_first():
    text = "gửi Bộ Tư pháp trước ngày 05 tháng 12 năm 2025. Bộ Tư pháp báo cáo trước ngày 10 tháng 12 năm 2025."
    assert find_deadline(text).date == D(2025, 12, 5)


def test_a_period_deadline_keeps_its_label():
    assert find_deadline("trong Quý IV/2021").label == "Quý IV/2021"


def test_periods_end_on_their_last_day():
    period, _ = find_period("TRIỂN KHAI NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2021")
    assert (period.year, period.quarter, period.end) == (2021, 4, D(2021, 12, 31))
    period, _ = find_period("phương hướng, nhiệm vụ 6 tháng cuối năm 2019")
    assert (period.half, period.end) == (2, D(2019, 12, 31))


ISSUED = D(2025, 11, 18)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hạn hoàn thành: 15/9/2026.", D(2026, 9, 15)),
        ("Hoàn thành trong tuần đầu tháng 12/2025.", D(2025, 12, 7)),
        ("Tổ chức khởi công công trình vào ngày 19 tháng 12 năm 2025.", D(2025, 12, 19)),
        (
            "Hoàn thành mục tiêu cấp nước sạch cho toàn bộ các hộ dân ở vùng sâu, vùng xa trong năm 2026.",
            D(2026, 12, 31),
        ),
        ("Thời gian hoàn thành: 2026", D(2026, 12, 31)),
        ("Thời gian thực hiện: Quý I năm 2026", D(2026, 3, 31)),
        ("Rà soát các tuyến đường, hoàn thành đến hết năm.", D(2025, 12, 31)),
        ("Tổ chức kiểm tra trong tháng 12.", D(2025, 12, 31)),
        ("Chi trả vào kỳ chi trả tháng 12 năm 2025.", D(2025, 12, 31)),
    ],
)
def test_more_ways_of_writing_a_deadline(text, expected):
    found = find_deadline(text, context_year=2025, issued=ISSUED)
    assert found is not None and found.date == expected


@pytest.mark.parametrize(
    ("text", "expected", "recurrence"),
    [
        ("Báo cáo kết quả trước ngày 25/12 hàng năm.", D(2025, 12, 25), {"freq": "yearly", "day": 25, "month": 12}),
        ("Báo cáo kết quả trước ngày 20 hằng tháng.", D(2025, 11, 20), {"freq": "monthly", "day": 20}),
        ("Báo cáo kết quả trước ngày 10 hằng tháng.", D(2025, 12, 10), {"freq": "monthly", "day": 10}),
        (
            "Gửi báo cáo trước ngày 15 tháng cuối quý.",
            D(2025, 12, 15),
            {"freq": "quarterly", "day": 15, "month_of_quarter": 3},
        ),
        ("Định kỳ báo cáo hàng quý.", D(2025, 12, 31), {"freq": "quarterly"}),
    ],
)
def test_a_recurring_deadline_is_due_at_its_next_occurrence_and_keeps_its_recurrence(text, expected, recurrence):
    found = find_deadline(text, context_year=2025, issued=ISSUED)
    assert found.date == expected
    assert dict(found.recurrence) == recurrence


def test_a_date_long_before_the_issue_date_is_a_condition_not_a_deadline():
    text = "Cán bộ đã về địa phương trước ngày 10 tháng 01 năm 1982 được hưởng chế độ."
    assert find_deadline(text, context_year=2025, issued=ISSUED) is None
