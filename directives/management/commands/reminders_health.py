"""Exit non-zero when reminders need an operator: the sweep is late or never ran, sends have
been failing for more than a few minutes, rows failed or expired recently, or the backlog is
old. The same rules as the staff page and /healthz/reminders."""

from __future__ import annotations

import json
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directives import selectors


class Command(BaseCommand):
    help = "Check the reminder sweep and outbox; exit 1 when an operator is needed."

    def add_arguments(self, parser):
        parser.add_argument("--max-sweep-age-hours", type=float, default=26.0)
        parser.add_argument("--max-pending-age-minutes", type=float, default=60.0)
        parser.add_argument(
            "--max-failing-minutes",
            type=float,
            default=None,
            help=f"default: REMINDER_ALERT_MINUTES ({settings.REMINDER_ALERT_MINUTES})",
        )
        parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")

    def handle(self, *args, **options):
        failing = options["max_failing_minutes"] or float(settings.REMINDER_ALERT_MINUTES)
        if options["max_sweep_age_hours"] <= 0 or options["max_pending_age_minutes"] <= 0 or failing <= 0:
            raise CommandError("the limits must be positive")
        health = selectors.reminders_health()
        problems = health.problems(
            max_sweep_age=timedelta(hours=options["max_sweep_age_hours"]),
            max_pending_age=timedelta(minutes=options["max_pending_age_minutes"]),
            max_failing=timedelta(minutes=failing),
        )
        if options["json"]:
            self.stdout.write(json.dumps(health.as_dict(problems)))
        else:

            def when(value):
                return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "-"

            oldest = f"{int(health.oldest_pending_age.total_seconds() // 60)} min" if health.oldest_pending_age else "-"
            run = health.last_sweep
            sweep = (
                f"{when(health.last_sweep_at)} (planned {run.planned}, sent {run.sent}, waiting for retry "
                f"{run.retried}, failed {run.failed}, expired {run.expired})"
                if run
                else "never"
            )
            self.stdout.write(
                f"last sweep: {sweep}\npending: {health.pending}\nsending: {health.sending}\n"
                f"failing since: {when(health.failing_since)} ({health.failing_rows} rows waiting for retry)\n"
                f"last error: {health.last_error or '-'}\n"
                f"failed: {health.failed}\nexpired: {health.expired}\n"
                f"failed or expired in the last {settings.REMINDER_ALERT_FAILED_HOURS} h: {health.recent_failed}\n"
                f"oldest pending: {oldest}"
            )
        if problems:
            raise CommandError("; ".join(str(p) for p in problems))
