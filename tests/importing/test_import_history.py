"""An update of a directive from a new version of its text is history, as a report, an extension
or an admin edit is: the figures at a date before the update stay what they were, those from the
day of the update on read the new text.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from directives import models, selectors, services
from directives.importing.drafts import DirectiveDraft, FigureDraft, TaskDraft
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.importing.test_import_commands import SAMPLE

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UPDATE_DAY = date(2026, 6, 10)
BEFORE = date(2026, 6, 9)
UPDATE_MOMENT = datetime(2026, 6, 10, 9, 0, tzinfo=HCM)


def _standing(task, cutoff: date) -> str | None:
    """The task's standing at `cutoff` (`standing_case`), None when it does not count then."""
    return selectors.with_standing(models.Task.objects.filter(pk=task.pk), cutoff).get().standing


@pytest.fixture
def directive():
    """Kế hoạch 12/KH-BTCTW, issued 05/01/2026: II.1 due 31/05 (late by the update), II.2 due
    31/12, II.3 to be dropped by the new text; none finished."""
    btctw = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    directive = DirectiveFactory(number="12-KH/BTCTW", issuer=btctw, issued_on=date(2026, 1, 5))
    for path, deadline in (("II.1", date(2026, 5, 31)), ("II.2", date(2026, 12, 31)), ("II.3", date(2026, 5, 31))):
        TaskFactory(
            directive=directive,
            path=path,
            lead=btctw,
            text=f"Nhiệm vụ {path}",
            deadline=deadline,
            deadline_period="",
            status="in_progress",
            progress=40,
        )
    return directive


def _new_text(directive, *, ii1_due=date(2026, 7, 31), figures=()) -> DirectiveDraft:
    """The new version: II.1 moved to `ii1_due`, II.2 as it was, II.3 dropped, II.4 added."""
    lead = [directive.issuer.name]
    return DirectiveDraft(
        title="Kế hoạch (cập nhật)",
        number=directive.number,
        issuer=directive.issuer.name,
        issued_on=directive.issued_on,
        tasks=[
            TaskDraft("II.1", "Nhiệm vụ II.1", due=ii1_due, lead=lead),
            TaskDraft("II.2", "Nhiệm vụ II.2", due=date(2026, 12, 31), lead=lead),
            TaskDraft("II.4", "Nhiệm vụ bổ sung", due=date(2026, 5, 31), lead=lead),
        ],
        figures=list(figures),
    )


def test_an_update_that_moves_a_deadline_leaves_the_figures_before_it_alone(directive):
    task = directive.tasks.get(path="II.1")
    assert _standing(task, BEFORE) == "overdue"
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive), update=directive)
        task.refresh_from_db()
        assert task.deadline == date(2026, 7, 31)
        assert _standing(task, BEFORE) == "overdue"  # as the report of 09/06 said
        assert _standing(task, UPDATE_DAY) == "in_progress"  # the new text from its day on
    assert _standing(task, BEFORE) == "overdue"  # still, once the day is over
    assert _standing(task, date(2026, 8, 1)) == "overdue"  # the new deadline, passed

    change = models.TaskChange.objects.get(task=task)
    assert change.cause == "import"
    assert change.deadline == date(2026, 5, 31) and change.status == "in_progress" and change.progress == 40
    assert timezone.localdate(change.made_at) == UPDATE_DAY
    event = models.TaskEvent.objects.get(task=task, kind="edited")
    assert event.summary == "Thời hạn theo văn bản cập nhật: 31/05/2026 → 31/07/2026"


def test_the_dashboard_at_a_cutoff_before_the_update_reads_the_same_history(directive):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    figures = selectors.dashboard_data(user, selectors.DashboardFilters(cutoff=BEFORE)).headline
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive), update=directive)
    after = selectors.dashboard_data(user, selectors.DashboardFilters(cutoff=BEFORE)).headline
    assert (after.counted, after.overdue) == (figures.counted, figures.overdue) == (3, 2)  # II.1 and II.3, late
    today = selectors.dashboard_data(user, selectors.DashboardFilters(cutoff=UPDATE_DAY)).headline
    # II.1 moved, II.3 retired, II.4 added (already late): II.1, II.2, II.4 counted.
    assert (today.counted, today.overdue) == (3, 1)


def test_a_task_whose_deadline_did_not_change_gets_no_history(directive):
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive), update=directive)
    assert list(models.TaskChange.objects.values_list("task__path", flat=True)) == ["II.1"]
    # The same text again: nothing changes, nothing is recorded.
    with time_machine.travel(datetime(2026, 6, 20, 9, 0, tzinfo=HCM)):
        services.directive_import(draft=_new_text(directive), update=directive)
    assert models.TaskChange.objects.count() == 1


def test_tasks_retired_and_added_by_the_update_count_until_and_from_its_day(directive):
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive), update=directive)
    retired, added = directive.tasks.get(path="II.3"), directive.tasks.get(path="II.4")
    assert (retired.retired_on, added.added_on) == (UPDATE_DAY, UPDATE_DAY)
    assert _standing(retired, BEFORE) == "overdue" and _standing(retired, UPDATE_DAY) is None
    assert _standing(added, BEFORE) is None and _standing(added, UPDATE_DAY) == "overdue"
    assert not models.TaskChange.objects.filter(task__in=[retired, added]).exists()


def test_a_finished_task_keeps_the_deadline_it_was_judged_by(directive):
    task = directive.tasks.get(path="II.1")
    with time_machine.travel(datetime(2026, 5, 20, 9, 0, tzinfo=HCM)):
        services.task_report_progress(
            task=task,
            author=UserFactory(username="btctw.cb"),
            organization=task.lead,
            status="done",
            percent=100,
            completed_on=date(2026, 5, 20),
        )
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive, ii1_due=date(2026, 4, 30)), update=directive)
    task.refresh_from_db()
    assert (task.deadline, task.completion_deadline) == (date(2026, 4, 30), date(2026, 5, 31))
    assert _standing(task, BEFORE) == _standing(task, UPDATE_DAY) == "done_on_time"
    assert models.TaskChange.objects.filter(task=task, cause="import").get().deadline == date(2026, 5, 31)


def test_a_task_finished_before_completion_deadlines_were_kept_is_judged_by_its_old_deadline(directive):
    """Finished on 20/05 within its deadline of 31/05, in a database from before completion
    deadlines were stored (migration 0013): a new text moving the deadline to 30/04 does not
    make it late."""
    task = directive.tasks.get(path="II.1")
    models.Task.objects.filter(pk=task.pk).update(status="done", progress=100, completed_on=date(2026, 5, 20))
    with time_machine.travel(UPDATE_MOMENT):
        services.directive_import(draft=_new_text(directive, ii1_due=date(2026, 4, 30)), update=directive)
    task.refresh_from_db()
    assert (task.deadline, task.completion_deadline) == (date(2026, 4, 30), date(2026, 5, 31))
    assert _standing(task, BEFORE) == _standing(task, UPDATE_DAY) == "done_on_time"


def test_a_refused_update_leaves_neither_the_new_deadline_nor_its_history(directive):
    task = directive.tasks.get(path="II.1")
    bad = FigureDraft(label="đề án", total=Decimal(-1), achieved=Decimal(0))  # refused after the tasks are written
    with time_machine.travel(UPDATE_MOMENT), pytest.raises(ValidationError):
        services.directive_import(draft=_new_text(directive, figures=[bad]), update=directive)
    task.refresh_from_db()
    assert task.deadline == date(2026, 5, 31)
    assert not models.TaskChange.objects.exists()


def test_replaying_a_new_version_at_the_command_line_keeps_the_quarter_figures(tmp_path):
    """412-TB/BTCTW, issued 15/3/2022: item 1 due 30/6/2022. A corrected text moving it to
    31/8/2022 is imported on 05/07/2022: the figures at the end of Q2 still show it overdue."""
    path = tmp_path / "412.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    with time_machine.travel(datetime(2022, 3, 20, 9, 0, tzinfo=HCM)):
        call_command("import_directive", str(path), "--activate", stdout=StringIO())
    task = models.Task.objects.get(directive__number="412-TB/BTCTW", path="II.1")
    assert _standing(task, date(2022, 7, 1)) == "overdue"

    path.write_text(SAMPLE.replace("trước ngày 30/6/2022", "trước ngày 31/8/2022"), encoding="utf-8")
    with time_machine.travel(datetime(2022, 7, 5, 9, 0, tzinfo=HCM)):
        call_command("import_directive", str(path), "--update", stdout=StringIO())
    task.refresh_from_db()
    assert task.deadline == date(2022, 8, 31)
    assert _standing(task, date(2022, 6, 30)) == "not_started"
    assert _standing(task, date(2022, 7, 1)) == "overdue"
    assert _standing(task, date(2022, 7, 5)) == "not_started"
    assert list(models.TaskChange.objects.values_list("task__path", "cause")) == [("II.1", "import")]
