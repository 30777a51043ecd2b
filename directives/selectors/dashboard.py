"""Dashboard figures: a handful of aggregate queries whose number does not grow with the data.

Every figure is a count of tasks by standing at a cut-off date (`standing_q`), grouped by
nothing (headline), directive, organization and role, or quarter of deadline. Each query
counts all standings at once with conditional `Count(filter=...)`.

Each cell carries the task-list query parameters that select exactly the tasks behind it
(`Counts.params` + `standing=`; the contract of `directives:task_list`, see filters.py), so a
test can check that every figure equals the length of the list it links to.

Choices: `year` filters by the deadline's year (tasks without a deadline drop out); targets
follow the directives of the filtered tasks; the overdue list holds at most `OVERDUE_LIMIT`
tasks, oldest deadline first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractQuarter, ExtractYear

from directives import models
from directives.domain.periods import Period, last_quarters, quarter_of
from directives.domain.status import Rates, Standing, rate
from directives.selectors.scoping import tasks_visible_to
from directives.selectors.standing import STANDING_CHOICES, standing_q

__all__ = [
    "OVERDUE_LIMIT",
    "STANDING_CODES",
    "Counts",
    "DashboardData",
    "DashboardFilters",
    "DirectiveFigures",
    "DirectiveRow",
    "OrganizationRow",
    "QuarterRow",
    "TargetRow",
    "dashboard_data",
    "dashboard_tasks",
    "directive_figures",
]

OVERDUE_LIMIT = 50
QUARTERS = 8
STANDING_CODES = [code for code, _label in STANDING_CHOICES]
COUNTED_CODES = [c for c in STANDING_CODES if c != Standing.CANCELLED]
FINISHED_CODES = [Standing.DONE_ON_TIME.value, Standing.DONE_LATE.value]
WITHIN_CODES = [Standing.IN_PROGRESS.value, Standing.NOT_STARTED.value]


@dataclass(frozen=True)
class DashboardFilters:
    """What the dashboard counts: tasks at `cutoff`, of directives of `issuer` / `kind`,
    with a deadline in `year`."""

    cutoff: date
    issuer: int | None = None
    kind: str = ""
    year: int | None = None

    def params(self) -> dict[str, str]:
        """The task-list parameters of these filters."""
        out = {"cutoff": self.cutoff.isoformat()}
        if self.issuer:
            out["issuer"] = str(self.issuer)
        if self.kind:
            out["kind"] = self.kind
        if self.year:
            out["year"] = str(self.year)
        return out


@dataclass(frozen=True)
class Counts:
    """Task counts by standing, and the task-list parameters selecting those tasks."""

    by_standing: dict[str, int]
    params: dict[str, str] = field(default_factory=dict)

    def get(self, *codes: str) -> int:
        return sum(self.by_standing.get(c, 0) for c in codes)

    @property
    def rates(self) -> Rates:
        s = self.by_standing
        on_time, late = s.get("done_on_time", 0), s.get("done_late", 0)
        return Rates(
            counted=self.get(*COUNTED_CODES),
            finished=on_time + late,
            on_time=on_time,
            late=late,
            in_progress=s.get("in_progress", 0),
            not_started=s.get("not_started", 0),
            overdue=s.get("overdue", 0),
            no_deadline=s.get("no_deadline", 0),
            cancelled=s.get("cancelled", 0),
        )

    @property
    def counted(self) -> int:
        return self.get(*COUNTED_CODES)

    @property
    def finished(self) -> int:
        return self.get(*FINISHED_CODES)

    @property
    def on_time(self) -> int:
        return self.get("done_on_time")

    @property
    def late(self) -> int:
        return self.get("done_late")

    @property
    def within(self) -> int:
        return self.get(*WITHIN_CODES)

    @property
    def overdue(self) -> int:
        return self.get("overdue")

    @property
    def no_deadline(self) -> int:
        return self.get("no_deadline")

    @property
    def completion_rate(self) -> float | None:
        return rate(self.finished, self.counted)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.on_time, self.finished)

    def link_params(self, *codes: str) -> list[tuple[str, str]]:
        """Query parameters (as pairs: `standing` repeats) for the tasks of `codes` in this cell."""
        return list(self.params.items()) + [("standing", c) for c in codes]


@dataclass(frozen=True)
class DirectiveRow:
    directive_id: int
    number: str
    title: str
    kind: str
    counts: Counts


@dataclass(frozen=True)
class OrganizationRow:
    organization_id: int
    name: str
    role: str  # "lead" | "support"
    counts: Counts


@dataclass(frozen=True)
class QuarterRow:
    period: Period
    counts: Counts


@dataclass(frozen=True)
class TargetRow:
    target_id: int
    directive_id: int
    directive_label: str
    label: str
    unit: str
    achieved: Decimal
    total: Decimal
    percent: float | None
    history: list[tuple[Period, Decimal | None]]  # the last quarters, oldest first; None = no snapshot


@dataclass(frozen=True)
class DashboardData:
    filters: DashboardFilters
    previous_cutoff: date
    headline: Counts
    previous: Counts
    by_directive: list[DirectiveRow]
    by_organization: list[OrganizationRow]
    by_quarter: list[QuarterRow]
    targets: list[TargetRow]
    overdue: list[models.Task]

    @property
    def is_empty(self) -> bool:
        return not self.headline.get(*STANDING_CODES)


def _count_aggregates(cutoff: date, prefix: str = "", key: str = "") -> dict[str, Count]:
    """One conditional count per standing code, named `<key><code>`."""
    pk = f"{prefix}pk" if prefix else "pk"
    return {f"{key}{code}": Count(pk, filter=standing_q(cutoff, code, prefix)) for code in STANDING_CODES}


def _counts(row: Mapping, params: dict[str, str], key: str = "") -> Counts:
    return Counts(by_standing={c: row.get(f"{key}{c}") or 0 for c in STANDING_CODES}, params=params)


def dashboard_tasks(user, filters: DashboardFilters) -> QuerySet[models.Task]:
    """The tasks the dashboard counts: visible to `user`, narrowed by `filters`."""
    qs = tasks_visible_to(user)
    if filters.issuer:
        qs = qs.filter(directive__issuer_id=filters.issuer)
    if filters.kind:
        qs = qs.filter(directive__kind=filters.kind)
    if filters.year:
        qs = qs.filter(deadline__year=filters.year)
    return qs


def dashboard_data(user, filters: DashboardFilters) -> DashboardData:
    """All figures of the dashboard for `user` (7 queries, whatever the data)."""
    cutoff = filters.cutoff
    base_params = filters.params()
    tasks = dashboard_tasks(user, filters)
    previous_cutoff = quarter_of(cutoff).previous().end

    # 1. By directive, at the cut-off and at the end of the previous quarter; the headline is
    # the sum of these rows (each task belongs to one directive), which saves a scan.
    directive_values = list(
        tasks.order_by()
        .values("directive_id", "directive__number", "directive__title", "directive__kind")
        .annotate(**_count_aggregates(cutoff), **_count_aggregates(previous_cutoff, key="prev_"))
        .order_by("-directive__issued_on", "-directive_id")
    )
    totals = {f"{key}{c}": 0 for key in ("", "prev_") for c in STANDING_CODES}
    for row in directive_values:
        for name in totals:
            totals[name] += row[name]
    headline = _counts(totals, base_params)
    previous = _counts(totals, {**base_params, "cutoff": previous_cutoff.isoformat()}, "prev_")
    by_directive = [
        DirectiveRow(
            directive_id=row["directive_id"],
            number=row["directive__number"],
            title=row["directive__title"],
            kind=row["directive__kind"],
            counts=_counts(row, {**base_params, "directive": str(row["directive_id"])}),
        )
        for row in directive_values
    ]

    # 2. By organization, as lead (chủ trì) ...
    by_organization = [
        OrganizationRow(
            organization_id=row["lead_id"],
            name=row["lead__name"],
            role="lead",
            counts=_counts(row, {**base_params, "org": str(row["lead_id"]), "role": "lead"}),
        )
        for row in tasks.filter(lead__isnull=False)
        .order_by()
        .values("lead_id", "lead__name")
        .annotate(**_count_aggregates(cutoff))
    ]
    # 3. ... and as supporting body (phối hợp), counted over the task-organization link table.
    links = models.Task.supporters.through.objects.filter(task__in=tasks.order_by().values("pk"))
    by_organization += [
        OrganizationRow(
            organization_id=row["organization_id"],
            name=row["organization__name"],
            role="support",
            counts=_counts(row, {**base_params, "org": str(row["organization_id"]), "role": "support"}),
        )
        for row in links.order_by()
        .values("organization_id", "organization__name")
        .annotate(**_count_aggregates(cutoff, prefix="task__"))
    ]
    by_organization.sort(key=lambda r: (r.name.casefold(), r.role != "lead"))

    # 4. By quarter of deadline, the last QUARTERS quarters up to the cut-off's.
    quarters = last_quarters(cutoff, QUARTERS)
    per_quarter = {
        (row["y"], row["q"]): row
        for row in tasks.filter(deadline__range=(quarters[0].start, quarters[-1].end))
        .order_by()
        .annotate(y=ExtractYear("deadline"), q=ExtractQuarter("deadline"))
        .values("y", "q")
        .annotate(**_count_aggregates(cutoff))
    }
    by_quarter = [
        QuarterRow(
            period=p, counts=_counts(per_quarter.get((p.year, p.quarter), {}), {**base_params, "period": p.code()})
        )
        for p in quarters
    ]

    # 5-6. Targets of the directives counted, with their quarterly snapshots (one prefetch).
    first = quarters[0]
    snapshots = models.TargetSnapshot.objects.filter(
        Q(year__gt=first.year) | Q(year=first.year, quarter__gte=first.quarter)
    ).filter(Q(year__lt=cutoff.year) | Q(year=cutoff.year, quarter__lte=quarters[-1].quarter))
    target_qs = (
        models.Target.objects.filter(directive__in=tasks.order_by().values("directive_id"))
        .select_related("directive")
        .prefetch_related(Prefetch("snapshots", queryset=snapshots.order_by("year", "quarter"), to_attr="recent"))
        .order_by("directive_id", "id")
    )
    targets = []
    for t in target_qs:
        by_q = {(s.year, s.quarter): s.achieved for s in t.recent}
        targets.append(
            TargetRow(
                target_id=t.pk,
                directive_id=t.directive_id,
                directive_label=str(t.directive),
                label=t.label,
                unit=t.unit,
                achieved=t.achieved,
                total=t.total,
                percent=t.percent,
                history=[(p, by_q.get((p.year, p.quarter))) for p in quarters],
            )
        )

    # 7. The overdue list, oldest deadline first.
    overdue = list(
        tasks.filter(standing_q(cutoff, Standing.OVERDUE))
        .select_related("directive", "lead")
        .order_by("deadline", "directive_id", "position", "id")[:OVERDUE_LIMIT]
    )
    return DashboardData(
        filters=filters,
        previous_cutoff=previous_cutoff,
        headline=headline,
        previous=previous,
        by_directive=by_directive,
        by_organization=by_organization,
        by_quarter=by_quarter,
        targets=targets,
        overdue=overdue,
    )


@dataclass(frozen=True)
class DirectiveFigures:
    counts: Counts
    targets: list[models.Target]


def directive_figures(user, directive: models.Directive, *, cutoff: date) -> DirectiveFigures:
    """One directive's counts by standing at `cutoff` (one aggregate query) and its targets."""
    row = tasks_visible_to(user).filter(directive=directive).aggregate(**_count_aggregates(cutoff))
    params = {"cutoff": cutoff.isoformat(), "directive": str(directive.pk)}
    return DirectiveFigures(counts=_counts(row, params), targets=list(directive.targets.order_by("id")))
