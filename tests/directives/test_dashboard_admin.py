"""Rates in the admin: annotated changelist columns, and figures on a directive's change page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.directives.test_dashboard_figures import world  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, world):  # noqa: F811
    client.force_login(world["admin"])
    return client


def test_the_directive_changelist_shows_tasks_and_rates_sorted_by_completion(admin_client, world):  # noqa: F811
    url = reverse("admin:directives_directive_changelist")
    page = admin_client.get(url + "?o=8")  # the completion-rate column
    assert page.status_code == 200
    [obj] = page.context["cl"].result_list
    assert obj.n_tasks == 5 and obj.n_finished == 2 and obj.n_on_time == 1
    html = page.content.decode()
    assert "40%" in html and "50%" in html


def test_the_organization_changelist_counts_led_tasks_in_one_query_whatever_the_rows(admin_client):
    url = reverse("admin:directives_organization_changelist")
    with CaptureQueriesContext(connection) as ctx:
        page = admin_client.get(url + "?o=-7")
    rows = {o.name: o for o in page.context["cl"].result_list}
    assert rows["Sở Nội vụ"].n_tasks == 3 and rows["Văn phòng Tỉnh ủy"].n_tasks == 0
    org_queries = [q for q in ctx.captured_queries if 'FROM "directives_organization"' in q["sql"]]
    assert len(org_queries) <= 3  # count, results (annotated), nothing per row


def test_the_directive_page_shows_its_figures_and_targets_above_the_inlines(admin_client, world):  # noqa: F811
    url = reverse("admin:directives_directive_change", args=[world["directive"].pk])
    html = admin_client.get(url).content.decode()
    assert "19/28 đề án (67,8%)" in html
    assert html.index("Tình hình thực hiện") < html.index("inline-group")
