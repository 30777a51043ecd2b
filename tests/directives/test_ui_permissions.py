"""The permission matrix: every URL of the `directives` namespace, for every role, against an
object of another organization; and every POST without a CSRF token is refused.

The URLs are read from the URLconf, so pages added later are covered: `<int:pk>` is filled
with the pk of an object of the other organization, chosen by the URL name's prefix
(task_, directive_, evidence_, extension_, target_, claim_, claimfile_, explanation_,
explanationfile_); unknown names get a pk that does not exist.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import get_resolver

from directives import models
from tests.factories import (
    DirectiveFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MISSING_PK = 987654


def directive_url_patterns() -> list[tuple[str, str]]:
    """(name, route with <int:pk> placeholders) for every pattern of the `directives` namespace."""
    resolver = get_resolver()
    prefix, sub = resolver.namespace_dict["directives"]
    found = []
    for pattern in sub.url_patterns:
        if getattr(pattern, "name", None):
            found.append((pattern.name, "/" + prefix + str(pattern.pattern)))
    return found


# Public on purpose: the one-click unsubscribe of reminder emails (RFC 8058) is authenticated by
# the signed token in its URL, and mail providers POST to it without cookies or a CSRF token;
# tests/services/test_reminders_digest.py checks that a forged token gets 404.
PUBLIC = {"reminders_unsubscribe"}
URLS = [(n, r) for n, r in directive_url_patterns() if n not in PUBLIC]


@pytest.fixture
def world(org, other_org):
    """`org` is the users' organization; every object below belongs to `other_org`."""
    directive = DirectiveFactory(issuer=other_org)
    task = TaskFactory(directive=directive, lead=other_org, deadline=date(2030, 1, 1))
    extension = ExtensionRequestFactory(task=task)
    target = TargetFactory(directive=directive, task=task)
    report = models.ProgressReport.objects.create(task=task, organization=other_org, status="in_progress", percent=10)
    evidence = models.EvidenceFile(report=report, original_name="a.txt", size=1)
    evidence.file.save("a.txt", ContentFile(b"a"), save=True)
    claim = models.CompletionClaim.objects.create(task=task, organization=other_org, completed_on=date(2021, 1, 1))
    claim_file = models.ClaimFile(claim=claim, original_name="b.txt", size=1)
    claim_file.file.save("b.txt", ContentFile(b"b"), save=True)
    explanation = models.Explanation.objects.create(
        task=task, organization=other_org, addressed_to=other_org, question="Vì sao chậm?", due_on=date(2030, 1, 1)
    )
    explanation_file = models.ExplanationFile(explanation=explanation, original_name="c.txt", size=1)
    explanation_file.file.save("c.txt", ContentFile(b"c"), save=True)
    objects = {
        "task": task.pk,
        "directive": directive.pk,
        "evidence": evidence.pk,
        "extension": extension.pk,
        "target": target.pk,
        "claim": claim.pk,
        "claimfile": claim_file.pk,
        "explanation": explanation.pk,
        "explanationfile": explanation_file.pk,
    }
    users = {}
    for role in ("viewer", "reporter", "manager"):
        users[role] = UserFactory(username=f"own-{role}")
        MembershipFactory(user=users[role], organization=org, role=role)
    stranger_org = models.Organization.objects.create(name="Ban Tổ chức Huyện ủy khác")
    users["stranger"] = UserFactory(username="stranger")
    MembershipFactory(user=users["stranger"], organization=stranger_org, role="manager")
    return objects, users


def fill(name: str, route: str, objects: dict) -> str:
    kind = name.split("_", 1)[0]
    pk = objects.get(kind, MISSING_PK)

    def sub(match):
        converter = match.group(1)
        if converter == "int":
            return str(pk)
        return "x"

    path = re.sub(r"<(?:(\w+):)?\w+>", sub, route)
    return path.replace("^", "").replace("$", "")


OBJECT_URLS = [(n, r) for n, r in URLS if "<" in r]


@pytest.mark.parametrize("name,route", OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
@pytest.mark.parametrize("role", ["viewer", "reporter", "manager", "stranger"])
def test_no_one_reaches_another_organizations_object(world, name, route, role):
    objects, users = world
    client = Client()
    client.force_login(users[role])
    url = fill(name, route, objects)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code in (403, 404, 405), f"{role} {method.upper()} {url}: {response.status_code}"


@pytest.mark.parametrize("name,route", URLS, ids=[n for n, _ in URLS])
def test_anonymous_users_are_sent_to_sign_in(world, name, route):
    objects, _users = world
    url = fill(name, route, objects)
    for method in ("get", "post"):
        response = getattr(Client(), method)(url)
        if response.status_code == 405:
            continue
        assert response.status_code == 302, f"anonymous {method.upper()} {url}: {response.status_code}"
        assert "login" in response["Location"]  # the sign-in page (staff pages use the admin's)


@pytest.mark.parametrize("name,route", URLS, ids=[n for n, _ in URLS])
def test_every_post_without_a_csrf_token_is_refused(world, org, name, route):
    """Even for a manager of the issuing organization, on their own objects."""
    objects, users = world
    manager = users["manager"]
    MembershipFactory(
        user=manager, organization=models.Directive.objects.get(pk=objects["directive"]).issuer, role="manager"
    )
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    response = client.post(fill(name, route, objects), {"status": "done", "percent": "100"})
    assert response.status_code in (403, 405), f"POST {name}: {response.status_code}"
    if response.status_code == 403:
        assert b"CSRF" in response.content


def test_the_matrix_covers_the_pages_of_this_area():
    names = {n for n, _ in URLS}
    assert {"task_detail", "task_report", "extension_decide", "target_update", "evidence_download"} <= names
    assert {"claim_decide", "claimfile_download", "task_explanation", "explanation_answer"} <= names
    assert {"explanation_close", "explanationfile_download", "inbox"} <= names


@pytest.mark.parametrize("role", ["viewer", "reporter", "manager", "stranger"])
def test_no_one_imports_over_another_organizations_directive(world, role):
    """The import is part of the matrix: no role updates or issues in the other organization's name."""
    from django.core.exceptions import PermissionDenied

    from directives import services
    from directives.importing.drafts import DirectiveDraft, TaskDraft

    objects, users = world
    directive = models.Directive.objects.get(pk=objects["directive"])
    draft = DirectiveDraft(
        title="x", number=directive.number, issuer=directive.issuer.name, tasks=[TaskDraft("1", "Chiếm")]
    )
    for update in (directive, None):
        with pytest.raises(PermissionDenied):
            services.directive_import(draft=draft, actor=users[role], update=update)
    assert directive.tasks.count() == 1 and directive.tasks.get().reports.count() == 1


@pytest.mark.parametrize("role", ["viewer", "reporter", "manager"])
def test_the_task_tree_shows_only_the_tasks_the_user_may_open(world, org, role):
    objects, users = world
    hidden = models.Task.objects.get(pk=objects["task"])
    hidden.text = "Nội dung mật của đơn vị khác"
    hidden.save()
    mine = TaskFactory(directive=hidden.directive, lead=org, path="2", text="Việc của đơn vị mình")
    client = Client()
    client.force_login(users[role])
    page = client.get(f"/tasks/{mine.pk}/")
    assert page.status_code == 200
    assert "Nội dung mật của đơn vị khác" not in page.content.decode()
    from directives import selectors

    tree = selectors.task_tree(users[role], mine)
    assert hidden not in tree.siblings


def test_the_dashboard_issuer_choices_list_only_visible_issuers(world, org):
    objects, users = world
    other = models.Directive.objects.get(pk=objects["directive"]).issuer
    client = Client()
    client.force_login(users["viewer"])
    page = client.get("/dashboard/")
    assert page.status_code == 200
    choices = [str(v) for v, _label in page.context["form"].fields["issuer"].choices]
    assert str(other.pk) not in choices
