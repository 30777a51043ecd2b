"""Every write of the domain.

Services are named `<entity>_<verb>`, take keyword-only arguments, run in a
transaction and call `full_clean()` before saving; a side effect outside the database
would be enqueued with `transaction.on_commit` (none here today: see the package's
docstring). Views, the admin and management commands call them; no business rule lives
anywhere else.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models
from directives.domain.periods import quarter_of
from directives.services.event_mail import event_notify

Task = models.Task


# -- organizations -----------------------------------------------------------------


def organization_get_or_create(
    *, name: str, short_name: str = "", kind: str = "other", system: str | None = None
) -> models.Organization:
    """The organization named `name` (any case), created when missing. A new one's `system`
    (which decides its reports' form) is `system`, else guessed from the name
    (`domain.bodies.guess_system`); staff correct it in the admin."""
    from directives.domain.bodies import guess_system

    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Tên cơ quan không được để trống."))
    org = models.Organization.objects.filter(name__iexact=name).first()
    if org is None:
        system = system or guess_system([name])
        org = models.Organization(name=name[:255], short_name=short_name, kind=kind, system=system)
        org.full_clean()
        org.save()
    return org


@transaction.atomic
def organization_confirm(*, organizations: list[models.Organization], actor) -> int:
    """A staff user confirms bodies proposed at an import: they become active organizations."""
    if not (actor.is_staff or actor.is_superuser):
        raise PermissionDenied
    ids = [o.pk for o in organizations if o.proposed_by_id is not None and not o.is_active]
    return models.Organization.objects.filter(pk__in=ids).update(is_active=True, updated_at=timezone.now())


@transaction.atomic
def organization_merge(*, keep: models.Organization, merged: list[models.Organization], actor) -> int:
    """Merge `merged` into `keep`: memberships, led and supported tasks, issued directives,
    reports, extension requests, reminders and sub-organizations move to `keep`; then the merged
    rows are deleted. Refused (ValidationError) when both issued a directive with the same number.

    Every other reference to an organization (in this app or another) is moved too, through
    the model's relations, so that nothing is lost by the delete.
    """
    if not (actor.is_staff or actor.is_superuser):
        raise PermissionDenied
    others = [o for o in merged if o.pk != keep.pk]
    if not others:
        return 0
    ids = [o.pk for o in others]
    numbers = set(models.Directive.objects.filter(issuer=keep).exclude(number="").values_list("number", flat=True))
    clash = models.Directive.objects.filter(issuer_id__in=ids, number__in=numbers).first()
    if clash is not None:
        raise ValidationError(
            _("Không gộp được: cả hai cơ quan đều có văn bản số %(number)s.") % {"number": clash.number}
        )
    # Memberships: a user in both keeps his membership of `keep`.
    members = set(models.Membership.objects.filter(organization=keep).values_list("user_id", flat=True))
    models.Membership.objects.filter(organization_id__in=ids, user_id__in=members).delete()
    # Supporting links: `keep` once per task, never as supporter of a task it leads.
    through = models.Task.supporters.through
    linked = set(through.objects.filter(organization=keep).values_list("task_id", flat=True))
    through.objects.filter(organization_id__in=ids, task_id__in=linked).delete()
    through.objects.filter(organization_id__in=ids).update(organization_id=keep.pk)
    # A reminder policy of its own: `keep`'s wins.
    if models.ReminderPolicy.objects.filter(organization=keep).exists():
        models.ReminderPolicy.objects.filter(organization_id__in=ids).delete()
    else:
        first = models.ReminderPolicy.objects.filter(organization_id__in=ids).first()
        if first is not None:
            models.ReminderPolicy.objects.filter(organization_id__in=ids).exclude(pk=first.pk).delete()
            models.ReminderPolicy.objects.filter(pk=first.pk).update(organization_id=keep.pk)
    for relation in models.Organization._meta.related_objects:
        if relation.many_to_many or not relation.field.concrete:
            continue
        model, name = relation.related_model, relation.field.name
        if model is models.Organization and name == "parent":
            model.objects.filter(parent_id__in=ids).exclude(pk=keep.pk).update(parent_id=keep.pk)
            continue
        model._base_manager.filter(**{f"{name}__in": ids}).update(**{name: keep})
    through.objects.filter(organization=keep, task__lead=keep).delete()
    if keep.parent_id in ids:
        keep.parent = None
        keep.save(update_fields=["parent", "updated_at"])
    models.Organization.objects.filter(pk__in=ids).delete()
    return len(ids)


# -- directives ----------------------------------------------------------------------


@transaction.atomic
def directive_update(*, directive: models.Directive, actor, changed_fields: list[str]) -> models.Directive:
    """Save a directive's edited metadata and note the edit in the timeline of its tasks."""
    directive.full_clean()
    directive.save()
    if changed_fields:
        summary = _("Sửa văn bản: %(fields)s") % {"fields": ", ".join(changed_fields)}
        models.TaskEvent.objects.bulk_create(
            models.TaskEvent(
                task_id=pk,
                kind=models.TaskEvent.Kind.EDITED,
                actor=actor,
                summary=summary[:500],
                changes={"directive": changed_fields},
            )
            for pk in directive.tasks.values_list("pk", flat=True)
        )
    return directive


@transaction.atomic
def directive_delete(*, directive: models.Directive, actor=None) -> None:
    """Delete a directive entered by mistake; refused (ValidationError) when one of its tasks has
    a history: progress reports, extensions, reminders, a timeline beyond its creation."""
    _refuse_history(models.Task.objects.filter(directive_id=directive.pk))
    directive.delete()


def _refuse_history(tasks) -> None:
    try:
        models.refuse_deleting_history(tasks)
    except models.HistoryKeptError as error:
        raise ValidationError(error.args[0], code="history") from None


# -- tasks -------------------------------------------------------------------------------


def task_change_record(*, task: models.Task, cause: str, at=None) -> models.TaskChange:
    """Keep the state `task` has now as its state until `at` (now by default), before a change.

    Call it inside the transaction that changes the task, with the task row locked, before its
    status, %, completion date or deadline change: the figures at a past date read these rows
    (`selectors.standing`). Changes of one task are chained in time; `at` earlier than the last
    change is moved just after it.
    """
    from datetime import timedelta

    at = at or timezone.now()
    last = models.TaskChange.objects.filter(task=task).order_by("-made_at").values_list("made_at", flat=True).first()
    if last is not None and at <= last:
        at = last + timedelta(microseconds=1)
    change = models.TaskChange(
        task=task,
        made_at=at,
        previous_at=last,
        cause=cause,
        status=task.status,
        progress=task.progress,
        completed_on=task.completed_on,
        deadline=task.deadline,
        completion_deadline=task.completion_deadline,
    )
    change.save()
    return change


def deadline_in_force(task: models.Task, on: date) -> date | None:
    """The deadline `task` had at the end of the day `on` (extensions count from their approval)."""
    from directives.domain.status import Change, state_at

    changes = [
        Change(made_on=timezone.localdate(c.made_at), before=c.before)
        for c in models.TaskChange.objects.filter(task=task).order_by("made_at")
    ]
    return state_at(task.state, changes, on).deadline


def task_change_keep(*, before: models.Task, task: models.Task, cause: str, at=None) -> models.TaskChange | None:
    """Before `task` (edited in memory) is saved over `before` (the same task as stored, its row
    locked): keep `before`'s state (`task_change_record`, with `cause`) when the edit changes what
    the standing reads (status, started or not, completion date, deadline), and set
    `task.completion_deadline`, the deadline its completion is judged by. Returns the change
    kept, None when there is nothing to keep (a new percent alone, a new text, a deadline as it
    was).

    The one rule of every edit of a task's state outside reports and extensions: the admin's
    (`task_save`, cause "edit") and an update of the directive from a new text
    (`directive_import`, cause "import"). A new deadline counts from the day of the edit, like an
    approved extension: a task finished earlier keeps the deadline it was judged by (also one
    finished before that deadline was stored); a completion date entered here is judged by the
    deadline in force on that day (`deadline_in_force`).
    """
    change = None
    old = (before.status, before.progress > 0, before.completed_on, before.deadline)
    if old != (task.status, task.progress > 0, task.completed_on, task.deadline):
        change = task_change_record(task=before, cause=cause, at=at)
    if task.status != Task.Status.DONE:
        task.completion_deadline = None
    elif (before.status, before.completed_on) != (task.status, task.completed_on) or task.completion_deadline is None:
        # A task finished before completion_deadline was kept (migration 0013) gets it here.
        task.completion_deadline = deadline_in_force(task, task.completed_on)
    return change


@transaction.atomic
def task_save(*, task: models.Task, actor=None, changed_fields: list[str] | None = None) -> models.Task:
    """Save a task edited in the admin (its page or its directive's) and record the edit in its
    timeline.

    An edit of what the standing reads (status, started or not, completion date, deadline) keeps
    the state before it (`task_change_keep`, cause "edit"), as a report or an extension does, so
    that the figures at a date before the edit stay what they were; a new percent alone is not
    history (as for reports).
    """
    task.full_clean()
    created = task.pk is None
    if created:
        task.completion_deadline = task.deadline if task.status == Task.Status.DONE else None
    else:
        before = models.Task.objects.select_for_update().get(pk=task.pk)
        task_change_keep(before=before, task=task, cause=models.TaskChange.Cause.EDIT)
    task.save()
    if created:
        models.TaskEvent.objects.create(task=task, kind=models.TaskEvent.Kind.CREATED, actor=actor)
    elif changed_fields:
        models.TaskEvent.objects.create(
            task=task,
            kind=models.TaskEvent.Kind.EDITED,
            actor=actor,
            summary=", ".join(changed_fields)[:500],
            changes={"fields": changed_fields},
        )
    return task


@transaction.atomic
def task_delete(*, task: models.Task, actor=None) -> None:
    """Delete a task entered by mistake, with its subtasks; refused (ValidationError) when it or a
    subtask has a history. A task that is no longer in its directive is retired instead."""
    _refuse_history(models.Task.objects.filter(pk__in=models.task_subtree_ids([task.pk])))
    task.delete()


@transaction.atomic
def task_report_progress(
    *,
    task: models.Task,
    author,
    organization: models.Organization,
    status: str,
    percent: int,
    note: str = "",
    completed_on: date | None = None,
    files: list | None = None,
    at=None,
) -> models.ProgressReport:
    """Append a progress report and make it the task's current state.

    Two reports sent at the same moment are both kept; the task row is locked so that
    the later one wins and no update is lost. A supporting organization's report (any
    `organization` other than the task's lead) records its own contribution and leaves the
    task's status, % and completion date as the lead reported them.

    A lead's report that changes the task's state keeps the state before it (`task_change_record`),
    so that the figures at an earlier date stay what they were. `at` (now by default) backdates
    the report, for loading history (the demo data).
    """
    if status not in Task.Status.values:
        raise ValidationError({"status": _("Trạng thái không hợp lệ.")})
    if not 0 <= int(percent) <= 100:
        raise ValidationError({"percent": _("Tiến độ phải từ 0 đến 100%.")})
    locked = models.Task.objects.select_for_update().get(pk=task.pk)
    if status == Task.Status.DONE:
        percent = 100
        completed_on = completed_on or timezone.localdate()
    else:
        completed_on = None
    report = models.ProgressReport(
        task=locked,
        author=author,
        organization=organization,
        status=status,
        percent=percent,
        completed_on=completed_on,
        note=note,
    )
    report.full_clean()
    report.save()
    if at is not None:
        models.ProgressReport.objects.filter(pk=report.pk).update(created_at=at)
        report.created_at = at
    for upload in files or []:
        evidence = models.EvidenceFile(
            report=report,
            original_name=getattr(upload, "name", "file")[:255],
            size=getattr(upload, "size", 0) or 0,
            content_type=getattr(upload, "content_type", "")[:100],
        )
        evidence.file.save(getattr(upload, "name", "file"), upload, save=False)
        evidence.save()
    if locked.lead_id is None or organization.pk == locked.lead_id:
        completion_deadline = deadline_in_force(locked, completed_on) if completed_on else None
        # Only what the standing reads is history: a new percent alone (40% -> 60%) is not kept.
        new = (status, percent > 0, completed_on, completion_deadline)
        if new != (locked.status, locked.progress > 0, locked.completed_on, locked.completion_deadline):
            task_change_record(task=locked, cause=models.TaskChange.Cause.REPORT, at=report.created_at)
        locked.status = status
        locked.progress = percent
        locked.completed_on = completed_on
        locked.completion_deadline = completion_deadline
        locked.full_clean()
        locked.save(update_fields=["status", "progress", "completed_on", "completion_deadline", "updated_at"])
    models.TaskEvent.objects.create(
        task=locked,
        kind=models.TaskEvent.Kind.REPORTED,
        actor=author,
        summary=f"{report.get_status_display()} · {percent}%",
        changes={"report": report.pk},
    )
    task.status, task.progress, task.completed_on = locked.status, locked.progress, locked.completed_on
    return report


@transaction.atomic
def extension_request(
    *, task: models.Task, author, organization: models.Organization, requested_deadline: date, reason: str
) -> models.ExtensionRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Cần nêu lý do gia hạn.")})
    if task.deadline and requested_deadline <= task.deadline:
        raise ValidationError({"requested_deadline": _("Thời hạn đề nghị phải sau thời hạn hiện tại.")})
    if task.extensions.filter(state=models.ExtensionRequest.State.PENDING).exists():
        raise ValidationError(_("Nhiệm vụ đã có một đề nghị gia hạn đang chờ quyết định."))
    ext = models.ExtensionRequest(
        task=task,
        requested_by=author,
        organization=organization,
        previous_deadline=task.deadline,
        requested_deadline=requested_deadline,
        reason=reason.strip(),
    )
    ext.full_clean()
    ext.save()
    models.TaskEvent.objects.create(
        task=task,
        kind=models.TaskEvent.Kind.EXTENSION_REQUESTED,
        actor=author,
        summary=f"→ {requested_deadline:%d/%m/%Y}",
        changes={"extension": ext.pk},
    )
    event_notify(kind="extension_requested", obj=ext, text=ext.reason)
    return ext


@transaction.atomic
def extension_decide(
    *, extension: models.ExtensionRequest, decider, approve: bool, note: str = ""
) -> models.ExtensionRequest:
    """Approve or refuse a pending request; the deadline changes only on approval."""
    ext = models.ExtensionRequest.objects.select_for_update().select_related("task").get(pk=extension.pk)
    if ext.state != models.ExtensionRequest.State.PENDING:
        raise ValidationError(_("Đề nghị này đã được quyết định."))
    ext.state = models.ExtensionRequest.State.APPROVED if approve else models.ExtensionRequest.State.REFUSED
    ext.decided_by = decider
    ext.decided_at = timezone.now()
    ext.decision_note = note
    ext.full_clean(exclude=["requested_by"])  # null once its author's account is deleted
    ext.save()
    task = models.Task.objects.select_for_update().get(pk=ext.task_id)
    if approve:
        task_change_record(task=task, cause=models.TaskChange.Cause.EXTENSION, at=ext.decided_at)
        task.deadline = ext.requested_deadline
        task.deadline_period = ""
        task.full_clean()
        task.save(update_fields=["deadline", "deadline_period", "updated_at"])
    models.TaskEvent.objects.create(
        task=task,
        kind=models.TaskEvent.Kind.EXTENSION_DECIDED,
        actor=decider,
        summary=ext.get_state_display(),
        changes={"extension": ext.pk, "approved": approve},
    )
    event_notify(kind="extension_decided", obj=ext, text=f"{ext.get_state_display()}. {note}".strip())
    extension.state = ext.state
    return ext


# -- targets --------------------------------------------------------------------------------


@transaction.atomic
def target_save(*, target: models.Target) -> models.Target:
    """Save a target's definition (label, unit, total, period, task). Its achieved value changes
    only through `target_update`, which keeps the quarter's snapshot."""
    target.full_clean()
    target.save()
    return target


@transaction.atomic
def target_delete(*, target: models.Target) -> None:
    """Delete a target entered by mistake; refused when it has quarterly snapshots (history)."""
    if target.snapshots.exists():
        raise ValidationError(
            _("Không xóa được chỉ tiêu “%(label)s”: đã có số liệu theo quý (lịch sử).") % {"label": target.label[:80]}
        )
    target.delete()


@transaction.atomic
def target_update(
    *, target: models.Target, achieved: Decimal, author=None, note: str = "", on: date | None = None
) -> models.TargetSnapshot:
    """Set a target's achieved value and record it as the snapshot of the quarter of `on`.

    A later quarter's update never changes an earlier quarter's snapshot.
    """
    achieved = Decimal(achieved)
    if achieved < 0:
        raise ValidationError({"achieved": _("Số đã đạt không được âm.")})
    on = on or timezone.localdate()
    locked = models.Target.objects.select_for_update().get(pk=target.pk)
    locked.achieved = achieved
    locked.full_clean()
    locked.save(update_fields=["achieved", "updated_at"])
    quarter = quarter_of(on)
    snapshot, _created = models.TargetSnapshot.objects.update_or_create(
        target=locked,
        year=quarter.year,
        quarter=quarter.quarter,
        defaults={"achieved": achieved, "total": locked.total, "note": note, "author": author},
    )
    if locked.task_id:
        models.TaskEvent.objects.create(
            task_id=locked.task_id,
            kind=models.TaskEvent.Kind.TARGET_UPDATED,
            actor=author,
            summary=f"{locked.label[:200]}: {achieved}/{locked.total}",
        )
    target.achieved = achieved
    return snapshot


def require(condition: bool) -> None:
    """Raise PermissionDenied unless `condition`; for object-level checks in services."""
    if not condition:
        raise PermissionDenied


__all__ = [
    "directive_delete",
    "directive_update",
    "extension_decide",
    "extension_request",
    "organization_confirm",
    "organization_get_or_create",
    "organization_merge",
    "require",
    "target_delete",
    "target_save",
    "target_update",
    "deadline_in_force",
    "task_change_keep",
    "task_change_record",
    "task_report_progress",
    "task_delete",
    "task_save",
]
