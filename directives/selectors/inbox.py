"""The inbox, "Việc cần xử lý": what waits for the user, in sections, each line linking to
the place where it is handled; handling it (deciding, answering, reporting) removes it.

For the managers of an issuing body: the extension requests waiting for a decision, the reports
of "done" waiting for verification, the answers to their requests for explanation, and the
overdue and due-soon tasks of the directives it issued. For reporters (and managers) of a lead
body: the reports of "done" returned to it, the requests for explanation addressed to it. For
every member of a lead body: its tasks overdue or due within `DUE_SOON_DAYS` (less those whose
"done" report waits for verification). Tasks the user's own body leads are listed once,
under the body's sections, not again under the issuer's.

`inbox_count` is the figure shown in the navigation on every page: one query (scalar
subqueries), whatever the data size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import models
from directives.domain.status import Standing
from directives.selectors.scoping import tasks_visible_to
from directives.selectors.standing import due_soon_q, standing_q

__all__ = [
    "DUE_SOON_DAYS",
    "InboxItem",
    "InboxSection",
    "VerificationBacklog",
    "inbox_count",
    "inbox_for",
    "inbox_roles",
    "verification_backlog",
]

DUE_SOON_DAYS = 7
SECTION_LIMIT = 50

ACTING = (models.Membership.Role.REPORTER, models.Membership.Role.MANAGER)
MANAGER = models.Membership.Role.MANAGER


@dataclass
class InboxItem:
    url: str
    title: str
    detail: str = ""
    task: models.Task | None = None
    since: date | None = None


@dataclass
class InboxSection:
    code: str
    title: str
    count: int
    items: list[InboxItem] = field(default_factory=list)
    more_url: str = ""

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.items))


@dataclass(frozen=True)
class InboxRoles:
    """The organization ids the inbox reads for (tuples, or subqueries for the count);
    `everything` for a superuser."""

    managed: tuple[int, ...] | QuerySet
    acting: tuple[int, ...] | QuerySet
    member: tuple[int, ...] | QuerySet
    everything: bool = False


def inbox_roles(user) -> InboxRoles:
    """The user's organizations by role, kept on the user object for one request."""
    cached = getattr(user, "_tracker_inbox_roles", None)
    if cached is not None:
        return cached
    rows = list(
        models.Membership.objects.filter(user=user, organization__is_active=True).values_list("organization_id", "role")
    )
    roles = InboxRoles(
        managed=tuple(o for o, r in rows if r == MANAGER),
        acting=tuple(o for o, r in rows if r in ACTING),
        member=tuple(o for o, _r in rows),
        everything=user.is_superuser,
    )
    user._tracker_inbox_roles = roles
    return roles


def _due_soon_q(today: date) -> Q:
    """Due soon: the one rule's (`selectors.standing.due_soon_q`: the issuer's `due_soon_days`)."""
    return due_soon_q(today)


def _overdue_q(today: date) -> Q:
    return standing_q(today, Standing.OVERDUE)


def _active_tasks() -> QuerySet[models.Task]:
    """Tasks of active directives, not retired, less those whose "done" report waits for
    verification (they are listed as claims)."""
    waiting = models.CompletionClaim.objects.filter(state=models.CompletionClaim.State.PENDING)
    return models.Task.objects.filter(
        directive__status=models.Directive.Status.ACTIVE, retired_on__isnull=True
    ).exclude(pk__in=waiting.values("task_id"))


def _issued_tasks(roles: InboxRoles) -> QuerySet[models.Task]:
    """Tasks of the directives the user's bodies issued (as manager), not led by their bodies."""
    qs = _active_tasks()
    if not roles.everything:
        qs = qs.filter(directive__issuer_id__in=roles.managed)
    return qs.exclude(lead_id__in=roles.member)


def _led_tasks(roles: InboxRoles) -> QuerySet[models.Task]:
    return _active_tasks().filter(lead_id__in=roles.member)


def _pending_extensions(roles: InboxRoles) -> QuerySet[models.ExtensionRequest]:
    qs = models.ExtensionRequest.objects.filter(state=models.ExtensionRequest.State.PENDING)
    if not roles.everything:
        qs = qs.filter(task__directive__issuer_id__in=roles.managed)
    return qs


def _roles_as_subqueries(user) -> InboxRoles:
    """The same as `inbox_roles`, as subqueries: the navigation's count then needs one query."""
    memberships = models.Membership.objects.filter(user=user, organization__is_active=True)
    return InboxRoles(
        managed=memberships.filter(role=MANAGER).values("organization_id"),
        acting=memberships.filter(role__in=ACTING).values("organization_id"),
        member=memberships.values("organization_id"),
        everything=user.is_superuser,
    )


def _pending_claims(roles: InboxRoles) -> QuerySet[models.CompletionClaim]:
    qs = models.CompletionClaim.objects.filter(state=models.CompletionClaim.State.PENDING)
    if not roles.everything:
        qs = qs.filter(task__directive__issuer_id__in=roles.managed)
    return qs


def _returned_claims(roles: InboxRoles) -> QuerySet[models.CompletionClaim]:
    """Claims returned to the user's bodies, while the task is not done and no newer claim
    was sent: reporting again handles them."""
    newer = models.CompletionClaim.objects.filter(task_id=OuterRef("task_id"), created_at__gt=OuterRef("created_at"))
    return (
        models.CompletionClaim.objects.filter(
            state=models.CompletionClaim.State.RETURNED, organization_id__in=roles.acting
        )
        .exclude(task__status__in=[models.Task.Status.DONE, models.Task.Status.CANCELLED])
        .exclude(Exists(newer))
    )


def _open_explanations(roles: InboxRoles) -> QuerySet[models.Explanation]:
    return models.Explanation.objects.filter(state=models.Explanation.State.OPEN, addressed_to_id__in=roles.acting)


def _answered_explanations(roles: InboxRoles) -> QuerySet[models.Explanation]:
    qs = models.Explanation.objects.filter(state=models.Explanation.State.ANSWERED)
    if not roles.everything:
        qs = qs.filter(organization_id__in=roles.managed)
    return qs


def _task_queries(roles: InboxRoles, today: date, every_section: bool = False) -> dict[str, QuerySet[models.Task]]:
    queries = {}
    if every_section or roles.member:
        led = _led_tasks(roles)
        queries["overdue"] = led.filter(_overdue_q(today))
        queries["due_soon"] = led.filter(_due_soon_q(today))
    if every_section or roles.managed or roles.everything:
        issued = _issued_tasks(roles)
        queries["issued_overdue"] = issued.filter(_overdue_q(today))
        queries["issued_due_soon"] = issued.filter(_due_soon_q(today))
    return queries


def inbox_count(user, *, today: date | None = None, cap: int | None = None) -> int:
    """How many lines the inbox has, in one query: one `COUNT(*)` per section, summed (the
    sections are disjoint: overdue and due soon exclude each other, the issuer's sections exclude
    the tasks the user's bodies lead). With `cap`, each section is counted up to `cap` + 1 rows
    (`COUNT(*) FROM (… LIMIT)`): the navigation shows "99+" and does not count a whole
    country's overdue tasks on every page."""
    if not user.is_authenticated:
        return 0
    today = today or timezone.localdate()
    roles = getattr(user, "_tracker_inbox_roles", None) or _roles_as_subqueries(user)
    sections = [
        *_task_queries(roles, today, every_section=True).values(),
        _pending_extensions(roles),
        _pending_claims(roles),
        _returned_claims(roles),
        _open_explanations(roles),
        _answered_explanations(roles),
    ]
    parts, params = [], []
    for n, qs in enumerate(sections):
        qs = qs.order_by().values("pk")
        if cap is not None:
            qs = qs[: cap + 1]
        try:
            sql, p = qs.query.sql_with_params()
        except EmptyResultSet:  # a section the user has no organization for
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section_{n})")
        params.extend(p)
    if not parts:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(parts), params)
        return int(cursor.fetchone()[0] or 0)


def _task_item(task: models.Task, today: date) -> InboxItem:
    if task.deadline and task.deadline < today:
        detail = _("quá hạn %(n)s ngày") % {"n": (today - task.deadline).days}
    elif task.deadline:
        detail = _("còn %(n)s ngày") % {"n": (task.deadline - today).days}
    else:
        detail = ""
    return InboxItem(
        url=reverse("directives:task_detail", args=[task.pk]),
        title=f"{task.directive.number or task.directive} · {task.path} {task.text[:140]}",
        detail=str(detail),
        task=task,
        since=task.deadline,
    )


TASK_SECTIONS = {
    "overdue": _("Nhiệm vụ đơn vị chủ trì đã quá hạn"),
    "due_soon": _("Nhiệm vụ đơn vị chủ trì sắp đến hạn (7 ngày)"),
    "issued_overdue": _("Nhiệm vụ thuộc văn bản đơn vị ban hành đã quá hạn"),
    "issued_due_soon": _("Nhiệm vụ thuộc văn bản đơn vị ban hành sắp đến hạn (7 ngày)"),
}


def inbox_for(user, *, today: date | None = None, limit: int = SECTION_LIMIT) -> list[InboxSection]:
    """The user's inbox: the non-empty sections, most urgent first, each with at most `limit`
    lines and the total count."""
    today = today or timezone.localdate()
    roles = inbox_roles(user)
    sections: list[InboxSection] = []

    if roles.managed or roles.everything:
        qs = _pending_extensions(roles).select_related("task", "task__directive", "organization")
        count = qs.count()
        if count:
            items = [
                InboxItem(
                    url=reverse("directives:task_detail", args=[e.task_id]) + "#pending-h",
                    title=f"{e.task.directive.number or e.task.directive} · {e.task.path} {e.task.text[:140]}",
                    detail=str(
                        _("%(org)s đề nghị gia hạn đến %(date)s")
                        % {"org": e.organization, "date": e.requested_deadline.strftime("%d/%m/%Y")}
                    ),
                    task=e.task,
                    since=timezone.localdate(e.created_at),
                )
                for e in qs.order_by("created_at", "id")[:limit]
            ]
            sections.append(InboxSection("extensions", str(_("Đề nghị gia hạn chờ quyết định")), count, items))

    def task_title(task) -> str:
        return f"{task.directive.number or task.directive} · {task.path} {task.text[:140]}"

    def task_url(task_id: int, anchor: str = "") -> str:
        return reverse("directives:task_detail", args=[task_id]) + anchor

    def add(code, title, qs, order, make) -> None:
        count = qs.count()
        if count:
            rows = qs.select_related("task", "task__directive").order_by(*order)[:limit]
            sections.append(InboxSection(code, str(title), count, [make(r) for r in rows]))

    if roles.managed or roles.everything:
        add(
            "claims",
            _("Báo cáo hoàn thành chờ xác nhận"),
            _pending_claims(roles).select_related("organization"),
            ("created_at", "id"),
            lambda c: InboxItem(
                url=task_url(c.task_id, "#claim-h"),
                title=task_title(c.task),
                detail=str(
                    _("%(org)s báo cáo hoàn thành ngày %(date)s, chờ %(n)s ngày")
                    % {
                        "org": c.organization,
                        "date": c.completed_on.strftime("%d/%m/%Y"),
                        "n": (today - timezone.localdate(c.created_at)).days,
                    }
                ),
                task=c.task,
                since=timezone.localdate(c.created_at),
            ),
        )
        add(
            "answers",
            _("Giải trình đã nhận, chờ xem"),
            _answered_explanations(roles).select_related("addressed_to"),
            ("answered_at", "id"),
            lambda x: InboxItem(
                url=task_url(x.task_id, f"#explanation-{x.pk}"),
                title=task_title(x.task),
                detail=str(_("%(org)s đã giải trình") % {"org": x.addressed_to}),
                task=x.task,
                since=timezone.localdate(x.answered_at),
            ),
        )
    if roles.acting:
        add(
            "explanations",
            _("Yêu cầu giải trình gửi đơn vị"),
            _open_explanations(roles),
            ("due_on", "id"),
            lambda x: InboxItem(
                url=task_url(x.task_id, f"#explanation-{x.pk}"),
                title=task_title(x.task),
                detail=str(_("hạn giải trình %(d)s") % {"d": x.due_on.strftime("%d/%m/%Y")}),
                task=x.task,
                since=x.due_on,
            ),
        )
        add(
            "returned",
            _("Báo cáo hoàn thành bị trả lại"),
            _returned_claims(roles),
            ("-decided_at", "id"),
            lambda c: InboxItem(
                url=task_url(c.task_id, "#report-h"),
                title=task_title(c.task),
                detail=str(_("trả lại: %(comment)s") % {"comment": c.comment[:200]}),
                task=c.task,
                since=timezone.localdate(c.decided_at) if c.decided_at else None,
            ),
        )

    task_list_url = reverse("directives:task_list")
    more_urls = {
        "overdue": f"{task_list_url}?standing=overdue&role=lead",
    }
    if len(roles.managed) == 1:
        more_urls["issued_overdue"] = f"{task_list_url}?standing=overdue&issuer={roles.managed[0]}"
    for code, qs in _task_queries(roles, today).items():
        count = qs.count()
        if not count:
            continue
        rows = qs.select_related("directive", "lead").order_by("deadline", "directive_id", "position", "id")[:limit]
        items = [_task_item(t, today) for t in rows]
        if code.startswith("issued"):
            for item, task in zip(items, rows, strict=True):
                item.detail = f"{task.lead or '—'} · {item.detail}"
        sections.append(InboxSection(code, str(TASK_SECTIONS[code]), count, items, more_urls.get(code, "")))
    return sections


@dataclass(frozen=True)
class VerificationBacklog:
    """Reports of "done" waiting for verification among the tasks the user may see."""

    count: int
    oldest_days: int | None


def verification_backlog(user, *, today: date | None = None) -> VerificationBacklog:
    """How many completion reports wait for verification and how long the oldest has waited
    (the dashboard's box); one query."""
    today = today or timezone.localdate()
    agg = models.CompletionClaim.objects.filter(
        state=models.CompletionClaim.State.PENDING, task__in=tasks_visible_to(user).values("pk")
    ).aggregate(count=Count("pk"), first=Min("created_at"))
    if not agg["count"]:
        return VerificationBacklog(0, None)
    return VerificationBacklog(agg["count"], (today - timezone.localdate(agg["first"])).days)
