"""Progress reports are append-only; two reports sent at the same moment are both kept and the
later one is the task's current state (the service locks the task row)."""

import threading

import pytest
from django.db import connection

from directives import models, services
from tests.factories import MembershipFactory, TaskFactory, UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_reports_sent_at_the_same_moment_are_both_kept_and_the_latest_wins():
    task = TaskFactory()
    reporters = []
    for name in ("a", "b"):
        user = UserFactory(username=f"reporter-{name}")
        MembershipFactory(user=user, organization=task.lead, role="reporter")
        reporters.append(user)
    start = threading.Barrier(2)
    errors = []

    def report(user, percent):
        try:
            start.wait(timeout=10)
            services.task_report_progress(
                task=models.Task.objects.get(pk=task.pk),
                author=user,
                organization=task.lead,
                status="in_progress",
                percent=percent,
                note=f"{percent}%",
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=report, args=(user, p)) for user, p in zip(reporters, (30, 70), strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    reports = list(models.ProgressReport.objects.filter(task=task).order_by("created_at", "id"))
    assert sorted(r.percent for r in reports) == [30, 70]
    task.refresh_from_db()
    assert task.progress == reports[-1].percent
    assert task.status == "in_progress"
    assert models.TaskEvent.objects.filter(task=task, kind="reported").count() == 2


@pytest.mark.django_db
def test_a_report_of_101_percent_is_refused_and_nothing_is_stored():
    task = TaskFactory()
    with pytest.raises(Exception) as exc:
        services.task_report_progress(
            task=task, author=UserFactory(), organization=task.lead, status="in_progress", percent=101
        )
    assert "percent" in str(exc.value)
    assert not models.ProgressReport.objects.exists()
    task.refresh_from_db()
    assert task.progress == 0
