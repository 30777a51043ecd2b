"""The database form of the standing rule (`selectors.standing`) gives what the pure rule
(`domain.status`) gives, on random tasks, histories and cut-offs (hypothesis), on whichever
database the suite runs on (SQLite by default, PostgreSQL with DATABASE_URL).

Each example writes a handful of tasks with random current states, random chains of changes
(the state each had before a report or an approved extension) and random directives' issue
dates, then asks the database for every task's standing at a random cut-off, as a code, as the
dashboard's rank and as filters (each standing, due soon), and compares with `state_at`,
`standing_of`, `exists_at` and `due_soon` in Python.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives import models
from directives.domain.status import DUE_SOON, Change, TaskState, due_soon, exists_at, standing_of, state_at
from directives.selectors.standing import STANDING_CODES, standing_case, standing_filter, standing_q
from tests.factories import DirectiveFactory, OrganizationFactory

pytestmark = pytest.mark.django_db(transaction=False)

START = date(2021, 1, 1)
SPAN = 400  # days
TODAY = timezone.localdate


def days(lo: int = -30, hi: int = SPAN + 30):
    return st.integers(lo, hi).map(lambda n: START + timedelta(days=n))


@st.composite
def states(draw) -> TaskState:
    status = draw(st.sampled_from(["not_started", "in_progress", "done", "cancelled"]))
    progress = draw(st.sampled_from([0, 0, 30, 100]))
    completed_on = draw(days()) if status == "done" else draw(st.none() | days())
    deadline = draw(st.none() | days())
    completion_deadline = draw(st.none() | days()) if status == "done" else None
    return TaskState(status, progress, completed_on, deadline, completion_deadline)


@st.composite
def moments(draw) -> datetime:
    """A local moment in the range, often right at a day's first or last second."""
    day = draw(days(0, SPAN))
    clock = draw(st.sampled_from([time(0, 0), time(23, 59, 59, 999999), time(9, 30), time(17, 0)]))
    return timezone.make_aware(datetime.combine(day, clock))


@st.composite
def tasks(draw):
    current = draw(states())
    made = sorted(set(draw(st.lists(moments(), max_size=4))))
    changes = [(at, draw(states())) for at in made]
    issued_on = draw(st.none() | days(-10, SPAN))
    issuer_days = draw(st.none() | st.sampled_from(models.DUE_SOON_CHOICES))
    return current, changes, issued_on, issuer_days


def _save(current: TaskState, changes, issued_on, issuer_days, n: int) -> models.Task:
    issuer = OrganizationFactory(due_soon_days=issuer_days) if issuer_days else None
    directive = DirectiveFactory(issued_on=issued_on, issuer=issuer)
    task = models.Task.objects.create(
        directive=directive,
        path=str(n),
        text="t",
        status=current.status,
        progress=current.progress,
        completed_on=current.completed_on,
        deadline=current.deadline,
        completion_deadline=current.completion_deadline,
    )
    previous = None
    for at, before in changes:
        models.TaskChange.objects.create(
            task=task,
            made_at=at,
            previous_at=previous,
            cause="report",
            status=before.status,
            progress=before.progress,
            completed_on=before.completed_on,
            deadline=before.deadline,
            completion_deadline=before.completion_deadline,
        )
        previous = at
    return task


def _expected(current, changes, issued_on, cutoff):
    if not exists_at(cutoff, issued_on=issued_on):
        return None, None
    history = [Change(made_on=timezone.localdate(at), before=before) for at, before in changes]
    state = state_at(current, history, cutoff)
    return standing_of(state, cutoff).value, state


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    st.lists(tasks(), min_size=1, max_size=8),
    days(-40, SPAN + 40) | st.just(date(2100, 1, 1)),
)
def test_the_sql_standing_at_a_cutoff_is_the_pure_rule_over_the_tasks_history(examples, cutoff):
    models.Task.objects.all().delete()
    saved = {_save(*ex, n=n).pk: ex for n, ex in enumerate(examples)}
    expected = {pk: _expected(current, changes, issued, cutoff) for pk, (current, changes, issued, _d) in saved.items()}

    qs, code = standing_case(models.Task.objects.all(), cutoff)
    qs, rank = standing_case(qs, cutoff, ranked=True)
    got = {pk: (c, r) for pk, c, r in qs.annotate(_c=code, _r=rank).values_list("pk", "_c", "_r")}
    for pk, (want, _state) in expected.items():
        c, r = got[pk]
        assert c == want, (saved[pk], cutoff)
        assert (STANDING_CODES[r] if r is not None else None) == want

    for standing in STANDING_CODES:
        listed = set(standing_filter(models.Task.objects.all(), cutoff, [standing]).values_list("pk", flat=True))
        assert listed == {pk for pk, (want, _s) in expected.items() if want == standing}

    soon = set(standing_filter(models.Task.objects.all(), cutoff, [DUE_SOON]).values_list("pk", flat=True))
    want_soon = {
        pk for pk, (want, state) in expected.items() if want is not None and due_soon(state, cutoff, saved[pk][3] or 7)
    }
    assert soon == want_soon, cutoff


def test_a_change_made_on_the_cutoff_day_counts_and_one_made_the_next_morning_does_not():
    cutoff = date(2021, 9, 30)
    task = _save(
        TaskState("done", 100, date(2021, 10, 1), date(2021, 12, 31)),
        [
            (timezone.make_aware(datetime.combine(cutoff, time(23, 59))), TaskState("not_started")),
            (
                timezone.make_aware(datetime.combine(cutoff + timedelta(days=1), time(0, 0))),
                TaskState("in_progress", 40, deadline=date(2021, 12, 31)),
            ),
        ],
        date(2021, 1, 5),
        None,
        1,
    )
    qs, code = standing_case(models.Task.objects.filter(pk=task.pk), cutoff)
    assert qs.annotate(_c=code).values_list("_c", flat=True).get() == "in_progress"
    qs, code = standing_case(models.Task.objects.filter(pk=task.pk), date(2021, 10, 1))
    assert qs.annotate(_c=code).values_list("_c", flat=True).get() == "done_on_time"


NOW = START + timedelta(days=SPAN // 2)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(tasks(), min_size=1, max_size=8), days(SPAN // 2, SPAN // 2 + 45))
def test_for_today_or_later_the_plain_conditions_give_the_pure_rule(examples, cutoff):
    """With a cut-off of today or later, `standing_filter` and `standing_q` use the rule's branches
    as plain conditions (no CASE): the same tasks as the pure rule, due soon included."""
    import time_machine

    examples = [(cur, [(at, b) for at, b in changes if at.date() < NOW], iss, d) for cur, changes, iss, d in examples]
    with time_machine.travel(datetime.combine(NOW, time(12, 0)), tick=False):
        models.Task.objects.all().delete()
        saved = {_save(*ex, n=n).pk: ex for n, ex in enumerate(examples)}
        expected = {pk: _expected(cur, changes, issued, cutoff) for pk, (cur, changes, issued, _d) in saved.items()}
        for standing in STANDING_CODES:
            want = {pk for pk, (w, _s) in expected.items() if w == standing}
            assert (
                set(standing_filter(models.Task.objects.all(), cutoff, [standing]).values_list("pk", flat=True)) == want
            )
            assert set(models.Task.objects.filter(standing_q(cutoff, standing)).values_list("pk", flat=True)) == want
        soon = set(standing_filter(models.Task.objects.all(), cutoff, [DUE_SOON]).values_list("pk", flat=True))
        assert soon == {
            pk for pk, (w, state) in expected.items() if w is not None and due_soon(state, cutoff, saved[pk][3] or 7)
        }
