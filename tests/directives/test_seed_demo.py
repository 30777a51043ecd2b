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
    # The seed's news reports about meetings are not directives (issue 15): the Thông báo and
    # the live plan remain, with no invented tasks.
    assert models.Directive.objects.count() == 2
    assert models.Directive.objects.filter(status="active").count() == 2
    assert not models.Directive.objects.filter(number="").exists()
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


def test_demo_timelines_are_in_the_order_things_happened():
    """A 2021 task's timeline does not list its creation (today) above its 2021 report."""
    call_command("seed_demo", stdout=StringIO())
    from directives import selectors

    admin = get_user_model().objects.get(username="admin")
    checked = 0
    for task in models.Task.objects.filter(reports__isnull=False).distinct():
        timeline = selectors.task_timeline(admin, task)  # newest first
        created = [e for e in timeline if e.kind == "event" and e.obj.kind == "created"]
        reports = [e for e in timeline if e.kind == "report"]
        assert created and reports
        assert created[0].at <= min(r.at for r in reports), task
        assert created[0].at.date() == task.directive.issued_on
        checked += 1
    assert checked >= 10


def test_every_demo_login_lands_on_a_page_with_something_to_do(client):
    call_command("seed_demo", stdout=StringIO())
    for user in get_user_model().objects.all():
        client.force_login(user)
        html = client.get("/").content.decode()
        has_tasks = 'class="group ' in html
        told_where = 'id="no-organization"' in html or 'id="nothing-led"' in html
        assert has_tasks or told_where, user.username
