"""Recurring tasks: which occurrences a rule has, as pure rules over dates.

A rule is a frequency (monthly, quarterly, half-yearly, yearly), a due day and, except for
monthly, the month of the period it falls in: "trước ngày 15 tháng cuối quý" is quarterly,
day 15, month 3 of the quarter; "trước ngày 25/12 hàng năm" is yearly, day 25, month 12.
A day past the end of a month is that month's last day (day 31 in June is 30/6).
Each occurrence belongs to one period (its code, e.g. "2027Q1", is its identity).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from directives.domain.periods import Period

__all__ = ["FREQUENCIES", "Occurrence", "RecurrenceRule", "occurrences_between", "period_of"]

MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY = "monthly", "quarterly", "half_yearly", "yearly"
FREQUENCIES = (MONTHLY, QUARTERLY, HALF_YEARLY, YEARLY)
MONTHS_IN = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}


@dataclass(frozen=True)
class RecurrenceRule:
    frequency: str
    day: int = 0  # 0: the last day of the month
    month: int = 0  # the month within the period (1..3, 1..6, 1..12); 0: its last month

    def __post_init__(self) -> None:
        if self.frequency not in FREQUENCIES:
            raise ValueError(f"unknown frequency {self.frequency!r}")
        if not 0 <= self.day <= 31:
            raise ValueError("day must be 0..31")
        if not 0 <= self.month <= MONTHS_IN[self.frequency]:
            raise ValueError(f"month must be 0..{MONTHS_IN[self.frequency]}")


@dataclass(frozen=True)
class Occurrence:
    period: Period
    due: date


def period_of(frequency: str, d: date) -> Period:
    """The period of `frequency` that contains `d`."""
    match frequency:
        case "monthly":
            return Period(d.year, month=d.month)
        case "quarterly":
            return Period(d.year, quarter=(d.month - 1) // 3 + 1)
        case "half_yearly":
            return Period(d.year, half=1 if d.month <= 6 else 2)
        case "yearly":
            return Period(d.year)
    raise ValueError(f"unknown frequency {frequency!r}")


def due_in(rule: RecurrenceRule, period: Period) -> date:
    """The occurrence's due date within `period`."""
    first_month = period.start.month
    month = first_month + (rule.month or MONTHS_IN[rule.frequency]) - 1
    last_day = calendar.monthrange(period.year, month)[1]
    return date(period.year, month, min(rule.day, last_day) if rule.day else last_day)


def occurrences_between(rule: RecurrenceRule, after: date, until: date) -> list[Occurrence]:
    """The occurrences due after `after` and on or before `until`, in order."""
    found = []
    period = period_of(rule.frequency, after)
    while period.start <= until:
        due = due_in(rule, period)
        if after < due <= until:
            found.append(Occurrence(period, due))
        period = period.next()
    return found
