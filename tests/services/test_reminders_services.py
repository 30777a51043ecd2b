"""Reminders against real services: Redis + a Celery worker, and an SMTP server (aiosmtpd).

Marked `services`: on a laptop without Redis they skip; under CI=true they fail.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from directives import models, services
from directives.services import reminders as impl
from tests.conftest import require_redis
from tests.factories import MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

N = models.Notification
ON = date(2021, 12, 24)
NOW = timezone.make_aware(datetime(2021, 12, 24, 7, 0))


@pytest.fixture
def planned_world(db):
    lead = OrganizationFactory(name="Vụ Địa phương I", contact_emails="dp1@example.vn")
    MembershipFactory(user=UserFactory(username="dp1.baocao"), organization=lead, role="reporter")
    out = UserFactory(username="dp1.nghi")
    MembershipFactory(user=out, organization=lead, role="reporter")
    models.UserPreference.objects.create(user=out, email_reminders=False)
    tasks = [TaskFactory(lead=lead, deadline=date(2021, 12, 31)) for _ in range(3)]
    finished = TaskFactory(lead=lead, deadline=date(2021, 12, 31), status="done", completed_on=date(2021, 12, 23))
    return {"lead": lead, "tasks": tasks, "finished": finished}


def wait_for(condition, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_sweep_task_on_a_real_worker_delivers_one_digest_per_recipient(planned_world, smtp):
    from celery.contrib.testing.worker import start_worker

    from directives.tasks import reminders_sweep_task
    from tracker.celery import app

    url = require_redis()
    app.conf.broker_url = url
    app.conf.broker_transport_options = {"visibility_timeout": 3600}
    app.conf.task_always_eager = False
    with time_machine.travel(NOW), start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        reminders_sweep_task.delay(ON.isoformat())
        assert wait_for(lambda: len(smtp.messages) >= 2)
    assert smtp.recipients() == ["dp1.baocao@example.vn", "dp1@example.vn"]  # the opted-out user gets nothing
    assert N.objects.filter(state="sent").count() == 6
    assert not N.objects.filter(task=planned_world["finished"]).exists()
    run = models.SweepRun.objects.get()
    assert (run.planned, run.sent) == (6, 6)


def test_two_concurrent_sweeps_insert_each_row_once(planned_world):
    results: list[int] = []
    barrier = threading.Barrier(2)

    def sweep():
        barrier.wait()
        try:
            results.append(services.reminders_plan(on=ON))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results)[1] + sorted(results)[0] == 6
    assert N.objects.count() == 6


def test_a_worker_killed_mid_send_leaves_rows_that_are_sent_once_after_the_lease(planned_world, smtp, settings):
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
        claimed, _lease = impl._claim(now=timezone.now(), batch=100)  # the worker dies before sending
        assert len(claimed) == 6
        assert services.reminders_send().sent == 0
    with time_machine.travel(NOW + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1), tick=False):
        assert services.reminders_send().sent == 6
        assert services.reminders_send().sent == 0
    assert len(smtp.messages) == 2


def test_the_smtp_server_down_then_up_retries_and_sends(planned_world, smtp):
    smtp.controller.stop()
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
        result = services.reminders_send()
    assert (result.sent, result.retried) == (0, 6)
    assert "Refused" in N.objects.first().last_error or "Error" in N.objects.first().last_error
    smtp.controller = Controller(smtp, hostname="127.0.0.1", port=smtp.port)
    smtp.controller.start()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert services.reminders_send().sent == 6
    assert smtp.recipients() == ["dp1.baocao@example.vn", "dp1@example.vn"]


def test_a_550_answer_fails_the_rows_with_the_reason(planned_world, smtp):
    smtp.reply = "550 5.1.1 Mailbox unavailable"
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
        assert services.reminders_send().failed == 6
    assert set(N.objects.values_list("state", flat=True)) == {"failed"}
    assert "550" in N.objects.first().last_error and "Mailbox unavailable" in N.objects.first().last_error


def test_a_moved_deadline_is_reminded_for_the_new_date_only(planned_world, smtp):
    task = planned_world["tasks"][0]
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
        services.reminders_send()
    task.deadline = date(2022, 1, 31)
    task.save()
    later = timezone.make_aware(datetime(2022, 1, 24, 7, 0))
    with time_machine.travel(later, tick=False):
        services.reminders_plan(on=later.date())
        services.reminders_send()
    windows = set(N.objects.filter(task=task).values_list("window", flat=True))
    assert windows == {"2021-12-31:7", "2022-01-31:7"}
    assert b"31/01/2022" in smtp.messages[-1].content or "31/01/2022" in _decoded(smtp.messages[-1])


def _decoded(envelope) -> str:
    import email

    msg = email.message_from_bytes(envelope.original_content or envelope.content)
    return "".join(
        part.get_payload(decode=True).decode("utf-8", "replace") for part in msg.walk() if not part.is_multipart()
    )
