"""The admin is another interface: every change with a rule or a history goes through services."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from directives import models, services
from tests.factories import DirectiveFactory, TargetFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_a_target_changed_in_the_admin_gets_its_quarter_snapshot_and_a_timeline_entry(client, superuser):
    task = TaskFactory()
    target = TargetFactory(directive=task.directive, task=task, total=28, achieved=0)
    url = reverse("admin:directives_target_change", args=[target.pk])
    data = {"directive": task.directive_id, "task": task.pk, "label": target.label, "unit": "đề án"}
    response = client.post(url, {**data, "total": "28", "achieved": "19"})
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.achieved == 19
    assert target.snapshots.get().achieved == 19
    assert models.TaskEvent.objects.filter(task=task, kind="target_updated", actor=superuser).exists()


def test_target_snapshots_are_read_only_in_the_admin(client, superuser):
    target = TargetFactory()
    services.target_update(target=target, achieved=5, on=date(2021, 9, 30))
    snapshot = target.snapshots.get()
    url = reverse("admin:directives_targetsnapshot_change", args=[snapshot.pk])
    client.post(url, {"target": target.pk, "year": 2021, "quarter": 3, "achieved": "27", "total": "28"})
    snapshot.refresh_from_db()
    assert snapshot.achieved == 5
    assert client.get(reverse("admin:directives_targetsnapshot_add")).status_code == 403


def _directive_form(directive, **extra):
    data = {
        "kind": directive.kind,
        "number": directive.number,
        "title": directive.title,
        "issuer": directive.issuer_id,
        "status": directive.status,
        "issued_on": directive.issued_on.strftime("%d/%m/%Y"),
        "tasks-TOTAL_FORMS": "0",
        "tasks-INITIAL_FORMS": "0",
        "targets-TOTAL_FORMS": "0",
        "targets-INITIAL_FORMS": "0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
    }
    data.update(extra)
    return data


def test_a_directive_edited_in_the_admin_is_in_its_tasks_timeline(client, superuser):
    task = TaskFactory()
    directive = task.directive
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    response = client.post(url, _directive_form(directive, title="Trích yếu đã sửa"))
    assert response.status_code == 302
    event = models.TaskEvent.objects.get(task=task, kind="edited")
    assert event.actor == superuser and "title" in event.changes["directive"]


def test_deleting_a_task_with_history_from_its_directive_page_is_refused_with_the_reason(client, superuser):
    task = TaskFactory(path="1")
    models.ProgressReport.objects.create(task=task, organization=task.lead, status="in_progress", percent=40)
    directive = task.directive
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    data = _directive_form(
        directive,
        **{
            "tasks-TOTAL_FORMS": "1",
            "tasks-INITIAL_FORMS": "1",
            "tasks-0-id": task.pk,
            "tasks-0-directive": directive.pk,
            "tasks-0-path": "1",
            "tasks-0-position": "1",
            "tasks-0-text": task.text,
            "tasks-0-lead": task.lead_id,
            "tasks-0-status": "not_started",
            "tasks-0-progress": "0",
            "tasks-0-DELETE": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Lịch sử không bao giờ bị xóa" in response.content.decode()
    assert models.Task.objects.filter(pk=task.pk).exists()


def test_a_target_with_snapshots_is_not_deleted_from_its_directive_page(client, superuser):
    target = TargetFactory()
    services.target_update(target=target, achieved=5, on=date(2021, 9, 30))
    directive = target.directive
    url = reverse("admin:directives_directive_change", args=[directive.pk])
    data = _directive_form(
        directive,
        **{
            "targets-TOTAL_FORMS": "1",
            "targets-INITIAL_FORMS": "1",
            "targets-0-id": target.pk,
            "targets-0-directive": directive.pk,
            "targets-0-label": target.label,
            "targets-0-total": "28",
            "targets-0-achieved": "5",
            "targets-0-DELETE": "on",
        },
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert models.Target.objects.filter(pk=target.pk).exists()


def test_an_extension_decision_is_validated_before_it_is_saved():
    from django.core.exceptions import ValidationError

    from tests.factories import ExtensionRequestFactory

    ext = ExtensionRequestFactory(decision_note="")
    decider = UserFactory()
    models.ExtensionRequest.objects.filter(pk=ext.pk).update(reason="")  # an invalid row (blank reason)
    with pytest.raises(ValidationError):
        services.extension_decide(extension=ext, decider=decider, approve=True)
    assert models.ExtensionRequest.objects.get(pk=ext.pk).state == "pending"


def test_a_directive_deleted_by_mistake_without_history_can_be_deleted(client, superuser):
    directive = DirectiveFactory()
    TaskFactory(directive=directive)
    url = reverse("admin:directives_directive_delete", args=[directive.pk])
    client.post(url, {"post": "yes"})
    assert not models.Directive.objects.filter(pk=directive.pk).exists()
