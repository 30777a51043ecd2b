"""Sending the outbox: one digest per recipient, exactly once, transient vs permanent errors."""

import smtplib
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from directives import models, services, tasks
from directives.services import reminders as impl
from tests.factories import MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

N = models.Notification
ON = date(2021, 12, 24)
NOW = timezone.make_aware(timezone.datetime(2021, 12, 24, 7, 0))


class FlakyBackend:
    """A mailer that raises `error` for the given recipients, and records the rest."""

    error: Exception | None = None
    sent: list = []
    opened = 0

    def __init__(self, **kwargs):
        pass

    def open(self):
        type(self).opened += 1

    def close(self):
        pass

    def send_messages(self, messages):
        for m in messages:
            if self.error is not None:
                raise self.error
            type(self).sent.append(m)
        return len(messages)


@pytest.fixture
def flaky(settings):
    FlakyBackend.error, FlakyBackend.sent, FlakyBackend.opened = None, [], 0
    settings.MAILERS = {"default": {"BACKEND": "tests.directives.test_reminders_send.FlakyBackend"}}
    return FlakyBackend


@pytest.fixture
def planned(db):
    org = OrganizationFactory(name="Vụ Cán bộ, đảng viên", contact_emails="cbdv@example.vn")
    MembershipFactory(user=UserFactory(username="cbdv.baocao"), organization=org, role="reporter")
    for n in range(3):
        TaskFactory(lead=org, deadline=date(2021, 12, 31), text=f"Nhiệm vụ số {n} về công tác cán bộ")
    with time_machine.travel(NOW, tick=False):
        assert services.reminders_plan(on=ON) == 6
    return org


@time_machine.travel(NOW, tick=False)
def test_it_sends_one_digest_per_recipient_listing_every_task(planned):
    result = services.reminders_send()
    assert (result.sent, result.failed, result.emails) == (6, 0, 2)
    assert sorted(m.to[0] for m in mail.outbox) == ["cbdv.baocao@example.vn", "cbdv@example.vn"]
    body = mail.outbox[0].body
    assert body.count("31/12/2021") == 3 and "còn 7 ngày" in body and "/tasks/" in body
    assert "/account/reminders/" in body
    html = mail.outbox[0].alternatives[0].content
    assert "Nhiệm vụ số 2" in html
    assert models.TaskEvent.objects.filter(kind="reminded").count() == 6


@time_machine.travel(NOW, tick=False)
def test_a_second_send_sends_nothing(planned):
    services.reminders_send()
    assert services.reminders_send().sent == 0
    assert len(mail.outbox) == 2


@time_machine.travel(NOW, tick=False)
def test_all_digests_of_a_batch_share_one_connection(planned, flaky):
    services.reminders_send(batch=50)
    assert flaky.opened == 1 and len(flaky.sent) == 2


def test_rows_left_by_a_killed_worker_are_sent_once_after_the_lease(planned, settings):
    with time_machine.travel(NOW, tick=False):
        rows, _lease = impl._claim(now=timezone.now(), batch=10)  # the worker dies here
        assert len(rows) == 6
        assert services.reminders_send().sent == 0  # still leased
    with time_machine.travel(NOW + timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1), tick=False):
        assert services.reminders_send().sent == 6
        assert services.reminders_send().sent == 0
    assert len(mail.outbox) == 2


def test_a_transient_error_is_retried_later_then_sent(planned, flaky):
    flaky.error = smtplib.SMTPServerDisconnected("gone")
    with time_machine.travel(NOW, tick=False):
        result = services.reminders_send()
        assert (result.sent, result.retried) == (0, 6)
        assert set(N.objects.values_list("state", flat=True)) == {"pending"}
        assert services.reminders_send().retried == 0  # not yet due
    flaky.error = None
    with time_machine.travel(NOW + timedelta(seconds=31), tick=False):
        assert services.reminders_send().sent == 6


def test_a_4xx_answer_is_transient_and_a_5xx_answer_is_permanent(planned, flaky):
    flaky.error = smtplib.SMTPDataError(451, b"try later")
    with time_machine.travel(NOW, tick=False):
        assert services.reminders_send().retried == 6
    flaky.error = smtplib.SMTPRecipientsRefused({"cbdv@example.vn": (550, b"no such user")})
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        assert services.reminders_send().failed == 6
    assert "550 no such user" in N.objects.first().last_error


def test_a_transient_error_is_retried_until_the_reminder_is_no_longer_useful_then_expires(planned, flaky):
    """Changed with issue 14: a transient error no longer fails the row after 5 attempts (about
    20 minutes); it is retried, with a backoff capped at REMINDER_BACKOFF_CAP_SECONDS, until the
    reminder's usefulness ends (here the 3-day window starts on 28/12), then expired."""
    flaky.error = ConnectionRefusedError("down")
    expires_at = N.objects.values_list("expires_at", flat=True).first()
    assert expires_at == timezone.make_aware(timezone.datetime(2021, 12, 28))
    moment, attempts = NOW, 0
    while moment < expires_at + timedelta(hours=1):
        with time_machine.travel(moment, tick=False):
            services.reminders_send()
        attempts += 1
        moment += timedelta(minutes=15)  # a send tick at the backoff cap
    assert set(N.objects.values_list("state", flat=True)) == {"expired"}
    row = N.objects.first()
    assert "ConnectionRefusedError" in row.last_error and "Hết thời gian hữu ích" in row.last_error
    # Bounded by time: about one attempt per backoff cap (15 min) over the 89 hours, then none.
    assert 89 * 4 - 10 < row.attempts <= attempts


def test_failed_rows_can_be_retried_from_the_admin_service(planned, flaky):
    N.objects.update(state="failed", last_error="550")
    assert services.notification_retry(notification_ids=list(N.objects.values_list("pk", flat=True))) == 6
    with time_machine.travel(NOW, tick=False):
        assert services.reminders_send().sent == 6


def test_no_retry_or_backoff_reaches_the_brokers_visibility_timeout(settings):
    """Redis redelivers an unacknowledged task after visibility_timeout (3600 s). Changed with
    issue 14: outbox retries span a day or more, but they live in the database
    (next_attempt_at), picked up by the next send tick; no broker task ever waits for one. What
    must stay below the timeout is one wait and one lease, and the broker-level retries."""
    visibility = 3600
    longest_wait = max(impl.reminder_backoff_seconds(a) for a in range(1, settings.REMINDER_MAX_ATTEMPTS + 1))
    assert longest_wait == settings.REMINDER_BACKOFF_CAP_SECONDS
    assert longest_wait + settings.REMINDER_LEASE_SECONDS < visibility
    broker_wait = tasks.TASK_MAX_RETRIES * tasks.TASK_BACKOFF_MAX
    assert broker_wait < visibility
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["options"]["expires"] < visibility * 24


def test_there_is_never_an_empty_digest(db):
    assert services.reminders_send().emails == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_recipient_gets_one_digest_even_when_its_rows_are_far_apart_in_the_outbox(flaky):
    """Rows of one recipient planned before and after many others' rows still go out together,
    however small the batch."""
    first = OrganizationFactory(name="Vụ Địa phương I", contact_emails="dp1@example.vn")
    TaskFactory(lead=first, deadline=date(2021, 12, 31))
    for n in range(60):  # more rows in between than a claim reads at once
        TaskFactory(lead=OrganizationFactory(contact_emails=f"org{n}@example.vn"), deadline=date(2021, 12, 31))
    TaskFactory(lead=first, deadline=date(2021, 12, 31))
    with time_machine.travel(NOW, tick=False):
        planned = services.reminders_plan(on=ON)
        result = services.reminders_send(batch=1)
    recipients = [m.to[0] for m in flaky.sent]
    assert len(recipients) == len(set(recipients)) == 61
    assert result.sent == planned
    digest = next(m for m in flaky.sent if m.to == ["dp1@example.vn"])
    assert digest.body.count("/tasks/") == 2
