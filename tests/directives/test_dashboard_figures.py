"""Dashboard figures on a hand-built fixture, at three cut-off dates.

Tasks of one directive (deadlines in Quý III/2021 unless said):
- on_day:    deadline 30/09/2021, finished 30/09/2021 (on its deadline day: on time)
- day_late:  deadline 30/09/2021, finished 01/10/2021 (a day late)
- cancelled: deadline 30/09/2021, cancelled (left out of the rates)
- no_deadline: in progress, no deadline
- extended:  deadline 15/09/2021 moved to 30/11/2021 by an extension approved on 01/09/2021,
             in progress
- stale:     deadline 31/08/2021, not started, led by another body
The directive was issued on 01/07/2021.
"""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directives import models, selectors, services
from directives.domain.periods import Period
from directives.selectors.dashboard import DashboardFilters
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

Q3_END = date(2021, 9, 30)


@pytest.fixture
def world():
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    lead = OrganizationFactory(name="Sở Nội vụ")
    other = OrganizationFactory(name="Sở Tài chính")
    helper = OrganizationFactory(name="Văn phòng Tỉnh ủy")
    directive = DirectiveFactory(issuer=issuer, number="336-BS/VPTU", kind="thong_bao", issued_on=date(2021, 7, 1))
    done = models.Task.Status.DONE
    t = {
        "on_day": TaskFactory(directive=directive, lead=lead, deadline=Q3_END, status=done, completed_on=Q3_END),
        "day_late": TaskFactory(
            directive=directive, lead=lead, deadline=Q3_END, status=done, completed_on=date(2021, 10, 1)
        ),
        "cancelled": TaskFactory(directive=directive, lead=lead, deadline=Q3_END, status="cancelled"),
        "no_deadline": TaskFactory(
            directive=directive, lead=other, deadline=None, deadline_period="", status="in_progress", progress=30
        ),
        "extended": TaskFactory(
            directive=directive, lead=lead, deadline=date(2021, 9, 15), status="in_progress", progress=50
        ),
        "stale": TaskFactory(directive=directive, lead=other, deadline=date(2021, 8, 31), status="not_started"),
    }
    t["on_day"].supporters.add(helper)
    t["stale"].supporters.add(helper)
    staff = UserFactory(username="staff")
    ext = services.extension_request(
        task=t["extended"], author=staff, organization=lead, requested_deadline=date(2021, 11, 30), reason="Chờ số liệu"
    )
    services.extension_decide(extension=ext, decider=UserFactory(username="boss"), approve=True)
    approved = timezone.make_aware(datetime(2021, 9, 1, 9, 0))  # decided then, as the history says
    models.ExtensionRequest.objects.filter(pk=ext.pk).update(decided_at=approved)
    models.TaskChange.objects.filter(task=t["extended"]).update(made_at=approved)
    target = models.Target.objects.create(directive=directive, label="Xây dựng đề án", unit="đề án", total=28)
    services.target_update(target=target, achieved=Decimal(12), on=date(2021, 6, 30))
    services.target_update(target=target, achieved=Decimal(19), on=date(2021, 9, 30))
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {"tasks": t, "directive": directive, "lead": lead, "other": other, "helper": helper, "admin": admin}


def figures(world, cutoff):
    return selectors.dashboard_data(world["admin"], DashboardFilters(cutoff=cutoff))


def standings(counts):
    return {k: v for k, v in counts.by_standing.items() if v}


def test_at_the_end_of_q3_the_late_task_is_still_within_its_deadline_and_only_the_stale_one_is_overdue(world):
    data = figures(world, Q3_END)
    h = data.headline
    assert standings(h) == {"done_on_time": 1, "in_progress": 2, "no_deadline": 1, "overdue": 1, "cancelled": 1}
    assert (h.counted, h.finished, h.on_time, h.overdue) == (5, 1, 1, 1)
    assert h.completion_rate == pytest.approx(20.0)
    assert h.on_time_rate == pytest.approx(100.0)
    assert [t.pk for t in data.overdue] == [world["tasks"]["stale"].pk]


def test_a_day_later_the_task_finished_one_day_late_counts_as_done_late(world):
    data = figures(world, date(2021, 10, 1))
    h = data.headline
    assert standings(h) == {
        "done_on_time": 1,
        "done_late": 1,
        "in_progress": 1,
        "no_deadline": 1,
        "overdue": 1,
        "cancelled": 1,
    }
    assert h.completion_rate == pytest.approx(40.0)
    assert h.on_time_rate == pytest.approx(50.0)
    # The previous quarter's figures are the figures at 30/09/2021.
    assert data.previous_cutoff == Q3_END
    assert standings(data.previous) == standings(figures(world, Q3_END).headline)


def test_at_the_end_of_the_year_the_extended_deadline_has_passed_too(world):
    data = figures(world, date(2021, 12, 31))
    h = data.headline
    assert standings(h) == {"done_on_time": 1, "done_late": 1, "no_deadline": 1, "overdue": 2, "cancelled": 1}
    assert [t.pk for t in data.overdue] == [world["tasks"]["stale"].pk, world["tasks"]["extended"].pk]
    assert data.previous_cutoff == Q3_END


def test_an_extension_approved_after_the_cutoff_does_not_count_at_the_cutoff(world):
    # Approved on 01/09/2021 (the fixture): at 31/08 the deadline in force was still 15/09, so at
    # 20/09 (a cut-off between the approval and the old deadline... after the old deadline):
    models.TaskChange.objects.filter(task=world["tasks"]["extended"]).update(
        made_at=timezone.make_aware(datetime(2021, 10, 5, 9, 0))
    )
    at_q3 = figures(world, Q3_END)
    assert world["tasks"]["extended"].pk in [t.pk for t in at_q3.overdue]
    assert at_q3.headline.overdue == 2
    # From the day of the approval on, the new deadline is in force.
    assert figures(world, date(2021, 10, 5)).headline.overdue == 1


def test_tasks_of_a_directive_issued_after_the_cutoff_are_not_counted(world):
    models.Directive.objects.filter(pk=world["directive"].pk).update(issued_on=date(2021, 10, 13))
    assert figures(world, Q3_END).headline.counted == 0
    assert figures(world, date(2021, 10, 13)).headline.counted == 5


def test_organizations_are_counted_by_role(world):
    data = figures(world, date(2021, 10, 1))
    rows = {(r.name, r.role): r.counts for r in data.by_organization}
    lead = rows[("Sở Nội vụ", "lead")]
    assert (lead.counted, lead.on_time, lead.late, lead.within, lead.overdue) == (3, 1, 1, 1, 0)
    other = rows[("Sở Tài chính", "lead")]
    assert (other.counted, other.no_deadline, other.overdue) == (2, 1, 1)
    helper = rows[("Văn phòng Tỉnh ủy", "support")]
    assert (helper.counted, helper.on_time, helper.overdue) == (2, 1, 1)
    assert ("Văn phòng Tỉnh ủy", "lead") not in rows


def test_directives_and_quarters_follow_the_moved_deadline(world):
    data = figures(world, date(2021, 12, 31))
    [row] = data.by_directive
    assert (row.counts.counted, row.counts.overdue) == (5, 2)
    by_q = {q.period.code(): q.counts for q in data.by_quarter}
    assert len(data.by_quarter) == 8 and data.by_quarter[-1].period == Period(2021, quarter=4)
    # Q3 holds on_day, day_late, cancelled and stale; the extension moved "extended" to Q4.
    assert standings(by_q["2021Q3"]) == {"done_on_time": 1, "done_late": 1, "cancelled": 1, "overdue": 1}
    assert standings(by_q["2021Q4"]) == {"overdue": 1}


def test_targets_carry_their_quarterly_history(world):
    data = figures(world, Q3_END)
    [target] = data.targets
    assert (target.achieved, target.total) == (19, 28)
    history = dict(target.history)
    assert history[Period(2021, quarter=2)] == 12
    assert history[Period(2021, quarter=3)] == 19
    assert history[Period(2021, quarter=1)] is None


def test_a_member_sees_only_the_tasks_of_their_organization(world):
    member = UserFactory(username="member")
    models.Membership.objects.create(user=member, organization=world["other"])
    h = selectors.dashboard_data(member, DashboardFilters(cutoff=Q3_END)).headline
    assert (h.counted, h.overdue, h.no_deadline) == (2, 1, 1)


def test_filters_narrow_by_issuer_kind_and_deadline_year(world):
    admin = world["admin"]
    issuer = world["directive"].issuer_id
    assert selectors.dashboard_data(admin, DashboardFilters(cutoff=Q3_END, issuer=issuer)).headline.counted == 5
    assert selectors.dashboard_data(admin, DashboardFilters(cutoff=Q3_END, issuer=issuer + 999)).headline.counted == 0
    assert selectors.dashboard_data(admin, DashboardFilters(cutoff=Q3_END, kind="chi_thi")).headline.counted == 0
    # year = deadline year: the task without a deadline drops out.
    assert selectors.dashboard_data(admin, DashboardFilters(cutoff=Q3_END, year=2021)).headline.counted == 4


def test_the_number_of_queries_does_not_grow_with_the_data(world):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            figures(world, Q3_END)
        return len(ctx.captured_queries)

    before = count()
    directive = DirectiveFactory()
    for n in range(15):
        task = TaskFactory(directive=directive, lead=OrganizationFactory(), deadline=date(2021, 3, n + 1))
        task.supporters.add(OrganizationFactory())
    models.Target.objects.create(directive=directive, label="Kết nạp đảng viên", total=204)
    assert count() == before <= 8
