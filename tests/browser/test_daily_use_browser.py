"""Daily use in a real browser (Debian's chromium through Playwright), on the demo data:
axe-core finds no serious or critical violation on the main pages (Vietnamese and English,
desktop 1366×768 and phone 360×740); the keyboard alone reports progress and decides an
extension; the task list keeps one line per task at 1366 px; on a phone the menu collapses,
tables are stacked with labels and tap targets are at least 44×44 px.

axe-core comes from the npm registry (`package.json` at the root; `npm ci`): it is injected
into the pages here only (the browser context bypasses the CSP for that), never served.
"""

from __future__ import annotations

import json
import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from directives import models
from directives.demo import load_demo
from tests.browser.test_ui_browser import SHOTS
from tests.conftest import require_service

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "pass-for-tests-1"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}


@pytest.fixture
def demo(transactional_db):
    today = timezone.localdate()
    load_demo(today=today)
    User = get_user_model()
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()
    live = models.Directive.objects.get(number=f"DEMO-{today.year}/KH-BTCTW")
    reported = models.Task.objects.filter(reports__isnull=False, directive=live).first()
    pending = models.ExtensionRequest.objects.get(state="pending")
    return {"live": live, "task": reported, "pending": pending, "today": today}


def context(browser, viewport, language="vi"):
    ctx = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True)
    if language == "en":
        ctx.add_cookies([{"name": "django_language", "value": "en", "url": "http://localhost"}])
    return ctx


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def axe_violations(page) -> list[dict]:
    require_service("axe-core", AXE.exists(), "run `npm ci` at the repository root")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {resultTypes: ['violations']});"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def main_pages(demo) -> list[str]:
    return [
        "/",
        "/inbox/",
        "/tasks/",
        "/tasks/?org=mine&standing=overdue",
        f"/tasks/{demo['task'].pk}/",
        "/directives/",
        f"/directives/{demo['live'].pk}/",
        "/dashboard/",
        "/account/reminders/",
        "/khong-co-trang-nay/",
    ]


@pytest.mark.parametrize("language", ["vi", "en"])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_axe_finds_no_serious_violation_on_the_main_pages(browser, live_server, demo, language, viewport):
    ctx = context(browser, viewport, language)
    page = ctx.new_page()
    found = {}
    page.goto(f"{live_server.url}/accounts/login/")
    found["/accounts/login/"] = axe_violations(page)
    sign_in(page, live_server.url, "btctw.quanly")
    for url in main_pages(demo):
        page.goto(live_server.url + url)
        assert page.locator("html").get_attribute("lang") == language, url
        found[url] = axe_violations(page)
    ctx.close()
    bad = {url: v for url, v in found.items() if v}
    assert not bad, json.dumps(bad, ensure_ascii=False, indent=1)


def shot(page, name: str, full_page: bool = False) -> None:
    """README screenshots (`make screenshots` writes them to docs/screenshots/)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def tab_to(page, selector: str, limit: int = 250) -> None:
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    target = page.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_keyboard_alone_reports_progress(browser, live_server, demo):
    task = demo["task"]
    username = models.Membership.objects.filter(organization=task.lead, role="reporter").first().user.username
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, username)
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    tab_to(page, "#id_status")
    page.keyboard.type("Hoàn")  # type-ahead picks "Hoàn thành"
    assert page.locator("#id_status").input_value() == "done"
    tab_to(page, "#id_note")
    page.keyboard.type("Đã trình Thường trực (bàn phím)")
    tab_to(page, "#report-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#timeline:has-text('Đã trình Thường trực (bàn phím)')")
    task.refresh_from_db()
    assert task.status == "done"


def test_the_keyboard_alone_decides_an_extension(browser, live_server, demo):
    pending = demo["pending"]
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "btctw.quanly")
    page.goto(f"{live_server.url}/tasks/{pending.task_id}/")
    tab_to(page, "input[name=decision][value=approve]")
    page.keyboard.press("Space")
    assert page.locator("input[name=decision][value=approve]").is_checked()
    tab_to(page, "#decide-form textarea, #decide-form input[name=note]")
    page.keyboard.type("Đồng ý")
    tab_to(page, "#decide-form button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector(".ext-approved")
    pending.refresh_from_db()
    assert pending.state == "approved"


def test_the_task_list_keeps_one_line_per_task_at_1366(browser, live_server, demo):
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/tasks/")
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    heights = page.eval_on_selector_all(
        "#task-table tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert len(heights) >= 10
    shot(page, "task-list-1366")
    line = page.eval_on_selector("#task-table tbody td.date", "td => parseFloat(getComputedStyle(td).lineHeight)")
    assert max(heights) < 2 * line + 16, heights  # one line of text (plus padding)
    # headers never break inside a word: each is one line
    th = page.eval_on_selector_all("#task-table thead th", "ths => ths.map(t => t.getBoundingClientRect().height)")
    assert max(th) < 2 * line + 16, th
    # a clamped text expands
    button = page.locator("#task-table button.expand").first
    row = page.locator("#task-table tbody tr", has=page.locator("button.expand")).first
    button.click()
    assert "expanded" in row.get_attribute("class")
    assert row.evaluate("r => r.getBoundingClientRect().height") > max(heights)


def test_filters_saved_views_and_bulk_update_in_the_browser(browser, live_server, demo):
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "tcdl.baocao")
    page.goto(f"{live_server.url}/tasks/")
    assert not page.locator(".more-filters[open]").count()  # the rest is behind "Thêm bộ lọc"
    page.click("text=Đơn vị tôi")
    page.wait_for_url("**/tasks/?org=mine")
    year = demo["today"].year
    page.select_option("#id_period", f"{year}")
    page.click("#filter-form button[type=submit]")
    page.wait_for_url(f"**period={year}**")
    page.fill("#saved-name", "Việc của vụ năm nay")
    page.click(".save-view button[type=submit]")
    page.wait_for_selector(".saved-views summary")
    assert "Việc của vụ năm nay" in page.locator(".saved-views").text_content()
    boxes = page.locator("#task-table input[name=tasks]")
    n = min(boxes.count(), 2)
    assert n >= 1
    ids = []
    for i in range(n):
        boxes.nth(i).check()
        ids.append(int(boxes.nth(i).get_attribute("value")))
    page.fill("#bulk-percent", "35")
    page.click("#bulk-form button[type=submit]")
    page.wait_for_selector(".messages")
    for pk in ids:
        task = models.Task.objects.get(pk=pk)
        assert task.progress == 35 or task.status == "done"
        assert task.reports.filter(author__username="tcdl.baocao").exists()


def test_following_a_task_puts_it_on_the_home_page(browser, live_server, demo):
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "btctw.xem")
    task = demo["task"]
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    page.click("#follow-form button")
    page.goto(f"{live_server.url}/")
    assert task.text[:30] in page.inner_text("#followed")


# Tap targets under 44×44 px (WCAG 2.5.5); links inside running text are exempt (the
# criterion's "inline" exception); a checkbox counts with its label.
SMALL_TARGETS = """() => Array.from(document.querySelectorAll(
    'main a, main button, main select, main input, main summary, header button'))
  .filter(el => el.getClientRects().length > 0 && el.type !== 'hidden'
    && !el.closest('p, li.chip, .timeline, .facts, .crumbs, .task-text, .muted'))
  .map(el => {
    const box = (el.type === 'checkbox' || el.type === 'radio') && el.labels && el.labels[0]
      ? el.labels[0] : el;
    const r = box.getBoundingClientRect();
    return {w: Math.round(r.width), h: Math.round(r.height), what: el.outerHTML.slice(0, 90)};
  })
  .filter(t => (t.w < 44 || t.h < 44) && !(t.w === 0 && t.h === 0))"""

# Tables stacked on a phone label each cell; "wide" ones keep their columns and scroll.
UNLABELED_CELLS = """() => Array.from(document.querySelectorAll('main table.data:not(.wide) tbody td'))
  .filter(td => td.offsetParent !== null && !td.dataset.label && td.colSpan <= 1
    && td.textContent.trim() && !td.classList.contains('pick')
    && !td.classList.contains('follow-cell'))
  .map(td => td.outerHTML.slice(0, 80))"""


def test_on_a_phone_the_menu_collapses_and_targets_are_large(browser, live_server, demo):
    page = context(browser, PHONE).new_page()
    sign_in(page, live_server.url, "tcdl.baocao")
    header = page.locator("header.topbar").bounding_box()
    assert header["height"] <= 64, header
    assert not page.locator("#site-menu nav a").first.is_visible()
    page.click(".menu-toggle")
    assert page.locator("#site-menu nav a").first.is_visible()
    shot(page, "phone-menu")
    assert page.locator(".menu-toggle").get_attribute("aria-expanded") == "true"
    page.keyboard.press("Escape")
    pages = ["/", "/tasks/", f"/tasks/{demo['task'].pk}/", f"/directives/{demo['live'].pk}/", "/inbox/", "/dashboard/"]
    for url in pages:
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], url
        if url == "/tasks/":
            shot(page, "phone-task-list")
        if url == "/dashboard/":
            shot(page, "phone-dashboard", full_page=True)
        small = page.evaluate(SMALL_TARGETS)
        assert not small, (url, small[:5])
        # stacked table cells carry their column's name
        unlabeled = page.evaluate(UNLABELED_CELLS)
        assert not unlabeled, (url, unlabeled[:5])


def test_error_pages_in_the_browser(browser, live_server, demo, settings):
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "tcdl.baocao")
    settings.DEBUG = False
    response = page.goto(f"{live_server.url}/import/")
    assert response.status == 403
    assert "Không có quyền truy cập" in page.inner_text("main")
    page.click("text=Về trang Việc của đơn vị")
    page.wait_for_url(f"{live_server.url}/")


def test_the_demo_timeline_is_in_date_order(browser, live_server, demo):
    task = models.Task.objects.filter(reports__isnull=False, deadline__lt=date.today() - timedelta(days=365)).first()
    page = context(browser, DESKTOP).new_page()
    sign_in(page, live_server.url, "admin")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    items = page.locator("#timeline li").all_inner_texts()
    created = next(i for i, text in enumerate(items) if "Tạo nhiệm vụ" in text)
    assert created == len(items) - 1, items  # newest first: the creation is the oldest entry
