"""The shortcuts the fast dashboard takes agree with the slow, obvious forms they replace.

- the dashboard's ranked standing (`standing_case(ranked=True)`) is the task list's code for
  every kind of task (the rule itself is checked against the pure domain by
  test_standing_property.py);
- `quarter_rank` puts each deadline in the quarter `Period` says it is in;
- `directive_label` is `str(directive)`;
- the sparklines and the targets' table cells are what the template used to write.
(Speed itself is measured by `manage.py benchmark`, not asserted here.)
"""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from directives import models
from directives.domain.periods import last_quarters, quarter_of
from directives.exports import charts
from directives.selectors.dashboard import (
    STANDING_CODES,
    directive_label,
    kind_labels,
    quarter_rank,
)
from directives.selectors.standing import standing_case
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory

pytestmark = pytest.mark.django_db

CUTOFFS = [date(2021, 9, 30), date(2021, 10, 1), date(2021, 12, 31)]
DEADLINES = [None, date(2021, 8, 31), date(2021, 9, 30), date(2021, 10, 1), date(2022, 1, 15)]


@pytest.fixture
def every_kind_of_task():
    directive = DirectiveFactory(issued_on=date(2021, 1, 4))
    lead = OrganizationFactory()
    n = 0
    for deadline, status, completed_on, progress in itertools.product(
        DEADLINES,
        ["not_started", "in_progress", "done", "cancelled"],
        [None, date(2021, 9, 30), date(2021, 10, 1), date(2021, 12, 31)],
        [0, 40],
    ):
        if status == "done" and completed_on is None:
            continue  # the database refuses it
        n += 1
        TaskFactory(
            directive=directive,
            lead=lead,
            path=str(n),
            position=n,
            deadline=deadline,
            deadline_period="",
            status=status,
            completed_on=completed_on,
            progress=progress,
        )
    return n


@pytest.mark.parametrize("cutoff", CUTOFFS)
def test_the_one_case_standing_agrees_with_the_task_lists_standing_for_every_kind_of_task(every_kind_of_task, cutoff):
    qs, slow = standing_case(models.Task.objects.all(), cutoff)
    qs, fast = standing_case(qs, cutoff, ranked=True)
    rows = qs.annotate(slow=slow, fast=fast).values_list("path", "slow", "fast")
    assert len(rows) == every_kind_of_task
    disagreements = [(path, slow, STANDING_CODES[fast]) for path, slow, fast in rows if STANDING_CODES[fast] != slow]
    assert disagreements == []
    assert {slow for _p, slow, _f in rows} == set(STANDING_CODES)  # the fixture has every standing


def test_each_deadline_falls_in_its_quarter_and_outside_the_eight_quarters_in_none():
    cutoff = date(2021, 11, 15)
    quarters = last_quarters(cutoff, 8)
    directive = DirectiveFactory()
    deadlines = [date(2019, 12, 31), date(2020, 1, 1), date(2020, 6, 30), date(2021, 12, 31), date(2022, 1, 1)]
    for n, d in enumerate(deadlines + [None]):
        TaskFactory(directive=directive, path=str(n), position=n, deadline=d, deadline_period="")
    got = dict(models.Task.objects.annotate(q=quarter_rank(quarters)).values_list("deadline", "q"))
    expected = {
        d: quarters.index(quarter_of(d)) if d and quarter_of(d) in quarters else None for d in deadlines + [None]
    }
    assert got == expected
    assert got[date(2019, 12, 31)] is None and got[date(2020, 1, 1)] == 0 and got[date(2021, 12, 31)] == 7


@pytest.mark.parametrize("language", ["vi", "en"])
def test_the_directive_label_without_a_model_instance_is_str_of_the_directive(language):
    directives = [
        DirectiveFactory(kind=kind, number=number, title="Về công tác cán bộ " * 8)
        for kind, _label in models.Directive.Kind.choices
        for number in ("", "35-CT/TW")
    ]
    with translation.override(language):
        kinds = kind_labels()
        for d in directives:
            assert directive_label(kinds, d.kind, d.number, d.title) == str(d)


def test_the_sparklines_are_unchanged():
    cases = [
        [],
        [None, None],
        [Decimal(3)],
        [Decimal(0), None, Decimal(12), Decimal("12.5"), Decimal(19), None, Decimal(19), Decimal(1204)],
        [1.0, 1.0, 1.0],
    ]
    for values in cases:
        assert charts.sparkline(values, title="Kết nạp <đảng viên>") == _reference_sparkline(
            values, title="Kết nạp <đảng viên>"
        )


def _reference_sparkline(values, *, title, width=120, height=28):
    """charts.sparkline as it was before it was made faster (the output must not change)."""
    from django.utils.html import escape

    known = [(i, float(v)) for i, v in enumerate(values) if v is not None]
    label_w = 44
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sparkline" role="img" viewBox="0 0 {width + label_w} '
        f'{height}" width="{width + label_w}" height="{height}" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
    ]
    if known:
        lo, hi = min(v for _, v in known), max(v for _, v in known)
        span = (hi - lo) or 1
        step = width / max(len(values) - 1, 1)

        def xy(i, v):
            return 2 + i * step * (width - 4) / width, height - 4 - (v - lo) / span * (height - 8)

        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in (xy(i, v) for i, v in known))
        parts.append(f'<polyline points="{points}" fill="none" stroke="#000" stroke-width="1.5"/>')
        for i, v in known:
            x, y = xy(i, v)
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#000"/>')
        last = known[-1][1]
        text = f"{last:,.0f}".replace(",", ".") if last == int(last) else f"{last:.1f}".replace(".", ",")
        parts.append(f'<text x="{width + 4}" y="{height / 2 + 4:.1f}" font-size="11">{escape(text)}</text>')
    else:
        parts.append(f'<text x="2" y="{height / 2 + 4:.1f}" font-size="11">—</text>')
    parts.append("</svg>")
    return "".join(parts)


def test_the_benchmarks_sql_floor_counts_what_the_dashboard_counts():
    """The floor is only a fair yardstick if it computes the same figures."""
    from django.db import connection

    from directives.bench.dashboard import floor_statement
    from directives.selectors import dashboard_data
    from directives.selectors.dashboard import DashboardFilters
    from tests.factories import UserFactory

    lead, helper = OrganizationFactory(), OrganizationFactory()
    directive = DirectiveFactory(issued_on=date(2021, 1, 4))
    for n, (deadline, status, completed_on) in enumerate(
        [
            (date(2021, 9, 30), "done", date(2021, 9, 30)),
            (date(2021, 9, 30), "done", date(2021, 10, 2)),
            (date(2021, 8, 1), "not_started", None),
            (None, "in_progress", None),
            (date(2022, 3, 1), "cancelled", None),
        ]
    ):
        task = TaskFactory(
            directive=directive,
            lead=lead,
            path=str(n),
            position=n,
            deadline=deadline,
            deadline_period="",
            status=status,
            completed_on=completed_on,
        )
        task.supporters.add(helper)
    cutoff = date(2021, 10, 15)
    data = dashboard_data(UserFactory(is_superuser=True), DashboardFilters(cutoff=cutoff))
    with connection.cursor() as cursor:
        cursor.execute(*floor_statement(cutoff))
        rows = cursor.fetchall()
    floor: dict = {}
    for kind, key, s, n, _due_soon in rows:
        if s is not None:
            floor.setdefault((kind, key), {})[STANDING_CODES[s]] = n

    def nonzero(counts):
        return {k: v for k, v in counts.by_standing.items() if v}

    assert floor[(0, directive.pk)] == nonzero(data.by_directive[0].counts)
    assert floor[(3, None)] == nonzero(data.previous)
    roles = {(r.role, r.organization_id): nonzero(r.counts) for r in data.by_organization}
    assert floor[(1, lead.pk)] == roles[("lead", lead.pk)]
    assert floor[(4, helper.pk)] == roles[("support", helper.pk)]
    for n, q in enumerate(data.by_quarter):
        assert floor.get((2, n), {}) == nonzero(q.counts)
