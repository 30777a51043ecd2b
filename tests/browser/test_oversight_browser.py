"""The tracking office's flows in a real browser (Debian's chromium through Playwright):
an extension requested → the manager's inbox → decided; a report of "done" → waiting →
returned → reported again → accepted; an explanation requested → answered → closed."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from directives import models
from tests.browser.test_ui_browser import PASSWORD
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def office(transactional_db):
    today = timezone.localdate()
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Hải Dương", requires_verification=True)
    unit = OrganizationFactory(name="Ban Tổ chức Huyện ủy Nam Sách")
    directive = DirectiveFactory(issuer=issuer, number="12-KH/BTCTU")
    task = TaskFactory(
        directive=directive,
        lead=unit,
        path="1",
        text="Rà soát, bổ sung quy hoạch cán bộ nhiệm kỳ 2025-2030",
        deadline=today + timedelta(days=5),
        deadline_period="",
    )
    reporter = UserFactory(username="ns.baocao")
    MembershipFactory(user=reporter, organization=unit, role="reporter")
    manager = UserFactory(username="hd.quanly")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    return {"task": task, "today": today}


def sign_in(browser, base, username):
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{base}/")
    return page


def open_from_inbox(page, base, section):
    page.click("nav a[href='/inbox/']")
    page.wait_for_url(f"{base}/inbox/")
    page.click(f"#inbox-{section} li a")


def test_an_extension_request_reaches_the_managers_inbox_and_is_decided(browser, live_server, office):
    base, task = live_server.url, office["task"]
    page = sign_in(browser, base, "ns.baocao")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.click("#extension-box summary")
    page.fill("#id_requested_deadline", (office["today"] + timedelta(days=60)).strftime("%d/%m/%Y"))
    page.fill("#id_reason", "Chờ kết quả đại hội chi bộ")
    page.click("#extension-form button[type=submit]")
    page.wait_for_selector("#pending-h")

    page = sign_in(browser, base, "hd.quanly")
    assert page.inner_text("nav .nav-count") == "2"  # the request, and the task due in 5 days
    open_from_inbox(page, base, "extensions")
    page.check("input[name=decision][value=approve]")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector(".ext-approved")
    page.goto(f"{base}/inbox/")
    assert page.locator("#inbox-extensions").count() == 0


def test_a_done_report_waits_is_returned_then_accepted(browser, live_server, office):
    base, task = live_server.url, office["task"]
    reporter = sign_in(browser, base, "ns.baocao")
    reporter.goto(f"{base}/tasks/{task.pk}/")
    reporter.select_option("#id_status", "done")
    reporter.fill("#id_percent", "100")
    reporter.fill("#id_note", "Đã ban hành quyết định phê duyệt quy hoạch")
    reporter.click("#report-form button[type=submit]")
    reporter.wait_for_selector("#task-claim")
    assert "chờ xác nhận" in reporter.inner_text("#task-status")

    manager = sign_in(browser, base, "hd.quanly")
    open_from_inbox(manager, base, "claims")
    manager.check("input[name=claim-decision][value=return]")
    manager.fill("#id_claim-comment", "Thiếu quyết định phê duyệt kèm theo")
    manager.click("#claim-form button[type=submit]")
    manager.wait_for_selector(".claim-returned")

    open_from_inbox(reporter, base, "returned")
    assert "Thiếu quyết định" in reporter.inner_text("#timeline")
    reporter.select_option("#id_status", "done")
    reporter.fill("#id_percent", "100")
    reporter.click("#report-form button[type=submit]")
    reporter.wait_for_selector("#task-claim")

    open_from_inbox(manager, base, "claims")
    manager.check("input[name=claim-decision][value=accept]")
    manager.click("#claim-form button[type=submit]")
    manager.wait_for_selector(".claim-accepted")
    assert "Hoàn thành đúng hạn" in manager.inner_text("#task-standing")
    task.refresh_from_db()
    assert task.status == models.Task.Status.DONE


def test_an_explanation_is_requested_answered_and_closed(browser, live_server, office, tmp_path):
    base, task = live_server.url, office["task"]
    manager = sign_in(browser, base, "hd.quanly")
    manager.goto(f"{base}/tasks/{task.pk}/")
    manager.click("#explanation-box summary")
    manager.fill("#id_explain-question", "Đề nghị giải trình vì sao chưa trình quy hoạch")
    manager.click("#explanation-form button[type=submit]")
    manager.wait_for_selector(".explanation-open")

    reporter = sign_in(browser, base, "ns.baocao")
    open_from_inbox(reporter, base, "explanations")
    attachment = tmp_path / "giai-trinh.pdf"
    attachment.write_bytes(b"%PDF-1.4\n%%EOF\n")
    reporter.fill(".explanation-answer-form textarea", "Chờ ý kiến của Ban Thường vụ Huyện ủy")
    reporter.set_input_files(".explanation-answer-form input[type=file]", str(attachment))
    reporter.click(".explanation-answer-form button[type=submit]")
    reporter.wait_for_selector("#timeline:has-text('giai-trinh.pdf')")

    open_from_inbox(manager, base, "answers")
    assert "Chờ ý kiến của Ban Thường vụ" in manager.inner_text("#task-live")
    manager.click(".explanation-close-form button")
    manager.wait_for_selector("#timeline:has-text('Kết thúc yêu cầu giải trình')")
    manager.goto(f"{base}/inbox/")
    assert manager.locator("#inbox-answers").count() == 0


def test_a_task_is_passed_down_the_sub_task_done_and_the_parent_rolls_up(browser, live_server, office):
    base, task = live_server.url, office["task"]
    district = OrganizationFactory(name="Ban Tổ chức Huyện ủy Kim Thành", parent=task.lead)
    manager = UserFactory(username="ns.quanly")
    MembershipFactory(user=manager, organization=task.lead, role="manager")
    district_reporter = UserFactory(username="kt.baocao")
    MembershipFactory(user=district_reporter, organization=district, role="reporter")
    models.Organization.objects.filter(pk=office["task"].directive.issuer_id).update(requires_verification=False)

    page = sign_in(browser, base, "ns.quanly")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.click("#pass-down-box summary")
    page.select_option("#id_down-lead", str(district.pk))
    page.fill("#id_down-text", "Rà soát quy hoạch cán bộ cấp huyện")
    page.click("#pass-down-form button[type=submit]")
    page.wait_for_selector("#rollup-summary")
    assert "0/1" in page.inner_text("#rollup-summary")
    sub = models.Task.objects.get(parent=task)

    lower = sign_in(browser, base, "kt.baocao")
    lower.goto(f"{base}/tasks/{sub.pk}/")
    lower.select_option("#id_status", "done")
    lower.fill("#id_percent", "100")
    lower.click("#report-form button[type=submit]")
    lower.wait_for_selector("#task-standing:has-text('Hoàn thành')")

    page.goto(f"{base}/tasks/{task.pk}/")
    assert "1/1" in page.inner_text("#rollup-summary")
    assert "Hoàn thành đúng hạn" in page.inner_text("#rollup-worst")


def test_the_second_occurrence_of_a_recurring_task_is_reported_on_its_own(browser, live_server, office):
    from directives import services

    base, task = live_server.url, office["task"]
    models.Organization.objects.filter(pk=task.directive.issuer_id).update(requires_verification=False)
    models.Task.objects.filter(pk=task.pk).update(recurrence="monthly", recurrence_day=20)
    services.recurring_occurrences_create(on=task.deadline)  # the sweep, run on the first occurrence's deadline
    second = models.Task.objects.get(series=task)

    page = sign_in(browser, base, "ns.baocao")
    page.goto(f"{base}/tasks/{task.pk}/")
    page.click(f"#occurrences a[href='/tasks/{second.pk}/']")
    page.wait_for_url(f"{base}/tasks/{second.pk}/")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_percent", "40")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#task-status:has-text('40%')")
    second.refresh_from_db()
    task.refresh_from_db()
    assert (second.progress, task.progress) == (40, 0)
