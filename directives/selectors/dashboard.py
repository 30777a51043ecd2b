"""Dashboard figures: a handful of aggregate queries whose number does not grow with the data.

Every figure is a count of tasks by standing at a cut-off date (`standing.standing_case`: the
one database form of the rule, with each task's state at that date), grouped by
nothing (headline), directive, organization and role, or quarter of deadline. Each query
counts all standings at once with conditional `Count(filter=...)`.

Each cell carries the task-list query parameters that select exactly the tasks behind it
(`Counts.params` + `standing=`; the contract of `directives:task_list`, see filters.py), so a
test can check that every figure equals the length of the list it links to.

Choices: `year` filters by the deadline's year (tasks without a deadline drop out); targets
follow the directives of the filtered tasks; the overdue list holds at most `OVERDUE_LIMIT`
tasks, oldest deadline first.

The quarter view (`by_quarter`, by quarter of deadline) reaches back to the quarter of the oldest
task still open at the cut-off (the first of the overdue list: an open task due before the
cut-off is overdue), at least the last `QUARTERS` quarters and at most `MAX_QUARTERS`; the tasks
due before its first quarter make one more row, `earlier` ("Trước Quý …"), so that an old
backlog is never out of sight and the statement's CASE stays short.

A target's trend (`TargetRow.trend`) is its own last `TREND_POINTS` quarterly snapshots up to
the cut-off's quarter, whenever they were taken; `history` is its snapshots in the quarters of
the quarter view (the columns of the .xlsx).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber

from directives import models
from directives.domain.periods import Period, last_quarters, quarter_of
from directives.domain.status import DUE_SOON, Rates, Standing, rates_from_counts
from directives.selectors.scoping import tasks_visible_to
from directives.selectors.standing import (
    STANDING_CODES,
    due_soon_limit,
    exists_q,
    standing_case,
    standing_filter,
    state_columns,
)

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
    "dashboard_quarters",
    "dashboard_tasks",
    "extended_count",
    "directive_figures",
]

OVERDUE_LIMIT = 50
QUARTERS = 8  # the quarter view shows at least these last quarters...
MAX_QUARTERS = 12  # ...and reaches back to the oldest open task over at most these
TREND_POINTS = 8  # a target's sparkline: its last snapshots
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
        """The rates, made by `domain.status.rates_from_counts` (the one place they are made)."""
        return rates_from_counts(self.by_standing)

    @property
    def counted(self) -> int:
        return self.rates.counted

    @property
    def finished(self) -> int:
        return self.rates.finished

    @property
    def on_time(self) -> int:
        return self.rates.on_time

    @property
    def late(self) -> int:
        return self.rates.late

    @property
    def within(self) -> int:
        return self.get(*WITHIN_CODES)

    @property
    def overdue(self) -> int:
        return self.rates.overdue

    @property
    def no_deadline(self) -> int:
        return self.rates.no_deadline

    @property
    def completion_rate(self) -> float | None:
        return self.rates.completion_rate

    @property
    def on_time_rate(self) -> float | None:
        return self.rates.on_time_rate

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
    history: list[tuple[Period, Decimal | None]]  # the quarter view's quarters, oldest first; None = no snapshot
    trend: list[tuple[Period, Decimal]] = field(default_factory=list)  # its last snapshots, oldest first


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
    due_soon: Counts = field(default_factory=lambda: Counts(by_standing={}))
    earlier: Counts | None = None  # the tasks due before by_quarter's first quarter; None when none

    @property
    def earlier_before(self) -> date | None:
        """The first day of the quarter view: `earlier` holds the tasks due before it."""
        return self.by_quarter[0].period.start if self.by_quarter else None

    @property
    def is_empty(self) -> bool:
        return not self.headline.get(*STANDING_CODES)


def dashboard_quarters(cutoff: date, oldest_open: date | None) -> list[Period]:
    """The quarters of the quarter view, oldest first: from the quarter of `oldest_open` (the
    deadline of the oldest task still open at the cut-off) to the cut-off's, at least `QUARTERS`
    and at most `MAX_QUARTERS` of them."""
    n = QUARTERS
    if oldest_open is not None:
        last, first = quarter_of(cutoff), quarter_of(oldest_open)
        n = (last.year - first.year) * 4 + last.quarter - first.quarter + 1
    return last_quarters(cutoff, min(max(n, QUARTERS), MAX_QUARTERS))


def quarter_rank(quarters: list[Period], *, earlier: bool = False) -> Case:
    """The index in `quarters` of the quarter holding each task's deadline (NULL outside them;
    with `earlier`, -1 before them): date comparisons only, no date arithmetic per row."""
    return Case(
        When(deadline__lt=quarters[0].start, then=Value(-1 if earlier else None)),
        When(deadline__gt=quarters[-1].end, then=Value(None)),
        *(When(deadline__lte=p.end, then=Value(n)) for n, p in enumerate(quarters)),
        default=Value(None),
        output_field=IntegerField(),
    )


def _figure_sql(tasks: QuerySet, cutoff: date, previous_cutoff: date, quarters: list[Period]) -> tuple[str, list]:
    """ONE statement counting `tasks` by standing per directive, lead, deadline quarter and
    supporting body at `cutoff`, and overall at `previous_cutoff`.

    Rows are (kind, key, standing rank, count, due soon among them), kind 0 = directive, 1 = lead,
    2 = quarter (the index in `quarters`, -1 before them), 3 = previous cut-off (key NULL),
    4 = supporting body; a NULL rank (a task that does not count at that cut-off: its directive
    not yet issued, say) is skipped by the caller. The task selection (with the user's
    visibility filter) is the ORM's SQL, used as a subquery. On PostgreSQL the first four are
    one pass over the tasks (GROUPING SETS); elsewhere a UNION ALL over a CTE.
    """
    tasks = tasks.order_by().filter(exists_q(cutoff) | exists_q(previous_cutoff))
    tasks, s = standing_case(tasks, cutoff, ranked=True)
    tasks, sp = standing_case(tasks, previous_cutoff, ranked=True)
    tasks, state = state_columns(tasks, cutoff)
    within = [STANDING_CODES.index(c) for c in (Standing.IN_PROGRESS, Standing.NOT_STARTED)]
    inner = (
        tasks.annotate(
            _q=quarter_rank(quarters, earlier=True), _s=s, _sp=sp, _dl=state["deadline"], _lim=due_soon_limit(cutoff)
        )
        .annotate(_ds=Case(When(Q(_s__in=within, _dl__lte=F("_lim")), then=Value(1)), default=Value(0)))
        .values_list("pk", "directive_id", "lead_id", "_q", "_s", "_sp", "_ds")
    )
    connection = connections[tasks.db]
    sql, params = inner.query.get_compiler(using=tasks.db).as_sql()
    qn = connection.ops.quote_name
    link = qn(models.Task.supporters.through._meta.db_table)
    cols = "pk, d, lead, q, s, sp, ds"
    org, task = qn("organization_id"), qn("task_id")
    support = (
        f"SELECT 4, l.{org}, t.s, COUNT(*), SUM(t.ds) FROM {link} l JOIN t ON t.pk = l.{task} GROUP BY l.{org}, t.s"
    )
    if connection.vendor == "postgresql":
        # The CTE is referenced twice; MATERIALIZED computes each task's standings once (the
        # CASE over the history is the statement's main cost) instead of once per reference:
        # 100,000 tasks in about half the time of two plain scans.
        return (
            f"WITH t({cols}) AS MATERIALIZED ({sql}) "
            "SELECT CASE WHEN GROUPING(d) = 0 THEN 0 WHEN GROUPING(lead) = 0 THEN 1 "
            "WHEN GROUPING(q) = 0 THEN 2 ELSE 3 END, COALESCE(d, lead, q), "
            "CASE WHEN GROUPING(sp) = 0 THEN sp ELSE s END, COUNT(*), SUM(ds) "
            "FROM t GROUP BY GROUPING SETS ((d, s), (lead, s), (q, s), (sp)) "
            f"UNION ALL {support}",
            [*params],
        )
    return (
        f"WITH t({cols}) AS ({sql}) "
        "SELECT 0, d, s, COUNT(*), SUM(ds) FROM t GROUP BY d, s "
        "UNION ALL SELECT 1, lead, s, COUNT(*), SUM(ds) FROM t GROUP BY lead, s "
        "UNION ALL SELECT 2, q, s, COUNT(*), SUM(ds) FROM t GROUP BY q, s "
        "UNION ALL SELECT 3, NULL, sp, COUNT(*), SUM(ds) FROM t GROUP BY sp "
        f"UNION ALL {support}",
        [*params],
    )


def _figure_counts(tasks: QuerySet, cutoff: date, previous_cutoff: date, quarters: list[Period]) -> dict:
    """{kind: {key: {standing code: n}}} from `_figure_sql` (kinds as named there), and under
    kind "due_soon" the number of tasks due soon at the cut-off."""
    out: dict = {kind: {} for kind in range(5)}
    out["due_soon"] = 0
    try:
        sql, params = _figure_sql(tasks, cutoff, previous_cutoff, quarters)
    except EmptyResultSet:  # a filter that can match nothing (a user without organizations)
        return out
    with connections[tasks.db].cursor() as cursor:
        cursor.execute(sql, params)
        for kind, key, s, n, ds in cursor:  # row by row: thousands of rows that need not live together
            if s is not None and kind == 0:
                out["due_soon"] += int(ds or 0)
            if s is not None:
                by = out[kind].setdefault(key, {})
                by[STANDING_CODES[s]] = by.get(STANDING_CODES[s], 0) + n
    return out


def _zero() -> dict[str, int]:
    return dict.fromkeys(STANDING_CODES, 0)


def _sum(groups) -> dict[str, int]:
    total = _zero()
    for by in groups:
        for code, n in by.items():
            total[code] += n
    return total


def directive_label(kinds: Mapping[str, str], kind: str, number: str, title: str) -> str:
    """`str(directive)` from its columns, without a model instance; `kinds` = `kind_labels()`
    (tests/directives/test_dashboard_speed.py checks the two agree)."""
    label = kinds.get(kind, kind)
    return f"{label} {number}".strip() if number else f"{label}: {title[:60]}"


def kind_labels() -> dict[str, str]:
    """The directive kinds' labels in the active language, translated once."""
    return {k: str(v) for k, v in models.Directive.Kind.choices}


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


def extended_count(user, filters: DashboardFilters) -> int:
    """How many of the tasks counted at the cut-off had an extension approved by then."""
    from directives.selectors.standing import day_after

    approved = models.ExtensionRequest.objects.filter(
        state=models.ExtensionRequest.State.APPROVED, decided_at__lt=day_after(filters.cutoff)
    )
    return dashboard_tasks(user, filters).filter(exists_q(filters.cutoff), pk__in=approved.values("task_id")).count()


def top_directive_ids(per_directive: dict[int, dict], limit: int | None) -> list[int]:
    """The `limit` directives with the most overdue tasks (all when `limit` is None): the
    directives the page lists, and whose targets it shows."""
    ids = sorted(per_directive, key=lambda pk: (-per_directive[pk].get(Standing.OVERDUE, 0), pk))
    return ids if limit is None else ids[:limit]


def dashboard_data(user, filters: DashboardFilters, *, target_directives: int | None = None) -> DashboardData:
    """All figures of the dashboard for `user` (7 queries, whatever the data: the overdue list,
    the counting statement, directive and organization names, targets, their snapshots).

    Targets are those of every counted directive, or with `target_directives` of the directives
    with the most overdue tasks only (the page lists 50; the exports take them all).

    Every count comes from one statement (`_figure_sql`: one pass over the tasks plus one over
    the supporting links); the rest are small lookups: directive and organization names,
    targets and their snapshots, the overdue list (read first: its oldest task decides where the
    quarter view starts, `dashboard_quarters`).
    """
    cutoff = filters.cutoff
    base_params = filters.params()
    tasks = dashboard_tasks(user, filters)
    previous_cutoff = quarter_of(cutoff).previous().end

    # 1. The overdue list, oldest deadline first: its first task is the oldest still open, where
    # the quarter view starts.
    overdue = list(
        standing_filter(tasks, cutoff, [Standing.OVERDUE])
        .select_related("directive", "lead")
        .order_by("deadline", "directive_id", "position", "id")[:OVERDUE_LIMIT]
    )
    quarters = dashboard_quarters(cutoff, overdue[0].deadline if overdue else None)

    # 2. Every count, in one statement.
    counts = _figure_counts(tasks, cutoff, previous_cutoff, quarters)
    per_directive, per_lead, per_quarter, per_previous, per_support = (counts[k] for k in range(5))
    headline = Counts(by_standing=_sum(per_directive.values()), params=base_params)
    previous = Counts(
        by_standing={**_zero(), **per_previous.get(None, {})},
        params={**base_params, "cutoff": previous_cutoff.isoformat()},
    )

    # 3-4. Names of the directives and organizations counted.
    directive_info = list(
        models.Directive.objects.filter(pk__in=list(per_directive))
        .order_by("-issued_on", "-id")
        .values_list("id", "number", "title", "kind")
    )
    by_directive = [
        DirectiveRow(
            directive_id=pk,
            number=number,
            title=title,
            kind=kind,
            counts=Counts(by_standing={**_zero(), **per_directive[pk]}, params={**base_params, "directive": str(pk)}),
        )
        for pk, number, title, kind in directive_info
    ]
    org_ids = {pk for pk in per_lead if pk is not None} | set(per_support)
    names = dict(models.Organization.objects.filter(pk__in=org_ids).values_list("id", "name"))
    by_organization = [
        OrganizationRow(
            organization_id=pk,
            name=names[pk],
            role=role,
            counts=Counts(by_standing={**_zero(), **by}, params={**base_params, "org": str(pk), "role": role}),
        )
        for role, groups in (("lead", per_lead), ("support", per_support))
        for pk, by in groups.items()
        if pk is not None
    ]
    by_organization.sort(key=lambda r: (r.name.casefold(), r.role != "lead"))

    # By quarter of deadline, from the oldest open task's quarter up to the cut-off's
    # (`dashboard_quarters`), and the tasks due before them.
    by_quarter = [
        QuarterRow(
            period=p,
            counts=Counts(
                by_standing={**_zero(), **per_quarter.get(n, {})}, params={**base_params, "period": p.code()}
            ),
        )
        for n, p in enumerate(quarters)
    ]
    earlier = None
    if per_quarter.get(-1):
        before = quarters[0].start - timedelta(days=1)
        earlier = Counts(
            by_standing={**_zero(), **per_quarter[-1]}, params={**base_params, "deadline_before": before.isoformat()}
        )

    # 5-6. Targets of the directives counted, with their quarterly snapshots: plain rows, no
    # model instances (there are two per directive: thousands at scale). Each target's last
    # snapshots up to the cut-off's quarter (a window function: at most `keep` rows per target),
    # enough for its trend and for every quarter of the quarter view.
    last = quarters[-1]
    keep = max(len(quarters), TREND_POINTS)
    target_ids = top_directive_ids(per_directive, target_directives)
    snapshots = (
        models.TargetSnapshot.objects.filter(target__directive_id__in=target_ids)
        .filter(Q(year__lt=last.year) | Q(year=last.year, quarter__lte=last.quarter))
        .annotate(
            _n=Window(RowNumber(), partition_by=[F("target_id")], order_by=[F("year").desc(), F("quarter").desc()])
        )
        .filter(_n__lte=keep)
        .values_list("target_id", "year", "quarter", "achieved")
    )
    history: dict[int, dict] = {}
    with connections[snapshots.db].cursor() as cursor:
        if target_ids:
            sql, params = snapshots.query.get_compiler(using=snapshots.db).as_sql()
        else:
            sql, params = "SELECT 1 WHERE 1 = 0", ()
        cursor.execute(sql, params)
        for target_id, year, quarter, achieved in cursor:  # row by row, as above (`keep` per target)
            history.setdefault(target_id, {})[(year, quarter)] = achieved
    kinds = kind_labels()
    labels = {pk: directive_label(kinds, kind, number, title) for pk, number, title, kind in directive_info}
    targets = []
    for pk, directive_id, label, unit, achieved, total in (
        models.Target.objects.filter(directive_id__in=target_ids)
        .order_by("directive_id", "id")
        .values_list("id", "directive_id", "label", "unit", "achieved", "total")
    ):
        by_q = history.get(pk, {})
        targets.append(
            TargetRow(
                target_id=pk,
                directive_id=directive_id,
                directive_label=labels[directive_id],
                label=label,
                unit=unit,
                achieved=achieved,
                total=total,
                percent=float(achieved) * 100 / float(total) if total else None,  # as Target.percent
                history=[(p, by_q.get((p.year, p.quarter))) for p in quarters],
                trend=[(Period(y, quarter=q), by_q[(y, q)]) for y, q in sorted(by_q)[-TREND_POINTS:]],
            )
        )

    # Due soon (Sắp đến hạn): a part of the within-the-deadline tasks, counted by the statement.
    due_soon = Counts(
        by_standing={DUE_SOON: counts["due_soon"]},
        params=base_params,
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
        due_soon=due_soon,
        earlier=earlier,
    )


@dataclass(frozen=True)
class DirectiveFigures:
    counts: Counts
    targets: list[models.Target]


def directive_figures(user, directive: models.Directive, *, cutoff: date) -> DirectiveFigures:
    """One directive's counts by standing at `cutoff` (one aggregate query) and its targets."""
    qs, standing = standing_case(tasks_visible_to(user).filter(directive=directive), cutoff)
    rows = qs.order_by().annotate(_s=standing).values_list("_s").annotate(n=Count("pk"))
    params = {"cutoff": cutoff.isoformat(), "directive": str(directive.pk)}
    by = {code: n for code, n in rows if code is not None}
    return DirectiveFigures(
        counts=Counts(by_standing={**_zero(), **by}, params=params), targets=list(directive.targets.order_by("id"))
    )
