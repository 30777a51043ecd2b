"""The pages keep to the Content-Security-Policy: no inline scripts, styles or event handlers,
so that nothing the browser would block is left in them."""

import re
from datetime import date

import pytest
from django.urls import reverse

from directives import models
from directives.demo import load_demo
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.fixture
def pages(client):
    load_demo(today=date(2026, 11, 21))
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    task = models.Task.objects.filter(reports__isnull=False).first()
    directive = task.directive
    return [
        reverse("directives:home"),
        reverse("directives:task_list") + "?standing=overdue",
        reverse("directives:task_detail", args=[task.pk]),
        reverse("directives:directive_list"),
        reverse("directives:directive_detail", args=[directive.pk]),
        reverse("directives:directive_edit", args=[directive.pk]),
        reverse("directives:dashboard") + "?at=2021Q4",
        reverse("directives:import"),
        reverse("directives:reminder_preferences"),
        reverse("directives:reminders_health"),
        reverse("password_change"),
    ]


def test_no_page_has_inline_script_style_or_handlers(client, pages):
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Content-Security-Policy" in response.headers, url
        html = response.content.decode()
        for pattern, what in INLINE:
            found = pattern.search(html)
            assert found is None, f"{url}: {what}: {html[max(found.start() - 80, 0) : found.end() + 80]}"


def test_the_import_review_page_keeps_to_it_too(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    text = (
        "THÔNG BÁO\nKết luận Hội nghị\n1. Ban Tổ chức chủ trì rà soát quy hoạch cán bộ, hoàn thành trong Quý IV/2021.\n"
    )
    assert client.post(reverse("directives:import"), {"text": text}).status_code == 302
    html = client.get(reverse("directives:import_review")).content.decode()
    for pattern, what in INLINE:
        assert pattern.search(html) is None, what


def test_the_login_page_keeps_to_it(client):
    html = client.get(reverse("login")).content.decode()
    for pattern, what in INLINE:
        assert pattern.search(html) is None, what
