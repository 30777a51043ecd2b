"""Celery tasks: thin, named *_task, one service call each.

Retries: reminders retry in the database (Notification.next_attempt_at, until the reminder
expires; see services/reminders.py), never with a broker countdown. At the broker level only
a database hiccup is retried: at most TASK_MAX_RETRIES times, backoff capped at
TASK_BACKOFF_MAX seconds, so the longest total delay (5 x 300 s = 1500 s) stays below the
Redis visibility timeout (3600 s), after which an unacknowledged task would be delivered
twice.

A daily tick lost while the broker was down (beat does not retry a failed publish) is caught
up by the next send tick, and by the worker when it starts (`reminders_catch_up`).
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task
from celery.signals import worker_ready
from django.db import OperationalError

from directives import services

logger = logging.getLogger("directives.reminders")

TASK_MAX_RETRIES = 5
TASK_BACKOFF_MAX = 300


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=TASK_MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=TASK_BACKOFF_MAX,
)
def reminders_sweep_task(on: str | None = None) -> dict:
    """The daily sweep (`services.reminders_sweep`): create the recurring tasks' occurrences due
    soon, plan the day's reminders (and missed days'), then send them."""
    result = services.reminders_sweep(on=date.fromisoformat(on) if on else None)
    return result.as_dict()


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=TASK_MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=TASK_BACKOFF_MAX,
)
def reminders_send_task() -> dict:
    """Send what is pending, including rows whose lease expired after a crash; first run the
    daily sweep if its tick was lost."""
    caught_up = services.reminders_catch_up()
    if caught_up is not None:
        return caught_up.as_dict()
    result = services.reminders_send()
    return {"sent": result.sent, "failed": result.failed, "retried": result.retried, "expired": result.expired}

    return {"sent": result.sent, "failed": result.failed, "retried": result.retried}


@shared_task(
    autoretry_for=(OperationalError,),
    max_retries=TASK_MAX_RETRIES,
    retry_backoff=True,
    retry_backoff_max=TASK_BACKOFF_MAX,
)
def outbox_send_task() -> dict:
    """Send what is pending now, without the sweep's catch-up: enqueued after a commit that
    put event mails in the outbox (`notification_enqueue`)."""
    result = services.reminders_send()
    return {"sent": result.sent, "failed": result.failed, "retried": result.retried, "expired": result.expired}


@shared_task(autoretry_for=(OperationalError,), max_retries=TASK_MAX_RETRIES, retry_backoff=True)
def reminders_catch_up_task() -> dict | None:
    """At worker start: run today's sweep if it should have run and did not."""
    result = services.reminders_catch_up()
    return result.as_dict() if result else None


@worker_ready.connect
def _catch_up_on_start(sender=None, **kwargs) -> None:
    try:
        reminders_catch_up_task.delay()
    except Exception:  # noqa: BLE001 - the broker may be down; the send tick catches up too
        logger.warning("reminders: could not enqueue the catch-up at worker start", exc_info=True)


def document_job_task(job_id: int) -> dict:
    """Read an uploaded scan with OCR (minutes for a long one: never in a web request)."""
    job = services.document_job_run(job_id=job_id)
    return {"job": job.pk, "status": job.status}
