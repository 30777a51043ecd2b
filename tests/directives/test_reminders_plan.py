"""Planning reminders into the outbox: idempotent, per recipient, with the right audience."""

import json
from datetime import date

import pytest
from django.core.management import CommandError, call_command

from directives import models, services
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

N = models.Notification
ON = date(2021, 12, 24)  # 7 days before 31/12/2021


@pytest.fixture
def lead(db):
    org = OrganizationFactory(name="Vụ Tổ chức - Điều lệ", contact_emails="tcdl@example.vn")
    MembershipFactory(user=UserFactory(username="baocao"), organization=org, role="reporter")
    MembershipFactory(user=UserFactory(username="xem"), organization=org, role="viewer")
    return org


@pytest.fixture
def task(lead):
    return TaskFactory(lead=lead, deadline=date(2021, 12, 31))


def recipients(**filters):
    return sorted(N.objects.filter(**filters).values_list("recipient", flat=True))


def test_it_plans_the_seven_day_reminder_for_the_lead_contacts_and_reporters(task):
    assert services.reminders_plan(on=ON) == 2
    assert recipients(kind="before", window="2021-12-31:7") == ["baocao@example.vn", "tcdl@example.vn"]


def test_a_second_sweep_plans_nothing(task):
    services.reminders_plan(on=ON)
    assert services.reminders_plan(on=ON) == 0
    assert N.objects.count() == 2


def test_a_dry_run_writes_nothing_but_reports_the_count(task):
    assert services.reminders_plan(on=ON, dry_run=True) == 2
    assert N.objects.count() == 0


def test_a_user_who_opted_out_gets_nothing(task):
    reporter = models.Membership.objects.get(role="reporter").user
    models.UserPreference.objects.create(user=reporter, email_reminders=False)
    services.reminders_plan(on=ON)
    assert recipients() == ["tcdl@example.vn"]


def test_a_task_finished_the_day_before_is_not_reminded(task):
    task.status, task.completed_on = "done", date(2021, 12, 23)
    task.save()
    assert services.reminders_plan(on=ON) == 0


def test_cancelled_tasks_and_draft_directives_are_not_reminded(lead):
    TaskFactory(lead=lead, status="cancelled")
    TaskFactory(lead=lead, directive=DirectiveFactory(status="draft"))
    TaskFactory(lead=lead, directive=DirectiveFactory(status="closed"))
    assert services.reminders_plan(on=ON) == 0


def test_a_moved_deadline_gets_reminders_for_the_new_date_only(task):
    services.reminders_plan(on=ON)
    task.deadline = date(2022, 1, 31)
    task.save()
    assert services.reminders_plan(on=date(2022, 1, 24)) == 2
    assert set(N.objects.values_list("window", flat=True)) == {"2021-12-31:7", "2022-01-31:7"}
    assert services.reminders_plan(on=date(2022, 1, 7)) == 0  # the old deadline's overdue steps never come


def test_long_overdue_tasks_are_escalated_to_the_issuers_managers(task):
    issuer = task.directive.issuer
    MembershipFactory(user=UserFactory(username="lanhdao"), organization=issuer, role="manager")
    services.reminders_plan(on=date(2022, 1, 15))
    assert recipients(kind="escalation") == ["lanhdao@example.vn"]
    assert recipients(kind="overdue") == ["baocao@example.vn", "tcdl@example.vn"]


def test_supporting_bodies_get_the_information_digest_only_when_they_asked(task):
    quiet = OrganizationFactory(name="Bộ Nội vụ", contact_emails="bnv@example.vn")
    keen = OrganizationFactory(name="VPTW", contact_emails="vptw@example.vn", wants_support_digest=True)
    keen_user = UserFactory(username="vptw.user")
    MembershipFactory(user=keen_user, organization=keen, role="reporter")
    models.UserPreference.objects.create(user=keen_user, support_digests=True)
    task.supporters.set([quiet, keen])
    services.reminders_plan(on=ON)
    assert recipients(kind="support") == ["vptw.user@example.vn", "vptw@example.vn"]


def test_a_pending_extension_reminds_the_issuers_managers(task, lead):
    MembershipFactory(user=UserFactory(username="quyetdinh"), organization=task.directive.issuer, role="manager")
    services.extension_request(
        task=task,
        author=models.Membership.objects.get(role="reporter").user,
        organization=lead,
        requested_deadline=date(2022, 3, 31),
        reason="Chờ số liệu.",
    )
    from django.utils import timezone

    services.reminders_plan(on=timezone.localdate())
    assert recipients(kind="extension_pending") == ["quyetdinh@example.vn"]


def test_the_policy_of_the_issuer_is_followed(task):
    models.ReminderPolicy.objects.create(organization=task.directive.issuer, days_before="30")
    assert services.reminders_plan(on=date(2021, 11, 30)) == 0
    assert services.reminders_plan(on=date(2021, 12, 1)) == 2
    assert set(N.objects.values_list("window", flat=True)) == {"2021-12-31:30"}


def test_the_command_prints_json_on_its_last_line_and_records_the_sweep(task, capsys):
    call_command("send_reminders", "--date", "2021-12-24", "--json")
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert json.loads(last) == {
        "occurrences": 0,
        "planned": 2,
        "sent": 2,
        "retried": 0,
        "failed": 0,
        "expired": 0,
        "skipped": 0,
        "caught_up": [],
    }
    run = models.SweepRun.objects.get()
    assert (run.planned, run.sent, run.failed) == (2, 2, 0) and run.finished_at


def test_the_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "24/12/2021")


def test_the_demo_plans_the_seven_day_reminders_of_336_once(db, capsys):
    from directives.demo import load_demo

    load_demo()
    call_command("send_reminders", "--date", "2021-12-24", "--json")
    first = capsys.readouterr().out.strip().splitlines()[-1]
    assert N.objects.filter(window="2021-12-31:7", task__directive__number="336-BS/VPTU").exists()
    assert '"planned": 0' not in first
    call_command("send_reminders", "--date", "2021-12-24", "--json")
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (again["planned"], again["sent"], again["failed"]) == (0, 0, 0)
