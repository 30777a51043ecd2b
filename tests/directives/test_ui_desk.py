"""A clerk's day: the compact filter bar with named periods and "Đơn vị tôi", saved views in
the navigation, following a task, and one report given to several tasks at once."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from directives import models, selectors
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client):
    unit = OrganizationFactory(name="Vụ Tổ chức - Điều lệ", short_name="Vụ TCĐL")
    other = OrganizationFactory(name="Vụ Cơ sở đảng")
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    directive = DirectiveFactory(issuer=issuer, number="336-TB/BTCTW")
    mine = [
        TaskFactory(directive=directive, lead=unit, path=str(i), text=f"Việc của vụ số {i}", deadline=date(2021, 12, 1))
        for i in (1, 2)
    ]
    supported = TaskFactory(directive=directive, lead=other, path="3", text="Việc phối hợp", deadline=date(2022, 3, 1))
    supported.supporters.add(unit)
    foreign = TaskFactory(lead=other, path="9", text="Việc không liên quan", deadline=date(2022, 3, 1))
    user = UserFactory(username="tcdl.baocao")
    MembershipFactory(user=user, organization=unit, role="reporter")
    client.force_login(user)
    return {"unit": unit, "mine": mine, "supported": supported, "foreign": foreign, "user": user, "other": other}


def test_the_filter_bar_is_compact_with_named_periods_and_no_dashes(client, desk):
    html = client.get(reverse("directives:task_list")).content.decode()
    assert "---------" not in html
    assert '<option value="2021Q4">Quý IV/2021</option>' in html
    assert '<option value="2022H1">6 tháng đầu năm 2022</option>' in html
    assert '<option value="2023">Năm 2023</option>' in html
    assert "Thêm bộ lọc" in html
    assert "Chỉ việc quá hạn" not in html  # the standing "Quá hạn" says it
    bar = html[html.index('class="filter-bar"') : html.index('class="more-filters"')]
    for name in ("q", "org", "role", "standing", "period"):
        assert f'name="{name}"' in bar, name
    for name in ("directive", "issuer", "kind", "cutoff", "deadline_after", "year"):
        assert f'name="{name}"' not in bar, name


def test_a_named_period_filters_by_deadline(client, desk):
    response = client.get(reverse("directives:task_list"), {"period": "2021Q4"})
    paths = {t.path for t in response.context["rows"]}
    assert paths == {"1", "2"}


def test_my_organization_in_one_click(client, desk):
    html = client.get(reverse("directives:task_list")).content.decode()
    assert 'href="?org=mine"' in html and "Đơn vị tôi" in html
    rows = client.get(reverse("directives:task_list"), {"org": "mine"}).context["rows"]
    assert {t.pk for t in rows} == {desk["mine"][0].pk, desk["mine"][1].pk, desk["supported"].pk}
    rows = client.get(reverse("directives:task_list"), {"org": "mine", "role": "lead"}).context["rows"]
    assert {t.pk for t in rows} == {t.pk for t in desk["mine"]}


def test_a_saved_view_is_named_and_found_in_the_navigation(client, desk):
    response = client.post(
        reverse("directives:saved_view_save"), {"name": "Quý IV của vụ", "query": "org=mine&period=2021Q4&page=3"}
    )
    assert response.status_code == 302
    view = models.SavedView.objects.get(user=desk["user"])
    assert view.query == "org=mine&period=2021Q4"  # the page is not kept
    html = client.get(reverse("directives:home")).content.decode()
    nav = html[html.index("<nav") : html.index("</nav>")]
    assert "Quý IV của vụ" in nav and "/tasks/?org=mine&amp;period=2021Q4" in nav
    # another user neither sees nor deletes it
    stranger = UserFactory(username="stranger")
    client.force_login(stranger)
    assert "Quý IV của vụ" not in client.get(reverse("directives:home")).content.decode()
    assert client.post(reverse("directives:saved_view_delete", args=[view.pk])).status_code == 404
    client.force_login(desk["user"])
    client.post(reverse("directives:saved_view_delete", args=[view.pk]))
    assert not models.SavedView.objects.exists()


def test_a_saved_view_needs_a_name(client, desk):
    client.post(reverse("directives:saved_view_save"), {"name": "  ", "query": "org=mine"})
    assert not models.SavedView.objects.exists()


def test_following_a_task_shows_it_on_the_home_page(client, desk):
    other_user = UserFactory(username="other")
    MembershipFactory(user=other_user, organization=desk["other"], role="viewer")
    task = desk["supported"]
    client.post(reverse("directives:task_follow", args=[task.pk]), {"follow": "1"})
    assert list(selectors.followed_tasks(desk["user"])) == [task]
    html = client.get(reverse("directives:home")).content.decode()
    section = html[html.index('id="followed"') :]
    assert "Việc phối hợp" in section
    rows = client.get(reverse("directives:task_list"), {"followed": "1"}).context["rows"]
    assert [t.pk for t in rows] == [task.pk]
    client.post(reverse("directives:task_follow", args=[task.pk]), {"follow": "0"})
    assert list(selectors.followed_tasks(desk["user"])) == []


def test_a_task_one_may_not_see_cannot_be_followed(client, desk):
    response = client.post(reverse("directives:task_follow", args=[desk["foreign"].pk]), {"follow": "1"})
    assert response.status_code == 404
    assert not models.TaskFollow.objects.exists()


def test_a_followed_task_no_longer_visible_leaves_the_list(client, desk):
    task = desk["supported"]
    models.TaskFollow.objects.create(user=desk["user"], task=task)
    task.supporters.clear()
    assert list(selectors.followed_tasks(desk["user"])) == []


def test_one_report_for_several_tasks_is_one_progress_report_each(client, desk):
    a, b = desk["mine"]
    response = client.post(
        reverse("directives:tasks_bulk_report"),
        {"tasks": [a.pk, b.pk, desk["foreign"].pk], "status": "in_progress", "percent": "40", "note": "Đang làm"},
    )
    assert response.status_code == 302
    for task in (a, b):
        task.refresh_from_db()
        assert (task.status, task.progress) == ("in_progress", 40)
        report = task.reports.get()
        assert report.author == desk["user"] and report.organization == desk["unit"] and report.note == "Đang làm"
        assert task.events.filter(kind="reported").exists()
    assert not desk["foreign"].reports.exists()  # not visible: untouched


def test_bulk_report_keeps_the_status_when_only_progress_is_given(client, desk):
    a, _b = desk["mine"]
    client.post(reverse("directives:tasks_bulk_report"), {"tasks": [a.pk], "percent": "70"})
    a.refresh_from_db()
    assert (a.status, a.progress) == (models.Task.Status.NOT_STARTED, 70)


def test_bulk_report_refuses_tasks_the_user_may_not_report_and_says_so(client, desk):
    viewer = UserFactory(username="viewer")
    MembershipFactory(user=viewer, organization=desk["other"], role="viewer")
    MembershipFactory(user=desk["user"], organization=desk["other"], role="viewer")
    desk["user"]._tracker_roles = None
    task = desk["supported"]  # led by `other` (viewer there) but supported by the unit (reporter)
    own = desk["foreign"]  # led by `other`, where the user only views
    response = client.post(
        reverse("directives:tasks_bulk_report"), {"tasks": [own.pk, task.pk], "status": "in_progress"}, follow=True
    )
    own.refresh_from_db()
    assert not own.reports.exists()
    assert task.reports.get().organization == desk["unit"]
    assert "chưa được báo cáo" in response.content.decode()


def test_bulk_report_needs_a_status_or_a_progress(client, desk):
    a, _b = desk["mine"]
    response = client.post(reverse("directives:tasks_bulk_report"), {"tasks": [a.pk]}, follow=True)
    assert not a.reports.exists()
    assert "Hãy chọn trạng thái hoặc nhập tiến độ." in response.content.decode()


def test_a_viewer_gets_no_bulk_form(client, desk):
    viewer = UserFactory(username="only.viewer")
    MembershipFactory(user=viewer, organization=desk["unit"], role="viewer")
    client.force_login(viewer)
    html = client.get(reverse("directives:task_list")).content.decode()
    assert 'id="bulk-form"' not in html and 'name="tasks"' not in html


def test_a_user_without_organization_is_told_where_to_go(client):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(admin)
    html = client.get(reverse("directives:home")).content.decode()
    assert 'id="no-organization"' in html and reverse("directives:task_list") in html
    plain = UserFactory(username="newcomer")
    client.force_login(plain)
    assert "quản trị viên gán tài khoản" in client.get(reverse("directives:home")).content.decode()


def test_period_names_follow_the_language(client, desk):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("directives:task_list")).content.decode()
    assert '<option value="2021Q4">Q4/2021</option>' in html
    task = desk["mine"][0]
    task.deadline_period = "2015"
    task.save()
    html = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert "(Năm 2015)" not in html and "(2015)" in html
