"""The filtered, paginated task list costs the same number of queries whatever the data size
(supporters are prefetched, directive/issuer/lead joined: no per-row query)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


def make_tasks(org, n):
    directive = DirectiveFactory()
    helper = OrganizationFactory()
    for i in range(n):
        task = TaskFactory(directive=directive, lead=org, deadline=date(2021, 1, 1 + i % 28))
        task.supporters.add(helper)


def queries_for(client, url, params):
    from django.core.cache import cache

    cache.clear()  # each page counted in full, the navigation's inbox count included
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "url_name,params",
    [
        ("directives:task_list", {"standing": "overdue", "role": "lead", "q": "nhiem vu", "sort": "-deadline"}),
        ("directives:home", {}),
    ],
)
def test_the_list_costs_the_same_queries_for_5_and_50_tasks(client, org, url_name, params):
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role="reporter")
    client.force_login(user)
    url = reverse(url_name)
    make_tasks(org, 5)
    small = queries_for(client, url, params)
    make_tasks(org, 45)
    large = queries_for(client, url, params)
    assert small == large
    # 11: the task list loads a page in two statements (the ids, then their rows: `ListPaginator`)
    assert large <= 11


def test_the_xlsx_export_costs_a_fixed_number_of_queries(client, org):
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role="viewer")
    client.force_login(user)
    url = reverse("directives:task_list_xlsx")
    make_tasks(org, 5)
    small = queries_for(client, url, {"overdue": "1"})
    make_tasks(org, 45)
    assert queries_for(client, url, {"overdue": "1"}) == small


def test_a_list_longer_than_the_count_cap_says_more_and_keeps_its_order(client, org, monkeypatch):
    """Past the cap the list says "Hơn N nhiệm vụ" instead of counting every row; each page,
    loaded as ids then rows, keeps the sort order."""
    from directives.views.paging import ListPaginator

    user = UserFactory()
    MembershipFactory(user=user, organization=org, role="reporter")
    client.force_login(user)
    make_tasks(org, 7)
    monkeypatch.setattr(ListPaginator, "cap", 5)
    monkeypatch.setattr("directives.views.tasks.PAGE_SIZE", 3)
    first = client.get(reverse("directives:task_list"), {"sort": "-deadline"})
    html = first.content.decode()
    assert "Hơn 5 nhiệm vụ" in html and "Trang 1/" not in html
    rows = list(first.context["rows"])
    assert [t.deadline for t in rows] == sorted((t.deadline for t in rows), reverse=True)
    second = list(client.get(reverse("directives:task_list"), {"sort": "-deadline", "page": 2}).context["rows"])
    assert len(second) == 3 and rows[-1].deadline >= second[0].deadline
    assert not {t.pk for t in rows} & {t.pk for t in second}
    monkeypatch.setattr(ListPaginator, "cap", 10)
    assert "7 nhiệm vụ" in client.get(reverse("directives:task_list")).content.decode()


def test_the_directive_filter_offers_the_most_recent_and_the_one_asked_for(client, org, monkeypatch):
    """A national tracker holds tens of thousands of directives: the filter lists the most
    recent ones, plus the one in the URL (any other is found by its number in the search box)."""
    from directives import filters

    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    old = DirectiveFactory(number="1-OLD", issued_on=date(2020, 1, 1))
    recent = [DirectiveFactory(number=f"{n}-NEW", issued_on=date(2026, 1, n + 1)) for n in range(3)]
    monkeypatch.setattr(filters, "DIRECTIVE_CHOICES", 2)
    field = client.get(reverse("directives:task_list")).context["form"].fields["directive"]
    offered = {value for value, _label in field.choices if value}
    assert offered == {str(recent[2].pk), str(recent[1].pk)}
    field = client.get(reverse("directives:task_list"), {"directive": old.pk}).context["form"].fields["directive"]
    assert str(old.pk) in {value for value, _label in field.choices}
