"""The ranking of organizations over a period: weighted rates (a lead task counts twice a
supported one), cancelled and retired tasks out, ties share a rank, the page and the .xlsx."""

from __future__ import annotations

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from directives import models, selectors, services
from directives.domain.periods import Period
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

Q3 = Period(2026, quarter=3)


@pytest.fixture
def board():
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy")
    a = OrganizationFactory(name="Sở Nội vụ")
    b = OrganizationFactory(name="Sở Tài chính")
    directive = DirectiveFactory(issuer=issuer)

    def task(lead, done_on=None, deadline=date(2026, 8, 31), **kw):
        kw.setdefault("status", "done" if done_on else "in_progress")
        return TaskFactory(directive=directive, lead=lead, deadline=deadline, completed_on=done_on, **kw)

    task(a, date(2026, 8, 1))  # A leads: on time
    task(a, date(2026, 9, 20))  # A leads: late
    task(b, date(2026, 8, 1))  # B leads: on time
    supported = task(b)  # B leads: open; A supports it
    supported.supporters.add(a)
    task(b, status="cancelled")  # out
    task(b, retired_on=date(2026, 9, 1))  # out
    task(b, deadline=date(2026, 10, 15))  # another quarter: out
    manager = UserFactory(username="btc.quanly")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    return {"a": a, "b": b, "manager": manager}


def test_the_rates_weigh_a_lead_task_twice_a_supported_one(board):
    rows = {r.organization.name: r for r in selectors.organization_ranking(board["manager"], period=Q3)}
    a, b = rows["Sở Nội vụ"], rows["Sở Tài chính"]
    assert (a.lead_counted, a.lead_finished, a.lead_on_time, a.support_counted) == (2, 2, 1, 1)
    assert a.completion_rate == pytest.approx(4 * 100 / 5)  # (2×2 + 1×0) / (2×2 + 1×1)
    assert a.on_time_rate == pytest.approx(50)  # (2×1) / (2×2)
    assert (b.lead_counted, b.lead_finished) == (2, 1)  # cancelled, retired, next quarter out
    assert b.completion_rate == pytest.approx(50)
    assert [r.organization.name for r in selectors.organization_ranking(board["manager"], period=Q3)] == [
        "Sở Nội vụ",
        "Sở Tài chính",
    ]


def test_ties_share_a_rank():
    period = Q3
    orgs = [OrganizationFactory(name=n) for n in ("Sở A", "Sở B", "Sở C")]
    directive = DirectiveFactory(issuer=orgs[0])
    for org, done in zip(orgs, (True, True, False), strict=True):
        TaskFactory(
            directive=directive,
            lead=org,
            deadline=date(2026, 9, 30),
            status="done" if done else "in_progress",
            completed_on=date(2026, 9, 1) if done else None,
        )
    root = UserFactory(username="root", is_superuser=True)
    assert [r.rank for r in selectors.organization_ranking(root, period=period)] == [1, 1, 3]


def test_another_boards_user_sees_no_ranking_of_these_tasks(board):
    outsider = UserFactory(username="other")
    MembershipFactory(user=outsider, organization=OrganizationFactory(name="Ban Tổ chức Tỉnh ủy khác"))
    assert selectors.organization_ranking(outsider, period=Q3) == []


def test_the_page_writes_the_formula_and_the_export_has_the_rows(client, board):
    client.force_login(board["manager"])
    page = client.get(reverse("directives:rankings"), {"period": "2026Q3"}).content.decode()
    assert 'id="ranking-formula"' in page and "2 × số nhiệm vụ chủ trì" in page
    assert page.index("Sở Nội vụ") < page.index("Sở Tài chính")
    assert ">80%<" in page
    response = client.get(reverse("directives:rankings_xlsx"), {"period": "2026Q3"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [sheet.cell(row=3, column=c).value for c in (1, 2, 9)] == [1, "Sở Nội vụ", 80.0]


def test_a_bad_period_says_so(client, board):
    client.force_login(board["manager"])
    response = client.get(reverse("directives:rankings"), {"period": "quy 5"})
    assert response.status_code == 400
    assert "không phải kỳ hợp lệ" in response.content.decode()
    assert models.Task.objects.exists()


@time_machine.travel(datetime(2026, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
def test_a_past_period_is_ranked_as_it_stood_at_its_end_from_the_history():
    """Reported finished after the quarter's end (even with a completion date inside it),
    cancelled or extended after it, or of a directive issued after it: ranked as at the end."""
    org = OrganizationFactory(name="Sở Xây dựng")
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy")
    directive = DirectiveFactory(issuer=issuer, issued_on=date(2026, 7, 1))
    reporter = UserFactory(username="reporter")

    def at(d):
        return timezone.make_aware(datetime(d.year, d.month, d.day, 9))

    late_report = TaskFactory(directive=directive, lead=org, path="1", deadline=date(2026, 9, 25), status="in_progress")
    services.task_report_progress(
        task=late_report,
        author=reporter,
        organization=org,
        status="done",
        percent=100,
        completed_on=date(2026, 9, 20),  # inside the quarter, but reported after its end
        at=at(date(2026, 10, 5)),
    )
    on_time = TaskFactory(directive=directive, lead=org, path="2", deadline=date(2026, 9, 25), status="in_progress")
    services.task_report_progress(
        task=on_time,
        author=reporter,
        organization=org,
        status="done",
        percent=100,
        completed_on=date(2026, 9, 10),
        at=at(date(2026, 9, 10)),
    )
    cancelled_later = TaskFactory(directive=directive, lead=org, path="3", deadline=date(2026, 8, 31))
    services.task_report_progress(
        task=cancelled_later, author=reporter, organization=org, status="cancelled", percent=0, at=at(date(2026, 11, 2))
    )
    later = DirectiveFactory(issuer=issuer, number="9-KH/TU", issued_on=date(2026, 10, 10))
    TaskFactory(
        directive=later, lead=org, path="1", deadline=date(2026, 9, 30), status="done", completed_on=date(2026, 9, 30)
    )

    root = UserFactory(username="root", is_superuser=True)
    (row,) = selectors.organization_ranking(root, period=Q3, cutoff=date(2026, 9, 30))
    # Counted: the three tasks of the directive issued in July (the cancellation came later);
    # finished at the end of Q3: only the one reported in September.
    assert (row.lead_counted, row.lead_finished, row.lead_on_time) == (3, 1, 1)
    # Today the same tasks stand otherwise: two finished, one cancelled, and the late directive's.
    (now,) = selectors.organization_ranking(root, period=Q3, cutoff=date(2026, 12, 31))
    assert (now.lead_counted, now.lead_finished) == (3, 3)


@time_machine.travel(datetime(2026, 12, 15, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
def test_a_supporting_body_is_ranked_on_the_state_at_the_cutoff_too():
    lead, helper = OrganizationFactory(name="Sở Nội vụ"), OrganizationFactory(name="Sở Tư pháp")
    directive = DirectiveFactory(issuer=lead, issued_on=date(2026, 7, 1))
    task = TaskFactory(directive=directive, lead=lead, deadline=date(2026, 9, 25), status="in_progress")
    task.supporters.add(helper)
    services.task_report_progress(
        task=task,
        author=UserFactory(),
        organization=lead,
        status="done",
        percent=100,
        completed_on=date(2026, 9, 20),
        at=timezone.make_aware(datetime(2026, 10, 3, 9)),
    )
    root = UserFactory(username="root", is_superuser=True)
    rows = {r.organization.name: r for r in selectors.organization_ranking(root, period=Q3, cutoff=date(2026, 9, 30))}
    assert (rows["Sở Tư pháp"].support_counted, rows["Sở Tư pháp"].support_finished) == (1, 0)
    assert (rows["Sở Nội vụ"].lead_counted, rows["Sở Nội vụ"].lead_finished) == (1, 0)
