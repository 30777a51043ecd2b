"""Passing a task down the hierarchy (giao cho cấp dưới) and its roll-up.

The lead body of a task assigns it on to its child organizations as sub-tasks: children of the
task in the same directive, numbered "<path>-<n>", each with its own lead (a child of the
task's lead), supporters and a deadline no later than the parent's; `assigned_by` records the
body that passed it down (its members then see the sub-task). A sub-task counts from the day it
is passed down (`added_on`), as a task added by an update of the text: the figures at an earlier
date stay what they were. The parent cannot be reported
done while one of these sub-tasks is open, unless a manager of the lead body says so
(`progress_report_submit(..., close_open_subtasks=True)`).
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models

__all__ = ["open_subtasks", "task_pass_down"]


def open_subtasks(task: models.Task):
    """The passed-down sub-tasks of `task` not finished, cancelled or retired."""
    return models.Task.objects.filter(parent_id=task.pk, assigned_by__isnull=False, retired_on__isnull=True).exclude(
        status__in=[models.Task.Status.DONE, models.Task.Status.CANCELLED]
    )


@transaction.atomic
def task_pass_down(
    *,
    task: models.Task,
    actor,
    lead: models.Organization,
    supporters: list[models.Organization] | None = None,
    deadline: date | None = None,
    text: str = "",
) -> models.Task:
    """Create one sub-task of `task` led by `lead`, a child organization of the task's lead."""
    parent = models.Task.objects.select_for_update(of=("self",)).select_related("lead").get(pk=task.pk)
    errors = {}
    if parent.lead_id is None:
        raise ValidationError(_("Nhiệm vụ chưa có cơ quan chủ trì để giao cho cấp dưới."))
    if lead.parent_id != parent.lead_id:
        errors["lead"] = _("Chỉ giao được cho cơ quan cấp dưới trực tiếp của %(org)s.") % {"org": parent.lead}
    deadline = deadline or parent.deadline
    if parent.deadline and deadline and deadline > parent.deadline:
        errors["deadline"] = _("Thời hạn của nhiệm vụ cấp dưới không được sau thời hạn của nhiệm vụ (%(d)s).") % {
            "d": parent.deadline.strftime("%d/%m/%Y")
        }
    if errors:
        raise ValidationError(errors)
    n = models.Task.objects.filter(parent_id=parent.pk, assigned_by__isnull=False).count() + 1
    path = f"{parent.path}-{n}"
    while models.Task.objects.filter(directive_id=parent.directive_id, path=path).exists():
        n += 1
        path = f"{parent.path}-{n}"
    last = models.Task.objects.filter(directive_id=parent.directive_id, parent_id=parent.pk).order_by("-position")
    position = (last.values_list("position", flat=True).first() or parent.position) + 1
    sub = models.Task(
        directive_id=parent.directive_id,
        parent=parent,
        path=path[:64],
        position=position,
        text=(text or parent.text).strip(),
        lead=lead,
        deadline=deadline,
        assigned_by_id=parent.lead_id,
        # It counts from today: the figures at an earlier date are not changed by it.
        added_on=timezone.localdate(),
    )
    sub.full_clean()
    sub.save()
    sub.supporters.set([o for o in supporters or [] if o.pk != lead.pk])
    models.TaskEvent.objects.create(
        task=sub,
        kind=models.TaskEvent.Kind.CREATED,
        actor=actor,
        summary=(_("Giao từ nhiệm vụ %(path)s của %(org)s") % {"path": parent.path, "org": parent.lead})[:500],
        changes={"parent": parent.pk},
    )
    models.TaskEvent.objects.create(
        task=parent,
        kind=models.TaskEvent.Kind.PASSED_DOWN,
        actor=actor,
        summary=f"{path} → {lead}"[:500],
        changes={"subtask": sub.pk},
    )
    return sub
