from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from directives import models

pytestmark = pytest.mark.django_db

TABLES = [
    models.Organization,
    models.Membership,
    models.Directive,
    models.Task,
    models.Target,
    models.TargetSnapshot,
    models.ProgressReport,
    models.ExtensionRequest,
    models.Citation,
    models.TaskEvent,
]


def counts():
    return {model.__name__: model.objects.count() for model in TABLES} | {"User": get_user_model().objects.count()}


def test_seed_demo_twice_changes_nothing():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = counts()
    call_command("seed_demo", stdout=StringIO())
    assert counts() == first
    assert "btctw.quanly" in out.getvalue()
    assert "demo-2026-tracker" in out.getvalue()


def test_seed_demo_if_empty_loads_nothing_when_directives_exist():
    call_command("seed_demo", stdout=StringIO())
    before = counts()
    out = StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts() == before
    assert "nothing loaded" in out.getvalue()


def test_the_demo_has_the_seed_directives_organizations_and_every_role():
    call_command("seed_demo", stdout=StringIO())
    names = set(models.Organization.objects.values_list("name", flat=True))
    assert {"Ban Tổ chức Trung ương", "Bộ Nội vụ", "Văn phòng Trung ương Đảng", "Tỉnh ủy Quảng Ngãi"} <= names
    assert {"Ban Tổ chức Thành ủy TP HCM", "Tỉnh ủy Nghệ An"} <= names
    assert set(models.Membership.objects.values_list("role", flat=True)) == {"viewer", "reporter", "manager"}
    assert models.Directive.objects.count() == 6
    assert models.Directive.objects.filter(status="active").count() == 6
    # every organization that leads a task can be reminded: it has contact addresses
    for org in models.Organization.objects.filter(led_tasks__isnull=False).distinct():
        assert org.emails, org


def test_the_demo_mixes_on_time_late_in_progress_and_overdue_tasks():
    call_command("seed_demo", stdout=StringIO())
    seed = models.Directive.objects.get(number="336-BS/VPTU")
    standings = {task.standing(date(2022, 3, 31)) for task in seed.tasks.all()}
    assert {"done_on_time", "done_late", "overdue"} <= standings
    assert seed.tasks.filter(deadline=date(2021, 12, 31)).count() >= 20
    target = seed.targets.filter(total=28).first()
    assert target is not None
    assert target.snapshots.get(year=2021, quarter=3).achieved == 19


def test_the_demo_has_tasks_due_around_today_and_a_pending_extension():
    today = date.today()
    call_command("seed_demo", stdout=StringIO())
    live = models.Task.objects.filter(deadline__range=(today, date.fromordinal(today.toordinal() + 14)))
    assert live.count() >= 3
    assert models.ExtensionRequest.objects.filter(state="pending").count() == 1
