"""The reminder digest's HTML in a real browser (Debian's chromium): readable on a phone."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from directives import services
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [360, 800])
def test_the_digest_fits_a_phone_and_a_desktop_without_scrolling_sideways(browser, width):  # noqa: F811
    lead = OrganizationFactory(name="Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi", contact_emails="skhdt@qn.example.vn")
    plan = DirectiveFactory(issuer=OrganizationFactory(name="Tỉnh ủy Quảng Ngãi"), number="1234-KH/TU")
    long_text = "Xây dựng Đề án nâng cao chất lượng đội ngũ cán bộ, công chức cấp xã giai đoạn 2021-2025 " * 4
    for n in range(3):
        TaskFactory(directive=plan, lead=lead, deadline=date(2021, 12, 31), text=f"{n}. {long_text}")
    with time_machine.travel(timezone.make_aware(datetime(2021, 12, 24, 7, 0)), tick=False):
        services.reminders_plan(on=date(2021, 12, 24))
        services.reminders_send()
    html = mail.outbox[0].alternatives[0].content
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.set_content(html)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.get_by_text("Sắp đến hạn (3)").is_visible()
    # Every task's text wraps inside the viewport rather than widening the page.
    widths = page.evaluate("[...document.querySelectorAll('td')].map(td => td.getBoundingClientRect().right)")
    assert max(widths) <= width
    page.close()
