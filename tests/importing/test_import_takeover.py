"""The import as an attacker would use it, and history that is never lost.

The takeover (issue 10): a manager of one organization pastes any text, names another
organization's directive number and issuer, ticks "update existing" and confirms. Before the
fix, that directive's tasks, reports and evidence were deleted and its history became his.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from directives import models, services
from directives.importing.drafts import DirectiveDraft, TaskDraft
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.importing.test_import_web import REVIEW, paste, review_data

pytestmark = pytest.mark.django_db

MANAGER = models.Membership.Role.MANAGER


def report(task, org):
    return models.ProgressReport.objects.create(task=task, organization=org, status="in_progress", percent=40)


@pytest.fixture
def victim():
    """Ban Tổ chức Trung ương's directive 336-BS/VPTU: three tasks, two with progress reports."""
    btctw = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    directive = DirectiveFactory(number="336-BS/VPTU", issuer=btctw, title="Kết luận gốc")
    tasks = [
        TaskFactory(directive=directive, path=path, lead=btctw, text=f"Nhiệm vụ gốc {path}")
        for path in ("II.1", "II.2", "II.3")
    ]
    report(tasks[0], btctw)
    report(tasks[1], btctw)
    return directive


@pytest.fixture
def attacker(client):
    quang_ngai = OrganizationFactory(name="Tỉnh ủy Quảng Ngãi")
    user = MembershipFactory(organization=quang_ngai, role=MANAGER, user__username="qn.quanly").user
    client.force_login(user)
    return user


def test_a_manager_cannot_take_over_another_organizations_directive_through_the_review(client, victim, attacker):
    paste(client, "1. Việc thứ nhất.\n2. Việc thứ hai.\n")
    data = review_data(client.get(REVIEW))
    data["meta-number"] = "336-BS/VPTU"
    data["meta-issuer"] = str(victim.issuer_id)
    data["meta-update_existing"] = "on"
    data["tasks-0-ref"] = "II.1"
    data["tasks-0-lead"] = str(attacker.memberships.get().organization_id)
    data.pop("tasks-1-include", None)

    response = client.post(REVIEW, data)

    assert response.status_code == 200  # refused on the review page, not written
    assert response.context["existing"] is None  # and he is not told it exists
    victim.refresh_from_db()
    assert victim.title == "Kết luận gốc"
    assert victim.tasks.count() == 3
    assert models.ProgressReport.objects.filter(task__directive=victim).count() == 2
    assert victim.tasks.get(path="II.1").lead == victim.issuer


def test_the_service_refuses_an_update_by_someone_who_may_not_edit_the_directive(victim, attacker):
    draft = DirectiveDraft(
        title="Chiếm", number="336-BS/VPTU", issuer=victim.issuer.name, tasks=[TaskDraft("II.1", "x")]
    )
    with pytest.raises(PermissionDenied):
        services.directive_import(draft=draft, actor=attacker, update=victim)
    assert victim.tasks.count() == 3


def test_a_manager_cannot_issue_a_directive_in_another_organizations_name(victim, attacker):
    draft = DirectiveDraft(title="Giả danh", number="1-TB/BTCTW", issuer="Ban Tổ chức Trung ương")
    with pytest.raises(PermissionDenied, match="đơn vị bạn quản lý"):
        services.directive_import(draft=draft, actor=attacker)
    assert not models.Directive.objects.filter(number="1-TB/BTCTW").exists()


def test_a_managers_new_bodies_are_proposals_until_staff_confirm_them(attacker):
    draft = DirectiveDraft(
        title="Kế hoạch",
        number="5-KH/TU",
        issuer="Tỉnh ủy Quảng Ngãi",
        tasks=[TaskDraft("1", "Việc", lead=["Ban Bí thư cơ bản nhất trí"])],
    )
    services.directive_import(draft=draft, actor=attacker)
    proposed = models.Organization.objects.get(name="Ban Bí thư cơ bản nhất trí")
    assert not proposed.is_active and proposed.proposed_by == attacker


def test_the_operator_at_the_command_line_and_the_issuers_manager_may_update(victim):
    manager = MembershipFactory(organization=victim.issuer, role=MANAGER).user
    draft = DirectiveDraft(title="Bản mới", number="336-BS/VPTU", issuer=victim.issuer.name, tasks=[])
    assert services.directive_import(draft=draft, actor=manager, update=victim).directive == victim
    assert services.directive_import(draft=draft, actor=None, update=victim).directive == victim


def test_an_update_retires_tasks_missing_from_the_new_text_and_keeps_their_history(victim):
    draft = DirectiveDraft(
        title="Bản cập nhật",
        number="336-BS/VPTU",
        issuer=victim.issuer.name,
        tasks=[TaskDraft("II.1", "Nhiệm vụ gốc II.1 (sửa)"), TaskDraft("II.4", "Nhiệm vụ bổ sung")],
    )
    services.directive_import(draft=draft, update=victim)

    today = timezone.localdate()
    tasks = {t.path: t for t in victim.tasks.all()}
    assert set(tasks) == {"II.1", "II.2", "II.3", "II.4"}  # nothing deleted
    assert tasks["II.1"].retired_on is None and tasks["II.1"].added_on is None
    assert tasks["II.2"].retired_on == today and tasks["II.3"].retired_on == today
    assert tasks["II.4"].added_on == today and tasks["II.4"].retired_on is None
    assert models.ProgressReport.objects.filter(task__directive=victim).count() == 2

    # The task comes back when a later text has it again.
    draft.tasks.append(TaskDraft("II.2", "Nhiệm vụ gốc II.2"))
    services.directive_import(draft=draft, update=victim)
    assert victim.tasks.get(path="II.2").retired_on is None


def test_a_target_with_quarterly_history_survives_an_update(victim):
    target = models.Target.objects.create(directive=victim, label="đề án", unit="đề án", total=28, achieved=0)
    services.target_update(target=target, achieved=19, on=date(2021, 9, 30))
    draft = DirectiveDraft(title="Bản mới", number="336-BS/VPTU", issuer=victim.issuer.name)
    services.directive_import(draft=draft, update=victim)
    assert models.Target.objects.get(pk=target.pk).snapshots.count() == 1


def test_deleting_a_task_with_history_is_refused_everywhere(victim):
    task = victim.tasks.get(path="II.1")
    with pytest.raises(models.HistoryKeptError, match="II.1"):
        task.delete()
    with pytest.raises(ValidationError, match="Lịch sử không bao giờ bị xóa"):
        services.task_delete(task=task)
    with pytest.raises(ValidationError):
        services.directive_delete(directive=victim)
    with pytest.raises(models.HistoryKeptError):
        victim.delete()
    assert victim.tasks.count() == 3


def test_deleting_a_parent_task_whose_subtask_has_history_is_refused(victim):
    parent = victim.tasks.get(path="II.3")
    child = TaskFactory(directive=victim, path="II.3.a", parent=parent, lead=victim.issuer)
    report(child, victim.issuer)
    with pytest.raises(models.HistoryKeptError, match="II.3.a"):
        parent.delete()


def test_a_task_entered_by_mistake_without_history_can_still_be_deleted(victim):
    task = TaskFactory(directive=victim, path="IX.9", lead=victim.issuer)
    models.TaskEvent.objects.create(task=task, kind=models.TaskEvent.Kind.CREATED)
    services.task_delete(task=task)
    assert not models.Task.objects.filter(path="IX.9").exists()


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_the_admin_refuses_to_delete_a_task_with_history_and_says_why(client, victim, superuser):
    task = victim.tasks.get(path="II.1")
    url = reverse("admin:directives_task_delete", args=[task.pk])
    page = client.get(url)
    assert "Lịch sử không bao giờ bị xóa" in page.content.decode()
    client.post(url, {"post": "yes"})
    assert models.Task.objects.filter(pk=task.pk).exists()

    changelist = reverse("admin:directives_task_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [task.pk], "post": "yes"})
    assert models.Task.objects.filter(pk=task.pk).exists()


def test_the_admin_refuses_to_delete_a_directive_with_history(client, victim, superuser):
    url = reverse("admin:directives_directive_delete", args=[victim.pk])
    assert "Lịch sử không bao giờ bị xóa" in client.get(url).content.decode()
    client.post(url, {"post": "yes"})
    assert models.Directive.objects.filter(pk=victim.pk).exists()


def test_the_importer_always_sees_his_import(client):
    """A clerk with no membership imports a directive issued by another body: the redirect opens
    it with all its tasks (it used to be a bare 404)."""
    from tests.importing.test_import_web import SAMPLE

    OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    clerk = UserFactory(username="clerk2", is_staff=True)
    client.force_login(clerk)
    paste(client, SAMPLE)
    data = review_data(client.get(REVIEW))
    response = client.post(REVIEW, data)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    directive = models.Directive.objects.get(number="412-TB/BTCTW")
    assert directive.created_by == clerk
    for task in directive.tasks.all():
        assert client.get(reverse("directives:task_detail", args=[task.pk])).status_code == 200
