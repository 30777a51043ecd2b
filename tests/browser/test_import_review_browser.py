"""The import review in a real browser: the source beside the draft, a task's link brings its span
into view in the source panel (no script: a fragment link and :target), and axe-core finds no
serious violation. A screenshot goes to the temporary screenshots folder."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_daily_use_browser import DESKTOP, PHONE, axe_violations
from tests.browser.test_ui_browser import PASSWORD, SHOTS, shot
from tests.factories import UserFactory
from tests.importing.test_import_review import numbered

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clerk(transactional_db):
    user = UserFactory(username="clerk", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def to_review(browser, base, viewport):
    page = browser.new_context(viewport=viewport, locale="vi-VN", bypass_csp=True).new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/import/")
    page.fill("textarea[name=text]", numbered(60))
    page.click("button[type=submit]:has-text('Phân tích văn bản')")
    page.wait_for_url(f"{base}/import/review/")
    return page


def test_a_tasks_link_brings_its_span_into_view_beside_the_draft(browser, live_server, clerk):
    page = to_review(browser, live_server.url, DESKTOP)
    tasks, panel = page.locator(".review-split > fieldset").bounding_box(), page.locator(".source-panel").bounding_box()
    assert panel["x"] >= tasks["x"] + tasks["width"] and panel["y"] < tasks["y"] + 100  # beside, not below
    table = page.locator(".review-split table.review").bounding_box()
    assert table["x"] + table["width"] <= tasks["x"] + tasks["width"]  # the draft's table fits its column
    page.click("#task-30 a.src-link")
    assert page.url.endswith("#src-30")
    mark, pre = page.locator("#src-30").bounding_box(), page.locator(".source-panel pre").bounding_box()
    assert pre["y"] <= mark["y"] and mark["y"] + mark["height"] <= pre["y"] + pre["height"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "import-review-source.png"))  # the screen as the clerk sees it
    page.click("#src-30 a.src-ref")  # and back to the row
    assert page.url.endswith("#task-30")
    shot(page, "import-review")
    assert axe_violations(page) == []


def test_on_a_phone_the_source_follows_the_draft(browser, live_server, clerk):
    page = to_review(browser, live_server.url, PHONE)
    tasks, panel = page.locator(".review-split > fieldset").bounding_box(), page.locator(".source-panel").bounding_box()
    assert panel["y"] >= tasks["y"] + tasks["height"]
