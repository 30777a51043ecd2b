"""Verified completion (thẩm định) and requests for explanation (yêu cầu giải trình): the
services, the rates, the inbox and the task page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from directives import models, selectors, services
from directives.domain.status import Standing
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    today = timezone.localdate()
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Hải Dương", requires_verification=True)
    unit = OrganizationFactory(name="Ban Tổ chức Huyện ủy Nam Sách")
    directive = DirectiveFactory(issuer=issuer)
    task = TaskFactory(directive=directive, lead=unit, deadline=today + timedelta(days=10), status="in_progress")
    manager = UserFactory(username="hd.quanly")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    reporter = UserFactory(username="ns.baocao")
    MembershipFactory(user=reporter, organization=unit, role="reporter")
    return {"issuer": issuer, "unit": unit, "directive": directive, "task": task, "m": manager, "r": reporter}


def report_done(w, on=None, **kwargs):
    return services.progress_report_submit(
        task=w["task"],
        author=w["r"],
        organization=w["unit"],
        status="done",
        percent=100,
        completed_on=on or timezone.localdate() - timedelta(days=1),
        note="Đã ban hành kế hoạch",
        **kwargs,
    )


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def codes(user):
    return {s.code: [i.task.pk for i in s.items] for s in selectors.inbox_for(fresh(user))}


# -- verified completion ---------------------------------------------------------------


def test_a_done_report_waits_for_verification_and_does_not_count(world):
    claim = report_done(world)
    assert isinstance(claim, models.CompletionClaim)
    task = models.Task.objects.get(pk=world["task"].pk)
    assert task.status == "in_progress"
    assert not task.reports.exists()
    rates = selectors.directive_rates(selectors.directive_task_rows(world["m"], world["directive"]))
    assert rates.finished == 0


def test_accepting_makes_the_done_report_on_the_claimed_date(world):
    on = timezone.localdate() - timedelta(days=3)
    claim = report_done(world, on=on)
    services.completion_claim_decide(claim=claim, decider=world["m"], accept=True)
    task = models.Task.objects.get(pk=world["task"].pk)
    assert (task.status, task.completed_on) == ("done", on)
    report = task.reports.get()
    assert (report.status, report.completed_on, report.author) == ("done", on, world["r"])
    claim.refresh_from_db()
    assert claim.report == report and claim.state == "accepted"
    assert task.standing(timezone.localdate()) == Standing.DONE_ON_TIME


def test_returning_needs_a_comment_and_tells_the_reporter(world):
    claim = report_done(world)
    with pytest.raises(ValidationError):
        services.completion_claim_decide(claim=claim, decider=world["m"], accept=False, comment=" ")
    services.completion_claim_decide(claim=claim, decider=world["m"], accept=False, comment="Thiếu minh chứng")
    task = models.Task.objects.get(pk=world["task"].pk)
    assert task.status == "in_progress" and not task.reports.exists()
    assert codes(world["r"])["returned"] == [task.pk]
    # Reporting again handles it.
    report_done(world)
    assert "returned" not in codes(world["r"])


def test_a_claim_is_decided_once(world):
    claim = report_done(world)
    services.completion_claim_decide(claim=claim, decider=world["m"], accept=True)
    with pytest.raises(ValidationError):
        services.completion_claim_decide(claim=claim, decider=world["m"], accept=False, comment="x")


def test_the_lead_cannot_report_again_while_a_claim_waits(world):
    report_done(world)
    with pytest.raises(ValidationError):
        services.progress_report_submit(
            task=world["task"], author=world["r"], organization=world["unit"], status="in_progress", percent=50
        )


def test_a_directive_can_opt_out_of_its_issuers_verification(world):
    world["directive"].verification = models.Directive.Verification.NOT_REQUIRED
    world["directive"].save()
    world["task"].directive.refresh_from_db()
    result = report_done(world)
    assert isinstance(result, models.ProgressReport)


def test_a_directive_can_require_verification_when_its_issuer_does_not(world):
    world["issuer"].requires_verification = False
    world["issuer"].save()
    world["directive"].verification = models.Directive.Verification.REQUIRED
    world["directive"].save()
    assert isinstance(report_done(world), models.CompletionClaim)


def test_without_verification_a_done_report_counts_at_once(world):
    world["issuer"].requires_verification = False
    world["issuer"].save()
    assert isinstance(report_done(world), models.ProgressReport)


def test_the_pending_claim_is_in_the_managers_inbox_until_decided(world):
    claim = report_done(world)
    assert codes(world["m"])["claims"] == [world["task"].pk]
    assert world["task"].pk not in codes(world["r"]).get("due_soon", [])
    services.completion_claim_decide(claim=claim, decider=world["m"], accept=True)
    assert "claims" not in codes(world["m"])


def test_the_task_page_shows_waiting_and_the_manager_accepts_there(client, world):
    report_done(world, files=[SimpleUploadedFile("bien-ban.txt", b"bien ban", content_type="text/plain")])
    claim = models.CompletionClaim.objects.get()
    url = reverse("directives:task_detail", args=[world["task"].pk])
    client.force_login(world["r"])
    page = client.get(url).content.decode()
    assert "chờ xác nhận" in page and 'id="report-waits"' in page and "claim-form" not in page
    file_url = reverse("directives:claimfile_download", args=[claim.files.get().pk])
    assert file_url in page
    assert client.get(file_url).status_code == 200
    client.force_login(world["m"])
    assert 'id="claim-form"' in client.get(url).content.decode()
    response = client.post(reverse("directives:claim_decide", args=[claim.pk]), {"claim-decision": "accept"})
    assert response.status_code == 302
    assert models.Task.objects.get(pk=world["task"].pk).status == "done"


def test_a_reporter_cannot_decide_a_claim(client, world):
    claim = report_done(world)
    client.force_login(world["r"])
    response = client.post(reverse("directives:claim_decide", args=[claim.pk]), {"claim-decision": "accept"})
    assert response.status_code == 403
    assert models.CompletionClaim.objects.get().state == "pending"


def test_returning_without_a_comment_on_the_page_says_why(client, world):
    claim = report_done(world)
    client.force_login(world["m"])
    response = client.post(reverse("directives:claim_decide", args=[claim.pk]), {"claim-decision": "return"})
    assert response.status_code == 400
    assert "Cần nêu lý do trả lại." in response.content.decode()
    assert models.CompletionClaim.objects.get().state == "pending"


def test_reporting_done_through_the_page_creates_a_claim(client, world):
    client.force_login(world["r"])
    response = client.post(
        reverse("directives:task_report", args=[world["task"].pk]),
        {"status": "done", "percent": "100", "completed_on": "", "note": "Xong"},
    )
    assert response.status_code == 302
    assert models.CompletionClaim.objects.filter(state="pending").count() == 1
    assert not models.ProgressReport.objects.exists()


# -- requests for explanation -------------------------------------------------------------


def ask(world, **kwargs):
    return services.explanation_request(
        task=world["task"],
        asked_by=world["m"],
        question="Vì sao chỉ tiêu kết nạp đảng viên đạt thấp?",
        due_on=timezone.localdate() + timedelta(days=5),
        **kwargs,
    )


def test_a_request_goes_to_the_lead_body_and_its_inbox(world):
    x = ask(world)
    assert x.addressed_to == world["unit"] and x.organization == world["issuer"]
    assert codes(world["r"])["explanations"] == [world["task"].pk]
    assert "explanations" not in codes(world["m"])


def test_answering_moves_it_to_the_askers_inbox_and_closing_removes_it(world):
    x = ask(world)
    services.explanation_answer(
        explanation=x,
        author=world["r"],
        answer="Do sáp nhập chi bộ",
        files=[SimpleUploadedFile("giai-trinh.txt", b"noi dung", content_type="text/plain")],
    )
    x.refresh_from_db()
    assert x.state == "answered" and x.answered_by == world["r"] and x.files.count() == 1
    assert "explanations" not in codes(world["r"])
    assert codes(world["m"])["answers"] == [world["task"].pk]
    services.explanation_close(explanation=x, actor=world["m"])
    assert "answers" not in codes(world["m"])


def test_a_request_needs_a_question_and_a_date_not_past(world):
    with pytest.raises(ValidationError) as exc:
        services.explanation_request(task=world["task"], asked_by=world["m"], question=" ", due_on=date(2020, 1, 1))
    assert {"question", "due_on"} <= set(exc.value.error_dict)


def test_an_answer_is_given_once_and_not_empty(world):
    x = ask(world)
    with pytest.raises(ValidationError):
        services.explanation_answer(explanation=x, author=world["r"], answer="  ")
    services.explanation_answer(explanation=x, author=world["r"], answer="Đã rõ")
    with pytest.raises(ValidationError):
        services.explanation_answer(explanation=x, author=world["r"], answer="Lần hai")


def test_both_are_on_the_timeline(world):
    x = ask(world)
    services.explanation_answer(explanation=x, author=world["r"], answer="Đã rõ")
    claim = report_done(world)
    kinds = [e.kind for e in selectors.task_timeline(world["m"], world["task"])]
    assert "explanation" in kinds and "claim" in kinds
    assert claim.pk


def test_the_request_answer_and_close_through_the_pages(client, world):
    task_url = reverse("directives:task_detail", args=[world["task"].pk])
    client.force_login(world["m"])
    assert 'id="explanation-form"' in client.get(task_url).content.decode()
    due = (timezone.localdate() + timedelta(days=5)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("directives:task_explanation", args=[world["task"].pk]),
        {"explain-question": "Vì sao chậm?", "explain-due_on": due},
    )
    assert response.status_code == 302
    x = models.Explanation.objects.get()
    client.force_login(world["r"])
    assert client.get(reverse("directives:inbox")).content.decode().count(f"#explanation-{x.pk}") == 1
    response = client.post(
        reverse("directives:explanation_answer", args=[x.pk]),
        {f"x{x.pk}-answer": "Do thiếu cán bộ", f"x{x.pk}-files": SimpleUploadedFile("a.txt", b"abc")},
    )
    assert response.status_code == 302
    x.refresh_from_db()
    assert x.state == "answered"
    assert client.post(reverse("directives:explanation_close", args=[x.pk])).status_code == 403
    client.force_login(world["m"])
    assert client.post(reverse("directives:explanation_close", args=[x.pk])).status_code == 302
    x.refresh_from_db()
    assert x.state == "closed"


def test_a_reporter_cannot_ask_for_an_explanation(client, world):
    client.force_login(world["r"])
    response = client.post(
        reverse("directives:task_explanation", args=[world["task"].pk]),
        {"explain-question": "?", "explain-due_on": "01/01/2030"},
    )
    assert response.status_code == 403
    assert not models.Explanation.objects.exists()


def test_the_dashboard_shows_how_many_wait_and_for_how_long(client, world):
    claim = report_done(world)
    models.CompletionClaim.objects.filter(pk=claim.pk).update(created_at=timezone.now() - timedelta(days=4))
    backlog = selectors.verification_backlog(world["m"])
    assert (backlog.count, backlog.oldest_days) == (1, 4)
    outsider = UserFactory(username="outsider")
    MembershipFactory(user=outsider, organization=OrganizationFactory(name="Sở Y tế"), role="manager")
    assert selectors.verification_backlog(outsider).count == 0
    client.force_login(world["m"])
    page = client.get(reverse("directives:dashboard")).content.decode()
    assert 'id="verification-backlog"' in page and "4 ngày" in page
