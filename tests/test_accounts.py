"""Brute-force protection and the access log."""

import pytest
from django.urls import reverse

from directives import models
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "pass-for-tests-1"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_failures_lock_the_user_from_that_ip_even_with_the_right_password(client):
    UserFactory(username="canbo")
    for _ in range(5):
        assert login(client, "canbo", "wrong").status_code in (200, 429)
    response = login(client, "canbo", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "15 phút" in response.content.decode()


def test_four_failures_do_not_lock(client):
    UserFactory(username="canbo")
    for _ in range(4):
        login(client, "canbo", "wrong")
    response = login(client, "canbo", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_an_admin_unlocks_by_removing_the_attempts(client):
    from axes.utils import reset

    UserFactory(username="canbo")
    for _ in range(5):
        login(client, "canbo", "wrong")
    reset(username="canbo")
    assert login(client, "canbo", PASSWORD).status_code == 302


def test_sign_ins_and_failures_are_logged_with_organization_and_ip(client):
    user = UserFactory(username="canbo")
    MembershipFactory(user=user, organization=OrganizationFactory(name="Bộ Nội vụ"))
    login(client, "canbo", "wrong")
    login(client, "canbo", PASSWORD)
    failed = models.AccessEvent.objects.get(kind="login_failed")
    assert failed.username == "canbo"
    assert failed.ip_address == "10.0.0.7"
    succeeded = models.AccessEvent.objects.get(kind="login_succeeded")
    assert succeeded.user == user
    assert succeeded.organizations == "Bộ Nội vụ"


def test_a_denied_access_is_logged(client):
    user = UserFactory(username="canbo")
    client.force_login(user)
    response = client.get("/admin/directives/task/", REMOTE_ADDR="10.0.0.8")
    assert response.status_code in (302, 403)
    client.get("/tasks/999999/", REMOTE_ADDR="10.0.0.8")
    event = models.AccessEvent.objects.filter(kind="access_denied").latest("id")
    assert event.user == user
    assert event.status_code in (403, 404)
    assert event.ip_address == "10.0.0.8"


def test_only_superusers_see_the_access_log(client):
    staff = UserFactory(username="staff", is_staff=True)
    from django.contrib.auth.models import Permission

    staff.user_permissions.add(Permission.objects.get(codename="view_accessevent"))
    client.force_login(staff)
    assert client.get(reverse("admin:directives_accessevent_changelist")).status_code == 403
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:directives_accessevent_changelist")).status_code == 200
