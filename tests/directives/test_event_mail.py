"""Events told at once, after the transaction commits: an extension requested (to the issuer's
managers) or decided (to the requester), a completion returned (to the reporter), an
explanation requested (to the lead body) or answered (to the asker)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from directives import models, services
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Hải Dương", requires_verification=True)
    unit = OrganizationFactory(name="Ban Tổ chức Huyện ủy Nam Sách")
    task = TaskFactory(
        directive=DirectiveFactory(issuer=issuer),
        lead=unit,
        path="7",
        deadline=timezone.localdate() + timedelta(days=9),
    )
    manager = UserFactory(username="hd.quanly", email="quanly@hd.example.vn")
    MembershipFactory(user=manager, organization=issuer, role="manager")
    viewer = UserFactory(username="hd.xem", email="xem@hd.example.vn")
    MembershipFactory(user=viewer, organization=issuer, role="viewer")
    reporter = UserFactory(username="ns.baocao", email="baocao@ns.example.vn")
    MembershipFactory(user=reporter, organization=unit, role="reporter")
    return {"task": task, "m": manager, "r": reporter, "unit": unit}


def test_an_extension_request_tells_the_issuers_managers_after_commit(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        ext = services.extension_request(
            task=w["task"],
            author=w["r"],
            organization=w["unit"],
            requested_deadline=w["task"].deadline + timedelta(days=30),
            reason="Chờ đại hội",
        )
    assert callbacks, "nothing is sent before the commit"
    assert ["quanly@hd.example.vn"] in [sorted(m.to) for m in mail.outbox] or models.Notification.objects.filter(
        recipient="quanly@hd.example.vn"
    ).exists()
    assert not any("xem@hd.example.vn" in m.to for m in mail.outbox)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.extension_decide(extension=ext, decider=w["m"], approve=False, note="Không đủ lý do")
    assert any(m.to == ["baocao@ns.example.vn"] and "quyết định" in m.subject for m in mail.outbox) or (
        models.Notification.objects.filter(recipient="baocao@ns.example.vn").exists()
    )


def test_a_returned_completion_tells_the_reporter(w, django_capture_on_commit_callbacks):
    claim = services.completion_claim_submit(task=w["task"], author=w["r"], organization=w["unit"])
    with django_capture_on_commit_callbacks(execute=True):
        services.completion_claim_decide(claim=claim, decider=w["m"], accept=False, comment="Thiếu minh chứng")
    messages = [m for m in mail.outbox if "trả lại" in m.subject]
    assert (messages and messages[0].to == ["baocao@ns.example.vn"] and "Thiếu minh chứng" in messages[0].body) or (
        models.Notification.objects.filter(recipient="baocao@ns.example.vn", kind="completion_returned").exists()
    )


def test_an_explanation_is_told_both_ways(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        x = services.explanation_request(
            task=w["task"], asked_by=w["m"], question="Vì sao chậm?", due_on=timezone.localdate() + timedelta(days=3)
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.explanation_answer(explanation=x, author=w["r"], answer="Do thiếu cán bộ")
    outbox = {(tuple(m.to), "giải trình" in m.subject.lower()) for m in mail.outbox}
    rows = set(models.Notification.objects.values_list("recipient", "kind"))
    assert ((("baocao@ns.example.vn",), True) in outbox) or (("baocao@ns.example.vn", "explanation_requested") in rows)
    assert ((("quanly@hd.example.vn",), True) in outbox) or (("quanly@hd.example.vn", "explanation_answered") in rows)


def test_nothing_is_sent_when_the_transaction_rolls_back(w, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.explanation_request(
            task=w["task"], asked_by=w["m"], question="?", due_on=timezone.localdate() + timedelta(days=3)
        )
    assert mail.outbox == []
    assert callbacks
