"""The two-axis standing of tasks at a cut-off date, as a SQL expression.

`standing_expression(cutoff)` computes in the database exactly what
`directives.domain.status.standing_at` computes in Python (tests/directives/
test_selectors_standing.py checks the two agree on every case), so that lists can
filter by it and dashboards can count by it in one aggregate query.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from directives.domain.status import Standing

__all__ = ["STANDING_CHOICES", "finished_by_q", "standing_expression", "standing_q", "with_standing"]

STANDING_CHOICES = [
    (Standing.DONE_ON_TIME.value, _("Hoàn thành đúng hạn")),
    (Standing.DONE_LATE.value, _("Hoàn thành quá hạn")),
    (Standing.IN_PROGRESS.value, _("Đang thực hiện trong hạn")),
    (Standing.NOT_STARTED.value, _("Chưa thực hiện")),
    (Standing.OVERDUE.value, _("Quá hạn chưa hoàn thành")),
    (Standing.NO_DEADLINE.value, _("Không có thời hạn")),
    (Standing.CANCELLED.value, _("Tạm dừng / Hủy")),
]


def finished_by_q(cutoff: date, prefix: str = "") -> Q:
    """Finished at the cut-off: done, with a completion date on or before it."""
    return Q(**{f"{prefix}status": "done", f"{prefix}completed_on__lte": cutoff})


def standing_q(cutoff: date, standing: str, prefix: str = "") -> Q:
    """A filter for the tasks whose standing at `cutoff` is `standing`. `prefix` is the path
    to the task from the queried model (e.g. "tasks__")."""
    p = prefix
    cancelled = Q(**{f"{p}status": "cancelled"})
    finished = finished_by_q(cutoff, p) & ~cancelled
    open_ = ~cancelled & ~finished
    no_deadline = Q(**{f"{p}deadline__isnull": True})
    match standing:
        case Standing.CANCELLED:
            return cancelled
        case Standing.DONE_ON_TIME:
            return finished & (no_deadline | Q(**{f"{p}completed_on__lte": F(f"{p}deadline")}))
        case Standing.DONE_LATE:
            return finished & Q(**{f"{p}completed_on__gt": F(f"{p}deadline")})
        case Standing.NO_DEADLINE:
            return open_ & no_deadline
        case Standing.OVERDUE:
            return open_ & Q(**{f"{p}deadline__lt": cutoff})
        case Standing.NOT_STARTED:
            return open_ & Q(**{f"{p}deadline__gte": cutoff}) & Q(**{f"{p}status": "not_started", f"{p}progress": 0})
        case Standing.IN_PROGRESS:
            return open_ & Q(**{f"{p}deadline__gte": cutoff}) & ~Q(**{f"{p}status": "not_started", f"{p}progress": 0})
    raise ValueError(f"unknown standing {standing!r}")


def standing_expression(cutoff: date, prefix: str = "") -> Case:
    """A CASE expression giving each task's standing code at `cutoff`."""
    return Case(
        *(When(standing_q(cutoff, code, prefix), then=Value(code)) for code, _label in STANDING_CHOICES),
        output_field=CharField(),
    )


def with_standing(qs: QuerySet, cutoff: date) -> QuerySet:
    """Annotate a Task queryset with `standing` at `cutoff`."""
    return qs.annotate(standing=standing_expression(cutoff))
