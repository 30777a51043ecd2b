"""Reads of the staff UI: the scoped, filtered task list, the home page groups, a task's
place in its directive and its timeline, a directive's rates.

Accent-insensitive search ("ke hoach" finds "kế hoạch") looks in `Task.search_text`, the
task's path and text folded by `domain.text.fold_text` when the task is saved, plus the
directive's number: a plain LIKE on a stored column (folding 100k texts in SQL at every
search took seconds).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from directives import models
from directives.domain.periods import Period
from directives.domain.status import Rates, Standing, rates_of
from directives.domain.text import fold_text
from directives.selectors.scoping import directives_visible_to, tasks_visible_to, user_organization_ids, user_roles
from directives.selectors.standing import STANDING_CHOICES, exists_q, standing_filter, with_standing

__all__ = [
    "SORTS",
    "HomeGroup",
    "TaskTree",
    "TimelineEntry",
    "directive_list_for",
    "directive_rates",
    "directive_task_rows",
    "followed_task_ids",
    "followed_tasks",
    "with_followed",
    "saved_views",
    "fold_text",
    "home_groups",
    "task_list",
    "task_timeline",
    "task_tree",
    "my_organization_ids",
    "organizations_in_view",
    "user_roles",
    "visible_directives",
    "visible_tasks",
]


# The scoping rules live in selectors.scoping; these names are kept for the callers here.
my_organization_ids = user_organization_ids
visible_tasks = tasks_visible_to
visible_directives = directives_visible_to


def organizations_in_view(user) -> QuerySet[models.Organization]:
    """The organizations a user's lists may be filtered by: their own, and those that lead,
    support or issued a task they may see (everyone's, for a superuser)."""
    qs = models.Organization.objects.filter(is_active=True).order_by("name")
    if user.is_superuser:
        return qs
    tasks = visible_tasks(user)
    supported = models.Task.supporters.through.objects.filter(task__in=tasks.values("pk")).values("organization_id")
    return qs.filter(
        Q(pk__in=my_organization_ids(user))
        | Q(pk__in=tasks.values("lead_id"))
        | Q(pk__in=tasks.values("directive__issuer_id"))
        | Q(pk__in=supported)
    )


SORTS = {
    "deadline": (F("deadline").asc(nulls_last=True), "directive_id", "position", "id"),
    "path": ("directive_id", "position", "id"),
    "directive": ("directive__number", "directive_id", "position", "id"),
    "lead": ("lead__name", F("deadline").asc(nulls_last=True), "id"),
    "status": ("status", F("deadline").asc(nulls_last=True), "id"),
}


def _order(sort: str) -> list:
    key = (sort or "deadline").lstrip("-")
    order = list(SORTS.get(key, SORTS["deadline"]))
    if sort.startswith("-"):
        first = order[0]
        if isinstance(first, str):
            order[0] = F(first).desc(nulls_last=True)
        else:
            order[0] = F(first.expression.name).desc(nulls_last=True)
    return order


def task_list(
    user,
    *,
    directive: models.Directive | int | None = None,
    org: models.Organization | int | None = None,
    role: str = "",
    standings: list[str] | None = None,
    cutoff: date | None = None,
    period: Period | None = None,
    deadline_after: date | None = None,
    deadline_before: date | None = None,
    overdue: bool = False,
    issuer: models.Organization | int | None = None,
    kind: str = "",
    year: int | None = None,
    q: str = "",
    sort: str = "deadline",
    followed: bool = False,
    as_of: bool | None = None,
) -> QuerySet[models.Task]:
    """The tasks the user may read, filtered, annotated with `standing` at `cutoff` (today by
    default), with directive, issuer, lead and supporters loaded in a fixed number of queries.

    With a `cutoff` or a standing filter, only the tasks that count at the cut-off are listed (the
    dashboard's figures link here: each must equal the length of its list); without, every task,
    its standing NULL when it does not count today (a directive dated in the future)."""
    if as_of is None:
        as_of = cutoff is not None or bool(standings) or overdue
    cutoff = cutoff or timezone.localdate()
    qs = visible_tasks(user)
    pk = getattr
    if directive:
        qs = qs.filter(directive_id=pk(directive, "pk", directive))
    if followed:
        qs = qs.filter(pk__in=models.TaskFollow.objects.filter(user=user).values("task_id"))
    if org == "mine":
        # "Đơn vị tôi": the tasks the user's organizations lead (role=lead), support, or either.
        org = None
        role = role or "any"
    org_id = pk(org, "pk", org) if org else None
    if org_id:
        if role == "lead":
            qs = qs.filter(lead_id=org_id)
        elif role == "support":
            qs = qs.filter(supporters__id=org_id)
        else:
            qs = qs.filter(
                Q(lead_id=org_id)
                | Q(pk__in=models.Task.supporters.through.objects.filter(organization_id=org_id).values("task_id"))
            )
    elif role in ("lead", "support", "any"):
        mine = my_organization_ids(user)
        supported = models.Task.supporters.through.objects.filter(organization_id__in=mine).values("task_id")
        if role == "lead":
            qs = qs.filter(lead_id__in=mine)
        elif role == "support":
            qs = qs.filter(pk__in=supported)
        else:
            qs = qs.filter(Q(lead_id__in=mine) | Q(pk__in=supported))
    if as_of:
        qs = qs.filter(exists_q(cutoff))
    if standings:
        qs = standing_filter(qs, cutoff, standings)
    if overdue:
        qs = standing_filter(qs, cutoff, [Standing.OVERDUE], name="overdue")
    if period:
        qs = qs.filter(deadline__gte=period.start, deadline__lte=period.end)
    if deadline_after:
        qs = qs.filter(deadline__gte=deadline_after)
    if deadline_before:
        qs = qs.filter(deadline__lte=deadline_before)
    if issuer:
        qs = qs.filter(directive__issuer_id=pk(issuer, "pk", issuer))
    if kind:
        qs = qs.filter(directive__kind=kind)
    if year:
        qs = qs.filter(deadline__year=year)
    if q and q.strip():
        for word in fold_text(q).split():
            qs = qs.filter(Q(search_text__contains=word) | Q(directive__number__icontains=word))
    qs = with_standing(qs, cutoff).select_related("directive", "directive__issuer", "lead")
    qs = qs.prefetch_related(
        Prefetch("supporters", queryset=models.Organization.objects.only("id", "name", "short_name"))
    )
    return qs.order_by(*_order(sort))


@dataclass
class HomeGroup:
    code: str
    label: str
    tasks: list = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.tasks)


HOME_ORDER = ["overdue", "in_progress", "not_started", "no_deadline", "done_late", "done_on_time", "cancelled"]


def home_groups(user, *, cutoff: date | None = None, limit: int = 200) -> list[HomeGroup]:
    """The tasks the user's organizations lead or support, grouped by standing at `cutoff`
    (overdue first), due soonest first inside each group."""
    cutoff = cutoff or timezone.localdate()
    mine = my_organization_ids(user)
    supported = models.Task.supporters.through.objects.filter(organization_id__in=mine).values("task_id")
    qs = task_list(user, cutoff=cutoff).filter(Q(lead_id__in=mine) | Q(pk__in=supported))
    labels = dict(STANDING_CHOICES)
    groups = {code: HomeGroup(code=code, label=str(labels[code])) for code in HOME_ORDER}
    for task in qs[: limit * 4]:
        group = groups[task.standing]
        if len(group.tasks) < limit:
            group.tasks.append(task)
    return [g for g in groups.values() if g.tasks]


@dataclass
class TaskTree:
    parent: models.Task | None
    siblings: list[models.Task]
    children: list[models.Task]


def task_tree(user, task: models.Task) -> TaskTree:
    """The task's place in its directive's numbering: parent, siblings and children, among the
    tasks the user may open (another body's sibling is not shown, not even its text)."""
    near = list(
        tasks_visible_to(user)
        .filter(directive_id=task.directive_id)
        .filter(Q(pk=task.parent_id) | Q(parent_id=task.parent_id) | Q(parent_id=task.pk))
        .only("id", "path", "text", "parent_id", "position")
        .order_by("position", "id")
    )
    parent = next((t for t in near if t.pk == task.parent_id), None)
    siblings = [t for t in near if t.parent_id == task.parent_id and t.pk != task.pk]
    children = [t for t in near if t.parent_id == task.pk]
    return TaskTree(parent=parent, siblings=siblings, children=children)


@dataclass
class TimelineEntry:
    at: object
    kind: str  # report, extension, claim, explanation, event, notification
    obj: object


def task_timeline(user, task: models.Task) -> list[TimelineEntry]:
    """Everything that happened to a task, newest first: reports with their files, extension
    requests, completion claims, requests for explanation with their answers, events (edits,
    decisions, target updates) and the notifications sent."""
    reports = task.reports.select_related("author", "organization").prefetch_related("files")
    extensions = task.extensions.select_related("requested_by", "decided_by", "organization")
    claims = task.claims.select_related("author", "decided_by", "organization").prefetch_related("files")
    explanations = task.explanations.select_related(
        "asked_by", "answered_by", "organization", "addressed_to"
    ).prefetch_related("files")
    skip = [
        models.TaskEvent.Kind.REPORTED,
        models.TaskEvent.Kind.EXTENSION_REQUESTED,
        models.TaskEvent.Kind.COMPLETION_CLAIMED,
        models.TaskEvent.Kind.EXPLANATION_REQUESTED,
        models.TaskEvent.Kind.EXPLANATION_ANSWERED,
    ]
    events = task.events.exclude(kind__in=skip).select_related("actor")
    notes = task.notifications.all()
    entries = [TimelineEntry(r.created_at, "report", r) for r in reports]
    entries += [TimelineEntry(e.created_at, "extension", e) for e in extensions]
    entries += [TimelineEntry(c.created_at, "claim", c) for c in claims]
    entries += [TimelineEntry(x.created_at, "explanation", x) for x in explanations]
    entries += [TimelineEntry(e.created_at, "event", e) for e in events]
    entries += [TimelineEntry(n.sent_at or n.created_at, "notification", n) for n in notes]
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries


def directive_list_for(user, *, q: str = "") -> QuerySet[models.Directive]:
    qs = visible_directives(user).select_related("issuer")
    if q and q.strip():
        for word in fold_text(q).split():
            qs = qs.filter(search_text__contains=word)
    return qs.order_by("-issued_on", "-id")


def directive_task_rows(user, directive: models.Directive, *, cutoff: date | None = None) -> list[models.Task]:
    """The directive's tasks the user may read, in numbering order, with their standing (NULL
    for every task while the directive's issue date is still to come: nothing to count yet)."""
    cutoff = cutoff or timezone.localdate()
    return list(task_list(user, directive=directive, cutoff=cutoff, sort="path", as_of=False))


def directive_rates(tasks: list[models.Task]) -> Rates:
    return rates_of(t.standing for t in tasks if t.standing is not None)


def followed_tasks(user, *, cutoff: date | None = None) -> QuerySet[models.Task]:
    """The tasks the user follows and may still see (as `task_list` rows, due soonest first).
    Reminder digests and the inbox may include them too."""
    if not user.is_authenticated:
        return models.Task.objects.none()
    followed = models.TaskFollow.objects.filter(user=user).values("task_id")
    return task_list(user, cutoff=cutoff).filter(pk__in=followed)


def with_followed(qs: QuerySet[models.Task], user) -> QuerySet[models.Task]:
    """Annotate `is_followed` (whether the user follows each task) in the same query."""
    return qs.annotate(is_followed=Exists(models.TaskFollow.objects.filter(user=user, task_id=OuterRef("pk"))))


def followed_task_ids(user, task_ids) -> set[int]:
    """Which of these tasks the user follows (one query for a page of the list)."""
    if not user.is_authenticated:
        return set()
    return set(
        models.TaskFollow.objects.filter(user=user, task_id__in=list(task_ids)).values_list("task_id", flat=True)
    )


def saved_views(user) -> QuerySet[models.SavedView]:
    if not user.is_authenticated:
        return models.SavedView.objects.none()
    return models.SavedView.objects.filter(user=user).order_by("name", "id")
