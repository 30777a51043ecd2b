"""Recurring tasks: the pure rule (which occurrences, on which day) and the sweep's service
that creates each occurrence ahead of time, once."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from directives import models, selectors, services
from directives.domain.recurrence import RecurrenceRule, occurrences_between
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory


def dues(rule, after, until):
    return [(o.period.code(), o.due) for o in occurrences_between(rule, after, until)]


def test_before_the_15th_of_the_last_month_of_each_quarter():
    rule = RecurrenceRule("quarterly", day=15, month=3)
    assert dues(rule, date(2026, 12, 15), date(2027, 9, 30)) == [
        ("2027Q1", date(2027, 3, 15)),
        ("2027Q2", date(2027, 6, 15)),
        ("2027Q3", date(2027, 9, 15)),
    ]


def test_before_25_12_every_year():
    assert dues(RecurrenceRule("yearly", day=25, month=12), date(2026, 1, 1), date(2028, 1, 1)) == [
        ("2026", date(2026, 12, 25)),
        ("2027", date(2027, 12, 25)),
    ]


def test_a_day_past_the_end_of_the_month_is_its_last_day():
    assert dues(RecurrenceRule("monthly", day=31), date(2027, 1, 31), date(2027, 3, 31)) == [
        ("2027-02", date(2027, 2, 28)),
        ("2027-03", date(2027, 3, 31)),
    ]


def test_half_yearly_defaults_to_the_last_day_of_the_half():
    assert dues(RecurrenceRule("half_yearly"), date(2026, 6, 30), date(2027, 6, 30)) == [
        ("2026H2", date(2026, 12, 31)),
        ("2027H1", date(2027, 6, 30)),
    ]


def test_a_month_beyond_the_period_is_refused():
    with pytest.raises(ValueError):
        RecurrenceRule("quarterly", day=15, month=4)


@pytest.fixture
def series(db):
    unit = OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ngãi")
    helper = OrganizationFactory(name="Văn phòng UBND tỉnh")
    task = TaskFactory(
        directive=DirectiveFactory(),
        lead=unit,
        path="5",
        text="Báo cáo tình hình thực hiện quý",
        deadline=date(2026, 12, 15),
        deadline_period="",
        recurrence="quarterly",
        recurrence_day=15,
        recurrence_month=3,
    )
    task.supporters.add(helper)
    return task


@pytest.mark.django_db
def test_the_sweep_creates_the_next_occurrence_ahead_of_time_once(series):
    assert services.recurring_occurrences_create(on=date(2027, 2, 1)) == 0  # 15/3 is more than 31 days away
    assert services.recurring_occurrences_create(on=date(2027, 2, 20)) == 1
    assert services.recurring_occurrences_create(on=date(2027, 2, 20)) == 0
    occurrence = series.occurrences.get()
    assert (occurrence.path, occurrence.deadline, occurrence.occurrence_period) == (
        "5 (Quý I/2027)",
        date(2027, 3, 15),
        "2027Q1",
    )
    assert (occurrence.lead, list(occurrence.supporters.all())) == (series.lead, list(series.supporters.all()))
    assert occurrence.status == "not_started"


@pytest.mark.django_db
def test_an_occurrence_counts_from_the_day_of_the_sweep_that_creates_it(series):
    """The figures at a date before the sweep are not changed by the occurrence it creates (it
    did not exist then), as a task added by an update of the text counts from that day."""
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    end_of_2026 = selectors.directive_figures(user, series.directive, cutoff=date(2026, 12, 31)).counts
    services.recurring_occurrences_create(on=date(2027, 2, 20))
    occurrence = series.occurrences.get()
    assert occurrence.added_on == date(2027, 2, 20)
    assert (
        selectors.directive_figures(user, series.directive, cutoff=date(2026, 12, 31)).counts.counted
        == (end_of_2026.counted)
        == 1
    )
    assert selectors.directive_figures(user, series.directive, cutoff=date(2027, 2, 20)).counts.counted == 2


@pytest.mark.django_db
def test_a_missed_sweep_catches_up_and_the_end_date_stops_it(series):
    series.recurrence_until = date(2027, 7, 1)
    series.save()
    assert services.recurring_occurrences_create(on=date(2027, 12, 1)) == 2  # Q1 and Q2; Q3 is after the end
    assert sorted(series.occurrences.values_list("occurrence_period", flat=True)) == ["2027Q1", "2027Q2"]


@pytest.mark.django_db
def test_each_occurrence_is_reported_and_counted_on_its_own(series):
    series.deadline = date(2026, 6, 15)  # in the past: completion dates may not be in the future
    series.save()
    services.recurring_occurrences_create(on=date(2026, 9, 1))
    occurrence = series.occurrences.get()
    user = UserFactory(username="sonv")
    MembershipFactory(user=user, organization=series.lead)
    # The report is made on the day of completion: a figure at a cut-off reads only the reports made by then.
    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))):
        services.task_report_progress(
            task=series,
            author=user,
            organization=series.lead,
            status="done",
            percent=100,
            completed_on=date(2026, 6, 10),
        )
    rows = selectors.directive_task_rows(user, series.directive, cutoff=date(2026, 9, 20))
    rates = selectors.directive_rates(rows)
    assert (rates.counted, rates.finished, rates.overdue) == (2, 1, 1)
    assert {t.pk for t in rows} == {series.pk, occurrence.pk}


@pytest.mark.django_db
def test_a_recurring_task_needs_a_first_deadline(series):
    series.deadline = None
    with pytest.raises(ValidationError):
        series.full_clean()


@pytest.mark.django_db
def test_the_task_page_lists_the_occurrences(client, series):
    services.recurring_occurrences_create(on=date(2027, 3, 1))
    user = UserFactory(username="sonv2")
    MembershipFactory(user=user, organization=series.lead)
    client.force_login(user)
    page = client.get(reverse("directives:task_detail", args=[series.pk])).content.decode()
    assert "Hằng quý" in page and reverse("directives:task_detail", args=[series.occurrences.get().pk]) in page
    page = client.get(reverse("directives:task_detail", args=[series.occurrences.get().pk])).content.decode()
    assert reverse("directives:task_detail", args=[series.pk]) in page
    assert timedelta  # imported for symmetry with the other tests


# -- one sweep for every caller: the command, the Celery task, the admin's "run now" -----------

SWEEP_DAY = date(2027, 3, 8)  # the Q1/2027 occurrence (15/3) is a week away
SWEEP_MORNING = datetime(2027, 3, 8, 7, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def occurrence_reminders(series) -> list[tuple[str, str, str]]:
    return sorted(models.Notification.objects.filter(task__series=series).values_list("window", "recipient", "state"))


def send_reminders_json() -> dict:
    out = StringIO()
    call_command("send_reminders", "--date", SWEEP_DAY.isoformat(), "--json", stdout=out)
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.mark.django_db
def test_send_reminders_creates_the_due_occurrence_and_reminds_it_the_same_morning(series):
    with time_machine.travel(SWEEP_MORNING, tick=False):
        first = send_reminders_json()
        again = send_reminders_json()
    occurrence = series.occurrences.get()
    assert (occurrence.deadline, occurrence.occurrence_period) == (date(2027, 3, 15), "2027Q1")
    assert first["occurrences"] == 1
    # The occurrence is reminded by the same sweep that created it: 7 days before its deadline.
    assert occurrence_reminders(series) == [("2027-03-15:7", series.lead.contact_emails, "sent")]
    assert (again["occurrences"], again["planned"], again["sent"]) == (0, 0, 0)  # twice creates nothing twice
    assert series.occurrences.count() == 1


@pytest.mark.django_db
def test_a_dry_run_says_what_the_sweep_would_create_and_creates_nothing(series):
    with time_machine.travel(SWEEP_MORNING, tick=False):
        result = services.reminders_sweep(on=SWEEP_DAY, dry_run=True)
    assert result.occurrences == 1 and result.planned >= 1
    assert not series.occurrences.exists() and not models.Notification.objects.exists()


@pytest.mark.django_db
def test_the_celery_task_and_the_command_run_the_same_sweep(series):
    from directives.tasks import reminders_sweep_task

    with time_machine.travel(SWEEP_MORNING, tick=False):
        result = reminders_sweep_task(SWEEP_DAY.isoformat())  # the body a worker (or "run now") executes
        assert send_reminders_json()["occurrences"] == 0
    assert result["occurrences"] == 1
    assert occurrence_reminders(series) == [("2027-03-15:7", series.lead.contact_emails, "sent")]
