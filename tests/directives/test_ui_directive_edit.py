from datetime import date

import pytest
from django.urls import reverse

from directives import models
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directive():
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương")
    directive = DirectiveFactory(issuer=issuer, number="336-BS/VPTU", issued_on=date(2021, 10, 13))
    TaskFactory(directive=directive, lead=issuer)
    return directive


def member(org, role):
    user = UserFactory()
    MembershipFactory(user=user, organization=org, role=role)
    return user


def form_data(directive, **changes):
    data = {
        "kind": directive.kind,
        "number": directive.number,
        "title": directive.title,
        "meeting_date": "",
        "issued_on": "13/10/2021",
        "signer": "",
        "period": "",
        "status": directive.status,
    }
    return data | changes


def test_a_manager_of_the_issuer_edits_the_directive_and_the_tasks_timeline_shows_it(client, directive):
    manager = member(directive.issuer, "manager")
    client.force_login(manager)
    url = reverse("directives:directive_edit", args=[directive.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, form_data(directive, signer="Mai Văn Chính", period="2021Q4", meeting_date="30/09/2021")
    )
    assert response.status_code == 302
    directive.refresh_from_db()
    assert directive.signer == "Mai Văn Chính"
    assert directive.meeting_date == date(2021, 9, 30)
    assert directive.period == "2021Q4"
    event = models.TaskEvent.objects.get(task__directive=directive, kind="edited")
    assert event.actor == manager


def test_a_reporter_of_the_issuer_may_read_but_not_edit(client, directive):
    client.force_login(member(directive.issuer, "reporter"))
    assert client.get(reverse("directives:directive_detail", args=[directive.pk])).status_code == 200
    assert client.get(reverse("directives:directive_edit", args=[directive.pk])).status_code == 403
    response = client.post(reverse("directives:directive_edit", args=[directive.pk]), form_data(directive, title="x"))
    assert response.status_code == 403
    directive.refresh_from_db()
    assert directive.title != "x"


def test_a_manager_of_another_organization_gets_404(client, directive):
    client.force_login(member(OrganizationFactory(name="Tỉnh ủy Nghệ An"), "manager"))
    assert client.get(reverse("directives:directive_edit", args=[directive.pk])).status_code == 404


def test_bad_input_is_a_form_error_and_changes_nothing(client, directive):
    client.force_login(member(directive.issuer, "manager"))
    url = reverse("directives:directive_edit", args=[directive.pk])
    response = client.post(url, form_data(directive, issued_on="31/02/2021", period="Q5/2021", title=""))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"issued_on", "period", "title"} <= set(errors)
    directive.refresh_from_db()
    assert directive.issued_on == date(2021, 10, 13)


def test_a_number_already_used_by_the_same_issuer_is_refused(client, directive):
    DirectiveFactory(issuer=directive.issuer, number="337-BS/VPTU")
    client.force_login(member(directive.issuer, "manager"))
    url = reverse("directives:directive_edit", args=[directive.pk])
    response = client.post(url, form_data(directive, number="337-BS/VPTU"))
    assert response.status_code == 400
    directive.refresh_from_db()
    assert directive.number == "336-BS/VPTU"
