"""The one service of the import, used by the review page and `manage.py import_directive` alike.

It owns the refusals (`import_refusal`): who may import, which issuer a user may name (an
organization he manages; staff any), duplicates looked up only among the directives the user may
see (`directive_existing`), an update only of a directive the user may edit (the rule of the
directive edit page), at most `MAX_TASKS` tasks. It never deletes a task: a task missing from an
updated text is retired.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models, permissions
from directives.importing.drafts import DirectiveDraft, period_code_of
from directives.importing.matching import match_names
from directives.importing.review import ExistingTask, ImportPlan, import_plan

#: A draft holds at most this many tasks (the largest real directive of the corpus has ~300).
MAX_TASKS = 2000


def too_many_tasks_message(count: int) -> str:
    return _(
        "Văn bản có %(count)s mục nhiệm vụ, vượt giới hạn %(limit)s của một lần nhập. "
        "Hãy tách văn bản thành nhiều phần hoặc bỏ bớt các mục không phải nhiệm vụ."
    ) % {"count": f"{count:,}".replace(",", "."), "limit": f"{MAX_TASKS:,}".replace(",", ".")}


def max_text_chars() -> int:
    """The longest text parsed on the web (characters). The parser reads about 100 KB a second
    on one core, so 300,000 characters keep a request within a few seconds; real directives are
    5–50 KB."""
    return int(getattr(settings, "IMPORT_MAX_TEXT_CHARS", 300_000))


def check_import_text(text: str) -> None:
    """Refuse, before parsing, a text too long to parse within a web request."""
    limit = max_text_chars()
    if len(text) > limit:
        raise ValidationError(
            _(
                "Văn bản dài %(count)s ký tự, vượt giới hạn %(limit)s ký tự của một lần nhập. "
                "Hãy tách văn bản thành nhiều phần (ví dụ theo từng mục lớn)."
            )
            % {"count": f"{len(text):,}".replace(",", "."), "limit": f"{limit:,}".replace(",", ".")},
            code="text_too_long",
        )


def user_can_import(user) -> bool:
    """Who may import: the one rule in `permissions.can_import`."""
    return permissions.can_import(user)


@dataclass
class ImportResult:
    directive: models.Directive
    created: bool
    tasks: int
    targets: int
    citations: int
    retired: int = 0


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
            from directives.services.core import organization_get_or_create  # not at import: a cycle

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
    if not user_can_import(actor):
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
    (`retired_on` today), never deleted; occurrences of recurring tasks are left as they are.
    A kept task whose deadline the new text moves keeps its state before the update as history
    (`TaskChange`, cause "import", in this transaction): the figures at a date before the
    update are unchanged, those from today on read the new deadline.
    A task the parser (or the reviewer) made recurring gets its frequency, due day and month:
    it is the first occurrence, and the daily sweep creates the next ones. Targets are matched
    by label; a target with quarterly snapshots is kept even when the text no longer has it.
    """
    count = sum(1 for t in draft.tasks if t.include)
    if count > MAX_TASKS:
        raise ValidationError(too_many_tasks_message(count), code="too_many_tasks")
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

    # The occurrences the sweep created of a recurring task are not in any text: an update
    # neither matches nor retires them (a retired series simply gets no new ones).
    own_tasks = directive.tasks.filter(series__isnull=True)
    # Locked, as a report or an extension locks the task it changes.
    existing = {t.path: t for t in own_tasks.select_for_update()} if update else {}
    existing_ids = {t.pk for t in existing.values()}
    by_ref: dict[str, models.Task] = {}
    kept: set[int] = set()
    for position, item in enumerate((t for t in draft.tasks if t.include), start=1):
        task = existing.get(item.ref) or models.Task(directive=directive, path=item.ref)
        before = copy.copy(task) if task.pk is not None else None
        task.position = position
        task.text = item.text
        task.parent = by_ref.get(item.parent_ref) if item.parent_ref else None
        task.deadline = item.due
        task.deadline_period = period_code_of(item.due_period)
        # A recurring task is its own first occurrence; the daily sweep creates the next ones.
        task.recurrence = item.recurrence if item.due else ""
        task.recurrence_day = item.recurrence_day if task.recurrence else 0
        task.recurrence_month = item.recurrence_month if task.recurrence else 0
        leads = _resolve_bodies(item.lead, organizations, create_missing_bodies, proposer)
        task.lead = leads[0] if leads else None
        returning = task.pk is not None and task.retired_on is not None
        task.retired_on = None
        if update and task.pk is None:
            task.added_on = today
        task.full_clean(validate_unique=False)
        if before is not None:
            _keep_history(before=before, task=task, actor=actor)
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
    retiring: list[int] = []
    if update:
        retiring = list(own_tasks.exclude(pk__in=kept).filter(retired_on=None).values_list("pk", flat=True))
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
        directive=directive,
        created=update is None,
        tasks=len(kept),
        targets=targets,
        citations=citations,
        retired=len(retiring),
    )


def _keep_history(*, before: models.Task, task: models.Task, actor) -> None:
    """A kept task whose deadline the new text moves: its state before the update is history
    (`services.task_change_keep`, cause "import", as an edit in the admin), so that the figures
    at a date before the update stay what they were; the new deadline counts from today. The
    timeline says so. A deadline as it was is no history."""
    from directives.services.core import task_change_keep  # not at import: a cycle

    if task_change_keep(before=before, task=task, cause=models.TaskChange.Cause.IMPORT) is None:
        return
    old, new = (d.strftime("%d/%m/%Y") if d else "—" for d in (before.deadline, task.deadline))
    models.TaskEvent.objects.create(
        task=task,
        kind=models.TaskEvent.Kind.EDITED,
        actor=actor,
        summary=(_("Thời hạn theo văn bản cập nhật: %(old)s → %(new)s") % {"old": old, "new": new})[:500],
        changes={"deadline": [d.isoformat() if d else None for d in (before.deadline, task.deadline)]},
    )


def directive_existing(
    user, *, number: str, issuer_id: int | None = None, issuer_name: str = ""
) -> models.Directive | None:
    """The directive with this number and issuer, among those `user` may see (`user=None`: the
    operator at the command line sees all). Another body's directive is never revealed."""
    from directives import selectors

    number = (number or "").strip()
    if not number:
        return None
    qs = models.Directive.objects.all() if user is None else selectors.directives_visible_to(user)
    qs = qs.filter(number=number)
    if issuer_id:
        qs = qs.filter(issuer_id=issuer_id)
    elif issuer_name:
        qs = qs.filter(issuer__name__iexact=" ".join(issuer_name.split()))
    else:
        qs = qs.filter(issuer=None)
    return qs.first()


def directive_import_plan(*, draft: DirectiveDraft, directive: models.Directive) -> ImportPlan:
    """What confirming `draft` as an update of `directive` will add, change and retire."""
    rows = directive.tasks.filter(series__isnull=True).values_list(
        "path", "text", "deadline", "lead__name", "retired_on", "recurrence", "recurrence_day", "recurrence_month"
    )
    existing = [
        ExistingTask(path=p, text=t, deadline=d, lead_name=lead or "", retired=r is not None, recurrence=(f, day, m))
        for p, t, d, lead, r, f, day, m in rows
    ]
    return import_plan(draft, existing)


def draft_organizations(draft: DirectiveDraft) -> dict[str, models.Organization]:
    """{casefolded name as written: Organization} for the draft's bodies that match the list
    (accents, case and abbreviations ignored, see `matching`)."""
    names = [draft.issuer] if draft.issuer else []
    for task in draft.tasks:
        names += task.lead + task.support
    orgs = list(models.Organization.objects.only("id", "name", "short_name"))
    by_id = {o.pk: o for o in orgs}
    matched = match_names(names, [(o.pk, o.name, o.short_name) for o in orgs])
    return {" ".join(name.split()).casefold(): by_id[oid] for name, oid in matched.items()}
