"""Dates typed by people are bounded: a slip of the keyboard is a form error, never a fact."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directives import services
from directives.forms import ExtensionRequestForm, ProgressReportForm
from tests.factories import MembershipFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_completion_date_in_the_future_is_a_form_error():
    tomorrow = timezone.localdate() + timedelta(days=1)
    form = ProgressReportForm({"status": "done", "percent": "100", "completed_on": tomorrow.strftime("%d/%m/%Y")})
    assert not form.is_valid()
    assert "sau hôm nay" in str(form.errors["completed_on"])


def test_the_service_refuses_a_future_completion_date_too():
    task = TaskFactory()
    with pytest.raises(ValidationError):
        services.task_report_progress(
            task=task,
            author=None,
            organization=task.lead,
            status="done",
            percent=100,
            completed_on=timezone.localdate() + timedelta(days=300),
        )
    task.refresh_from_db()
    assert task.status == "not_started" and not task.reports.exists()


@pytest.mark.parametrize("typed", ["01/01/0001", "31/12/9999", "31/12/1900"])
def test_an_absurd_extension_date_is_a_form_error(typed):
    form = ExtensionRequestForm({"requested_deadline": typed, "reason": "Chờ số liệu"})
    assert not form.is_valid()
    assert "requested_deadline" in form.errors


def test_the_service_refuses_an_extension_to_9999_or_before_the_deadline():
    task = TaskFactory(deadline=date(2022, 6, 30))
    for wanted in (date(9999, 12, 31), date(2022, 6, 1)):
        with pytest.raises(ValidationError):
            services.extension_request(
                task=task, author=None, organization=task.lead, requested_deadline=wanted, reason="x"
            )
    assert not task.extensions.exists()


def test_a_deadline_of_year_one_is_refused_by_the_task_itself():
    task = TaskFactory.build(deadline=date(1, 1, 1))
    with pytest.raises(ValidationError) as error:
        task.full_clean(exclude=["directive", "lead"])
    assert "deadline" in error.value.message_dict


def test_the_report_page_shows_the_future_date_error(client):
    task = TaskFactory()
    user = MembershipFactory(organization=task.lead, role="reporter").user
    client.force_login(user)
    url = reverse("directives:task_report", args=[task.pk])
    response = client.post(url, {"status": "done", "percent": "100", "completed_on": "29/12/2099"})
    assert response.status_code in (200, 400)
    assert "sau hôm nay" in response.content.decode()
    task.refresh_from_db()
    assert task.status == "not_started"
