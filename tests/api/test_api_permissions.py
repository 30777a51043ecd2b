"""The API's permission matrix, as tests/directives/test_ui_permissions.py for the pages: every
URL of the `api` namespace, read from the URLconf (so endpoints added later are covered), for
every role, against another organization's objects; anonymous requests; and what each role may
do on its own organization's objects."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import get_resolver
from rest_framework.test import APIClient

from directives import models
from tests.api.conftest import client_for
from tests.factories import ExtensionRequestFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MISSING_PK = 987654
PUBLIC = {"schema", "docs"}


def api_url_patterns() -> list[tuple[str, str]]:
    prefix, sub = get_resolver().namespace_dict["api"]
    return [(p.name, "/" + prefix + str(p.pattern)) for p in sub.url_patterns if getattr(p, "name", None)]


URLS = api_url_patterns()
OBJECT_URLS = [(n, r) for n, r in URLS if "<" in r]


def fill(name: str, route: str, objects: dict) -> str:
    pk = objects.get(name.split("_", 1)[0], MISSING_PK)
    return re.sub(r"<(?:\w+:)?\w+>", str(pk), route)


@pytest.fixture
def others(api_world):
    """Objects of `other_org` only, and a user of a third organization."""
    hidden = api_world["hidden"]
    extension = ExtensionRequestFactory(task=hidden)
    objects = {
        "task": hidden.pk,
        "directive": api_world["theirs"].pk,
        "extension": extension.pk,
        "target": api_world["hidden_target"].pk,
    }
    users = dict(api_world["users"])
    stranger_org = models.Organization.objects.create(name="Ban Tổ chức Huyện ủy khác")
    users["stranger"] = UserFactory(username="api-stranger")
    MembershipFactory(user=users["stranger"], organization=stranger_org, role="manager")
    return objects, users


@pytest.mark.parametrize("name,route", OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
@pytest.mark.parametrize("role", ["viewer", "reporter", "manager", "stranger"])
@pytest.mark.parametrize("auth", ["token", "session"])
def test_no_one_reaches_another_organizations_object(others, name, route, role, auth):
    objects, users = others
    if auth == "token":
        client = client_for(users[role], "report")
    else:
        client = APIClient()
        client.force_login(users[role])  # force_login skips CSRF, so only the rights decide
    url = fill(name, route, objects)
    for method in ("get", "post"):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code in (403, 404, 405), f"{role} {method.upper()} {url}: {response.status_code}"
        assert response["Content-Type"].startswith("application/json")


def test_lists_never_hold_another_organizations_objects(others):
    objects, users = others
    for role, user in users.items():
        client = client_for(user, "read")
        for list_url, key in (("/api/tasks/", "task"), ("/api/directives/", "directive"), ("/api/targets/", "target")):
            ids = {row["id"] for row in client.get(list_url).json()["results"]}
            assert objects[key] not in ids, (role, list_url)
        assert objects["extension"] not in {e["id"] for e in client.get("/api/extensions/").json()["results"]}


@pytest.mark.parametrize(
    "name,route", [(n, r) for n, r in URLS if n not in PUBLIC], ids=[n for n, _ in URLS if n not in PUBLIC]
)
def test_anonymous_requests_get_401(others, name, route):
    objects, _users = others
    url = fill(name, route, objects)
    for method in ("get", "post"):
        response = getattr(APIClient(), method)(url, {}, format="json")
        if response.status_code == 405:
            continue
        assert response.status_code == 401, f"anonymous {method.upper()} {url}: {response.status_code}"


# What each role may do on its own organization's objects: (role, action) -> allowed.
EXPECTED = {
    ("viewer", "report"): False,
    ("viewer", "extension"): False,
    ("viewer", "target"): False,
    ("viewer", "decide"): False,
    ("reporter", "report"): True,
    ("reporter", "extension"): True,
    ("reporter", "target"): True,
    ("reporter", "decide"): False,
    ("manager", "report"): True,
    ("manager", "extension"): True,
    ("manager", "target"): True,
    ("manager", "decide"): True,
}


@pytest.mark.parametrize("role,action", list(EXPECTED), ids=[f"{r}-{a}" for r, a in EXPECTED])
@pytest.mark.parametrize("scope", ["report", "read"])
def test_each_role_does_what_the_web_ui_lets_it_do(api_world, role, action, scope):
    led = api_world["led"]
    client = client_for(api_world["users"][role], scope)
    if action == "report":
        response = client.post(f"/api/tasks/{led.pk}/reports/", {"status": "in_progress", "percent": 5}, format="json")
    elif action == "extension":
        response = client.post(
            f"/api/tasks/{led.pk}/extensions/", {"requested_deadline": "2022-06-30", "reason": "Chờ"}, format="json"
        )
    elif action == "target":
        response = client.post(f"/api/targets/{api_world['target'].pk}/update/", {"achieved": "3"}, format="json")
    else:
        extension = ExtensionRequestFactory(task=led, requested_deadline=date(2022, 6, 30))
        response = client.post(f"/api/extensions/{extension.pk}/decide/", {"decision": "refuse"}, format="json")
    allowed = EXPECTED[(role, action)] and scope == "report"
    assert response.status_code in ((200, 201) if allowed else (403,)), (role, action, scope, response.content)
    for url in ("/api/tasks/", f"/api/tasks/{led.pk}/", "/api/directives/", "/api/targets/", "/api/dashboard/"):
        assert client.get(url).status_code == 200  # every role reads


def test_the_matrix_covers_the_api():
    names = {n for n, _ in URLS}
    assert {"task_list", "task_detail", "task_reports", "task_extensions", "extension_decide", "target_update"} <= names
    assert {"directive_detail", "target_detail", "dashboard", "me"} <= names
