"""The staff UI in a real browser (Debian's chromium through Playwright), against live_server.

A reporter signs in, filters to the overdue tasks, reports progress with a file and sees the
status change; a manager approves an extension; at 360 px nothing overflows sideways.
Screenshots of the main pages go to docs/screenshots/.
"""

from __future__ import annotations

import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from directives import models
from tests.factories import (
    DirectiveFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    OrganizationFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The README's screenshots are refreshed with `make screenshots` (UPDATE_SCREENSHOTS=1); an
# ordinary run writes them to a temporary folder so that tests leave the work tree clean.
SHOTS = (
    Path(__file__).resolve().parents[2] / "docs" / "screenshots"
    if os.environ.get("UPDATE_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "tracker-screenshots"
)
PASSWORD = "pass-for-tests-1"


@pytest.fixture
def data(transactional_db):
    today = timezone.localdate()
    unit = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi", short_name="BTC Quảng Ngãi")
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    directive = DirectiveFactory(
        issuer=issuer, number="336-TB/BTCTW", title="Kết luận của đồng chí Trưởng Ban tại Hội nghị giao ban"
    )
    section = TaskFactory(directive=directive, lead=unit, path="II", text="Công tác xây dựng tổ chức", deadline=None)
    late = TaskFactory(
        directive=directive,
        parent=section,
        lead=unit,
        path="II.1",
        text="Hoàn thiện đề án sắp xếp tổ chức bộ máy của tỉnh",
        deadline=today - timedelta(days=20),
        deadline_period="",
    )
    late.supporters.add(issuer)
    TaskFactory(
        directive=directive,
        parent=section,
        lead=unit,
        path="II.2",
        text="Tổng kết công tác kết nạp đảng viên năm nay",
        deadline=today + timedelta(days=40),
    )
    TargetFactory(directive=directive, task=late, label="Đề án được phê duyệt", total=28, achieved=19)
    extension_task = TaskFactory(
        directive=directive, lead=unit, path="III", text="Rà soát quy hoạch cán bộ", deadline=today + timedelta(days=5)
    )
    extension = ExtensionRequestFactory(task=extension_task, requested_deadline=today + timedelta(days=60))
    reporter = UserFactory(username="reporter", first_name="Nguyễn Văn", last_name="An")
    MembershipFactory(user=reporter, organization=unit, role="reporter")
    manager = UserFactory(username="manager")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    return {"late": late, "directive": directive, "extension": extension, "extension_task": extension_task}


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]:has-text('Đăng nhập')")
    page.wait_for_url(f"{base}/")


def shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_a_reporter_filters_overdue_tasks_and_reports_progress_with_a_file(browser, live_server, data, tmp_path):
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    sign_in(page, base, "reporter")
    assert page.locator("#g-overdue").is_visible()
    shot(page, "home")

    page.goto(f"{base}/tasks/?overdue=1")
    assert page.locator("#task-table tbody tr").count() == 1
    shot(page, "task-list")
    page.click("text=Hoàn thiện đề án sắp xếp")
    page.wait_for_url(f"{base}/tasks/{data['late'].pk}/")
    assert "Quá hạn chưa hoàn thành" in page.inner_text("#task-standing")

    evidence = tmp_path / "bao-cao.pdf"
    evidence.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.select_option("#id_status", "done")
    page.fill("#id_percent", "100")
    page.fill("#id_note", "Đã trình Ban Thường vụ")
    page.set_input_files("#id_files", str(evidence))
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#timeline:has-text('bao-cao.pdf')")  # no wait_for_function: the CSP forbids eval
    assert "Hoàn thành quá hạn" in page.inner_text("#task-standing")
    assert "bao-cao.pdf" in page.inner_text("#timeline")
    shot(page, "task")
    data["late"].refresh_from_db()
    assert data["late"].status == models.Task.Status.DONE

    page.goto(f"{base}/directives/{data['directive'].pk}/")
    assert "19/28" in page.content()
    shot(page, "directive")


def test_a_manager_approves_an_extension(browser, live_server, data):
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 1280, "height": 900})
    sign_in(page, base, "manager")
    page.goto(f"{base}/tasks/{data['extension_task'].pk}/")
    page.check("input[name=decision][value=approve]")
    page.fill("#id_note", "Đồng ý gia hạn")
    page.click("#decide-form button[type=submit]")
    page.wait_for_selector(".ext-approved")
    data["extension_task"].refresh_from_db()
    assert data["extension_task"].deadline == data["extension"].requested_deadline

    page.goto(f"{base}/dashboard/")
    assert page.locator("h1").inner_text().startswith("Tổng hợp")
    shot(page, "dashboard")


@pytest.mark.parametrize("path", ["/", "/tasks/", "task", "directive"])
def test_pages_fit_a_phone_screen(browser, live_server, data, path):
    base = live_server.url
    page = browser.new_page(locale="vi-VN", viewport={"width": 360, "height": 740})
    sign_in(page, base, "reporter")
    url = {"task": f"/tasks/{data['late'].pk}/", "directive": f"/directives/{data['directive'].pk}/"}.get(path, path)
    page.goto(base + url)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{url} is {width}px wide"
    if path == "task":
        shot(page, "phone-task")
    if path == "/":
        shot(page, "phone-home")
