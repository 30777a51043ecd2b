"""Every write of the domain.

Services are named `<entity>_<verb>`, take keyword-only arguments, run in a
transaction, call `full_clean()` before saving and enqueue Celery work with
`transaction.on_commit`. Views, the admin and management commands call them;
no business rule lives anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models
from directives.domain.periods import quarter_of
from directives.drafts import DirectiveDraft, period_code_of

Task = models.Task


# -- organizations -----------------------------------------------------------------


def organization_get_or_create(*, name: str, short_name: str = "", kind: str = "other") -> models.Organization:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Tên cơ quan không được để trống."))
    org = models.Organization.objects.filter(name__iexact=name).first()
    if org is None:
        org = models.Organization(name=name[:255], short_name=short_name, kind=kind)
        org.full_clean()
        org.save()
    return org


# -- directives ----------------------------------------------------------------------


@dataclass
class ImportResult:
    directive: models.Directive
    created: bool
    tasks: int
    targets: int
    citations: int


def _resolve_bodies(
    names: list[str],
    organizations: dict[str, models.Organization] | None,
    create_missing: bool,
    proposed_by=None,
) -> list[models.Organization]:
    found = []
    for name in names:
        key = " ".join(name.split()).casefold()
        org = (organizations or {}).get(key)
        if org is None:
            org = models.Organization.objects.filter(name__iexact=name.strip()).first()
        if org is None and create_missing:
            org = organization_get_or_create(name=name)
            if proposed_by is not None and org.proposed_by_id is None and org.is_active:
                # A manager's new body is a proposal until a staff user confirms it.
                org.is_active, org.proposed_by = False, proposed_by
                org.save(update_fields=["is_active", "proposed_by", "updated_at"])
        if org is not None and org not in found:
            found.append(org)
    return found


def _user_roles(user) -> dict[int, str]:
    return dict(
        models.Membership.objects.filter(user=user, organization__is_active=True).values_list("organization_id", "role")
    )


def import_refusal(*, actor, issuer: models.Organization | None, update: models.Directive | None) -> str | None:
    """Why `actor` may not import this draft, or None when he may.

    `actor=None` is the operator at the command line (`manage.py import_directive`): trusted.
    Staff users and managers may import; a manager names as issuer only an organization he
    manages (staff any), and updates only a directive he may edit (`can_edit_directive`, the
    rule of the directive edit page).
    """
    from directives import permissions

    if actor is None:
        return None
    if not actor.is_authenticated:
        return _("Cần đăng nhập để nhập văn bản.")
    roles = _user_roles(actor)
    privileged = actor.is_staff or actor.is_superuser
    if not privileged and models.Membership.Role.MANAGER not in roles.values():
        return _("Chỉ cán bộ quản trị hoặc quản lý đơn vị được nhập văn bản.")
    if update is not None and not permissions.can_edit_directive(actor, update, roles):
        return _(
            "Bạn không có quyền cập nhật văn bản %(directive)s: chỉ quản lý của cơ quan ban hành được cập nhật."
        ) % {"directive": update}
    if not privileged and (issuer is None or roles.get(issuer.pk) != models.Membership.Role.MANAGER):
        return _("Cơ quan ban hành phải là đơn vị bạn quản lý.")
    return None


@transaction.atomic
def directive_import(
    *,
    draft: DirectiveDraft,
    actor=None,
    activate: bool = False,
    update: models.Directive | None = None,
    organizations: dict[str, models.Organization] | None = None,
    create_missing_bodies: bool = True,
) -> ImportResult:
    """Write a reviewed draft: the directive, its tasks (parents by ref), targets and citations.

    `organizations` maps casefolded body names (as written in the draft) to the organizations
    the reviewer picked; names not in it are looked up by exact name, and created when
    `create_missing_bodies` (as inactive proposals when the actor is not staff). The refusals
    are those of `import_refusal` (PermissionDenied with its message).

    With `update`, the directive's tasks are matched by path: kept tasks keep their history,
    new ones are marked `added_on` today, and a task no longer in the text is retired
    (`retired_on` today), never deleted. Targets are matched by label; a target with quarterly
    snapshots is kept even when the text no longer has it.
    """
    issuer = None
    privileged = actor is None or actor.is_staff or actor.is_superuser
    if draft.issuer:
        issuer = _resolve_bodies([draft.issuer], organizations, create_missing=privileged)
        issuer = issuer[0] if issuer else None
    refusal = import_refusal(actor=actor, issuer=issuer, update=update)
    if refusal:
        raise PermissionDenied(refusal)
    proposer = None if privileged else actor
    today = timezone.localdate()
    directive = update or models.Directive(created_by=actor)
    directive.kind = draft.kind or models.Directive.Kind.OTHER
    directive.number = draft.number.strip()
    directive.title = draft.title.strip() or _("(không có trích yếu)")
    directive.issuer = issuer
    directive.meeting_date = draft.meeting_date
    directive.issued_on = draft.issued_on
    directive.signer = draft.signer
    directive.period = draft.period
    directive.source_text = draft.source_text
    if activate:
        directive.status = models.Directive.Status.ACTIVE
    directive.full_clean()
    directive.save()

    existing = {t.path: t for t in directive.tasks.all()} if update else {}
    existing_ids = {t.pk for t in existing.values()}
    by_ref: dict[str, models.Task] = {}
    kept: set[int] = set()
    for position, item in enumerate((t for t in draft.tasks if t.include), start=1):
        task = existing.get(item.ref) or models.Task(directive=directive, path=item.ref)
        task.position = position
        task.text = item.text
        task.parent = by_ref.get(item.parent_ref) if item.parent_ref else None
        task.deadline = item.due
        task.deadline_period = period_code_of(item.due_period)
        leads = _resolve_bodies(item.lead, organizations, create_missing_bodies, proposer)
        task.lead = leads[0] if leads else None
        returning = task.pk is not None and task.retired_on is not None
        task.retired_on = None
        if update and task.pk is None:
            task.added_on = today
        task.full_clean(validate_unique=False)
        task.save()
        supporters = _resolve_bodies(item.support, organizations, create_missing_bodies, proposer)
        task.supporters.set([o for o in supporters + leads[1:] if o != task.lead])
        by_ref[item.ref] = task
        kept.add(task.pk)
        if task.pk not in existing_ids:
            models.TaskEvent.objects.create(task=task, kind=models.TaskEvent.Kind.CREATED, actor=actor)
        elif returning:
            models.TaskEvent.objects.create(
                task=task,
                kind=models.TaskEvent.Kind.EDITED,
                actor=actor,
                summary=_("Theo dõi lại: nhiệm vụ có lại trong văn bản cập nhật"),
                changes={"retired_on": None},
            )
    targets = 0
    kept_targets: set[int] = set()
    old_targets = {t.label: t for t in directive.targets.all()} if update else {}
    if update:
        retiring = list(directive.tasks.exclude(pk__in=kept).filter(retired_on=None).values_list("pk", flat=True))
        models.Task.objects.filter(pk__in=retiring).update(retired_on=today, updated_at=timezone.now())
        models.TaskEvent.objects.bulk_create(
            models.TaskEvent(
                task_id=pk,
                kind=models.TaskEvent.Kind.EDITED,
                actor=actor,
                summary=_("Thôi theo dõi: nhiệm vụ không còn trong văn bản cập nhật"),
                changes={"retired_on": today.isoformat()},
            )
            for pk in retiring
        )
        directive.citations.all().delete()

    for fig in (f for f in draft.figures if f.include):
        label = fig.label[:500] or fig.unit
        target = old_targets.get(label) or models.Target(directive=directive, label=label)
        target.unit = fig.unit[:64]
        target.total = fig.total
        if target.pk is None:
            target.achieved = fig.achieved
        target.full_clean()
        target.save()
        kept_targets.add(target.pk)
        targets += 1
    if update:
        directive.targets.exclude(pk__in=kept_targets).filter(snapshots=None).delete()

    citations = 0
    seen: set[str] = set()
    for ref in draft.references:
        number = ref.number.strip()[:64]
        if not number or number in seen or number == directive.number:
            continue
        seen.add(number)
        cited = models.Directive.objects.filter(number=number).exclude(pk=directive.pk).first()
        models.Citation.objects.create(
            directive=directive, number=number, kind=ref.kind[:64], date=ref.date, cited_directive=cited
        )
        citations += 1
    if directive.number:
        models.Citation.objects.filter(number=directive.number, cited_directive=None).exclude(
            directive=directive
        ).update(cited_directive=directive)
    return ImportResult(
        directive=directive, created=update is None, tasks=len(kept), targets=targets, citations=citations
    )


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


@transaction.atomic
def task_save(*, task: models.Task, actor=None, changed_fields: list[str] | None = None) -> models.Task:
    """Save a task edited in the admin and record the edit in its timeline."""
    task.full_clean()
    created = task.pk is None
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
) -> models.ProgressReport:
    """Append a progress report and make it the task's current state.

    Two reports sent at the same moment are both kept; the task row is locked so that
    the later one wins and no update is lost. A supporting organization's report (any
    `organization` other than the task's lead) records its own contribution and leaves the
    task's status, % and completion date as the lead reported them.
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
        locked.status = status
        locked.progress = percent
        locked.completed_on = completed_on
        locked.full_clean()
        locked.save(update_fields=["status", "progress", "completed_on", "updated_at"])
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
    ext.full_clean()
    ext.save()
    task = ext.task
    if approve:
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
    "ImportResult",
    "directive_delete",
    "directive_import",
    "directive_update",
    "extension_decide",
    "extension_request",
    "import_refusal",
    "organization_get_or_create",
    "require",
    "target_delete",
    "target_save",
    "target_update",
    "task_report_progress",
    "task_delete",
    "task_save",
]
