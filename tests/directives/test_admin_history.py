"""An edit of a task's status, completion date or deadline in the admin is history, as a report or
an extension is: the figures at a date before the edit stay what they were, those after it show it.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest
import time_machine
from django.urls import reverse

from directives import models, selectors
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT_DAY = date(2026, 6, 10)
BEFORE = date(2026, 6, 9)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _standing(task, cutoff: date) -> str:
    return selectors.as_of(models.Task.objects.filter(pk=task.pk), cutoff).get().standing


def _form_data(client, url: str, form_id: str) -> dict:
    """The admin form's fields as the browser would send them."""
    page = lxml.html.fromstring(client.get(url).content)
    form = page.get_element_by_id(form_id)
    data: dict = {}
    for name, value in form.form_values():
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def task():
    directive = DirectiveFactory(issued_on=date(2026, 1, 5))
    return TaskFactory(
        directive=directive,
        lead=OrganizationFactory(),
        deadline=date(2026, 6, 30),
        deadline_period="",
        status="in_progress",
        progress=40,
    )


def test_finishing_a_task_in_the_admin_changes_the_figures_from_that_day_on_only(client, superuser, task):
    url = reverse("admin:directives_task_change", args=[task.pk])
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=HCM)):
        data = _form_data(client, url, "task_form")
        data.update(status=["done"], progress=["100"], completed_on=["10/06/2026"])
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        task.refresh_from_db()
        assert task.status == "done" and task.completed_on == EDIT_DAY
        change = models.TaskChange.objects.get(task=task)
        assert change.cause == "edit" and change.status == "in_progress" and change.completed_on is None
        assert _standing(task, BEFORE) == "in_progress"
        assert _standing(task, EDIT_DAY) == "done_on_time"
    assert _standing(task, BEFORE) == "in_progress"  # still, once the day is over
    assert _standing(task, date(2026, 9, 30)) == "done_on_time"


def test_moving_a_deadline_in_the_admin_leaves_the_task_overdue_before_the_edit(client, superuser, task):
    models.Task.objects.filter(pk=task.pk).update(deadline=date(2026, 5, 31))
    url = reverse("admin:directives_task_change", args=[task.pk])
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=HCM)):
        data = _form_data(client, url, "task_form")
        data.update(deadline=["31/07/2026"])
        assert client.post(url, data).status_code == 302
        assert _standing(task, BEFORE) == "overdue"
        assert _standing(task, EDIT_DAY) == "in_progress"
    data = selectors.dashboard_data(superuser, selectors.DashboardFilters(cutoff=BEFORE))
    assert data.headline.overdue == 1  # the dashboard at a past cut-off reads the same history


def test_an_edit_that_leaves_the_standing_alone_is_no_history(client, superuser, task):
    url = reverse("admin:directives_task_change", args=[task.pk])
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=HCM)):
        data = _form_data(client, url, "task_form")
        data.update(progress=["60"], text=["Nội dung đã sửa"])
        assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.progress == 60 and not models.TaskChange.objects.filter(task=task).exists()


def test_a_status_changed_on_the_directive_page_is_history_too(client, superuser, task):
    url = reverse("admin:directives_directive_change", args=[task.directive_id])
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=HCM)):
        data = _form_data(client, url, "directive_form")
        row = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == [str(task.pk)])
        data[f"{row}-status"] = ["cancelled"]
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
        assert _standing(task, BEFORE) == "in_progress"
        assert _standing(task, EDIT_DAY) == "cancelled"
    assert models.TaskChange.objects.get(task=task).cause == "edit"


def test_a_completion_date_entered_in_the_admin_is_judged_by_the_deadline_in_force_that_day(client, superuser, task):
    from directives import services

    models.Task.objects.filter(pk=task.pk).update(deadline=date(2026, 5, 31))
    task.refresh_from_db()
    with time_machine.travel(datetime(2026, 6, 5, 9, 0, tzinfo=HCM)):
        ext = services.extension_request(
            task=task, author=superuser, organization=task.lead, requested_deadline=date(2026, 6, 30), reason="Chờ"
        )
        services.extension_decide(extension=ext, decider=superuser, approve=True)
    url = reverse("admin:directives_task_change", args=[task.pk])
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=HCM)):
        data = _form_data(client, url, "task_form")
        data.update(status=["done"], progress=["100"], completed_on=["03/06/2026"])
        assert client.post(url, data).status_code == 302
        task.refresh_from_db()
        assert task.deadline == date(2026, 6, 30) and task.completion_deadline == date(2026, 5, 31)
        assert _standing(task, EDIT_DAY) == "done_late"  # finished before the extension was approved
