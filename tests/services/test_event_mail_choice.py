"""Each user chooses, on the preferences page, how event mails reach him (a completion report
returned, an extension requested or decided, an explanation requested or answered): at once,
or in the next morning's digest. End to end, against a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from directives import models, services
from directives.services import reminders as impl
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.services.test_reminders_services import _decoded

pytestmark = pytest.mark.django_db

N = models.Notification
DAY = date(2021, 12, 20)
AFTERNOON = timezone.make_aware(datetime(2021, 12, 20, 15, 0))
NEXT_MORNING = timezone.make_aware(datetime(2021, 12, 21, 7, 0))


@pytest.fixture
def office():
    """A provincial board verifies the "done" reports of a district board's two reporters: one
    wants event mails at once, the other in the digest. The tasks are due in two months, so
    no reminder is planned about them: whatever arrives is the event mail."""
    board = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Hải Dương", requires_verification=True)
    district = OrganizationFactory(name="Ban Tổ chức Huyện ủy Nam Sách", contact_emails="")
    plan = DirectiveFactory(issuer=board, number="45-KH/TU")
    manager = UserFactory(username="hd.quanly", email="quanly@hd.example.vn")
    MembershipFactory(user=manager, organization=board, role="manager")
    at_once = UserFactory(username="ns.ngay", email="ngay@ns.example.vn", first_name="Trần", last_name="Bình")
    in_digest = UserFactory(username="ns.gop", email="gop@ns.example.vn", first_name="Lê", last_name="Chi")
    for user in (at_once, in_digest):
        MembershipFactory(user=user, organization=district, role="reporter")
    tasks = [
        TaskFactory(directive=plan, lead=district, path=str(n), deadline=DAY + timedelta(days=60), text=text)
        for n, text in ((1, "Rà soát quy hoạch cấp ủy"), (2, "Kiện toàn tổ chức cơ sở đảng"))
    ]
    return {"district": district, "manager": manager, "at_once": at_once, "in_digest": in_digest, "tasks": tasks}


def subject(envelope) -> str:
    import email
    from email.header import decode_header, make_header

    message = email.message_from_bytes(envelope.original_content or envelope.content)
    return str(make_header(decode_header(message["Subject"])))


def checked(page: str) -> str:
    """The value of the event mail radio button that is checked."""
    (value,) = re.findall(r'<input type="radio" name="event_mail" value="(\w+)"[^>]* checked', page)
    return value


def choose(user, choice: str) -> Client:
    client = Client()
    client.force_login(user)
    response = client.post(reverse("directives:reminder_preferences"), {"email_reminders": "on", "event_mail": choice})
    assert response.status_code == 302
    return client


def return_claims(office, django_capture_on_commit_callbacks) -> list:
    """Each reporter reports his task done; the board returns both reports with a comment."""
    callbacks = []
    for user, task in zip((office["at_once"], office["in_digest"]), office["tasks"], strict=True):
        claim = services.completion_claim_submit(task=task, author=user, organization=office["district"])
        with django_capture_on_commit_callbacks(execute=False) as captured:
            services.completion_claim_decide(
                claim=claim, decider=office["manager"], accept=False, comment=f"Thiếu minh chứng nhiệm vụ {task.path}"
            )
        callbacks.append(captured)
    return callbacks


def test_the_preferences_page_shows_and_saves_the_choice(office):
    client = Client()
    client.force_login(office["in_digest"])
    page = client.get(reverse("directives:reminder_preferences")).content.decode()
    assert "Email về đề nghị gia hạn, báo cáo hoàn thành bị trả lại, yêu cầu giải trình" in page
    assert "Gửi ngay khi có việc" in page and "Gộp vào bản tin hằng ngày" in page
    assert checked(page) == "immediate"  # the default
    choose(office["in_digest"], "digest")
    assert models.UserPreference.objects.get(user=office["in_digest"]).event_mail == "digest"
    page = client.get(reverse("directives:reminder_preferences")).content.decode()
    assert checked(page) == "digest"
    choose(office["in_digest"], "immediate")
    assert models.UserPreference.objects.get(user=office["in_digest"]).event_mail == "immediate"


def test_an_unknown_choice_is_refused_with_a_message_and_changes_nothing(office):
    choose(office["in_digest"], "digest")
    client = Client()
    client.force_login(office["in_digest"])
    response = client.post(reverse("directives:reminder_preferences"), {"event_mail": "hourly"})
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    pref = models.UserPreference.objects.get(user=office["in_digest"])
    assert (pref.event_mail, pref.email_reminders) == ("digest", True)


def test_immediate_mails_go_at_once_and_digest_mails_with_the_next_mornings_digest(
    office, smtp, django_capture_on_commit_callbacks
):
    choose(office["at_once"], "immediate")
    choose(office["in_digest"], "digest")
    with time_machine.travel(AFTERNOON, tick=False):
        at_once_callbacks, digest_callbacks = return_claims(office, django_capture_on_commit_callbacks)
        assert at_once_callbacks, "the immediate mail is sent after the commit"
        assert not digest_callbacks, "nothing is sent for the digest reader now"
        services.reminders_send()  # what the send task does after the commit
    assert smtp.recipients() == ["ngay@ns.example.vn"]
    body = _decoded(smtp.messages[0])
    assert "Thiếu minh chứng nhiệm vụ 1" in body and "Thiếu minh chứng nhiệm vụ 2" not in body

    # The send ticks of the evening and of early morning send nothing more.
    for moment in (AFTERNOON + timedelta(hours=3), NEXT_MORNING - timedelta(minutes=5)):
        with time_machine.travel(moment, tick=False):
            assert services.reminders_send().sent == 0
    assert len(smtp.messages) == 1

    with time_machine.travel(NEXT_MORNING, tick=False):
        services.reminders_sweep(on=NEXT_MORNING.date())
    assert smtp.recipients() == ["gop@ns.example.vn", "ngay@ns.example.vn"]
    digest = _decoded(smtp.messages[1])
    assert subject(smtp.messages[1]) == "[Thông báo] 1 việc mới về nhiệm vụ (21/12/2021)"
    assert "Kính gửi Lê Chi," in digest
    assert "Thiếu minh chứng nhiệm vụ 2" in digest and "Thiếu minh chứng nhiệm vụ 1" not in digest
    assert "gộp vào bản tin hằng ngày" in digest
    assert N.objects.get(recipient="gop@ns.example.vn").state == N.State.SENT
    with time_machine.travel(NEXT_MORNING + timedelta(minutes=30), tick=False):
        assert services.reminders_sweep(on=NEXT_MORNING.date()).sent == 0  # once


def test_a_digest_event_goes_out_alone_when_no_sweep_takes_it(office, smtp, django_capture_on_commit_callbacks):
    choose(office["in_digest"], "digest")
    with time_machine.travel(AFTERNOON, tick=False):
        return_claims(office, django_capture_on_commit_callbacks)
    with time_machine.travel(NEXT_MORNING + impl.DIGEST_EVENT_FALLBACK + timedelta(minutes=1), tick=False):
        services.reminders_send()  # a send tick; beat's sweep never ran
    assert "gop@ns.example.vn" in smtp.recipients()
