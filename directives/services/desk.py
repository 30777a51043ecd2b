"""Writes of a clerk's own desk: saved views of the task list, followed tasks, and one report
given to several tasks at once (each still its own progress report, through
`task_report_progress`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from directives import models, permissions
from directives.services.core import task_report_progress

__all__ = ["BulkResult", "saved_view_delete", "saved_view_save", "task_follow", "tasks_report_progress"]


@transaction.atomic
def saved_view_save(*, user, name: str, query: str) -> models.SavedView:
    """Save (or replace, under the same name) a named filter of the task list."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Hãy đặt tên cho bộ lọc.")})
    view = models.SavedView.objects.filter(user=user, name=name).first() or models.SavedView(user=user, name=name)
    view.query = query
    view.full_clean()
    view.save()
    return view


@transaction.atomic
def saved_view_delete(*, user, view_id: int) -> None:
    models.SavedView.objects.filter(user=user, pk=view_id).delete()


@transaction.atomic
def task_follow(*, user, task: models.Task, follow: bool) -> bool:
    """Follow or stop following a task; returns whether the user now follows it."""
    if follow:
        follow_row = models.TaskFollow(user=user, task=task)
        if not models.TaskFollow.objects.filter(user=user, task=task).exists():
            follow_row.full_clean(validate_unique=False)
            follow_row.save()
        return True
    models.TaskFollow.objects.filter(user=user, task=task).delete()
    return False


@dataclass
class BulkResult:
    reported: list = field(default_factory=list)
    refused: list = field(default_factory=list)  # (task, reason)


def tasks_report_progress(
    *, author, tasks: list[models.Task], roles: dict[int, str], status: str = "", percent: int | None = None, note=""
) -> BulkResult:
    """Report the same status and/or progress on several tasks. Each task gets its own progress
    report (author, organization, timeline) through `task_report_progress`, in its own
    transaction: a task the author may not report on, or one the service refuses, is listed
    and the others are still reported."""
    if not status and percent is None:
        raise ValidationError(_("Hãy chọn trạng thái hoặc nhập tiến độ."))
    result = BulkResult()
    for task in tasks:
        organization = permissions.report_organization(author, task, roles)
        if organization is None:
            result.refused.append((task, _("không có quyền báo cáo")))
            continue
        try:
            task_report_progress(
                task=task,
                author=author,
                organization=organization,
                status=status or task.status,
                percent=task.progress if percent is None else percent,
                note=note,
            )
        except ValidationError as exc:
            result.refused.append((task, "; ".join(exc.messages)))
        else:
            result.reported.append(task)
    return result
