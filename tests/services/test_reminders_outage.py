"""Faults that last: an SMTP server down for longer than a day, a daily sweep that never ran.
Real SMTP (aiosmtpd), a real Celery worker on Redis (db 6); time is moved, never slept.

Marked `services`: on a laptop without Redis they skip; under CI=true they fail.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime, timedelta

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command
from django.utils import timezone

from directives import models, services
from tests.conftest import require_redis
from tests.factories import MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.services.test_reminders_services import _decoded, wait_for

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

N = models.Notification
D = date(2021, 12, 24)
MORNING = timezone.make_aware(datetime(2021, 12, 24, 7, 0))


@pytest.fixture
def world(db):
    """One body, its address and one reporter; two tasks due in a week and one due today."""
    lead = OrganizationFactory(name="Vụ Địa phương I", contact_emails="dp1@example.vn")
    MembershipFactory(user=UserFactory(username="dp1.baocao"), organization=lead, role="reporter")
    week = [TaskFactory(lead=lead, deadline=date(2021, 12, 31)) for _ in range(2)]
    today = TaskFactory(lead=lead, deadline=D, text="Báo cáo sơ kết đến hạn hôm nay")
    return {"lead": lead, "week": week, "today": today}


def restart(inbox) -> None:
    inbox.controller = Controller(inbox, hostname="127.0.0.1", port=inbox.port)
    inbox.controller.start()


def test_an_smtp_outage_of_thirty_hours_loses_nothing_and_everything_goes_out_once_when_it_is_back(world, smtp):
    """The old schedule gave up after 5 attempts (about 20 minutes). Here the server is down
    from the 07:00 sweep until 13:00 the next day; the send tick runs every 15 minutes and the
    next day's sweep runs at 07:00, as beat would. Nothing fails or expires; the operator is
    told within minutes; when the server is back each recipient gets one digest with all three
    tasks, and nothing is sent twice."""
    smtp.controller.stop()
    with time_machine.travel(MORNING, tick=False):
        first = services.reminders_sweep(on=D)
    assert (first.planned, first.sent, first.retried, first.failed) == (6, 0, 6, 0)

    moment = MORNING + timedelta(minutes=15)
    back = MORNING + timedelta(hours=30)
    alarm_seen = False
    while moment < back:
        with time_machine.travel(moment, tick=False):
            if timezone.localtime(moment).hour == 7 and timezone.localtime(moment).minute == 0:
                services.reminders_sweep(on=timezone.localdate(moment))
            else:
                services.reminders_send()
            if not alarm_seen and moment >= MORNING + timedelta(minutes=15):
                with pytest.raises(CommandError, match="Gửi email thất bại"):
                    call_command("reminders_health")
                alarm_seen = True
        moment += timedelta(minutes=15)
    assert alarm_seen
    assert set(N.objects.values_list("state", flat=True)) == {"pending"}
    assert min(N.objects.values_list("attempts", flat=True)) > 5  # longer than the old schedule

    restart(smtp)
    with time_machine.travel(back, tick=False):
        result = services.reminders_send()
        assert (result.sent, result.emails, result.failed, result.expired) == (6, 2, 0, 0)
        assert services.reminders_send().sent == 0
        call_command("reminders_health")  # green again: nothing failing, nothing lost
    assert smtp.recipients() == ["dp1.baocao@example.vn", "dp1@example.vn"]
    for envelope in smtp.messages:
        text = _decoded(envelope)
        for task in [*world["week"], world["today"]]:
            assert f"/tasks/{task.pk}/" in text
        assert "quá hạn 1 ngày" in text  # the task due yesterday, as things stand when it is read


def test_an_outage_longer_than_a_reminder_is_useful_expires_it_with_the_reason_and_says_so(world, smtp):
    smtp.controller.stop()
    with time_machine.travel(MORNING, tick=False):
        services.reminders_sweep(on=D)
    today_rows = N.objects.filter(task=world["today"])
    assert {r.expires_at for r in today_rows} == {timezone.make_aware(datetime(2021, 12, 26))}
    moment = MORNING
    while moment <= timezone.make_aware(datetime(2021, 12, 26, 1, 0)):
        with time_machine.travel(moment, tick=False):
            services.reminders_send()
        moment += timedelta(hours=1)
    assert set(today_rows.values_list("state", flat=True)) == {"expired"}
    assert "ConnectionRefusedError" in today_rows.first().last_error
    assert set(N.objects.filter(task__in=world["week"]).values_list("state", flat=True)) == {"pending"}
    with time_machine.travel(moment, tick=False), pytest.raises(CommandError, match="hết hạn"):
        call_command("reminders_health")
    restart(smtp)


def test_a_skipped_day_is_caught_up_by_the_next_sweep_with_its_due_today_reminder(world, smtp):
    """The sweep of the 23rd runs; the 24th has none (the broker was down at the tick); the
    sweep of the 25th plans what the 24th would have, including the "due today" reminder of the
    task due on the 24th, still useful the next morning."""
    with time_machine.travel(MORNING - timedelta(days=1), tick=False):
        services.reminders_sweep(on=D - timedelta(days=1))
    assert not N.objects.filter(kind="due_today").exists()
    with time_machine.travel(MORNING + timedelta(days=1), tick=False):
        result = services.reminders_sweep(on=D + timedelta(days=1))
    assert result.caught_up == ["2021-12-24"]
    due_today = N.objects.filter(task=world["today"], kind="due_today")
    assert set(due_today.values_list("window", "planned_for", "state")) == {("2021-12-24:0", D, "sent")}
    run = models.SweepRun.objects.get(for_date=D + timedelta(days=1))
    assert run.caught_up == ["2021-12-24"] and run.planned == result.planned


@contextmanager
def celery_on(url: str):
    from tracker.celery import app

    saved = (app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager)

    def reset_pools():
        if app._pool is not None:
            app._pool.force_close_all()
        app._pool = None
        app.amqp._producer_pool = None

    reset_pools()
    app.conf.broker_url, app.conf.broker_transport_options = url, {"visibility_timeout": 3600}
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        reset_pools()
        app.conf.broker_url, app.conf.broker_transport_options, app.conf.task_always_eager = saved


def test_a_lost_daily_tick_is_caught_up_by_a_real_worker_at_start_and_on_the_send_tick(world, smtp):
    """Yesterday's sweep ran; today's 07:00 tick was lost. At 09:00 the worker starts: its
    catch-up sweeps today once; the send tick that follows does not sweep again."""
    from celery.contrib.testing.worker import start_worker

    from directives import tasks

    url = require_redis("redis://127.0.0.1:6379/6")
    with time_machine.travel(MORNING - timedelta(days=1), tick=False):
        services.reminders_sweep(on=D - timedelta(days=1))
    with (
        celery_on(url) as app,
        time_machine.travel(MORNING + timedelta(hours=2)),
        start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10),
    ):
        app.connection_for_write().default_channel.client.flushdb()  # db 6 is ours
        tasks._catch_up_on_start()  # what `worker_ready` does in a real worker process
        assert wait_for(lambda: models.SweepRun.objects.filter(for_date=D, finished_at__isnull=False).exists(), 60)
        assert wait_for(lambda: len(smtp.messages) >= 2, 30)
        assert services.reminders_catch_up() is None  # what the next send tick does first
        caught = models.SweepRun.objects.get(for_date=D)
    assert caught.trigger == "catch_up"
    assert models.SweepRun.objects.count() == 2  # yesterday's and the catch-up, no third
    assert N.objects.filter(task=world["today"], kind="due_today", state="sent").count() == 2
