"""Telling people at once: the event mails of issue 13 (an extension requested or decided, a
completion returned, an explanation requested or answered).

Each event is enqueued after the caller's transaction commits, through the reminders'
outbox when it offers event mails (`services.notification_enqueue`: kind + payload, the same
claim/send path, exactly once per key and recipient). Until that is on main, `_fallback_send`
sends one plain mail per recipient after commit (not exactly-once: a stopgap, see the note in
the module's history). Recipients are users with an email address; who is told:

- extension requested → the managers of the directive's issuer;
- extension decided → the requester;
- completion returned → the reporter;
- explanation requested → the reporters and managers of the lead body;
- explanation answered → the asker.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from directives import models

log = logging.getLogger(__name__)

__all__ = ["event_notify"]


def _members(org_id: int | None, roles: tuple[str, ...]) -> list:
    if not org_id:
        return []
    return [
        m.user
        for m in models.Membership.objects.filter(
            organization_id=org_id, role__in=roles, user__is_active=True
        ).select_related("user")
        if m.user.email
    ]


def recipients_for(kind: str, obj) -> list:
    """The users told of event `kind` about `obj` (an ExtensionRequest, CompletionClaim or
    Explanation)."""
    manager = (models.Membership.Role.MANAGER,)
    acting = (models.Membership.Role.REPORTER, models.Membership.Role.MANAGER)
    match kind:
        case "extension_requested":
            return _members(obj.task.directive.issuer_id, manager)
        case "extension_decided":
            return [obj.requested_by] if obj.requested_by and obj.requested_by.email else []
        case "completion_returned":
            return [obj.author] if obj.author and obj.author.email else []
        case "explanation_requested":
            return _members(obj.addressed_to_id, acting)
        case "explanation_answered":
            return [obj.asked_by] if obj.asked_by and obj.asked_by.email else []
    raise ValueError(f"unknown event {kind!r}")


SUBJECTS = {
    "extension_requested": "Đề nghị gia hạn nhiệm vụ %(path)s",
    "extension_decided": "Đề nghị gia hạn nhiệm vụ %(path)s đã được quyết định",
    "completion_returned": "Báo cáo hoàn thành nhiệm vụ %(path)s bị trả lại",
    "explanation_requested": "Yêu cầu giải trình nhiệm vụ %(path)s",
    "explanation_answered": "Đã có giải trình nhiệm vụ %(path)s",
}


def event_notify(*, kind: str, obj, text: str = "") -> None:
    """Tell the recipients of event `kind` about `obj` once the transaction commits."""
    task = obj.task
    users = recipients_for(kind, obj)
    if not users:
        return
    subject = _(SUBJECTS[kind]) % {"path": task.path}
    url = settings.SITE_URL.rstrip("/") + reverse("directives:task_detail", args=[task.pk])
    body = f"{task.directive.number or task.directive} · {task.path} {task.text[:300]}\n\n{text}\n\n{url}".strip()
    key = f"{kind}:{obj.pk}:{getattr(obj, 'state', '')}"[:64]
    payload = {"subject": subject, "text": body, "url": url}
    if isinstance(obj, models.Explanation):
        # A digest that lists the request in its own section does not repeat this mail.
        payload["explanation"] = obj.pk

    from directives.services import reminders as outbox

    enqueue = getattr(outbox, "notification_enqueue", None)
    if enqueue is not None:
        digest_ids = set(
            models.UserPreference.objects.filter(
                user__in=[u.pk for u in users], event_mail=models.UserPreference.EventMail.DIGEST
            ).values_list("user_id", flat=True)
        )
        immediate = [(u.email, u.pk, None) for u in users if u.pk not in digest_ids]
        later = [(u.email, u.pk, None) for u in users if u.pk in digest_ids]
        if immediate:
            enqueue(kind=kind, task=task, key=key, recipients=immediate, payload=payload)
        if later:
            enqueue(kind=kind, task=task, key=key, recipients=later, payload={**payload, "digest": True})
        return
    emails = sorted({u.email for u in users})
    transaction.on_commit(lambda: _fallback_send(subject, body, emails))


def _fallback_send(subject: str, body: str, emails: list[str]) -> None:
    try:
        send_mail(subject, body, None, emails)
    except Exception:  # noqa: BLE001 - a mail that cannot go must not break the request
        log.exception("event mail failed: %s", subject)
