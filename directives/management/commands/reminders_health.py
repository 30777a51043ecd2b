"""Exit non-zero when the reminder sweep is late or the outbox has old rows (for monitoring)."""

from __future__ import annotations

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError

from directives import selectors


class Command(BaseCommand):
    help = "Check the reminder sweep and outbox; exit 1 when the sweep is late or the backlog is old."

    def add_arguments(self, parser):
        parser.add_argument("--max-sweep-age-hours", type=float, default=26.0)
        parser.add_argument("--max-pending-age-minutes", type=float, default=60.0)

    def handle(self, *args, **options):
        if options["max_sweep_age_hours"] <= 0 or options["max_pending_age_minutes"] <= 0:
            raise CommandError("the limits must be positive")
        health = selectors.reminders_health()
        last = health.last_sweep_at.isoformat() if health.last_sweep_at else "never"
        oldest = f"{int(health.oldest_pending_age.total_seconds() // 60)} min" if health.oldest_pending_age else "-"
        self.stdout.write(
            f"last sweep: {last}\npending: {health.pending}\nsending: {health.sending}\n"
            f"failed: {health.failed}\noldest pending: {oldest}"
        )
        problems = health.problems(
            max_sweep_age=timedelta(hours=options["max_sweep_age_hours"]),
            max_pending_age=timedelta(minutes=options["max_pending_age_minutes"]),
        )
        if problems:
            raise CommandError("; ".join(problems))
