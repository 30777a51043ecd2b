"""Authorization over the admin, the exports, evidence downloads and the htmx requests.

Roles: a viewer, a reporter and a manager of `org` (members, not staff), and a manager of a
third organization (the stranger). Every object below that they should not see belongs to
`other_org`, and its texts carry the marker SECRET so that a leak is easy to find in a file.

- The admin is for staff only: every URL of every registered model (changelist, add, change,
  delete, history) answers a redirect to the admin's sign-in; a POST changes nothing.
- The exports (task list .xlsx, dashboard .xlsx, quarterly report .docx) hold the user's own
  overdue task and never the other organization's.
- Evidence files of another organization's task answer 404; so does every object URL asked
  with `HX-Request: true`, which writes nothing either.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import NoReverseMatch, get_resolver, reverse

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

pytestmark = pytest.mark.django_db

SECRET = "SECRET-của-cơ-quan-khác"
OWN = "Nhiệm vụ riêng của đơn vị mình"
ROLES = ["viewer", "reporter", "manager", "stranger"]
MISSING_PK = 987654
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": "http://testserver/"}


@pytest.fixture
def world(org, other_org):
    own_directive = DirectiveFactory(issuer=org, title="Văn bản của đơn vị mình")
    own_task = TaskFactory(directive=own_directive, lead=org, text=OWN, deadline=date(2021, 12, 31))
    directive = DirectiveFactory(issuer=other_org, title=f"Văn bản {SECRET}")
    task = TaskFactory(directive=directive, lead=other_org, text=f"Nhiệm vụ {SECRET}", deadline=date(2021, 12, 31))
    extension = ExtensionRequestFactory(task=task)
    target = TargetFactory(directive=directive, task=task, label=f"Chỉ tiêu {SECRET}", achieved=3)
    report = models.ProgressReport.objects.create(
        task=task, organization=other_org, status="in_progress", percent=10, note=SECRET
    )
    evidence = models.EvidenceFile(report=report, original_name="bi-mat.txt", size=6)
    evidence.file.save("bi-mat.txt", ContentFile(SECRET.encode()), save=True)
    users = {}
    for role in ("viewer", "reporter", "manager"):
        users[role] = UserFactory(username=f"own-{role}")
        MembershipFactory(user=users[role], organization=org, role=role)
    stranger_org = OrganizationFactory(name="Ban Tổ chức Huyện ủy khác")
    users["stranger"] = UserFactory(username="stranger")
    MembershipFactory(user=users["stranger"], organization=stranger_org, role="manager")
    TaskFactory(directive=DirectiveFactory(issuer=stranger_org), lead=stranger_org, text=OWN)
    return {
        "users": users,
        "own_task": own_task,
        "task": task,
        "directive": directive,
        "extension": extension,
        "target": target,
        "report": report,
        "evidence": evidence,
    }


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def snapshot() -> dict:
    """What a forbidden request must not change."""
    return {
        "tasks": list(models.Task.objects.order_by("pk").values_list("pk", "text", "status", "progress", "deadline")),
        "reports": models.ProgressReport.objects.count(),
        "extensions": list(models.ExtensionRequest.objects.order_by("pk").values_list("pk", "state")),
        "targets": list(models.Target.objects.order_by("pk").values_list("pk", "achieved")),
        "directives": list(models.Directive.objects.order_by("pk").values_list("pk", "title", "status")),
        "users": list(get_user_model().objects.order_by("pk").values_list("pk", "is_staff", "is_superuser")),
        "memberships": list(models.Membership.objects.order_by("pk").values_list("pk", "role")),
    }


# -- the admin ---------------------------------------------------------------------------


def admin_urls(world) -> list[str]:
    """changelist, add, change, delete and history of every registered model (all apps)."""
    urls = []
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        instance = model._default_manager.order_by("pk").first()
        pk = instance.pk if instance is not None else MISSING_PK
        urls.append(reverse(f"admin:{info[0]}_{info[1]}_changelist"))
        for view, args in (("add", []), ("change", [pk]), ("delete", [pk]), ("history", [pk])):
            try:
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{view}", args=args))
            except NoReverseMatch:
                continue
    urls.append(reverse("admin:index"))
    return urls


def assert_sent_to_admin_login(response, url: str, who: str) -> None:
    assert response.status_code in (302, 403), f"{who} {url}: {response.status_code}"
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("admin:login")), f"{who} {url} -> {response['Location']}"


@pytest.mark.parametrize("role", ROLES)
def test_no_member_sees_or_changes_anything_in_the_admin(world, role):
    client = client_for(world["users"][role])
    before = snapshot()
    urls = admin_urls(world)
    assert len(urls) > 40  # every registered model, not a handful
    for url in urls:
        assert_sent_to_admin_login(client.get(url), url, role)
        assert_sent_to_admin_login(client.get(url, **HTMX), url, f"{role} (htmx)")
        posted = client.post(url, {"text": "đã sửa", "status": "done", "post": "yes", "is_superuser": "on"})
        assert_sent_to_admin_login(posted, url, f"{role} POST")
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_deleting_through_the_admin_leaves_the_rows(world, role):
    client = client_for(world["users"][role])
    for obj in (world["task"], world["own_task"], world["directive"], world["users"][role]):
        info = (obj._meta.app_label, obj._meta.model_name)
        url = reverse(f"admin:{info[0]}_{info[1]}_delete", args=[obj.pk])
        assert_sent_to_admin_login(client.post(url, {"post": "yes"}), url, role)
        assert type(obj).objects.filter(pk=obj.pk).exists()


def test_the_admin_still_works_for_a_superuser(world):
    """The check above could pass on a broken admin; it does not."""
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    response = client.get(reverse("admin:directives_task_change", args=[world["task"].pk]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()


# -- exports -------------------------------------------------------------------------------


def xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True)
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells.extend(str(v) for v in row if v is not None)
    return "\n".join(cells)


def docx_text(content: bytes) -> str:
    from docx import Document

    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


EXPORTS = [
    ("task list", "directives:task_list_xlsx", {}, xlsx_text),
    ("task list, all filters off", "directives:task_list_xlsx", {"standing": "overdue", "sort": "path"}, xlsx_text),
    ("dashboard", "directives:dashboard_xlsx", {}, xlsx_text),
    ("quarterly report", "directives:quarterly_report", {"quarter": "2022Q1"}, docx_text),
]


@pytest.mark.parametrize(("label", "name", "params", "read"), EXPORTS, ids=[e[0] for e in EXPORTS])
@pytest.mark.parametrize("role", ROLES)
def test_exports_hold_the_users_own_tasks_and_no_other_organizations(world, role, label, name, params, read):
    response = client_for(world["users"][role]).get(reverse(name), params)
    assert response.status_code == 200
    text = read(b"".join(response.streaming_content) if response.streaming else response.content)
    assert OWN in text, f"{label}: the user's own overdue task is missing, so the check proves nothing"
    assert SECRET not in text, f"{label} of {role} shows another organization's task"


def test_an_export_does_show_a_task_to_its_own_organization(world, other_org):
    """The marker is findable: the other organization's member sees it in the same files."""
    member = UserFactory(username="other-viewer")
    MembershipFactory(user=member, organization=other_org, role="viewer")
    client = client_for(member)
    assert SECRET in xlsx_text(client.get(reverse("directives:task_list_xlsx")).content)
    assert SECRET in docx_text(client.get(reverse("directives:quarterly_report"), {"quarter": "2022Q1"}).content)


# -- evidence and htmx -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_evidence_of_another_organizations_task_is_not_found(world, role):
    client = client_for(world["users"][role])
    url = reverse("directives:evidence_download", args=[world["evidence"].pk])
    for extra in ({}, HTMX):
        response = client.get(url, **extra)
        assert response.status_code == 404
        assert SECRET.encode() not in b"".join(getattr(response, "streaming_content", [response.content]))


def object_urls(world) -> list[str]:
    """Every `directives:` URL that takes a pk, filled with the other organization's object."""
    _prefix, sub = get_resolver().namespace_dict["directives"]
    objects = {
        "task": world["task"].pk,
        "directive": world["directive"].pk,
        "evidence": world["evidence"].pk,
        "extension": world["extension"].pk,
        "target": world["target"].pk,
    }
    urls = []
    for pattern in sub.url_patterns:
        name = getattr(pattern, "name", None)
        if not name or "<" not in str(pattern.pattern):
            continue
        pk = objects.get(name.split("_", 1)[0], MISSING_PK)
        urls.append(reverse(f"directives:{name}", args=[pk]))
    return urls


@pytest.mark.parametrize("role", ROLES)
def test_htmx_requests_obey_the_same_rules(world, role):
    client = client_for(world["users"][role])
    before = snapshot()
    urls = object_urls(world)
    assert len(urls) >= 7
    forms = {
        "status": "done",
        "percent": "100",
        "requested_deadline": "30/06/2030",
        "reason": "x",
        "decision": "approve",
        "note": "x",
        f"t{world['target'].pk}-achieved": "28",
    }
    for url in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url, forms if method == "post" else None, **HTMX)
            assert response.status_code in (403, 404, 405), f"{role} htmx {method.upper()} {url}"
            assert SECRET not in response.content.decode("utf-8", "replace")
    assert snapshot() == before


@pytest.mark.parametrize("role", ROLES)
def test_htmx_lists_and_pages_leave_the_other_organization_out(world, role):
    client = client_for(world["users"][role])
    for name, params in (
        ("directives:home", {}),
        ("directives:task_list", {}),
        ("directives:task_list", {"q": "SECRET", "standing": "overdue"}),
        ("directives:directive_list", {"q": "SECRET"}),
        ("directives:dashboard", {}),
    ):
        response = client.get(reverse(name), params, **HTMX)
        assert response.status_code == 200, name
        assert SECRET not in response.content.decode(), f"{role} sees SECRET on {name} {params}"
    listed = client.get(reverse("directives:task_list")).content.decode()
    assert re.search(re.escape(OWN), listed)
