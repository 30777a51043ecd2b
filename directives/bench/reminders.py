"""Reminder benchmarks: planning over many tasks, and sending digests to a local SMTP server.

Both create their own synthetic data (tagged "BENCH-REM") in the configured database and
remove it afterwards. `manage.py benchmark` calls them; they also run on their own:

    from directives.bench.reminders import plan_benchmark, send_benchmark
    plan_benchmark(20_000); send_benchmark(500, smtp_port=2525)
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings

from directives import models, services

TAG = "BENCH-REM"
ON = date(2021, 12, 24)


def _cleanup() -> None:
    """Raw deletes in dependency order (no per-row cascade collection), then fresh statistics."""
    from directives.bench.data import analyze

    directives = models.Directive.objects.filter(number__startswith=TAG)
    tasks = models.Task.objects.filter(directive__in=directives)
    with transaction.atomic():
        for qs in [
            models.Notification.objects.filter(task__in=tasks),
            models.TaskEvent.objects.filter(task__in=tasks),
            models.TaskChange.objects.filter(task__in=tasks),
            models.ProgressReport.objects.filter(task__in=tasks),
            models.ExtensionRequest.objects.filter(task__in=tasks),
            models.Task.supporters.through.objects.filter(task__in=tasks),
            tasks,
            directives,
        ]:
            qs._raw_delete(qs.db)
        models.Organization.objects.filter(name__startswith=TAG).delete()
    analyze(vacuum=True)


@transaction.atomic
def _make_tasks(n_tasks: int, n_orgs: int = 200) -> None:
    orgs = models.Organization.objects.bulk_create(
        [models.Organization(name=f"{TAG} cơ quan {i}", contact_emails=f"bench{i}@example.vn") for i in range(n_orgs)]
    )
    orgs = list(models.Organization.objects.filter(name__startswith=TAG).order_by("id"))
    issuer = orgs[0]
    per_directive = 1000
    directives = models.Directive.objects.bulk_create(
        [
            models.Directive(number=f"{TAG}-{i}", title=f"Văn bản thử {i}", issuer=issuer, status="active")
            for i in range((n_tasks + per_directive - 1) // per_directive)
        ]
    )
    directives = list(models.Directive.objects.filter(number__startswith=TAG).order_by("id"))
    batch = []
    for i in range(n_tasks):
        batch.append(
            models.Task(
                directive=directives[i // per_directive],
                path=str(i % per_directive + 1),
                position=i,
                text=f"Nhiệm vụ thử nghiệm số {i}",
                lead=orgs[i % n_orgs],
                deadline=ON + timedelta(days=(i % 60) - 30),  # half overdue, half upcoming
            )
        )
        if len(batch) >= 5000:
            models.Task.objects.bulk_create(batch)
            batch = []
    models.Task.objects.bulk_create(batch)


def plan_benchmark(n_tasks: int = 100_000) -> dict:
    """Time `reminders_plan` over `n_tasks` open tasks (target: 100k in <= 30 s)."""
    _cleanup()
    try:
        _make_tasks(n_tasks)
        from directives.bench.data import analyze

        analyze()
        started = time.perf_counter()
        planned = services.reminders_plan(on=ON)
        elapsed = time.perf_counter() - started
        started = time.perf_counter()
        again = services.reminders_plan(on=ON)
        elapsed_again = time.perf_counter() - started
        return {
            "reminders_plan_s": round(elapsed, 3),
            "reminders_plan_again_s": round(elapsed_again, 3),
            "reminders_plan_tasks": n_tasks,
            "reminders_planned": planned,
            "reminders_planned_again": again,
        }
    finally:
        _cleanup()


def send_benchmark(n_digests: int = 1000, smtp_port: int = 2525, smtp_host: str = "127.0.0.1") -> dict:
    """Time `reminders_send` for `n_digests` recipients (one task each) to an SMTP server on
    `smtp_port` (target: >= 200 emails/s with one connection per batch)."""
    _cleanup()
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": smtp_host, "port": smtp_port, "timeout": 10},
        }
    }
    try:
        _make_tasks(n_digests, n_orgs=n_digests)
        services.reminders_plan(on=ON)
        # Keep one row per recipient: the contact address of the lead.
        models.Notification.objects.filter(task__directive__number__startswith=TAG).exclude(kind="before").exclude(
            kind="due_today"
        ).exclude(kind="overdue").delete()
        rows = models.Notification.objects.filter(task__directive__number__startswith=TAG, state="pending").count()
        with override_settings(MAILERS=mailers):
            started = time.perf_counter()
            result = services.reminders_send(batch=getattr(settings, "REMINDER_SEND_BATCH", 200))
            elapsed = time.perf_counter() - started
        return {
            "digests_per_s": round(result.emails / elapsed, 1) if elapsed else None,
            "digests_sent": result.emails,
            "digests_notifications": rows,
            "digests_failed": result.failed + result.retried,
            "digests_send_s": round(elapsed, 3),
        }
    finally:
        _cleanup()
