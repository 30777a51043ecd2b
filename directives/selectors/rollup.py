"""A task's roll-up: its sub-tasks (numbered children, sub-tasks passed down to lower bodies)
and the tasks of the lower bodies' plans that implement it (`Directive.implements`), counted
at a cut-off with the one standing rule (`selectors.standing`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q
from django.utils import timezone

from directives import models
from directives.domain.status import FINISHED, Standing
from directives.selectors.standing import STANDING_CHOICES, with_standing

__all__ = ["Rollup", "task_rollup"]

# Worst first: what the parent's page names as "the worst standing among them".
SEVERITY = [
    Standing.OVERDUE,
    Standing.NOT_STARTED,
    Standing.IN_PROGRESS,
    Standing.NO_DEADLINE,
    Standing.DONE_LATE,
    Standing.DONE_ON_TIME,
]


@dataclass
class Rollup:
    total: int = 0
    finished: int = 0
    worst: str = ""
    worst_label: str = ""
    subtasks: list = field(default_factory=list)
    plan_tasks: int = 0
    plan_finished: int = 0
    plans: list = field(default_factory=list)

    @property
    def open(self) -> int:
        return self.total - self.finished


def task_rollup(user, task: models.Task, *, cutoff: date | None = None) -> Rollup | None:
    """The roll-up of `task`, or None when it has no sub-task and no implementing plan.
    Cancelled and retired tasks are left out."""
    cutoff = cutoff or timezone.localdate()
    plans = list(models.Directive.objects.filter(implements=task).select_related("issuer").order_by("id"))
    qs = models.Task.objects.filter(Q(parent_id=task.pk) | Q(directive__in=[p.pk for p in plans]))
    qs = qs.filter(retired_on__isnull=True).exclude(status=models.Task.Status.CANCELLED)
    rows = list(with_standing(qs, cutoff).select_related("lead").order_by("directive_id", "position", "id"))
    if not rows and not plans:
        return None
    labels = dict(STANDING_CHOICES)
    rollup = Rollup(plans=plans)
    standings = set()
    for row in rows:
        done = row.standing in FINISHED
        if row.directive_id == task.directive_id:
            rollup.subtasks.append(row)
            rollup.total += 1
            rollup.finished += done
        else:
            rollup.plan_tasks += 1
            rollup.plan_finished += done
        standings.add(row.standing)
    worst = next((s for s in SEVERITY if s in standings), None)
    if worst:
        rollup.worst, rollup.worst_label = worst.value, str(labels[worst.value])
    return rollup
