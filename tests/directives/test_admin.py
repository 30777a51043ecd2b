"""Every admin page loads for a superuser and is refused to everybody else."""

from datetime import date

import pytest
from django.contrib import admin
from django.urls import reverse

from directives import models
from tests.factories import DirectiveFactory, MembershipFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

REGISTERED = sorted(
    (m._meta.app_label, m._meta.model_name) for m in admin.site._registry if m._meta.app_label == "directives"
)


@pytest.fixture
def superuser():
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def data():
    task = TaskFactory()
    models.Target.objects.create(directive=task.directive, label="đề án", total=28, achieved=19)
    models.ProgressReport.objects.create(task=task, organization=task.lead, status="in_progress", percent=40)
    models.ExtensionRequest.objects.create(
        task=task, organization=task.lead, requested_deadline=date(2022, 3, 31), reason="Chờ số liệu"
    )
    models.Notification.objects.create(
        task=task, kind="before", window="x", recipient="a@b.vn", planned_for=date.today()
    )
    models.SweepRun.objects.create(for_date=date.today())
    models.ReminderPolicy.objects.create()
    models.Citation.objects.create(directive=task.directive, number="24-QĐ/TW")
    models.TargetSnapshot.objects.create(
        target=task.directive.targets.get(), year=2021, quarter=3, achieved=19, total=28
    )
    models.TaskEvent.objects.create(task=task, kind="created")
    MembershipFactory(organization=task.lead)
    models.UserPreference.objects.create(user=UserFactory())
    models.DirectiveAttachment.objects.create(directive=task.directive, name="a.pdf", file="attachments/a.pdf")
    models.CompletionClaim.objects.create(task=task, organization=task.lead, completed_on=date(2021, 12, 1))
    models.Explanation.objects.create(
        task=task, addressed_to=task.lead, question="Vì sao chậm?", due_on=date(2022, 1, 15)
    )
    return task


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_every_admin_page_loads_for_a_superuser(client, superuser, data, app, model):
    client.force_login(superuser)
    changelist = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert changelist.status_code == 200
    add = client.get(reverse(f"admin:{app}_{model}_add"))
    assert add.status_code in (200, 403)  # append-only histories refuse "add"
    obj = admin.site._registry
    model_cls = next(m for m in obj if m._meta.model_name == model)
    instance = model_cls.objects.first()
    assert instance is not None, model
    change = client.get(reverse(f"admin:{app}_{model}_change", args=[instance.pk]))
    assert change.status_code == 200


@pytest.mark.parametrize(("app", "model"), REGISTERED)
def test_admin_pages_are_refused_to_staff_without_admin_rights_and_to_plain_users(client, data, app, model):
    plain = UserFactory(username="plain")
    client.force_login(plain)
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    staff = UserFactory(username="staff-no-perms", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse(f"admin:{app}_{model}_changelist")).status_code == 403


def test_the_task_changelist_does_not_query_per_row(client, superuser, django_assert_max_num_queries):
    directive = DirectiveFactory()
    for n in range(30):
        TaskFactory(directive=directive, path=f"1.{n}")
    client.force_login(superuser)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:directives_task_changelist")).status_code == 200


def test_the_directive_form_refuses_a_duplicate_path_with_a_message(client, superuser):
    directive = DirectiveFactory()
    org = directive.issuer
    client.force_login(superuser)
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "kind": directive.kind,
        "number": directive.number,
        "title": directive.title,
        "issuer": org.pk,
        "status": "active",
        "issued_on": "13/10/2021",
        "period": "",
        "meeting_date": "",
        "signer": "",
        "source_text": "",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "0",
        "tasks-0-path": "1",
        "tasks-0-position": "1",
        "tasks-0-text": "Việc một",
        "tasks-0-status": "not_started",
        "tasks-0-progress": "0",
        "tasks-1-path": "1",
        "tasks-1-position": "2",
        "tasks-1-text": "Việc hai",
        "tasks-1-status": "not_started",
        "tasks-1-progress": "0",
        "targets-TOTAL_FORMS": "1",
        "targets-INITIAL_FORMS": "0",
        "targets-0-label": "đề án",
        "targets-0-total": "-3",
        "targets-0-achieved": "abc",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 200  # the form is shown again with errors
    assert models.Task.objects.filter(directive=directive).count() == 0
    assert not models.Target.objects.exists()
    content = response.content.decode()
    assert "errorlist" in content
    formsets = [inline.formset for inline in response.context["inline_admin_formsets"]]
    flat = str([fs.errors for fs in formsets]) + str([fs.non_form_errors() for fs in formsets])
    assert "path" in flat or "Số thứ tự" in flat or "số thứ tự" in flat
    assert "total" in flat


def test_saving_a_target_above_its_total_warns_the_clerk(client, superuser):
    directive = DirectiveFactory()
    client.force_login(superuser)
    url = reverse("admin:directives_target_add")
    response = client.post(
        url,
        {"directive": directive.pk, "label": "tỷ đồng", "unit": "tỷ đồng", "total": "36875", "achieved": "45799"},
        follow=True,
    )
    assert response.status_code == 200
    assert models.Target.objects.filter(directive=directive).exists()
    assert any("vượt" in str(m) for m in response.context["messages"])


def test_a_task_edited_inline_on_its_directive_is_in_the_timeline(client, superuser):
    task = TaskFactory(path="1", text="Rà soát quy hoạch")
    directive = task.directive
    client.force_login(superuser)
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    data = {
        "kind": directive.kind,
        "number": directive.number,
        "title": directive.title,
        "issuer": directive.issuer_id,
        "status": "active",
        "issued_on": "13/10/2021",
        "tasks-TOTAL_FORMS": "2",
        "tasks-INITIAL_FORMS": "1",
        "tasks-0-id": task.pk,
        "tasks-0-directive": directive.pk,
        "tasks-0-path": "1",
        "tasks-0-position": "1",
        "tasks-0-text": "Rà soát, bổ sung quy hoạch cán bộ",
        "tasks-0-lead": task.lead_id,
        "tasks-0-deadline": "31/12/2021",
        "tasks-0-deadline_period": "2021Q4",
        "tasks-0-status": "not_started",
        "tasks-0-progress": "0",
        "tasks-1-path": "2",
        "tasks-1-position": "2",
        "tasks-1-text": "Việc mới",
        "tasks-1-status": "not_started",
        "tasks-1-progress": "0",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context and [
        f.errors for f in response.context["inline_admin_formsets"][0].formset.forms
    ]
    edited = models.TaskEvent.objects.get(task=task, kind="edited")
    assert edited.actor == superuser and "text" in edited.changes["fields"]
    new = models.Task.objects.get(directive=directive, path="2")
    assert models.TaskEvent.objects.filter(task=new, kind="created", actor=superuser).exists()
    assert new.search_text == "2 viec moi"


def test_the_admin_reads_dates_day_first(client, superuser):
    from tests.factories import OrganizationFactory

    client.force_login(superuser)
    issuer = OrganizationFactory(name="Sở Nội vụ")
    data = {
        "kind": "thong_bao",
        "number": "12-TB/SNV",
        "title": "Kết luận giao ban",
        "issuer": issuer.pk,
        "status": "draft",
        "issued_on": "01/02/2021",
        "meeting_date": "13/01/2021",
        "tasks-TOTAL_FORMS": "0",
        "tasks-INITIAL_FORMS": "0",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:directives_directive_add"), data)
    assert response.status_code == 302
    directive = models.Directive.objects.get(number="12-TB/SNV")
    assert directive.issued_on == date(2021, 2, 1)
    assert directive.meeting_date == date(2021, 1, 13)
    page = client.get(reverse("admin:directives_directive_change", args=[directive.pk])).content.decode()
    assert 'value="01/02/2021"' in page
