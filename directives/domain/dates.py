"""The dates a user may type: sane bounds, so that a slip of the keyboard (01/01/0001,
31/12/9999, a completion next year) is a form error, never a stored fact. Pure Python."""

from __future__ import annotations

from datetime import date

#: Deadlines, extension dates, issue and meeting dates lie within these bounds.
EARLIEST = date(1945, 1, 1)
LATEST = date(2100, 12, 31)


def within_bounds(value: date | None) -> bool:
    return value is None or EARLIEST <= value <= LATEST


def not_in_future(value: date | None, today: date) -> bool:
    return value is None or value <= today
