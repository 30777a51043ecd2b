"""Celery tasks: thin, named *_task, one service call each.

Retries: reminders retry in the database (Notification.next_attempt_at, see
services/reminders.py). At the broker level only a database hiccup is retried: at most
TASK_MAX_RETRIES times, backoff capped at TASK_BACKOFF_MAX seconds, so the longest total delay
(5 x 300 s = 1500 s) stays below the Redis visibility timeout (3600 s), after which an
unacknowledged task would be delivered twice. No countdown or ETA is used anywhere else.
"""

from __future__ import annotations

from datetime import date

from celery import shared_task
from django.db import OperationalError

from directives import services

TASK_MAX_RETRIES = 5
TASK_BACKOFF_MAX = 300


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=TASK_MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=TASK_BACKOFF_MAX,
)
def reminders_sweep_task(on: str | None = None) -> dict:
    """The daily sweep: plan the day's reminders, then send them."""
    services.recurring_occurrences_create(on=date.fromisoformat(on) if on else None)  # issue 13: ahead of time
    result = services.reminders_sweep(on=date.fromisoformat(on) if on else None)
    return {"planned": result.planned, "sent": result.sent, "failed": result.failed}


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=TASK_MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=TASK_BACKOFF_MAX,
)
def reminders_send_task() -> dict:
    """Send what is pending, including rows whose lease expired after a crash."""
    result = services.reminders_send()
    return {"sent": result.sent, "failed": result.failed, "retried": result.retried}
