"""A task's standing at a cut-off date, and the rates of a set of tasks.

Two axes, as in Vietnamese tracking systems:

=====================  =========================  ===============================
                       finished                   not finished
=====================  =========================  ===============================
within the deadline    Hoàn thành đúng hạn        Đang thực hiện trong hạn
past the deadline      Hoàn thành quá hạn         Quá hạn chưa hoàn thành
=====================  =========================  ===============================

plus Chưa thực hiện (not started yet, still within the deadline), Tạm dừng /
Hủy (cancelled, left out of the rates) and tasks without a deadline.

Rules:

- A task completed after the cut-off is not finished at the cut-off.
- The deadline day is within the deadline: finished on that day is on time,
  unfinished at a cut-off equal to the deadline is in progress; overdue starts
  the day after.
- Cancelled wins over every date.
- A finished task without a deadline is on time; an unfinished one is
  NO_DEADLINE, whether started or not.
- NOT_STARTED only while within the deadline; past it the task is OVERDUE.
  "Started" is the caller's call (any report, or a percent above 0).
- On time means finished on or before the deadline in force on the day it was finished
  (``completion_deadline``; an extension approved after that day does not make a late task
  punctual). When that is unknown, the deadline at the cut-off stands in for it.
- Due soon (Sắp đến hạn) is not a cell of the table but a part of "within the deadline":
  not finished, deadline between the cut-off and ``days`` days after it.

The truth as of a date (``state_at``): a task's state at a cut-off is the state it had before
the first change made *after* the cut-off day (a progress report by the day it was made, an
extension by the day it was approved), or its current state when nothing changed since.
Which tasks exist at a cut-off (the directive issued, the task added and not retired) is
``exists_at``.

The database form of these rules is `directives.selectors.standing`; a property-based test
(tests/directives/test_standing_property.py) checks it against this module on random tasks,
histories and cut-offs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "DUE_SOON",
    "DUE_SOON_DAYS",
    "FINISHED",
    "TaskState",
    "due_soon",
    "exists_at",
    "standing_of",
    "state_at",
    "STANDING_LABELS_VI",
    "Rates",
    "Standing",
    "rate",
    "rates_of",
    "standing_at",
]


class Standing(StrEnum):
    DONE_ON_TIME = "done_on_time"
    DONE_LATE = "done_late"
    IN_PROGRESS = "in_progress"
    NOT_STARTED = "not_started"
    OVERDUE = "overdue"
    NO_DEADLINE = "no_deadline"
    CANCELLED = "cancelled"


STANDING_LABELS_VI: dict[Standing, str] = {
    Standing.DONE_ON_TIME: "Hoàn thành đúng hạn",
    Standing.DONE_LATE: "Hoàn thành quá hạn",
    Standing.IN_PROGRESS: "Đang thực hiện trong hạn",
    Standing.NOT_STARTED: "Chưa thực hiện",
    Standing.OVERDUE: "Quá hạn chưa hoàn thành",
    Standing.NO_DEADLINE: "Không có thời hạn",
    Standing.CANCELLED: "Tạm dừng / Hủy",
}

FINISHED = frozenset({Standing.DONE_ON_TIME, Standing.DONE_LATE})
WITHIN = frozenset({Standing.IN_PROGRESS, Standing.NOT_STARTED})

# "Sắp đến hạn": a filter over the within-the-deadline tasks, not a cell of the table.
DUE_SOON = "due_soon"
DUE_SOON_LABEL_VI = "Sắp đến hạn"
DUE_SOON_DAYS = 7


def standing_at(
    *,
    cutoff: date,
    deadline: date | None,
    completed_on: date | None,
    cancelled: bool = False,
    started: bool = True,
    completion_deadline: date | None = None,
) -> Standing:
    """The standing of one task at ``cutoff``; the rules are in the module docstring."""
    if cancelled:
        return Standing.CANCELLED
    if completed_on is not None and completed_on <= cutoff:
        due = completion_deadline or deadline
        if due is None or completed_on <= due:
            return Standing.DONE_ON_TIME
        return Standing.DONE_LATE
    if deadline is None:
        return Standing.NO_DEADLINE
    if cutoff > deadline:
        return Standing.OVERDUE
    return Standing.IN_PROGRESS if started else Standing.NOT_STARTED


def rate(numerator: int, denominator: int) -> float | None:
    """``numerator / denominator`` in percent; ``None`` when the denominator is 0."""
    if not denominator:
        return None
    return numerator * 100 / denominator


@dataclass(frozen=True)
class Rates:
    """Counts of a set of tasks by standing. ``counted`` leaves cancelled tasks out."""

    counted: int = 0
    finished: int = 0
    on_time: int = 0
    late: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    no_deadline: int = 0
    cancelled: int = 0

    @property
    def completion_rate(self) -> float | None:
        """Finished / counted, in percent; ``None`` when no task is counted."""
        return rate(self.finished, self.counted)

    @property
    def on_time_rate(self) -> float | None:
        """Finished on time / finished, in percent; ``None`` when none is finished."""
        return rate(self.on_time, self.finished)


def rates_from_counts(by_standing: Mapping[str, int]) -> Rates:
    """The ``Rates`` of a set of tasks counted by standing code: the one place the rates are made."""
    c = {code: by_standing.get(code, 0) or 0 for code in Standing}
    on_time, late = c[Standing.DONE_ON_TIME], c[Standing.DONE_LATE]
    return Rates(
        counted=sum(c.values()) - c[Standing.CANCELLED],
        finished=on_time + late,
        on_time=on_time,
        late=late,
        in_progress=c[Standing.IN_PROGRESS],
        not_started=c[Standing.NOT_STARTED],
        overdue=c[Standing.OVERDUE],
        no_deadline=c[Standing.NO_DEADLINE],
        cancelled=c[Standing.CANCELLED],
    )


def rates_of(standings: Iterable[Standing]) -> Rates:
    """Count ``standings`` into a ``Rates``."""
    return rates_from_counts(Counter(Standing(s).value for s in standings))


# -- a task's state at a date ------------------------------------------------------------


@dataclass(frozen=True)
class TaskState:
    """What the rule reads of a task: its status, percent, completion date, the deadline in
    force and the deadline that was in force on its completion date (None: not recorded)."""

    status: str = "not_started"  # not_started | in_progress | done | cancelled
    progress: int = 0
    completed_on: date | None = None
    deadline: date | None = None
    completion_deadline: date | None = None

    @property
    def started(self) -> bool:
        return self.status != "not_started" or self.progress > 0


def standing_of(state: TaskState, cutoff: date) -> Standing:
    """The standing at ``cutoff`` of a task in ``state`` (its state at ``cutoff``)."""
    return standing_at(
        cutoff=cutoff,
        deadline=state.deadline,
        completed_on=state.completed_on if state.status == "done" else None,
        cancelled=state.status == "cancelled",
        started=state.started,
        completion_deadline=state.completion_deadline,
    )


def due_soon(state: TaskState, cutoff: date, days: int = DUE_SOON_DAYS) -> bool:
    """Sắp đến hạn: within the deadline, not finished, due at most ``days`` days after ``cutoff``."""
    return standing_of(state, cutoff) in WITHIN and state.deadline <= cutoff + timedelta(days=days)


@dataclass(frozen=True)
class Change:
    """A change of a task's state made on ``made_on`` (a report's day, an extension's approval
    day); ``before`` is the state the task had until then."""

    made_on: date
    before: TaskState


def state_at(current: TaskState, changes: Sequence[Change], cutoff: date) -> TaskState:
    """The task's state at the end of the day ``cutoff``: what it was before the first change
    made after that day (``changes`` in the order they were made), else its current state."""
    for change in changes:
        if change.made_on > cutoff:
            return change.before
    return current


def exists_at(
    cutoff: date,
    *,
    issued_on: date | None,
    added_on: date | None = None,
    retired_on: date | None = None,
) -> bool:
    """A task counts at ``cutoff`` when its directive was issued by then (no issue date: always),
    it had been added by then (None: with the directive) and was not retired by then."""
    if issued_on is not None and issued_on > cutoff:
        return False
    if added_on is not None and added_on > cutoff:
        return False
    return retired_on is None or retired_on > cutoff
