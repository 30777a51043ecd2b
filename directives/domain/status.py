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
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = [
    "FINISHED",
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


def standing_at(
    *,
    cutoff: date,
    deadline: date | None,
    completed_on: date | None,
    cancelled: bool = False,
    started: bool = True,
) -> Standing:
    """The standing of one task at ``cutoff``; the rules are in the module docstring."""
    if cancelled:
        return Standing.CANCELLED
    if completed_on is not None and completed_on <= cutoff:
        if deadline is None or completed_on <= deadline:
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


def rates_of(standings: Iterable[Standing]) -> Rates:
    """Count ``standings`` into a ``Rates``."""
    c = Counter(Standing(s) for s in standings)
    on_time, late = c[Standing.DONE_ON_TIME], c[Standing.DONE_LATE]
    return Rates(
        counted=c.total() - c[Standing.CANCELLED],
        finished=on_time + late,
        on_time=on_time,
        late=late,
        in_progress=c[Standing.IN_PROGRESS],
        not_started=c[Standing.NOT_STARTED],
        overdue=c[Standing.OVERDUE],
        no_deadline=c[Standing.NO_DEADLINE],
        cancelled=c[Standing.CANCELLED],
    )
