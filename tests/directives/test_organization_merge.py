"""New bodies are deliberate: proposals confirmed by staff; duplicates merged in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives import models
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def test_merging_two_organizations_moves_memberships_tasks_links_and_history(client, superuser):
    kept = OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ngãi")
    duplicate = OrganizationFactory(name="Sở Nội vụ Quảng Ngãi")
    both = UserFactory(username="both")
    MembershipFactory(user=both, organization=kept, role="manager")
    MembershipFactory(user=both, organization=duplicate, role="reporter")
    only = MembershipFactory(organization=duplicate, role="reporter").user
    led = TaskFactory(lead=duplicate)
    supported = TaskFactory()
    supported.supporters.add(duplicate, kept)
    report = models.ProgressReport.objects.create(task=led, organization=duplicate, status="in_progress", percent=10)
    directive = DirectiveFactory(issuer=duplicate)

    response = client.post(
        reverse("admin:directives_organization_changelist"),
        {"action": "merge_into_oldest", "_selected_action": [kept.pk, duplicate.pk]},
    )
    assert response.status_code == 302
    assert not models.Organization.objects.filter(pk=duplicate.pk).exists()
    led.refresh_from_db()
    report.refresh_from_db()
    directive.refresh_from_db()
    assert led.lead == kept and report.organization == kept and directive.issuer == kept
    assert list(supported.supporters.all()) == [kept]
    assert models.Membership.objects.get(user=only).organization == kept
    assert models.Membership.objects.get(user=both).role == "manager"


def test_a_proposed_body_is_confirmed_by_staff(client, superuser):
    manager = UserFactory(username="qn")
    proposed = models.Organization.objects.create(name="Ban Dân vận Huyện ủy", is_active=False, proposed_by=manager)
    client.post(
        reverse("admin:directives_organization_changelist"),
        {"action": "confirm_proposed", "_selected_action": [proposed.pk]},
    )
    proposed.refresh_from_db()
    assert proposed.is_active
