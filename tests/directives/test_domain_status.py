from datetime import date

import pytest

from directives.domain.status import (
    STANDING_LABELS_VI,
    Rates,
    Standing,
    rate,
    rates_of,
    standing_at,
)

DEADLINE = date(2021, 12, 31)
DAY_BEFORE = date(2021, 12, 30)
DAY_AFTER = date(2022, 1, 1)


def at(cutoff, completed_on=None, deadline=DEADLINE, **kwargs):
    return standing_at(cutoff=cutoff, deadline=deadline, completed_on=completed_on, **kwargs)


# -- the four cells of the table ---------------------------------------------------


def test_finished_within_the_deadline_is_done_on_time():
    assert at(DAY_AFTER, completed_on=DAY_BEFORE) is Standing.DONE_ON_TIME


def test_finished_past_the_deadline_is_done_late():
    assert at(date(2022, 3, 31), completed_on=DAY_AFTER) is Standing.DONE_LATE


def test_unfinished_within_the_deadline_is_in_progress():
    assert at(DAY_BEFORE) is Standing.IN_PROGRESS


def test_unfinished_past_the_deadline_is_overdue():
    assert at(DAY_AFTER) is Standing.OVERDUE


# -- the deadline day and the day after --------------------------------------------


def test_finished_on_the_deadline_day_is_on_time():
    assert at(DAY_AFTER, completed_on=DEADLINE) is Standing.DONE_ON_TIME


def test_unfinished_on_the_deadline_day_is_still_in_progress():
    assert at(DEADLINE) is Standing.IN_PROGRESS


def test_overdue_starts_the_day_after_the_deadline():
    assert at(DAY_AFTER) is Standing.OVERDUE


def test_finished_the_day_after_the_deadline_is_late():
    assert at(DAY_AFTER, completed_on=DAY_AFTER) is Standing.DONE_LATE


# -- completion after the cut-off ---------------------------------------------------


def test_a_task_completed_after_the_cutoff_is_not_finished_at_the_cutoff():
    assert at(DAY_BEFORE, completed_on=DEADLINE) is Standing.IN_PROGRESS


def test_a_task_completed_after_a_past_cutoff_was_overdue_at_that_cutoff():
    assert at(date(2022, 1, 15), completed_on=date(2022, 2, 1)) is Standing.OVERDUE


def test_a_task_completed_on_the_cutoff_is_finished():
    assert at(DAY_BEFORE, completed_on=DAY_BEFORE) is Standing.DONE_ON_TIME


# -- no deadline ----------------------------------------------------------------


def test_a_finished_task_without_deadline_counts_as_on_time():
    assert at(DAY_AFTER, completed_on=DAY_BEFORE, deadline=None) is Standing.DONE_ON_TIME


def test_an_unfinished_task_without_deadline_has_no_deadline():
    assert at(DAY_AFTER, deadline=None) is Standing.NO_DEADLINE


def test_an_unstarted_task_without_deadline_has_no_deadline_too():
    assert at(DAY_AFTER, deadline=None, started=False) is Standing.NO_DEADLINE


# -- not started ----------------------------------------------------------------


def test_a_task_not_started_before_the_deadline_is_not_started():
    assert at(DAY_BEFORE, started=False) is Standing.NOT_STARTED


def test_a_task_not_started_on_the_deadline_day_is_not_started():
    assert at(DEADLINE, started=False) is Standing.NOT_STARTED


def test_a_task_not_started_after_the_deadline_is_overdue():
    assert at(DAY_AFTER, started=False) is Standing.OVERDUE


# -- cancelled ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cutoff", "completed_on", "deadline"),
    [
        (DAY_BEFORE, None, DEADLINE),
        (DAY_AFTER, None, DEADLINE),
        (DAY_AFTER, DAY_BEFORE, DEADLINE),
        (DAY_AFTER, None, None),
    ],
)
def test_a_cancelled_task_is_cancelled_whatever_the_dates(cutoff, completed_on, deadline):
    assert at(cutoff, completed_on=completed_on, deadline=deadline, cancelled=True) is Standing.CANCELLED


# -- labels -----------------------------------------------------------------------


def test_every_standing_has_a_vietnamese_label():
    assert set(STANDING_LABELS_VI) == set(Standing)
    assert STANDING_LABELS_VI[Standing.OVERDUE] == "Quá hạn chưa hoàn thành"
    assert STANDING_LABELS_VI[Standing.CANCELLED] == "Tạm dừng / Hủy"


# -- rates ------------------------------------------------------------------------


def test_rates_count_each_standing_and_leave_cancelled_out():
    standings = [
        Standing.DONE_ON_TIME,
        Standing.DONE_ON_TIME,
        Standing.DONE_ON_TIME,
        Standing.DONE_LATE,
        Standing.IN_PROGRESS,
        Standing.NOT_STARTED,
        Standing.OVERDUE,
        Standing.NO_DEADLINE,
        Standing.CANCELLED,
        Standing.CANCELLED,
    ]
    r = rates_of(standings)
    assert r == Rates(
        counted=8,
        finished=4,
        on_time=3,
        late=1,
        in_progress=1,
        not_started=1,
        overdue=1,
        no_deadline=1,
        cancelled=2,
    )
    assert r.completion_rate == 50.0
    assert r.on_time_rate == 75.0


def test_rates_accept_the_stored_string_values():
    assert rates_of(["done_late", "overdue"]).late == 1


def test_rates_of_no_tasks_are_none_not_a_zero_division():
    r = rates_of([])
    assert r.counted == 0
    assert r.completion_rate is None
    assert r.on_time_rate is None


def test_only_cancelled_tasks_give_no_completion_rate():
    r = rates_of([Standing.CANCELLED])
    assert (r.counted, r.cancelled, r.completion_rate) == (0, 1, None)


def test_on_time_rate_is_none_when_nothing_is_finished():
    r = rates_of([Standing.OVERDUE, Standing.IN_PROGRESS])
    assert r.completion_rate == 0.0
    assert r.on_time_rate is None


def test_rate_is_a_percentage_and_none_on_a_zero_denominator():
    assert rate(1, 4) == 25.0
    assert rate(2, 3) == pytest.approx(66.6667, abs=1e-4)
    assert rate(0, 5) == 0.0
    assert rate(0, 0) is None
    assert rate(3, 0) is None
