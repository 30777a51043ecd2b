"""Plan and send the day's reminders synchronously (the same sweep as the beat task)."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from directives import models, services


class Command(BaseCommand):
    help = "Plan the reminders due on a date (and on days missed since the last sweep) and send them."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="report what would be planned; write nothing")
        parser.add_argument(
            "--json",
            action="store_true",
            help='last line: {"planned": N, "sent": M, "retried": R, "failed": K, "expired": E, ...}',
        )

    def handle(self, *args, **options):
        on = None
        if options["date"]:
            try:
                on = date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"--date must be YYYY-MM-DD, got {options['date']!r}") from None
        result = services.reminders_sweep(on=on, dry_run=options["dry_run"], trigger=models.SweepRun.Trigger.MANUAL)
        prefix = "would plan" if result.dry_run else "planned"
        self.stdout.write(
            f"{prefix}: {result.planned}\nsent: {result.sent}\nwaiting for retry: {result.retried}\n"
            f"failed: {result.failed}\nexpired: {result.expired}"
        )
        if result.caught_up:
            self.stdout.write(f"caught up missed days: {', '.join(result.caught_up)}")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
