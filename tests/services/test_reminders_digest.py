"""The digest a recipient reads every week, the one-click unsubscribe, one bad digest, the
sender's domain, and what the operator sees (command, staff page, /healthz/reminders)."""

from __future__ import annotations

import email
import re
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from directives import emails, models, services
from directives.services import reminders as impl
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

N = models.Notification
ON = date(2021, 12, 24)
NOW = timezone.make_aware(datetime(2021, 12, 24, 7, 0))


@pytest.fixture
def board(settings):
    """A provincial board that issues a plan and leads its tasks: its manager gets both the
    "overdue" reminder (lead) and the escalation (issuer's manager) about the same tasks."""
    settings.DEFAULT_FROM_EMAIL = "Theo dõi nhiệm vụ <no-reply@btc.example.vn>"
    board = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi", contact_emails="btc@qn.example.vn")
    manager = UserFactory(username="qn.quanly", first_name="Nguyễn Văn", last_name="An")
    MembershipFactory(user=manager, organization=board, role="manager")
    plan = DirectiveFactory(issuer=board, number="12-KH/TU")
    overdue = [
        TaskFactory(directive=plan, lead=board, deadline=date(2021, 12, 3), text=f"Rà soát quy hoạch cán bộ {n}")
        for n in range(2)
    ]
    soon = TaskFactory(
        directive=plan, lead=board, deadline=date(2021, 12, 31), text="Dòng một của nhiệm vụ\nDòng hai\n\n- ý ba"
    )
    return {"board": board, "manager": manager, "plan": plan, "overdue": overdue, "soon": soon}


def digest_for(address: str):
    return next(m for m in mail.outbox if m.to == [address])


@time_machine.travel(NOW, tick=False)
def test_the_subject_counts_tasks_and_each_task_appears_once_under_its_most_urgent_heading(board):
    services.reminders_plan(on=ON)
    services.reminders_send()
    message = digest_for("qn.quanly@example.vn")
    assert message.subject == "[Đôn đốc] 3 nhiệm vụ cần xử lý, trong đó 2 quá hạn (24/12/2021)"
    for task in [*board["overdue"], board["soon"]]:
        assert message.body.count(f"/tasks/{task.pk}/") == 1
    assert message.body.index("BÁO CÁO CẤP TRÊN") < message.body.index("SẮP ĐẾN HẠN")
    assert message.body.count("Đồng thời: Quá hạn") == 2  # the other reason, beside the task
    html = message.alternatives[0].content
    for task in [*board["overdue"], board["soon"]]:
        assert html.count(f'href="http://127.0.0.1:8000/tasks/{task.pk}/"') == 1


@time_machine.travel(NOW, tick=False)
def test_it_greets_by_name_says_why_and_signs_off_for_the_issuer(board):
    services.reminders_plan(on=ON)
    services.reminders_send()
    personal = digest_for("qn.quanly@example.vn").body
    assert personal.startswith("Kính gửi Nguyễn Văn An,")
    assert "là cán bộ của Ban Tổ chức Tỉnh ủy Quảng Ngãi, đơn vị chủ trì" in personal
    assert "là lãnh đạo, quản lý của Ban Tổ chức Tỉnh ủy Quảng Ngãi, cơ quan ban hành văn bản" in personal
    assert "Hệ thống Theo dõi nhiệm vụ — theo dõi văn bản chỉ đạo của Ban Tổ chức Tỉnh ủy Quảng Ngãi" in personal
    contact = digest_for("btc@qn.example.vn").body
    assert contact.startswith("Kính gửi Ban Tổ chức Tỉnh ủy Quảng Ngãi,")
    assert "là địa chỉ liên hệ của Ban Tổ chức Tỉnh ủy Quảng Ngãi, đơn vị chủ trì" in contact


@time_machine.travel(NOW, tick=False)
def test_newlines_in_a_task_do_not_break_the_plain_text_layout(board):
    services.reminders_plan(on=ON)
    services.reminders_send()
    body = digest_for("btc@qn.example.vn").body
    assert "   Dòng một của nhiệm vụ Dòng hai - ý ba" in body
    item_lines = body.split("SẮP ĐẾN HẠN (1)\n", 1)[1].split("Trân trọng", 1)[0].strip().splitlines()
    # Every line of an item is either its numbered first line or indented under it.
    assert all(re.match(r"(\d+\. |   )", line) for line in item_lines if line.strip()), item_lines


@time_machine.travel(NOW, tick=False)
def test_it_carries_one_click_unsubscribe_headers_and_a_message_id_of_the_sender_domain(board):
    services.reminders_plan(on=ON)
    services.reminders_send()
    message = digest_for("btc@qn.example.vn")
    headers = message.extra_headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    pattern = r"<(http://127\.0\.0\.1:8000/account/reminders/unsubscribe/[^/]+/)>"
    assert re.fullmatch(pattern, headers["List-Unsubscribe"])
    assert headers["Message-ID"].endswith("@btc.example.vn>")
    raw = email.message_from_bytes(emails.message_bytes(message))
    assert raw["Message-ID"].endswith("@btc.example.vn>") and len(raw.get_all("Message-ID")) == 1
    assert raw["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_one_click_post_works_without_signing_in_and_stops_the_reminders(board):
    token = services.unsubscribe_token("btc@qn.example.vn")
    client = Client(enforce_csrf_checks=True)  # a mail provider: no cookies, no CSRF token
    response = client.post(f"/account/reminders/unsubscribe/{token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert models.EmailSuppression.objects.filter(email="btc@qn.example.vn").exists()
    user_token = services.unsubscribe_token("qn.quanly@example.vn")
    assert client.post(f"/account/reminders/unsubscribe/{user_token}/").status_code == 200
    assert models.UserPreference.objects.get(user=board["manager"]).email_reminders is False
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
    assert not N.objects.exists()  # neither address is planned any more
    # Undone from the same page.
    client.post(f"/account/reminders/unsubscribe/{token}/", {"action": "subscribe"})
    assert not models.EmailSuppression.objects.filter(email="btc@qn.example.vn").exists()


def test_a_forged_unsubscribe_token_is_refused(board):
    forged = services.unsubscribe_token("btc@qn.example.vn")[:-2] + "xx"
    assert Client().post(f"/account/reminders/unsubscribe/{forged}/").status_code == 404
    assert Client().get("/account/reminders/unsubscribe/btc@qn.example.vn/").status_code == 404
    assert not models.EmailSuppression.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_a_long_digest_lists_the_twenty_most_urgent_then_counts_the_rest_by_standing(board, settings):
    for n in range(30):
        TaskFactory(directive=board["plan"], lead=board["board"], deadline=date(2021, 12, 31), text=f"Việc {n}")
    services.reminders_plan(on=ON)
    services.reminders_send()
    body = digest_for("btc@qn.example.vn").body
    assert digest_for("btc@qn.example.vn").subject.startswith("[Đôn đốc] 33 nhiệm vụ")
    assert body.count("/tasks/") - body.count("/tasks/?") == settings.REMINDER_DIGEST_MAX_TASKS
    for task in board["overdue"]:
        assert f"/tasks/{task.pk}/" in body  # the most urgent are among those listed
    assert "… và 13 nhiệm vụ khác không liệt kê ở đây." in body
    assert "Quá hạn chưa hoàn thành: 2 — http://127.0.0.1:8000/tasks/?standing=overdue" in body
    assert "Chưa thực hiện: 31 — http://127.0.0.1:8000/tasks/?standing=not_started" in body
    assert set(N.objects.values_list("state", flat=True)) == {"sent"}


@time_machine.travel(NOW, tick=False)
def test_one_digest_that_cannot_be_rendered_fails_alone_with_the_reason(board, monkeypatch):
    render = impl._digest_context

    def broken(recipient, rows, today):
        if recipient == "btc@qn.example.vn":
            raise ValueError("dữ liệu hỏng")
        return render(recipient, rows, today)

    monkeypatch.setattr(impl, "_digest_context", broken)
    services.reminders_plan(on=ON)
    result = services.reminders_send()
    assert [m.to for m in mail.outbox] == [["qn.quanly@example.vn"]]
    assert result.failed == N.objects.filter(recipient="btc@qn.example.vn").count() == 3
    failed = N.objects.filter(recipient="btc@qn.example.vn")
    assert {(r.state, r.attempts) for r in failed} == {("failed", 1)}
    assert "dữ liệu hỏng" in failed.first().last_error
    assert set(N.objects.exclude(recipient="btc@qn.example.vn").values_list("state", flat=True)) == {"sent"}
    assert services.reminders_send().sent == 0  # failed rows are not retried for ever


def test_a_reminder_about_a_task_finished_since_it_was_planned_is_skipped(board):
    with time_machine.travel(NOW, tick=False):
        services.reminders_plan(on=ON)
    soon = board["soon"]
    soon.status, soon.completed_on = "done", date(2021, 12, 24)
    soon.save()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        services.reminders_send()
    assert set(N.objects.filter(task=soon).values_list("state", flat=True)) == {"skipped"}
    assert all(f"/tasks/{soon.pk}/" not in m.body for m in mail.outbox)


def test_the_sender_domain_check_warns_about_localhost_in_production(settings):
    settings.DEBUG = False
    settings.DEFAULT_FROM_EMAIL = "Theo dõi nhiệm vụ <no-reply@localhost>"
    assert [m.id for m in emails.check_sender_domain()] == ["directives.W001"]
    settings.DEFAULT_FROM_EMAIL = "no-reply@btc.example.vn"
    assert emails.check_sender_domain() == []
    settings.DEBUG, settings.DEFAULT_FROM_EMAIL = True, "no-reply@localhost"
    assert emails.check_sender_domain() == []


def test_event_mails_take_the_same_outbox_alone_and_exactly_once(board, django_capture_on_commit_callbacks):
    task = board["soon"]
    recipients = [("qn.quanly@example.vn", board["manager"].pk, board["board"].pk)]
    payload = {"subject": "Có đề nghị gia hạn nhiệm vụ 3", "text": "Đơn vị đề nghị gia hạn\nđến 31/01/2022."}
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert services.notification_enqueue(
            kind="extension_requested", task=task, key="event:1", recipients=recipients, payload=payload
        )
        assert not services.notification_enqueue(
            kind="extension_requested", task=task, key="event:1", recipients=recipients, payload=payload
        )
    assert len(callbacks) == 1  # the send task, after the commit
    services.reminders_send()
    assert [m.subject for m in mail.outbox] == ["Có đề nghị gia hạn nhiệm vụ 3"]
    assert "đến 31/01/2022." in mail.outbox[0].body and f"/tasks/{task.pk}/" in mail.outbox[0].body


# -- what the operator sees --------------------------------------------------------------------


@pytest.fixture
def healthy(board):
    with time_machine.travel(NOW, tick=False):
        services.reminders_sweep(on=ON)
    return board


def staff_client():
    client = Client()
    client.force_login(UserFactory(username="staff", is_staff=True))
    return client


def test_a_healthy_outbox_is_green_everywhere(healthy):
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        call_command("reminders_health")
        assert Client().get("/healthz/reminders").status_code == 200
        assert b"reminders-ok" in staff_client().get("/staff/reminders/").content


def test_sends_failing_for_more_than_a_few_minutes_turn_everything_red(board, settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                                    "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 2}}}  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        result = services.reminders_sweep(on=ON)
    assert (result.planned, result.sent, result.retried, result.failed) == (8, 0, 8, 0)
    run = models.SweepRun.objects.get()
    assert (run.planned, run.sent, run.retried, run.failed) == (8, 0, 8, 0) and "Connection" in run.error
    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        call_command("reminders_health")  # a blip is not an alarm
    with time_machine.travel(NOW + timedelta(minutes=12), tick=False):
        with pytest.raises(CommandError, match="Gửi email thất bại từ 24/12/2021 07:00"):
            call_command("reminders_health")
        response = Client().get("/healthz/reminders")
        assert response.status_code == 503
        assert response.json()["problems"] == ["sending_failing"] and response.json()["failing_rows"] == 8
        assert "qn.example.vn" not in response.content.decode()  # no addresses for an anonymous monitor
        page = staff_client().get("/staff/reminders/").content.decode()
        assert 'id="reminders-alarm"' in page and "ConnectionRefusedError" in page


def test_failed_rows_and_a_late_sweep_turn_it_red(healthy):
    N.objects.filter(recipient="btc@qn.example.vn").update(
        state="failed", closed_at=NOW + timedelta(hours=1), last_error="550 no such user"
    )
    with (
        time_machine.travel(NOW + timedelta(hours=2), tick=False),
        pytest.raises(CommandError, match="3 thông báo gửi lỗi hoặc hết hạn"),
    ):
        call_command("reminders_health")
    with time_machine.travel(NOW + timedelta(hours=30), tick=False):
        response = Client().get("/healthz/reminders")
        assert response.status_code == 503 and "sweep_late" in response.json()["problems"]


@time_machine.travel(NOW, tick=False)
def test_the_digest_is_in_the_sites_language_whatever_language_the_caller_has_active(board):
    from django.utils import translation

    with translation.override("en"):
        services.reminders_plan(on=ON)
        services.reminders_send()
    body = digest_for("qn.quanly@example.vn").body
    assert "BÁO CÁO CẤP TRÊN (2)" in body and "Đồng thời: Quá hạn" in body
