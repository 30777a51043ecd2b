"""Login and logging: a long name is a form error, many names from one address are slowed,
anonymous refusals are counted rather than stored one row per request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives import models
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/"])
@pytest.mark.parametrize("length", [151, 256, 300, 5000])
def test_a_login_name_of_any_length_is_a_form_error_never_a_500(client, url, length):
    response = client.post(url, {"username": "a" * length, "password": "x"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_many_names_from_one_address_are_stopped_after_100_failures_an_hour(client, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS_PER_HOUR = 100
    UserFactory(username="real")
    models.AccessEvent.objects.bulk_create(
        models.AccessEvent(kind="login_failed", username=f"guess{i}", ip_address="127.0.0.1") for i in range(100)
    )
    response = client.post("/accounts/login/", {"username": "real", "password": "pass-for-tests-1"})
    assert response.status_code == 200
    assert "quá nhiều lần đăng nhập sai" in response.content.decode()
    assert "_auth_user_id" not in client.session  # not even the right password passes
    other = client.post(
        "/accounts/login/", {"username": "real", "password": "pass-for-tests-1"}, REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 302  # another address is not affected


def test_anonymous_refusals_are_counted_not_stored_one_row_each():
    from django.test import Client

    from directives.access_log import anonymous_refusals

    client = Client(enforce_csrf_checks=True)
    before = anonymous_refusals()
    for _ in range(30):
        client.post(reverse("directives:import"), {"text": "x"})  # anonymous POST without CSRF: 403
    assert anonymous_refusals() - before == 30
    assert models.AccessEvent.objects.filter(kind="access_denied", user=None).count() <= 1
