"""The ranking of organizations over a period: weighted rates (a lead task counts twice a
supported one), cancelled and retired tasks out, ties share a rank, the page and the .xlsx."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from directives import models, selectors
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
