"""Recurring tasks: the daily sweep creates each occurrence ahead of time.

A recurring task (`Task.recurrence`) is its own first occurrence: it has a deadline and is
reported, reminded and counted like any task. `recurring_occurrences_create` adds, for each
recurring task, a new task per later period whose due date falls within `ahead_days`: same
directive, parent, text, lead and supporters, numbered "<path> (<period>)", `series` pointing
at the recurring task and `occurrence_period` its period code. The unique (series, period)
pair makes a second sweep, or two at once, add nothing. An occurrence counts from the day of the
sweep that creates it (`added_on` = `on`), as a task added by an update of the text: the
figures at an earlier date stay what they were (a missed sweep's catch-up included).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models
from directives.domain.recurrence import occurrences_between

__all__ = ["RECURRENCE_AHEAD_DAYS", "recurring_occurrences_create"]

RECURRENCE_AHEAD_DAYS = 31


def recurring_occurrences_create(*, on: date | None = None, ahead_days: int = RECURRENCE_AHEAD_DAYS) -> int:
    """Create the occurrences due after each series' latest one and on or before
    `on + ahead_days`; return how many were created."""
    on = on or timezone.localdate()
    until = on + timedelta(days=ahead_days)
    created = 0
    series_qs = (
        models.Task.objects.exclude(recurrence="")
        .filter(
            series__isnull=True,
            retired_on__isnull=True,
            deadline__isnull=False,
            directive__status=models.Directive.Status.ACTIVE,
        )
        .exclude(status=models.Task.Status.CANCELLED)
        .annotate(latest=Max("occurrences__deadline"))
        .prefetch_related("supporters")
    )
    for series in series_qs.iterator(chunk_size=200):
        after = max(d for d in (series.deadline, series.latest) if d)
        last = min(until, series.recurrence_until) if series.recurrence_until else until
        for occurrence in occurrences_between(series.recurrence_rule, after, last):
            created += _create_occurrence(series, occurrence, on)
    return created


def _create_occurrence(series: models.Task, occurrence, on: date) -> int:
    label = occurrence.period.label()
    task = models.Task(
        directive_id=series.directive_id,
        parent_id=series.parent_id,
        path=f"{series.path} ({label})"[:64],
        position=series.position,
        text=series.text,
        lead_id=series.lead_id,
        deadline=occurrence.due,
        series=series,
        occurrence_period=occurrence.period.code(),
        added_on=on,
    )
    try:
        with transaction.atomic():
            task.full_clean(validate_unique=False)
            task.save()
            task.supporters.set(series.supporters.all())
            models.TaskEvent.objects.create(
                task=task,
                kind=models.TaskEvent.Kind.CREATED,
                summary=(_("Nhiệm vụ định kỳ %(path)s, kỳ %(period)s") % {"path": series.path, "period": label})[:500],
                changes={"series": series.pk, "period": occurrence.period.code()},
            )
    except IntegrityError:  # another sweep created it first, or the path is taken
        return 0
    return 1
