"""Backup and restore of the zero-setup default: dumpdata → empty database → loaddata finds
every directive, task, report and notification again (README, "Backup and restore")."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from directives import models, services
from directives.demo import load_demo

pytestmark = pytest.mark.django_db(transaction=True)

BACKUP_ARGS = [
    "--natural-foreign",
    "--natural-primary",
    "--exclude=contenttypes",
    "--exclude=auth.permission",
    "--exclude=admin.logentry",
    "--exclude=sessions",
    "--indent=0",
]

KEPT = [
    models.Organization,
    models.Membership,
    models.Directive,
    models.Citation,
    models.Task,
    models.Target,
    models.TargetSnapshot,
    models.ProgressReport,
    models.ExtensionRequest,
    models.TaskEvent,
    models.Notification,
]


def snapshot():
    return {
        "counts": {m.__name__: m.objects.count() for m in KEPT},
        "tasks": sorted(
            models.Task.objects.values_list("directive__number", "path", "deadline", "status", "lead__name")
        ),
        # JSON keeps times to the millisecond
        "reports": sorted(
            (path, percent, created.replace(microsecond=created.microsecond // 1000 * 1000))
            for path, percent, created in models.ProgressReport.objects.values_list(
                "task__path", "percent", "created_at"
            )
        ),
        "notifications": sorted(models.Notification.objects.values_list("task__path", "kind", "window", "recipient")),
    }


def test_the_demo_data_survives_a_dump_and_a_restore(tmp_path):
    load_demo(today=date(2026, 11, 21))
    assert services.reminders_plan(on=date(2021, 12, 24)) > 0
    before = snapshot()
    assert before["counts"]["Notification"] > 0

    backup = tmp_path / "backup.json"
    call_command("dumpdata", *BACKUP_ARGS, output=str(backup), stdout=StringIO())
    call_command("flush", "--noinput", stdout=StringIO())
    assert models.Task.objects.count() == 0

    call_command("loaddata", str(backup), stdout=StringIO())
    assert snapshot() == before
