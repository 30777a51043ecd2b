"""The inbox, "Việc cần xử lý": what waits for each user, counted in the navigation; handling
a line (deciding, reporting) removes it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import selectors, services
from tests.factories import (
    DirectiveFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    OrganizationFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 29)


@pytest.fixture
def setup():
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    unit = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi")
    stranger = OrganizationFactory(name="Ban Tổ chức Thành ủy Hà Nội")
    directive = DirectiveFactory(issuer=issuer)
    late = TaskFactory(directive=directive, lead=unit, path="1", deadline=TODAY - timedelta(days=3))
    soon = TaskFactory(directive=directive, lead=unit, path="2", deadline=TODAY + timedelta(days=5))
    later = TaskFactory(directive=directive, lead=unit, path="3", deadline=TODAY + timedelta(days=30))
    done = TaskFactory(
        directive=directive, lead=unit, path="4", deadline=TODAY - timedelta(days=3), status="done", completed_on=TODAY
    )
    foreign = TaskFactory(lead=stranger, deadline=TODAY - timedelta(days=3))
    ExtensionRequestFactory(task=foreign)
    manager = UserFactory(username="btctw.quanly")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    reporter = UserFactory(username="qn.baocao")
    MembershipFactory(user=reporter, organization=unit, role="reporter")
    return {
        "issuer": issuer,
        "unit": unit,
        "late": late,
        "soon": soon,
        "later": later,
        "done": done,
        "foreign": foreign,
        "manager": manager,
        "reporter": reporter,
    }


def codes(sections):
    return {s.code: [i.task.pk for i in s.items] for s in sections}


def test_a_reporter_sees_the_overdue_and_due_soon_tasks_of_the_body(setup):
    sections = codes(selectors.inbox_for(setup["reporter"], today=TODAY))
    assert sections == {"overdue": [setup["late"].pk], "due_soon": [setup["soon"].pk]}


def test_a_manager_of_the_issuer_sees_the_pending_extension_and_the_issued_tasks(setup):
    ext = ExtensionRequestFactory(task=setup["late"])
    sections = codes(selectors.inbox_for(setup["manager"], today=TODAY))
    assert sections == {
        "extensions": [ext.task_id],
        "issued_overdue": [setup["late"].pk],
        "issued_due_soon": [setup["soon"].pk],
    }


def test_deciding_the_extension_removes_it_from_the_inbox(setup):
    ext = ExtensionRequestFactory(task=setup["late"])
    assert selectors.inbox_count(setup["manager"], today=TODAY) == 3
    services.extension_decide(extension=ext, decider=setup["manager"], approve=True)
    manager = type(setup["manager"]).objects.get(pk=setup["manager"].pk)
    sections = codes(selectors.inbox_for(manager, today=TODAY))
    # The deadline moved to 30/06/2022 (the factory's date), still before TODAY: overdue stays.
    assert "extensions" not in sections
    assert selectors.inbox_count(manager, today=TODAY) == 2


def test_reporting_done_removes_the_task(setup):
    services.task_report_progress(
        task=setup["late"],
        author=setup["reporter"],
        organization=setup["unit"],
        status="done",
        percent=100,
        completed_on=TODAY,
    )
    sections = codes(selectors.inbox_for(setup["reporter"], today=TODAY))
    assert setup["late"].pk not in sections.get("overdue", [])


def test_a_task_of_the_managers_own_body_is_listed_once(setup):
    MembershipFactory(user=setup["manager"], organization=setup["unit"], role="reporter")
    sections = codes(selectors.inbox_for(setup["manager"], today=TODAY))
    assert sections == {"overdue": [setup["late"].pk], "due_soon": [setup["soon"].pk]}
    assert selectors.inbox_count(setup["manager"], today=TODAY) == 2


def test_the_count_is_the_sum_of_the_sections(setup):
    ExtensionRequestFactory(task=setup["soon"])
    for user in (setup["manager"], setup["reporter"]):
        sections = selectors.inbox_for(user, today=TODAY)
        assert selectors.inbox_count(user, today=TODAY) == sum(s.count for s in sections) > 0


def test_a_user_of_another_body_sees_nothing_of_these(setup):
    outsider = UserFactory(username="hn.quanly")
    MembershipFactory(user=outsider, organization=OrganizationFactory(name="Sở Nội vụ"), role="manager")
    assert selectors.inbox_for(outsider, today=TODAY) == []
    assert selectors.inbox_count(outsider, today=TODAY) == 0


def test_the_navigation_count_costs_one_query_whatever_the_data(setup):
    user = type(setup["manager"]).objects.get(pk=setup["manager"].pk)  # nothing kept from earlier calls
    with CaptureQueriesContext(connection) as ctx:
        selectors.inbox_count(user, today=TODAY)
    assert len(ctx.captured_queries) == 1


def test_the_page_lists_each_line_with_a_link_and_the_navigation_shows_the_count(client, setup):
    ext = ExtensionRequestFactory(task=setup["late"])
    client.force_login(setup["manager"])
    response = client.get(reverse("directives:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("directives:task_detail", args=[ext.task_id]) + "#pending-h" in html
    assert "Đề nghị gia hạn chờ quyết định" in html
    count = selectors.inbox_count(type(setup["manager"]).objects.get(pk=setup["manager"].pk))
    assert f'<span class="badge nav-count">{count}</span>' in html


def test_an_empty_inbox_says_so(client):
    user = UserFactory(username="lonely")
    client.force_login(user)
    response = client.get(reverse("directives:inbox"))
    assert "Không có việc nào đang chờ." in response.content.decode()
    assert "nav-count" not in response.content.decode()


def test_the_navigation_counts_up_to_its_cap_and_then_says_more(client, setup, monkeypatch):
    """The navigation counts each section up to the cap (LIMIT), not every overdue task of a
    country, and shows "N+" past it; the inbox page still counts them all."""
    from directives.templatetags import inbox as tag

    for n in range(4):
        TaskFactory(directive=setup["late"].directive, lead=setup["unit"], path=f"9.{n}", deadline=TODAY - timedelta(1))
    manager = setup["manager"]
    assert selectors.inbox_count(manager, today=TODAY) == 6  # 5 overdue, 1 due soon (issued)
    assert selectors.inbox_count(manager, today=TODAY, cap=2) == 3 + 1  # overdue counted to 3
    monkeypatch.setattr(tag, "NAV_CAP", 3)
    client.force_login(manager)
    html = client.get(reverse("directives:inbox")).content.decode()
    assert '<span class="badge nav-count">3+</span>' in html


def test_the_navigation_count_is_kept_a_minute_and_counted_afresh_after_the_user_acts(client, setup):
    """The badge is read from the cache on ordinary pages; after any POST of the user, and on
    the inbox page, it is counted again."""
    from django.core.cache import cache

    cache.clear()
    ext = ExtensionRequestFactory(task=setup["late"])
    manager = setup["manager"]
    client.force_login(manager)
    first = client.get(reverse("directives:task_list")).content.decode()
    n = selectors.inbox_count(manager)
    assert f'<span class="badge nav-count">{n}</span>' in first
    ext.delete()  # done behind the page's back: the cached badge does not know yet
    assert f'<span class="badge nav-count">{n}</span>' in client.get(reverse("directives:task_list")).content.decode()
    assert f'<span class="badge nav-count">{n - 1}</span>' in client.get(reverse("directives:inbox")).content.decode()
    ExtensionRequestFactory(task=setup["late"])
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})  # any action of the user
    assert f'<span class="badge nav-count">{n}</span>' in client.get(reverse("directives:task_list")).content.decode()
