"""The database form of the standing rule (`directives.domain.status`): one SQL CASE.

Everything that counts or filters tasks by standing in SQL goes through here: the task list and
its filters, the dashboard and its exports, the directive page, the admin's rate columns, the
reminder sweep's open tasks and the benchmark's floor. tests/directives/test_standing_property.py
checks, with hypothesis, that this CASE gives what `domain.status` gives on random tasks,
histories and cut-offs, on SQLite and PostgreSQL.

The truth as of a date C, in SQL:

- which tasks count (`exists_q`): directive issued on or before C (or without an issue date),
  task added by C and not retired by C;
- a task's state at C: the state kept by the first change made after the day C
  (`models.TaskChange`, joined with a `FilteredRelation` on one indexed condition), else its
  current columns. A cut-off of today or later needs no join;
- the standing: `standing_case`, one nested CASE over those columns, NULL for a task that does
  not count at C. `ranked=True` gives the index in `STANDING_CODES` (the dashboard's compact
  form), else the code.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db.models import (
    Case,
    CharField,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives.domain.status import DUE_SOON, DUE_SOON_DAYS, WITHIN, Standing

__all__ = [
    "DUE_SOON_CHOICE",
    "STANDING_CHOICES",
    "STANDING_CODES",
    "as_of",
    "day_after",
    "due_soon_q",
    "exists_q",
    "standing_case",
    "standing_filter",
    "standing_q",
    "with_standing",
]

STANDING_CHOICES = [
    (Standing.DONE_ON_TIME.value, _("Hoàn thành đúng hạn")),
    (Standing.DONE_LATE.value, _("Hoàn thành quá hạn")),
    (Standing.IN_PROGRESS.value, _("Đang thực hiện trong hạn")),
    (Standing.NOT_STARTED.value, _("Chưa thực hiện")),
    (Standing.OVERDUE.value, _("Quá hạn chưa hoàn thành")),
    (Standing.NO_DEADLINE.value, _("Không có thời hạn")),
    (Standing.CANCELLED.value, _("Tạm dừng / Hủy")),
]
STANDING_CODES = [code for code, _label in STANDING_CHOICES]
# The list filter's extra choice: a part of "within the deadline", not a cell of the table.
DUE_SOON_CHOICE = (DUE_SOON, _("Sắp đến hạn"))

STATE_FIELDS = ("status", "progress", "completed_on", "deadline", "completion_deadline")


def day_after(cutoff: date) -> datetime:
    """The first moment after the day `cutoff`, in the active time zone: a change made at or
    after it was made after the cut-off."""
    return timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time.min))


def needs_history(cutoff: date) -> bool:
    """Whether a change can have been made after the day `cutoff` (no change is made in the future)."""
    return cutoff < timezone.localdate()


def _task_has_field(name: str) -> bool:
    from directives import models

    return any(f.name == name for f in models.Task._meta.get_fields())


def exists_q(cutoff: date, prefix: str = "") -> Q:
    """The tasks that count at `cutoff` (`domain.status.exists_at`): directive issued on or before
    it (or undated), task added by then (NULL: with its directive) and not retired by then."""
    p = prefix
    q = Q(**{f"{p}directive__issued_on__lte": cutoff}) | Q(**{f"{p}directive__issued_on__isnull": True})
    if _task_has_field("added_on"):
        q &= Q(**{f"{p}added_on__isnull": True}) | Q(**{f"{p}added_on__lte": cutoff})
    if _task_has_field("retired_on"):
        q &= Q(**{f"{p}retired_on__isnull": True}) | Q(**{f"{p}retired_on__gt": cutoff})
    return q


def _branches(cols: dict[str, str], cutoff: date) -> list[tuple[Q, Standing]]:
    """`domain.status.standing_at` over the state columns `cols` (field name -> column path), as
    its ordered branches: the first condition that holds gives the standing; none: in progress.
    `_rank` writes them as one CASE, `_branch_q` as plain conditions the planner can estimate."""
    status, completed, deadline = cols["status"], cols["completed_on"], cols["deadline"]
    due = Coalesce(F(cols["completion_deadline"]), F(deadline))
    done = Q(**{status: "done", f"{completed}__lte": cutoff})
    on_time = Q(**{f"{cols['completion_deadline']}__isnull": True, f"{deadline}__isnull": True}) | Q(
        LessThanOrEqual(F(completed), due)
    )
    return [
        (Q(**{status: "cancelled"}), Standing.CANCELLED),
        (done & on_time, Standing.DONE_ON_TIME),
        (done, Standing.DONE_LATE),
        (Q(**{f"{deadline}__isnull": True}), Standing.NO_DEADLINE),
        (Q(**{f"{deadline}__lt": cutoff}), Standing.OVERDUE),
        (Q(**{status: "not_started", cols["progress"]: 0}), Standing.NOT_STARTED),
    ]


def _rank(cols: dict[str, str], cutoff: date, out: dict[str, Value]) -> Case:
    """The standing rule over the state columns `cols` as one CASE (`out`: the value per standing)."""
    return Case(
        *(When(cond, then=out[standing]) for cond, standing in _branches(cols, cutoff)),
        default=out[Standing.IN_PROGRESS],
    )


def _branch_q(cols: dict[str, str], cutoff: date, codes) -> Q:
    """The tasks whose standing (over `cols`) is one of `codes`, as a disjunction of the rule's
    branches, each with the negation of the branches before it: what the CASE says, in a form
    whose selectivity the planner can estimate from column statistics (so "overdue, by deadline"
    walks the deadline index and stops at a page instead of scanning a million rows)."""
    wanted = set(codes)
    before = Q()
    out = Q(pk__in=[])
    for cond, standing in _branches(cols, cutoff):
        if standing.value in wanted:
            out |= before & cond
        before &= ~cond
    if Standing.IN_PROGRESS.value in wanted:
        out |= before
    return out


def _history_alias(cutoff: date) -> str:
    return f"_hist_{cutoff:%Y%m%d}"


def _with_history(qs: QuerySet, cutoff: date, prefix: str) -> tuple[QuerySet, str | None]:
    """Join each task's first change made after the day `cutoff` (at most one row per task)."""
    if not needs_history(cutoff):
        return qs, None
    alias = _history_alias(cutoff)
    if alias not in qs.query.annotations and alias not in qs.query._filtered_relations:
        after = day_after(cutoff)
        rel = f"{prefix}changes"
        qs = qs.alias(
            **{
                alias: FilteredRelation(
                    rel,
                    condition=Q(**{f"{rel}__made_at__gte": after})
                    & (Q(**{f"{rel}__previous_at__lt": after}) | Q(**{f"{rel}__previous_at__isnull": True})),
                )
            }
        )
    return qs, alias


def state_columns(qs: QuerySet, cutoff: date, prefix: str = "") -> tuple[QuerySet, dict[str, object]]:
    """Each state field's value at `cutoff` as an expression (and the queryset with its join)."""
    qs, alias = _with_history(qs, cutoff, prefix)
    if alias is None:
        return qs, {f: F(f"{prefix}{f}") for f in STATE_FIELDS}
    return qs, {
        f: Case(When(**{f"{alias}__id__isnull": True}, then=F(f"{prefix}{f}")), default=F(f"{alias}__{f}"))
        for f in STATE_FIELDS
    }


def standing_case(qs: QuerySet, cutoff: date, *, prefix: str = "", ranked: bool = False) -> tuple[QuerySet, Case]:
    """The standing at `cutoff` of each task of `qs` (`prefix`: the path to the task from the
    queried model), as a code or, `ranked`, as its index in `STANDING_CODES`; NULL for a task
    that does not count at `cutoff`. Returns the queryset (with the history join it needs) and
    the expression."""
    if ranked:
        out = {Standing(c): Value(i) for i, c in enumerate(STANDING_CODES)}
        field = IntegerField()
    else:
        out = {Standing(c): Value(c) for c in STANDING_CODES}
        field = CharField()
    p = prefix
    current = _rank({f: f"{p}{f}" for f in STATE_FIELDS}, cutoff, out)
    qs, alias = _with_history(qs, cutoff, prefix)
    if alias is None:
        standing = current
    else:
        past = _rank({f: f"{alias}__{f}" for f in STATE_FIELDS}, cutoff, out)
        standing = Case(When(**{f"{alias}__id__isnull": True}, then=current), default=past)
    return qs, Case(When(exists_q(cutoff, prefix), then=standing), default=Value(None), output_field=field)


def due_soon_limit(cutoff: date, prefix: str = "") -> Case:
    """The last day "due soon" reaches at `cutoff`: cutoff + the issuing organization's
    `due_soon_days` (7 without an issuer). A CASE over the field's fixed choices: no lookup."""
    from directives.models import DUE_SOON_CHOICES

    days = f"{prefix}directive__issuer__due_soon_days"
    return Case(
        *(When(**{days: n}, then=Value(cutoff + timedelta(days=n))) for n in DUE_SOON_CHOICES),
        default=Value(cutoff + timedelta(days=DUE_SOON_DAYS)),
    )


def standing_filter(qs: QuerySet, cutoff: date, codes, *, name: str = "standing") -> QuerySet:
    """`qs` narrowed to the tasks whose standing at `cutoff` is one of `codes` (standing codes,
    or "due_soon": within the deadline and due by `due_soon_limit`)."""
    codes = set(codes)
    if not needs_history(cutoff):
        # Today or later: the current columns are the state; plain conditions, no CASE.
        cond = standing_q(cutoff, *codes)
        if DUE_SOON in codes:
            cond |= due_soon_q(cutoff)
        return qs.filter(cond)
    qs, standing = standing_case(qs, cutoff)
    qs = qs.alias(**{f"_{name}_f": standing})
    cond = Q(**{f"_{name}_f__in": [c for c in codes if c in STANDING_CODES]})
    if DUE_SOON in codes:
        qs, state = state_columns(qs, cutoff)
        qs = qs.alias(**{f"_{name}_dl": state["deadline"], f"_{name}_lim": due_soon_limit(cutoff)})
        cond |= Q(**{f"_{name}_f__in": [s.value for s in WITHIN], f"_{name}_dl__lte": F(f"_{name}_lim")})
    return qs.filter(cond)


def standing_q(cutoff: date, *codes: str, prefix: str = "") -> Q:
    """A Q for the tasks whose standing at `cutoff` is one of `codes`, to combine with other
    conditions: the rule's branches (`_branch_q`) over the tasks' *current* state, exact for a
    cut-off of today or later (the inbox, "what is due now", the task list's current filters); for
    the truth at a past date, with the history, use `standing_filter` or `standing_case`."""
    cols = {f: f"{prefix}{f}" for f in STATE_FIELDS}
    return exists_q(cutoff, prefix) & _branch_q(cols, cutoff, [c for c in codes if c in STANDING_CODES])


def due_soon_q(cutoff: date, prefix: str = "") -> Q:
    """A Q for the tasks due soon at `cutoff` (current state, as `standing_q`): within the
    deadline, due by `due_soon_limit` (the issuer's `due_soon_days`)."""
    from directives.models import DUE_SOON_CHOICES

    within = standing_q(cutoff, *[s.value for s in WITHIN], prefix=prefix)
    # The bounds any issuer's setting allows, as plain conditions the deadline index serves.
    window = Q(**{f"{prefix}deadline__lte": cutoff + timedelta(days=max(DUE_SOON_CHOICES))})
    return within & window & Q(LessThanOrEqual(F(f"{prefix}deadline"), due_soon_limit(cutoff, prefix)))


def with_standing(qs: QuerySet, cutoff: date) -> QuerySet:
    """Annotate a Task queryset with `standing` (code, NULL when not counted) at `cutoff`."""
    qs, standing = standing_case(qs, cutoff)
    return qs.annotate(standing=standing)


def as_of(qs: QuerySet, cutoff: date) -> QuerySet:
    """The tasks of `qs` that count at `cutoff`, annotated with their `standing` there."""
    return with_standing(qs.filter(exists_q(cutoff)), cutoff)
