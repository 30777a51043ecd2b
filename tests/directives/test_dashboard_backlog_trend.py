"""The dashboard reaches back: the quarter view starts at the oldest task still open (an old backlog
in a "Trước …" row beyond `MAX_QUARTERS`), and a target's sparkline draws its own quarterly
snapshots, however old, with its values as text. The number of queries stays the same."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import lxml.html
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives import models, selectors, services
from directives.domain.periods import Period
from directives.selectors.dashboard import MAX_QUARTERS, QUARTERS, TREND_POINTS, DashboardFilters
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

CUTOFF = date(2026, 6, 30)
URL = "/dashboard/"


@pytest.fixture
def root():
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def directive():
    return DirectiveFactory(issued_on=date(2019, 1, 10), issuer=OrganizationFactory(name="Ban Tổ chức Tỉnh ủy"))


def _task(directive, deadline, n, **kw):
    kw.setdefault("status", "in_progress")
    return TaskFactory(directive=directive, path=str(n), position=n, deadline=deadline, deadline_period="", **kw)


def _figures(user, cutoff=CUTOFF):
    return selectors.dashboard_data(user, DashboardFilters(cutoff=cutoff))


# -- the quarter view ---------------------------------------------------------------------


def test_without_an_old_open_task_the_quarter_view_is_the_last_eight_quarters(root, directive):
    _task(directive, date(2026, 5, 1), 1)  # overdue, in the cut-off's quarter
    _task(directive, date(2020, 3, 1), 2, status="done", completed_on=date(2020, 2, 1))  # old but done
    data = _figures(root)
    assert [q.period for q in data.by_quarter][0] == Period(2024, quarter=3)
    assert len(data.by_quarter) == QUARTERS and data.by_quarter[-1].period == Period(2026, quarter=2)
    # The done task due long before is in the "before" row, counted, never overdue.
    assert data.earlier is not None and data.earlier.finished == 1 and data.earlier.overdue == 0


def test_the_quarter_view_starts_at_the_quarter_of_the_oldest_open_task(root, directive):
    _task(directive, date(2024, 2, 15), 1)  # overdue since Q1/2024: ten quarters back
    _task(directive, date(2026, 6, 1), 2)
    data = _figures(root)
    periods = [q.period for q in data.by_quarter]
    assert periods[0] == Period(2024, quarter=1) and periods[-1] == Period(2026, quarter=2)
    assert len(periods) == 10
    assert data.by_quarter[0].counts.overdue == 1
    assert data.earlier is None


def test_an_older_backlog_is_one_row_before_the_quarters(client, root, directive):
    _task(directive, date(2019, 5, 1), 1)  # overdue for seven years
    _task(directive, date(2020, 12, 31), 2, status="not_started")
    _task(directive, date(2025, 1, 10), 3)
    data = _figures(root)
    assert len(data.by_quarter) == MAX_QUARTERS
    first = data.by_quarter[0].period
    assert first == Period(2023, quarter=3)
    assert data.earlier is not None and data.earlier.overdue == 2
    assert data.earlier_before == date(2023, 7, 1)
    assert dict(data.earlier.params)["deadline_before"] == "2023-06-30"

    client.force_login(root)
    page = client.get(URL, {"cutoff": CUTOFF.isoformat()})
    row = page.context["quarters"][0]
    assert row["label"] == "Trước Quý III/2023"
    assert "Trước Quý III/2023" in page.content.decode()
    listing = client.get(row["overdue"].url)
    assert listing.context["page"].paginator.count == row["overdue"].count == 2
    # The chart has a column for the backlog before the quarters.
    assert ">Trước<" in str(page.context["quarter_chart"])


def test_the_quarter_view_costs_the_same_queries_with_an_old_backlog(root, directive):
    _task(directive, date(2026, 5, 1), 1)
    models.Target.objects.create(directive=directive, label="Kết nạp đảng viên", total=204)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            _figures(root)
        return len(ctx.captured_queries)

    before = count()
    for n in range(12):
        _task(directive, date(2018 + n % 8, 1 + n % 12, 1), 10 + n)
    target = models.Target.objects.get()
    for year in range(2019, 2026):
        services.target_update(target=target, achieved=Decimal(year - 2018), on=date(year, 6, 30))
    assert count() == before <= 8


# -- a target's trend ----------------------------------------------------------------------


@pytest.fixture
def targets(directive):
    _task(directive, date(2026, 6, 1), 1)
    old = models.Target.objects.create(directive=directive, label="Kết nạp đảng viên", unit="đảng viên", total=204)
    for on, value in ((date(2021, 6, 30), 12), (date(2021, 9, 30), 19), (date(2021, 12, 31), 24)):
        services.target_update(target=old, achieved=Decimal(value), on=on)
    services.target_update(target=old, achieved=Decimal(30), on=date(2026, 9, 30))  # after the cut-off
    bare = models.Target.objects.create(directive=directive, label="Đề án sắp xếp bộ máy", unit="đề án", total=28)
    return old, bare


def test_a_target_with_snapshots_older_than_the_quarter_view_has_its_trend(root, targets):
    old, bare = targets
    rows = {t.target_id: t for t in _figures(root).targets}
    trend = rows[old.pk].trend
    assert trend == [
        (Period(2021, quarter=2), Decimal(12)),
        (Period(2021, quarter=3), Decimal(19)),
        (Period(2021, quarter=4), Decimal(24)),
    ]  # not the value entered after the cut-off
    assert all(v is None for _p, v in rows[old.pk].history)  # none in the last eight quarters
    assert rows[bare.pk].trend == []


def test_a_trend_keeps_the_last_snapshots_only(root, directive):
    _task(directive, date(2026, 6, 1), 1)
    target = models.Target.objects.create(directive=directive, label="Chỉ tiêu", total=100)
    for n in range(12):
        services.target_update(target=target, achieved=Decimal(n), on=date(2023 + n // 4, 3 * (n % 4) + 1, 15))
    [row] = _figures(root).targets
    assert len(row.trend) == TREND_POINTS and row.trend[-1] == (Period(2025, quarter=4), Decimal(11))


def test_the_page_draws_the_trend_with_its_values_as_text_and_says_when_there_is_none(client, root, targets):
    old, bare = targets
    client.force_login(root)
    page = lxml.html.fromstring(client.get(URL, {"cutoff": CUTOFF.isoformat()}).content)
    table = page.xpath('//section[@aria-labelledby="h-targets"]//table')[0]
    rows = {r.xpath("./td[2]")[0].text_content(): r for r in table.xpath(".//tbody/tr")}
    cell = rows["Kết nạp đảng viên"].xpath("./td[4]")[0]
    [svg] = cell.xpath(".//svg")
    assert len(svg.xpath(".//circle")) == 3  # one point per quarter's figure
    assert len(re.findall(r"[\d.]+,[\d.]+", svg.xpath(".//polyline/@points")[0])) == 3
    alt = svg.get("aria-label")
    assert svg.get("role") == "img" and svg.xpath("./title")[0].text == alt
    assert "Quý II/2021: 12; Quý III/2021: 19; Quý IV/2021: 24" in alt
    assert not svg.xpath(".//a | .//button | .//input")  # nothing interactive inside
    empty = rows["Đề án sắp xếp bộ máy"].xpath("./td[4]")[0]
    assert not empty.xpath(".//svg") and "Chưa có số liệu theo quý" in empty.text_content()


def test_the_quarterly_report_gives_a_target_its_last_figure_by_the_quarters_end(directive):
    import io

    import docx

    from directives.exports import SYSTEM, quarterly_report_docx

    _task(directive, date(2021, 9, 1), 1)
    target = models.Target.objects.create(directive=directive, label="Kết nạp đảng viên", unit="đảng viên", total=204)
    services.target_update(target=target, achieved=Decimal(102), on=date(2021, 6, 30))  # Q2
    services.target_update(target=target, achieved=Decimal(180), on=date(2021, 11, 15))  # Q4, after Q3
    content = quarterly_report_docx(SYSTEM, Period(2021, quarter=3), today=date(2026, 6, 30))
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)
    assert "Kết nạp đảng viên — 102/204 đảng viên (50%)" in text  # no figure in Q3: Q2's stands
    assert "180/204" not in text
