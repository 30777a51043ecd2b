"""The dashboard lists the 50 directives with the most overdue tasks, and their targets;
?directives=all and the exports show every one."""

from datetime import date

import pytest
from django.urls import reverse

from directives import models
from directives.selectors.dashboard import DashboardFilters, dashboard_data
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

CUTOFF = date(2022, 3, 31)


@pytest.fixture
def many_directives():
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    for n in range(55):
        directive = DirectiveFactory(issuer=issuer, number=f"{n + 1}-TB/BTCTW")
        # directive n has n overdue tasks at the cut-off (the first has none)
        for k in range(n % 4):
            TaskFactory(directive=directive, lead=issuer, path=f"{k + 1}", deadline=date(2021, 12, 31))
        TaskFactory(directive=directive, lead=issuer, path="9", deadline=date(2022, 12, 31))
        models.Target.objects.create(directive=directive, label=f"đề án {n + 1}", total=10, achieved=n % 10)
    return issuer


def test_targets_follow_the_listed_directives(client, many_directives):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(superuser)
    page = client.get(reverse("directives:dashboard"), {"cutoff": "31/03/2022"})
    assert page.status_code == 200
    listed = {d["row"].directive_id for d in page.context["directives"]}
    shown = {t["row"].directive_id for t in page.context["targets"]}
    assert len(listed) == 50
    assert shown == listed

    everything = client.get(reverse("directives:dashboard"), {"cutoff": "31/03/2022", "directives": "all"})
    assert len(everything.context["targets"]) == 55
    assert len(everything.context["directives"]) == 55
    overdue_of = {d["row"].directive_id: d["row"].counts.overdue for d in everything.context["directives"]}
    left_out = set(overdue_of) - listed
    assert len(left_out) == 5
    # the 50 with the most overdue tasks: none left out has more than any listed
    assert max(overdue_of[pk] for pk in left_out) <= min(overdue_of[pk] for pk in listed)
    assert max(overdue_of[pk] for pk in left_out) == 0


def test_the_exports_take_every_target(many_directives):
    superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
    data = dashboard_data(superuser, DashboardFilters(cutoff=CUTOFF))
    assert len(data.targets) == 55
    limited = dashboard_data(superuser, DashboardFilters(cutoff=CUTOFF), target_directives=50)
    assert len(limited.targets) == 50
