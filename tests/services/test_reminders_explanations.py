"""Requests for explanation (yêu cầu giải trình) in the daily digest, until answered: the body
asked reads the request every morning until it answers; the asking body's managers then read
the answer every morning until they close it. End to end: the services, the sweep, a real SMTP
server (aiosmtpd)."""

from __future__ import annotations

import email
import re
from datetime import date, datetime
from email.header import decode_header, make_header

import pytest
import time_machine
from django.utils import timezone

from directives import models, services
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.services.test_reminders_services import _decoded

pytestmark = pytest.mark.django_db

N = models.Notification


def at(day: int, hour: int = 7) -> datetime:
    return timezone.make_aware(datetime(2021, 12, day, hour, 0))


@pytest.fixture
def office():
    """The provincial board asks the district board to explain a task due in two months (no
    deadline reminder is due about it: whatever arrives is about the explanation)."""
    board = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Hải Dương", contact_emails="btc@hd.example.vn")
    district = OrganizationFactory(name="Ban Tổ chức Huyện ủy Nam Sách", contact_emails="btc@ns.example.vn")
    other = OrganizationFactory(name="Ban Tổ chức Huyện ủy Kim Thành", contact_emails="btc@kt.example.vn")
    users = {}
    for username, org, role in (
        ("hd.quanly", board, "manager"),
        ("hd.chuyenvien", board, "reporter"),
        ("ns.baocao", district, "reporter"),
        ("ns.quanly", district, "manager"),
        ("ns.xem", district, "viewer"),
        ("kt.baocao", other, "reporter"),
    ):
        users[username] = UserFactory(username=username, first_name="", last_name=username)
        MembershipFactory(user=users[username], organization=org, role=role)
    plan = DirectiveFactory(issuer=board, number="45-KH/TU")
    task = TaskFactory(
        directive=plan, lead=district, path="2", deadline=date(2022, 2, 28), text="Kiện toàn tổ chức cơ sở đảng"
    )
    TaskFactory(directive=plan, lead=other, path="3", deadline=date(2022, 2, 28))
    return {"board": board, "district": district, "task": task, "users": users}


def ask(office, *, due_on=date(2021, 12, 23)) -> models.Explanation:
    return services.explanation_request(
        task=office["task"],
        asked_by=office["users"]["hd.quanly"],
        question="Vì sao chưa kiện toàn chi bộ thôn Đông?",
        due_on=due_on,
    )


def sweep(smtp, day: int) -> dict[str, tuple[str, str]]:
    """The morning sweep of `day`; returns {recipient: (subject, text)} of what it delivered."""
    before = len(smtp.messages)
    with time_machine.travel(at(day), tick=False):
        services.reminders_sweep(on=date(2021, 12, day))
    delivered = {}
    for envelope in smtp.messages[before:]:
        message = email.message_from_bytes(envelope.original_content or envelope.content)
        subject = str(make_header(decode_header(message["Subject"])))
        for recipient in envelope.rcpt_tos:
            delivered[recipient] = (subject, _decoded(envelope))
    return delivered


def flush_event_mails(smtp, when: datetime) -> None:
    """The send task after a commit: the event mails ("a request for explanation", "an
    answer") go out at once; they are not what these tests look at."""
    with time_machine.travel(when, tick=False):
        services.reminders_send()
    smtp.messages.clear()


def test_an_open_request_is_in_each_morning_digest_of_the_body_asked_until_it_is_answered(office, smtp):
    with time_machine.travel(at(20, 10), tick=False):
        request = ask(office)
    flush_event_mails(smtp, at(20, 10))

    first = sweep(smtp, 21)
    # The reporters and managers of the body asked, as in their inbox: not its viewers, not its
    # contact address, not the asker, not another body.
    assert sorted(first) == ["ns.baocao@example.vn", "ns.quanly@example.vn"]
    subject, text = first["ns.baocao@example.vn"]
    assert subject == "[Đôn đốc] 1 yêu cầu giải trình chưa trả lời (21/12/2021)"
    assert "YÊU CẦU GIẢI TRÌNH CHƯA TRẢ LỜI (1)" in text
    assert "Ban Tổ chức Tỉnh ủy Hải Dương yêu cầu giải trình ngày 20/12/2021:" in text
    assert "Vì sao chưa kiện toàn chi bộ thôn Đông?" in text
    assert "Hạn giải trình: 23/12/2021 · còn 2 ngày" in text
    assert f"/tasks/{office['task'].pk}/#explanation-{request.pk}" in text
    assert "là cán bộ của Ban Tổ chức Huyện ủy Nam Sách, đơn vị được yêu cầu giải trình" in text

    second = sweep(smtp, 22)
    assert sorted(second) == ["ns.baocao@example.vn", "ns.quanly@example.vn"]
    assert "Hạn giải trình: 23/12/2021 · còn 1 ngày" in second["ns.quanly@example.vn"][1]
    assert sweep(smtp, 22) == {}  # a second sweep of the same day sends nothing twice

    with time_machine.travel(at(22, 10), tick=False):
        services.explanation_answer(
            explanation=request, author=office["users"]["ns.baocao"], answer="Chi bộ đang chờ đại hội."
        )
    flush_event_mails(smtp, at(22, 10))
    third = sweep(smtp, 23)
    assert "ns.baocao@example.vn" not in third and "ns.quanly@example.vn" not in third  # answered: gone


def test_an_overdue_request_says_so(office, smtp):
    with time_machine.travel(at(20, 10), tick=False):
        ask(office, due_on=date(2021, 12, 21))
    flush_event_mails(smtp, at(20, 10))
    sweep(smtp, 21)
    text = sweep(smtp, 24)["ns.baocao@example.vn"][1]
    assert "Hạn giải trình: 21/12/2021 · quá hạn 3 ngày" in text


def test_an_answer_is_in_the_asking_managers_digest_until_they_close_it(office, smtp):
    with time_machine.travel(at(20, 10), tick=False):
        request = ask(office)
        services.explanation_answer(
            explanation=request, author=office["users"]["ns.baocao"], answer="Chi bộ đang chờ đại hội."
        )
    flush_event_mails(smtp, at(20, 10))

    morning = sweep(smtp, 21)
    assert sorted(morning) == ["hd.quanly@example.vn"]  # the board's managers, not its reporters
    subject, text = morning["hd.quanly@example.vn"]
    assert subject == "[Nhắc việc] 1 giải trình chờ xem (21/12/2021)"
    assert "GIẢI TRÌNH ĐÃ NHẬN, CHỜ XEM (1)" in text
    assert "Ban Tổ chức Huyện ủy Nam Sách đã giải trình ngày 20/12/2021: Chi bộ đang chờ đại hội." in text
    assert "là lãnh đạo, quản lý của Ban Tổ chức Tỉnh ủy Hải Dương, đơn vị yêu cầu giải trình" in text
    assert "Hạn giải trình" not in text

    assert sorted(sweep(smtp, 22)) == ["hd.quanly@example.vn"]
    with time_machine.travel(at(22, 10), tick=False):
        services.explanation_close(explanation=request, actor=office["users"]["hd.quanly"])
    assert sweep(smtp, 23) == {}


def test_a_request_answered_after_the_sweep_planned_it_is_not_sent(office, smtp):
    with time_machine.travel(at(20, 10), tick=False):
        request = ask(office)
    flush_event_mails(smtp, at(20, 10))
    with time_machine.travel(at(21), tick=False):
        services.reminders_sweep(on=date(2021, 12, 21), send=False)  # planned; the send comes later
        services.explanation_answer(explanation=request, author=office["users"]["ns.quanly"], answer="Đã xong.")
    smtp.messages.clear()  # the answer's event mail to the asker
    with time_machine.travel(at(21, 8), tick=False):
        result = services.reminders_send()
    planned = N.objects.filter(kind="explanation_open")
    assert result.skipped == planned.count() == 2
    assert {(r.state, r.last_error) for r in planned} == {
        ("skipped", "Yêu cầu giải trình đã được trả lời hoặc đã kết thúc.")
    }
    assert "ns.baocao@example.vn" not in smtp.recipients()


def test_a_request_beside_a_task_reminder_is_one_digest_listing_each_once(office, smtp):
    """The district's manager chose to read event mails in the digest: the request's event mail
    waits for the morning and is not listed a second time under the task."""
    office["task"].deadline = date(2021, 12, 28)  # due in a week: a "before" reminder too
    office["task"].save()
    services.user_preference_update(
        user=office["users"]["ns.quanly"], email_reminders=True, support_digests=False, event_mail="digest"
    )
    with time_machine.travel(at(20, 10), tick=False):
        ask(office)
    flush_event_mails(smtp, at(20, 10))
    subject, text = sweep(smtp, 21)["ns.quanly@example.vn"]
    assert subject == "[Đôn đốc] 1 nhiệm vụ sắp đến hạn · 1 yêu cầu giải trình chưa trả lời (21/12/2021)"
    assert text.count("Vì sao chưa kiện toàn chi bộ thôn Đông?") == 1
    assert text.index("YÊU CẦU GIẢI TRÌNH CHƯA TRẢ LỜI (1)") < text.index("SẮP ĐẾN HẠN (1)")
    assert N.objects.get(recipient="ns.quanly@example.vn", kind="explanation_requested").state == N.State.SENT
    section = text.split("YÊU CẦU GIẢI TRÌNH CHƯA TRẢ LỜI (1)\n", 1)[1].split("SẮP ĐẾN HẠN", 1)[0].strip()
    # Every line of an item is either its numbered first line or indented under it.
    assert all(re.match(r"(\d+\. |   )", line) for line in section.splitlines() if line.strip()), section


def test_a_catch_up_of_missed_days_adds_no_second_copy(office, smtp):
    with time_machine.travel(at(20, 10), tick=False):
        ask(office, due_on=date(2021, 12, 30))
    flush_event_mails(smtp, at(20, 10))
    sweep(smtp, 21)
    # The sweeps of the 22nd and 23rd were missed; the 24th catches them up.
    text = sweep(smtp, 24)["ns.baocao@example.vn"][1]
    assert text.count("Vì sao chưa kiện toàn chi bộ thôn Đông?") == 1
    windows = set(N.objects.filter(kind="explanation_open").values_list("window", flat=True))
    assert {w.rsplit(":", 1)[1] for w in windows} == {"2021-12-21", "2021-12-24"}
