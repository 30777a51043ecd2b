"""A recurring deadline in the text ("trước ngày 25/12 hàng năm", "hàng quý") becomes a
recurring task on import: the parser's rhythm is in the draft, shown and editable on the review
page, written on the task, and the daily sweep then creates the next occurrences."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from directives import models, services
from directives.importing.drafts import draft_from_contract, recurrence_of
from directives.importing.review import ExistingTask, import_plan
from directives.parsing import parse_directive
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory
from tests.importing.test_import_web import review_data

PLAN = """TỈNH ỦY QUẢNG NGÃI
BAN TỔ CHỨC
Số 45-KH/BTCTU
Quảng Ngãi, ngày 10 tháng 1 năm 2022

KẾ HOẠCH
Thực hiện công tác tổ chức xây dựng Đảng năm 2022

1. Báo cáo kết quả công tác phát triển đảng viên trước ngày 25/12 hàng năm. Ban Tổ chức Tỉnh ủy chủ trì.
2. Định kỳ báo cáo hàng quý tình hình kiện toàn tổ chức cơ sở đảng. Văn phòng Tỉnh ủy chủ trì.
3. Gửi báo cáo sơ kết trước ngày 15 tháng cuối quý. Văn phòng Tỉnh ủy chủ trì.
4. Tổng kết công tác bảo vệ chính trị nội bộ, hoàn thành trong Quý III/2022. Ban Tổ chức Tỉnh ủy chủ trì.
5. Báo cáo tình hình hằng tuần. Văn phòng Tỉnh ủy chủ trì.
"""

IMPORT = reverse("directives:import")
REVIEW = reverse("directives:import_review")


# -- the parser's names -> the task's choices (pure) ---------------------------------------------


@pytest.mark.parametrize(
    ("parsed", "expected"),
    [
        ({"freq": "yearly", "day": 25, "month": 12}, ("yearly", 25, 12)),
        ({"freq": "yearly", "month": 12}, ("yearly", 0, 12)),  # "tháng 12 hằng năm": its last day
        ({"freq": "quarterly"}, ("quarterly", 0, 0)),  # "hàng quý": the quarter's last day
        ({"freq": "quarterly", "day": 15, "month_of_quarter": 3}, ("quarterly", 15, 3)),
        ({"freq": "monthly", "day": 20}, ("monthly", 20, 0)),
        ({"freq": "half-yearly", "day": 15, "month": 6}, ("half_yearly", 15, 6)),
        ({"freq": "half_yearly"}, ("half_yearly", 0, 0)),
        ({"freq": "weekly"}, ("", 0, 0)),  # not a rhythm the tracker follows: the first deadline only
        ({"freq": "quarterly", "day": 15, "month_of_quarter": 4}, ("", 0, 0)),
        ({"freq": "monthly", "day": 40}, ("", 0, 0)),
        (None, ("", 0, 0)),
    ],
)
def test_the_parsers_frequencies_map_onto_the_tasks_choices(parsed, expected):
    assert recurrence_of(parsed) == expected
    codes = {code for code, _label in models.Task._meta.get_field("recurrence").choices}
    assert expected[0] in codes


def test_the_draft_carries_the_rhythm_of_each_task():
    draft = draft_from_contract(parse_directive(PLAN).to_dict(), source_text=PLAN)
    rhythm = {t.ref: (t.due, t.recurrence, t.recurrence_day, t.recurrence_month) for t in draft.tasks}
    assert rhythm == {
        "1": (date(2022, 12, 25), "yearly", 25, 12),
        "2": (date(2022, 3, 31), "quarterly", 0, 0),
        "3": (date(2022, 3, 15), "quarterly", 15, 3),
        "4": (date(2022, 9, 30), "", 0, 0),
        "5": (date(2022, 1, 16), "", 0, 0),
    }


def test_an_update_that_changes_only_the_rhythm_is_a_change():
    draft = draft_from_contract(parse_directive(PLAN).to_dict(), source_text=PLAN)
    first = draft.tasks[0]
    existing = [ExistingTask(path="1", text=first.text, deadline=first.due, lead_name=first.lead[0])]
    assert import_plan(draft, existing).changed == ["1"]
    existing = [
        ExistingTask(
            path="1", text=first.text, deadline=first.due, lead_name=first.lead[0], recurrence=("yearly", 25, 12)
        )
    ]
    assert import_plan(draft, existing).changed == []


# -- the review page ------------------------------------------------------------------------------


@pytest.fixture
def clerk(client, db):
    client.force_login(UserFactory(username="btc.vanthu", is_staff=True))
    return client


@pytest.fixture
def bodies(db):
    return {
        "btc": OrganizationFactory(name="Ban Tổ chức Tỉnh ủy"),
        "vp": OrganizationFactory(name="Văn phòng Tỉnh ủy"),
    }


def reviewed(client) -> tuple[str, dict]:
    assert client.post(IMPORT, {"text": PLAN}).status_code == 302
    page = client.get(REVIEW)
    return page.content.decode(), review_data(page)


def test_the_review_page_shows_the_rhythm_with_a_label_and_lets_the_reviewer_change_it(clerk, bodies):
    page, data = reviewed(clerk)
    assert page.count('<label class="help" for="id_tasks-0-recurrence">Định kỳ</label>') == 1
    assert "Ngày đến hạn" in page and "Tháng trong kỳ" in page
    assert '<option value="yearly" selected>Hằng năm</option>' in page
    assert (data["tasks-0-recurrence"], data["tasks-0-recurrence_day"], data["tasks-0-recurrence_month"]) == (
        "yearly",
        25,
        12,
    )
    assert (data["tasks-2-recurrence"], data["tasks-2-recurrence_day"], data["tasks-2-recurrence_month"]) == (
        "quarterly",
        15,
        3,
    )
    assert data["tasks-3-recurrence"] == "" and data["tasks-4-recurrence"] == ""

    data["meta-activate"] = "on"
    data["tasks-1-recurrence_day"] = "20"  # "before the 20th of the quarter's last month"
    data["tasks-3-recurrence"] = "half_yearly"  # the reviewer reads the rhythm the parser missed
    data["tasks-0-recurrence"] = "yearly"
    response = clerk.post(REVIEW, data)
    assert response.status_code == 302, response.context and [f.errors for f in response.context["tasks"]]

    tasks = {t.path: t for t in models.Task.objects.all()}
    rhythm = {p: (t.deadline, t.recurrence, t.recurrence_day, t.recurrence_month) for p, t in tasks.items()}
    assert rhythm == {
        "1": (date(2022, 12, 25), "yearly", 25, 12),
        "2": (date(2022, 3, 31), "quarterly", 20, 0),
        "3": (date(2022, 3, 15), "quarterly", 15, 3),
        "4": (date(2022, 9, 30), "half_yearly", 0, 0),
        "5": (date(2022, 1, 16), "", 0, 0),
    }


def test_a_rhythm_that_cannot_be_is_a_form_error_and_nothing_is_written(clerk, bodies):
    _page, data = reviewed(clerk)
    data["tasks-2-recurrence_month"] = "4"  # there is no 4th month in a quarter
    data["tasks-0-due"] = ""  # a recurring task needs its first deadline
    response = clerk.post(REVIEW, data)
    assert response.status_code == 200
    errors = {i: f.errors for i, f in enumerate(response.context["tasks"].forms) if f.errors}
    assert errors[2]["recurrence_month"] == ["Tháng đến hạn vượt quá số tháng của kỳ."]
    assert errors[0]["due"] == ["Nhiệm vụ định kỳ cần thời hạn của lần đầu tiên."]
    assert not models.Directive.objects.exists()


def test_an_imported_yearly_task_gets_its_next_occurrence_from_the_sweep(clerk, bodies):
    _page, data = reviewed(clerk)
    data["meta-activate"] = "on"
    assert clerk.post(REVIEW, data).status_code == 302
    yearly = models.Task.objects.get(path="1")
    quarterly = models.Task.objects.get(path="2")

    # 1/12/2022: the sweep (`send_reminders`) of a morning 24 days before 25/12/2022.
    with time_machine.travel(datetime(2022, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        call_command("send_reminders", "--date", "2022-12-01", stdout=StringIO())
    assert not yearly.occurrences.exists()  # 25/12/2022 is the task itself
    assert sorted(quarterly.occurrences.values_list("occurrence_period", "deadline")) == [
        ("2022Q2", date(2022, 6, 30)),
        ("2022Q3", date(2022, 9, 30)),
        ("2022Q4", date(2022, 12, 31)),
    ]

    # 1/12/2023: the next 25/12 is within the sweep's horizon.
    with time_machine.travel(datetime(2023, 12, 1, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")), tick=False):
        call_command("send_reminders", "--date", "2023-12-01", stdout=StringIO())
        call_command("send_reminders", "--date", "2023-12-01", stdout=StringIO())  # once
    occurrence = yearly.occurrences.get()
    assert (occurrence.path, occurrence.deadline, occurrence.occurrence_period) == (
        "1 (Năm 2023)",
        date(2023, 12, 25),
        "2023",
    )
    assert occurrence.lead == bodies["btc"]


def test_an_update_of_the_text_leaves_the_occurrences_alone(clerk, bodies):
    """The board's manager imports its plan, the sweep adds occurrences, then he imports the
    plan again as an update: the occurrences are neither matched nor retired."""
    MembershipFactory(user=UserFactory(username="btc.truongban"), organization=bodies["btc"], role="manager")
    clerk.force_login(models.Membership.objects.get().user)
    _page, data = reviewed(clerk)
    data["meta-activate"] = "on"
    data["meta-issuer"] = str(bodies["btc"].pk)
    assert clerk.post(REVIEW, data).status_code == 302
    services.recurring_occurrences_create(on=date(2022, 12, 1))
    occurrences = set(models.Task.objects.filter(series__isnull=False).values_list("pk", flat=True))
    assert occurrences

    _page, data = reviewed(clerk)
    data["meta-update_existing"] = "on"
    data["meta-issuer"] = str(bodies["btc"].pk)
    response = clerk.post(REVIEW, data)
    assert response.status_code == 302, (response.context["meta"].errors, [f.errors for f in response.context["tasks"]])
    assert set(models.Task.objects.filter(series__isnull=False, retired_on=None).values_list("pk", flat=True)) == (
        occurrences
    )


@pytest.mark.django_db
def test_the_import_command_makes_recurring_tasks_too(tmp_path: Path):
    path = tmp_path / "45-KH.txt"
    path.write_text(PLAN, encoding="utf-8")
    call_command("import_directive", str(path), stdout=StringIO())
    task = models.Task.objects.get(path="1")
    assert (task.recurrence, task.recurrence_day, task.recurrence_month) == ("yearly", 25, 12)
