"""Run the daily sweep now, synchronously: the same service as the beat task and the admin's
"run now" (`services.reminders_sweep`): create the recurring tasks' occurrences due soon, plan the
day's reminders (and missed days'), send them."""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from directives import models, services


class Command(BaseCommand):
    help = (
        "Create the occurrences of recurring tasks due soon, plan the reminders due on a date "
        "(and on days missed since the last sweep) and send them."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--dry-run", action="store_true", help="report what would be planned; write nothing")
        parser.add_argument(
            "--json",
            action="store_true",
            help='last line: {"occurrences": O, "planned": N, "sent": M, "retried": R, "failed": K, "expired": E, ...}',
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
        created = "recurring occurrences (would create)" if result.dry_run else "recurring occurrences created"
        self.stdout.write(
            f"{created}: {result.occurrences}\n{prefix}: {result.planned}\nsent: {result.sent}\n"
            f"waiting for retry: {result.retried}\nfailed: {result.failed}\nexpired: {result.expired}"
        )
        if result.caught_up:
            self.stdout.write(f"caught up missed days: {', '.join(result.caught_up)}")
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
