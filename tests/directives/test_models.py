from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from directives import models
from tests.factories import DirectiveFactory, TaskFactory

pytestmark = pytest.mark.django_db


def test_a_path_is_unique_within_its_directive():
    task = TaskFactory(path="II.1.(2)")
    with pytest.raises(IntegrityError), transaction.atomic():
        TaskFactory(directive=task.directive, path="II.1.(2)")


def test_the_same_path_may_appear_in_another_directive():
    task = TaskFactory(path="II.1")
    TaskFactory(path="II.1")
    assert models.Task.objects.filter(path="II.1").count() == 2
    assert task.directive_id is not None


def test_full_clean_refuses_a_duplicate_path_with_a_clear_message():
    task = TaskFactory(path="1")
    duplicate = models.Task(directive=task.directive, path="1", text="x", position=2)
    with pytest.raises(ValidationError) as exc:
        duplicate.full_clean()
    assert "__all__" in exc.value.message_dict


def test_a_done_task_needs_a_completion_date():
    task = TaskFactory.build(status=models.Task.Status.DONE, completed_on=None)
    task.directive.issuer.save()
    task.directive.save()
    task.lead.save()
    with pytest.raises(ValidationError) as exc:
        task.full_clean()
    assert "completed_on" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        task.save()


def test_a_target_refuses_negative_values():
    directive = DirectiveFactory()
    target = models.Target(directive=directive, label="đề án", total=Decimal(-3), achieved=Decimal(0))
    with pytest.raises(ValidationError) as exc:
        target.full_clean()
    assert "total" in exc.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        target.save()


def test_a_target_above_its_total_is_allowed_but_flagged():
    directive = DirectiveFactory()
    target = models.Target.objects.create(directive=directive, label="tỷ đồng", total=36875, achieved=45799)
    assert target.exceeds_total
    assert target.percent == pytest.approx(124.2, abs=0.1)


def test_a_period_code_is_validated():
    directive = DirectiveFactory.build(period="Q5/2021")
    directive.issuer.save()
    with pytest.raises(ValidationError) as exc:
        directive.full_clean()
    assert "period" in exc.value.message_dict


def test_a_task_standing_follows_the_two_axis_rules():
    task = TaskFactory(deadline=date(2021, 12, 31))
    assert task.standing(date(2021, 12, 31)) == "not_started"
    assert task.standing(date(2022, 1, 1)) == "overdue"
    task.status, task.completed_on = models.Task.Status.DONE, date(2021, 12, 31)
    assert task.standing(date(2022, 3, 31)) == "done_on_time"


def test_one_pending_extension_per_task():
    task = TaskFactory()
    kwargs = dict(task=task, organization=task.lead, requested_deadline=date(2022, 3, 31), reason="r")
    models.ExtensionRequest.objects.create(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        models.ExtensionRequest.objects.create(**kwargs)


def test_one_snapshot_per_target_and_quarter():
    target = models.Target.objects.create(directive=DirectiveFactory(), label="đề án", total=28, achieved=19)
    models.TargetSnapshot.objects.create(target=target, year=2021, quarter=3, achieved=19, total=28)
    with pytest.raises(IntegrityError), transaction.atomic():
        models.TargetSnapshot.objects.create(target=target, year=2021, quarter=3, achieved=20, total=28)


def test_contact_emails_are_validated():
    org = models.Organization(name="Sở Nội vụ", contact_emails="a@b.vn, not-an-email")
    with pytest.raises(ValidationError) as exc:
        org.full_clean()
    assert "not-an-email" in str(exc.value)
