"""Passing a task down to the lead body's child organizations, the parent's roll-up, the rule
that the parent is not done while a sub-task is open, and a lower body's plan attached to the
higher task it implements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from directives import models, selectors, services
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    today = timezone.localdate()
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    province = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi")
    district = OrganizationFactory(name="Ban Tổ chức Huyện ủy Bình Sơn", parent=province)
    other_district = OrganizationFactory(name="Ban Tổ chức Huyện ủy Sơn Tịnh", parent=province)
    stranger = OrganizationFactory(name="Ban Tổ chức Huyện ủy Ba Vì")
    task = TaskFactory(
        directive=DirectiveFactory(issuer=issuer), lead=province, path="2", deadline=today + timedelta(days=30)
    )
    manager = UserFactory(username="qn.quanly")
    MembershipFactory(user=manager, organization=province, role="manager")
    reporter = UserFactory(username="qn.baocao")
    MembershipFactory(user=reporter, organization=province, role="reporter")
    district_reporter = UserFactory(username="bs.baocao")
    MembershipFactory(user=district_reporter, organization=district, role="reporter")
    return locals()


def pass_down(t, **kwargs):
    kwargs.setdefault("lead", t["district"])
    return services.task_pass_down(task=t["task"], actor=t["manager"], **kwargs)


def test_a_sub_task_goes_to_a_child_body_with_the_parents_deadline(tree):
    sub = pass_down(tree, supporters=[tree["other_district"]])
    assert (sub.parent, sub.path, sub.lead, sub.deadline) == (
        tree["task"],
        "2-1",
        tree["district"],
        tree["task"].deadline,
    )
    assert sub.assigned_by == tree["province"] and list(sub.supporters.all()) == [tree["other_district"]]
    assert pass_down(tree, lead=tree["other_district"]).path == "2-2"
    assert tree["task"].events.filter(kind="passed_down").count() == 2


def test_a_sub_task_counts_from_the_day_it_is_passed_down(tree):
    """The figures at a date before the pass-down are not changed by the sub-task (it did not
    exist then), as a task added by an update of the text counts from that day."""
    today = timezone.localdate()
    directive = tree["task"].directive
    yesterday = selectors.directive_figures(tree["manager"], directive, cutoff=today - timedelta(days=1)).counts
    sub = pass_down(tree)
    assert sub.added_on == today
    again = selectors.directive_figures(tree["manager"], directive, cutoff=today - timedelta(days=1)).counts
    assert again.counted == yesterday.counted == 1
    assert selectors.directive_figures(tree["manager"], directive, cutoff=today).counts.counted == 2


def test_only_a_child_body_and_a_deadline_no_later_than_the_parents(tree):
    with pytest.raises(ValidationError) as exc:
        pass_down(tree, lead=tree["stranger"], deadline=tree["task"].deadline + timedelta(days=1))
    assert {"lead", "deadline"} <= set(exc.value.error_dict)


def test_the_parent_is_not_done_while_a_sub_task_is_open_unless_the_manager_says_so(tree):
    sub = pass_down(tree)
    report = dict(task=tree["task"], author=tree["reporter"], organization=tree["province"], status="done", percent=100)
    with pytest.raises(ValidationError, match="2-1"):
        services.progress_report_submit(**report)
    services.task_report_progress(
        task=sub, author=tree["district_reporter"], organization=tree["district"], status="done", percent=100
    )
    assert isinstance(services.progress_report_submit(**report), models.ProgressReport)


def test_the_manager_may_close_with_an_open_sub_task(tree):
    pass_down(tree)
    services.progress_report_submit(
        task=tree["task"],
        author=tree["manager"],
        organization=tree["province"],
        status="done",
        percent=100,
        close_open_subtasks=True,
    )
    assert models.Task.objects.get(pk=tree["task"].pk).status == "done"


def test_the_roll_up_counts_done_sub_tasks_and_names_the_worst_standing(tree):
    today = timezone.localdate()
    first = pass_down(tree)
    pass_down(tree, lead=tree["other_district"], deadline=today - timedelta(days=2))
    services.task_report_progress(
        task=first, author=tree["district_reporter"], organization=tree["district"], status="done", percent=100
    )
    rollup = selectors.task_rollup(tree["manager"], tree["task"], cutoff=today + timedelta(days=1))
    assert (rollup.total, rollup.finished, rollup.worst) == (2, 1, "overdue")


def test_the_child_body_and_the_passing_body_see_the_sub_task_others_do_not(tree):
    sub = pass_down(tree)
    assert selectors.tasks_visible_to(tree["district_reporter"]).filter(pk=sub.pk).exists()
    assert selectors.tasks_visible_to(tree["reporter"]).filter(pk=sub.pk).exists()
    outsider = UserFactory(username="bv.baocao")
    MembershipFactory(user=outsider, organization=tree["stranger"])
    assert not selectors.tasks_visible_to(outsider).filter(pk=sub.pk).exists()


def test_a_lower_bodys_plan_rolls_up_into_the_task_it_implements(tree):
    plan = DirectiveFactory(issuer=tree["province"], kind="ke_hoach", implements=tree["task"])
    done = TaskFactory(directive=plan, lead=tree["district"], status="done", completed_on=timezone.localdate())
    TaskFactory(directive=plan, lead=tree["other_district"])
    assert done.pk
    rollup = selectors.task_rollup(tree["manager"], tree["task"])
    assert (rollup.plan_tasks, rollup.plan_finished, rollup.plans) == (2, 1, [plan])


def test_the_directive_edit_form_offers_the_tasks_its_issuer_leads(client, tree):
    plan = DirectiveFactory(issuer=tree["province"], kind="ke_hoach")
    client.force_login(tree["manager"])
    page = client.get(reverse("directives:directive_edit", args=[plan.pk])).content.decode()
    assert f'value="{tree["task"].pk}"' in page


def test_passing_down_on_the_page(client, tree):
    url = reverse("directives:task_detail", args=[tree["task"].pk])
    client.force_login(tree["reporter"])
    assert "pass-down-form" not in client.get(url).content.decode()
    response = client.post(
        reverse("directives:task_pass_down", args=[tree["task"].pk]), {"down-lead": tree["district"].pk}
    )
    assert response.status_code == 403
    client.force_login(tree["manager"])
    assert 'id="pass-down-form"' in client.get(url).content.decode()
    response = client.post(
        reverse("directives:task_pass_down", args=[tree["task"].pk]),
        {"down-lead": tree["district"].pk, "down-deadline": "", "down-text": "Rà soát tại huyện"},
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="rollup-summary"' in page and "0/1" in page
    response = client.post(
        reverse("directives:task_pass_down", args=[tree["task"].pk]),
        {"down-lead": tree["stranger"].pk},
    )
    assert response.status_code == 400
