"""Reminders: plan (the daily sweep), send (the outbox), retry.

Exactly once, nothing lost:

- `reminders_plan` inserts `Notification` rows under the unique key (task, kind, window,
  recipient) with `bulk_create(ignore_conflicts=True)`: a second sweep, or two concurrent
  sweeps, add nothing. Each sweep stamps its rows' `next_attempt_at` with a token of its own
  (its start time plus random microseconds), which is how it counts the rows *it* inserted.
- `reminders_send` claims rows with a conditional UPDATE (pending and due, or `sending` with
  an expired lease) that sets state `sending`, a lease and attempts + 1; the lease value is
  unique to the claimer, so the rows it owns are exactly those carrying its lease
  (`select_for_update(skip_locked=True)` narrows the candidates on PostgreSQL). A worker
  killed after claiming leaves rows in `sending`; after the lease they are claimed again.
- Each digest (one per recipient) is sent over one connection per batch; its rows are marked
  sent right after the server accepted it. Transient SMTP errors put them back to pending with
  a bounded backoff; permanent (5xx) errors, or too many attempts, mark them failed.
"""

from __future__ import annotations

import random
import smtplib
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import db
from django.conf import settings
from django.db import transaction
from django.db.models import F, Func, IntegerField, Q, Value
from django.db.models.functions import Abs, Mod
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from directives import emails, models
from directives import reminders as rules
from directives.domain.periods import format_date_vi

N = models.Notification

# Retries live in the database (next_attempt_at), not in the broker. Bounded: at most
# REMINDER_MAX_ATTEMPTS sends, each wait capped at REMINDER_BACKOFF_CAP_SECONDS. The longest
# total wait (30 + 60 + 120 + 240 = 450 s, plus one lease of REMINDER_LEASE_SECONDS) stays far
# below the broker's visibility timeout (3600 s); tests/directives/test_reminders_send.py
# computes it.
REMINDER_MAX_ATTEMPTS = 5
REMINDER_BACKOFF_BASE_SECONDS = 30
REMINDER_BACKOFF_CAP_SECONDS = 300
INSERT_BATCH = 2000

__all__ = [
    "PlanResult",
    "SendResult",
    "SweepResult",
    "notification_retry",
    "reminder_backoff_seconds",
    "reminders_plan",
    "reminders_send",
    "reminders_sweep",
    "user_preference_update",
]


def reminder_backoff_seconds(attempt: int) -> int:
    """Wait after the `attempt`-th failed send (1-based): 30, 60, 120, 240, capped at 300 s."""
    return min(REMINDER_BACKOFF_CAP_SECONDS, REMINDER_BACKOFF_BASE_SECONDS * 2 ** max(0, attempt - 1))


# -- planning -----------------------------------------------------------------------------


@dataclass
class PlanResult:
    planned: int
    considered: int  # rows the rules asked for (before the unique key removed known ones)


def _policies() -> tuple[rules.Policy, dict[int, rules.Policy]]:
    default = rules.DEFAULT_POLICY
    by_org: dict[int, rules.Policy] = {}
    for p in models.ReminderPolicy.objects.all():
        policy = rules.Policy(
            days_before=tuple(p.days_before_list) or rules.DEFAULT_DAYS_BEFORE,
            overdue_every_days=p.overdue_every_days,
            escalate_after_days=p.escalate_after_days,
            enabled=p.enabled,
        )
        if p.organization_id is None:
            default = policy
        else:
            by_org[p.organization_id] = policy
    return default, by_org


@dataclass
class _Audiences:
    lead: dict[int, list[tuple[str, int | None]]]  # org id -> (email, user id)
    support: dict[int, list[tuple[str, int | None]]]
    managers: dict[int, list[tuple[str, int | None]]]


def _audiences() -> _Audiences:
    """Recipients per organization, in three queries (the numbers of organizations and
    members are small next to tasks)."""
    lead: dict[int, list] = defaultdict(list)
    support: dict[int, list] = defaultdict(list)
    managers: dict[int, list] = defaultdict(list)
    wants_support: set[int] = set()
    for org_id, contact, wants in models.Organization.objects.values_list(
        "id", "contact_emails", "wants_support_digest"
    ):
        for email in models.split_emails(contact):
            lead[org_id].append((email.lower(), None))
            if wants:
                support[org_id].append((email.lower(), None))
        if wants:
            wants_support.add(org_id)
    members = models.Membership.objects.exclude(user__email="").filter(user__is_active=True)
    for org_id, user_id, email, role, reminders_pref, support_pref in members.values_list(
        "organization_id",
        "user_id",
        "user__email",
        "role",
        "user__preference__email_reminders",
        "user__preference__support_digests",
    ):
        email = email.lower()
        if role in (models.Membership.Role.REPORTER, models.Membership.Role.MANAGER) and rules.wants_email(
            reminders_pref
        ):
            lead[org_id].append((email, user_id))
        if role == models.Membership.Role.MANAGER and rules.wants_email(reminders_pref):
            managers[org_id].append((email, user_id))
        if org_id in wants_support and support_pref is True:
            support[org_id].append((email, user_id))
    return _Audiences(lead, support, managers)


def _open_tasks(on: date):
    """Tasks a sweep on `on` looks at: dated, of an active directive, not finished by `on`."""
    return (
        models.Task.objects.filter(directive__status=models.Directive.Status.ACTIVE, deadline__isnull=False)
        .exclude(status=models.Task.Status.CANCELLED)
        .exclude(status=models.Task.Status.DONE, completed_on__lte=on)
    )


def _planned_rows(on: date, token: datetime) -> list[N]:
    default, by_org = _policies()
    audiences = _audiences()
    tasks = _open_tasks(on)
    supporters: dict[int, list[int]] = defaultdict(list)
    for task_id, org_id in models.Task.supporters.through.objects.filter(
        organization__wants_support_digest=True, task__in=tasks
    ).values_list("task_id", "organization_id"):
        supporters[task_id].append(org_id)

    rows: dict[tuple, N] = {}

    def add(task_id: int, due: rules.Due, org_ids: list[int], table: dict) -> None:
        for org_id in org_ids:
            for email, user_id in table.get(org_id, ()):
                key = (task_id, due.kind, due.window, email)
                if key not in rows:
                    rows[key] = N(
                        task_id=task_id,
                        kind=due.kind,
                        window=due.window,
                        recipient=email,
                        user_id=user_id,
                        organization_id=org_id,
                        planned_for=on,
                        next_attempt_at=token,
                    )

    for task_id, deadline, lead_id, issuer_id in tasks.values_list("id", "deadline", "lead_id", "directive__issuer_id"):
        policy = by_org.get(issuer_id, default) if issuer_id else default
        for due in rules.deadline_reminders(deadline=deadline, on=on, policy=policy):
            if due.audience == rules.LEAD and lead_id:
                add(task_id, due, [lead_id], audiences.lead)
            elif due.audience == rules.SUPPORT and task_id in supporters:
                add(task_id, due, [o for o in supporters[task_id] if o != lead_id], audiences.support)
            elif due.audience == rules.ISSUER_MANAGERS and issuer_id:
                add(task_id, due, [issuer_id], audiences.managers)

    extensions = models.ExtensionRequest.objects.filter(
        state=models.ExtensionRequest.State.PENDING, task__in=_open_tasks(on)
    ).values_list("id", "task_id", "created_at", "task__directive__issuer_id")
    for ext_id, task_id, created_at, issuer_id in extensions:
        if not issuer_id:
            continue
        policy = by_org.get(issuer_id, default)
        requested_on = timezone.localdate(created_at)
        for due in rules.extension_reminders(extension_id=ext_id, requested_on=requested_on, on=on, policy=policy):
            add(task_id, due, [issuer_id], audiences.managers)
    return list(rows.values())


def reminders_plan(*, on: date, dry_run: bool = False) -> int:
    """Insert the reminders due on `on`; return how many rows this sweep inserted.

    Idempotent: rows already planned (same task, kind, window, recipient) are left alone, so
    a second sweep, or one running at the same time, inserts nothing. With `dry_run`, plans
    in a transaction that is rolled back and returns what would have been inserted.
    """
    # In the past, so that the rows are due at once; unique to this sweep, so that it counts its own.
    token = timezone.now() - timedelta(microseconds=random.randrange(1, 999_999))
    with transaction.atomic():
        rows = _planned_rows(on, token)
        for start in range(0, len(rows), INSERT_BATCH):
            N.objects.bulk_create(rows[start : start + INSERT_BATCH], ignore_conflicts=True)
        planned = N.objects.filter(planned_for=on, next_attempt_at=token, state=N.State.PENDING).count()
        if dry_run:
            transaction.set_rollback(True)
    return planned


# -- sending ------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0  # notifications sent
    failed: int = 0  # notifications that failed for good
    retried: int = 0  # notifications put back for a later attempt
    emails: int = 0  # digests accepted by the mail server

    def __iadd__(self, other: SendResult) -> SendResult:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.emails += other.emails
        return self


def _claimable(now: datetime) -> Q:
    return Q(state=N.State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) | Q(
        state=N.State.SENDING, lease_until__lt=now
    )


def _claim(*, now: datetime, batch: int, shard: tuple[int, int] | None = None) -> tuple[list[N], datetime | None]:
    """Claim every claimable row of up to `batch` recipients; return them and the lease that
    marks them ours.

    Recipients first, then one conditional UPDATE over all their claimable rows: a recipient's
    rows are never split between two claims (one digest per recipient), and the UPDATE's row
    count decides ownership (a concurrent sender's UPDATE re-checks the condition and takes
    none of them). `shard=(i, n)` keeps to the recipients whose hash is i modulo n, so that n
    parallel senders on PostgreSQL do not compete for the same recipients.
    """
    lease = now + timedelta(seconds=settings.REMINDER_LEASE_SECONDS, microseconds=random.randrange(1, 999_999))
    claimable = N.objects.filter(_claimable(now))
    if shard is not None:
        index, count = shard
        bucket = Func(F("recipient"), function="hashtext", output_field=IntegerField())
        claimable = claimable.annotate(_shard=Mod(Abs(bucket), Value(count))).filter(_shard=index)
    recipients = list(claimable.order_by("recipient").values_list("recipient", flat=True).distinct()[:batch])
    if not recipients:
        return [], None
    claimed = N.objects.filter(_claimable(now), recipient__in=recipients).update(
        state=N.State.SENDING, lease_until=lease, attempts=F("attempts") + 1
    )
    if not claimed:
        return [], None
    owned = list(
        N.objects.filter(state=N.State.SENDING, lease_until=lease)
        .select_related("task", "task__directive", "task__lead")
        .order_by("recipient", "task__directive_id", "task__position", "id")
    )
    return owned, lease


def _task_url(task_id: int) -> str:
    try:
        path = reverse("directives:task_detail", args=[task_id])
    except NoReverseMatch:
        path = f"/tasks/{task_id}/"
    return settings.SITE_URL + path


def _preferences_url() -> str:
    try:
        path = reverse("directives:reminder_preferences")
    except NoReverseMatch:
        path = "/account/reminders/"
    return settings.SITE_URL + path


SECTIONS = [
    (N.Kind.ESCALATION, "escalation"),
    (N.Kind.EXTENSION_PENDING, "extension"),
    (N.Kind.OVERDUE, "overdue"),
    (N.Kind.DUE_TODAY, "due_today"),
    (N.Kind.BEFORE, "before"),
    (N.Kind.SUPPORT_DIGEST, "support"),
]


def _digest_context(recipient: str, rows: list[N], today: date) -> dict:
    sections: dict[str, list[dict]] = {name: [] for _, name in SECTIONS}
    names = dict(SECTIONS)
    seen: set[tuple[str, int]] = set()
    for row in rows:
        task = row.task
        name = names[row.kind]
        if (name, task.pk) in seen:
            continue
        seen.add((name, task.pk))
        days, overdue = rules.days_left_label(deadline=task.deadline, on=today)
        sections[name].append(
            {
                "path": task.path,
                "number": task.directive.number or str(task.directive),
                "excerpt": task.text if len(task.text) <= 200 else task.text[:197].rstrip() + "…",
                "deadline": format_date_vi(task.deadline),
                "status": task.get_status_display(),
                "lead": task.lead.name if task.lead_id else "",
                "days": days,
                "overdue": overdue,
                "url": _task_url(task.pk),
            }
        )
    count = sum(len(items) for items in sections.values())
    return {
        "recipient": recipient,
        "today": format_date_vi(today),
        "sections": sections,
        "count": count,
        "only_support": count == len(sections["support"]),
        "overdue_count": len(sections["overdue"]) + len(sections["escalation"]),
        "preferences_url": _preferences_url(),
        "site_url": settings.SITE_URL,
    }


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    # Disconnects, refused connections, timeouts and other SMTP hiccups are transient; a
    # rendering or programming error will not get better by retrying.
    return not isinstance(exc, smtplib.SMTPException | OSError)


def _describe(exc: Exception) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        parts = [
            f"{addr}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for addr, (code, msg) in exc.recipients.items()
        ]
        return "; ".join(parts)[:2000]
    if isinstance(exc, smtplib.SMTPResponseException):
        err = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {err}"[:2000]
    return f"{type(exc).__name__}: {exc}"[:2000]


def _relaxed_commit() -> None:
    """On PostgreSQL, do not wait for the WAL flush when marking a message sent: a worker
    crash loses nothing (the commit is in the server), only a database crash in the next few
    hundred milliseconds could lose the mark, and then the digest is sent again. This takes
    the per-message commit from milliseconds to a fraction of one."""
    conn = transaction.get_connection()
    if conn.vendor == "postgresql":
        with conn.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _send_claimed(rows: list[N], lease: datetime, now: datetime) -> SendResult:
    result = SendResult()
    by_recipient: dict[str, list[N]] = defaultdict(list)
    for row in rows:
        by_recipient[row.recipient].append(row)
    recipients = list(by_recipient)
    # Days left are counted from the sweep's date (the latest `planned_for` of the digest, no
    # later than today): the digest describes the state the sweep saw.
    today = timezone.localdate(now)
    messages = [
        emails.render(
            "reminder_digest",
            _digest_context(r, by_recipient[r], min(today, max(row.planned_for for row in by_recipient[r]))),
            to=[r],
        )
        for r in recipients
    ]
    events: list[models.TaskEvent] = []

    def settle(index: int, outcome: Exception | None) -> None:
        """Record one digest's outcome as soon as the SMTP server answered for it."""
        recipient = recipients[index]
        group = by_recipient[recipient]
        mine = N.objects.filter(pk__in=[row.pk for row in group], state=N.State.SENDING, lease_until=lease)
        if outcome is None:
            with transaction.atomic():
                _relaxed_commit()
                result.sent += mine.update(state=N.State.SENT, sent_at=timezone.now(), lease_until=None, last_error="")
            result.emails += 1
            for task_id in dict.fromkeys(row.task_id for row in group):
                events.append(
                    models.TaskEvent(
                        task_id=task_id,
                        kind=models.TaskEvent.Kind.REMINDED,
                        summary=f"→ {recipient}"[:500],
                        changes={"notifications": [row.pk for row in group if row.task_id == task_id]},
                    )
                )
            return
        error = _describe(outcome)
        attempts = max(row.attempts for row in group)
        if _is_permanent(outcome) or attempts >= REMINDER_MAX_ATTEMPTS:
            result.failed += mine.update(state=N.State.FAILED, lease_until=None, last_error=error)
        else:
            retry_at = now + timedelta(seconds=reminder_backoff_seconds(attempts))
            result.retried += mine.update(
                state=N.State.PENDING, lease_until=None, next_attempt_at=retry_at, last_error=error
            )

    emails.send_batch(messages, on_outcome=settle)
    if events:
        models.TaskEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
    return result


def _send_loop(now: datetime | None, batch: int, max_batches: int, shard: tuple[int, int] | None = None) -> SendResult:
    result = SendResult()
    for _ in range(max_batches):
        current = now or timezone.now()
        rows, lease = _claim(now=current, batch=batch, shard=shard)
        if not rows:
            break
        result += _send_claimed(rows, lease, current)
    return result


def _send_loop_in_thread(now: datetime | None, batch: int, max_batches: int, shard: tuple[int, int]) -> SendResult:
    try:
        return _send_loop(now, batch, max_batches, shard)
    finally:
        db.connection.close()  # each thread has its own database connection


def reminders_send(
    *, now: datetime | None = None, batch: int = 200, max_batches: int = 1000, connections: int | None = None
) -> SendResult:
    """Send every claimable reminder, `batch` digests per SMTP connection.

    On PostgreSQL up to `connections` batches go out at once, each over its own SMTP
    connection and for its own share of the recipients: sending waits on the SMTP server's
    replies far more than it computes. Inside a transaction (tests), and on SQLite, one at a
    time. Rows left pending at the end (a sender that met a transient error) wait for the next
    run, as always.
    """
    connections = connections or settings.REMINDER_SEND_CONNECTIONS
    conn = transaction.get_connection()
    if connections <= 1 or conn.vendor != "postgresql" or conn.in_atomic_block:
        return _send_loop(now, batch, max_batches)
    result = SendResult()
    with ThreadPoolExecutor(max_workers=connections) as pool:
        futures = [
            pool.submit(_send_loop_in_thread, now, batch, max_batches, (index, connections))
            for index in range(connections)
        ]
        for future in futures:
            result += future.result()
    return result


# -- the sweep -----------------------------------------------------------------------------


@dataclass
class SweepResult:
    planned: int
    sent: int
    failed: int
    retried: int = 0
    dry_run: bool = False


def reminders_sweep(*, on: date | None = None, send: bool = True, dry_run: bool = False) -> SweepResult:
    """Plan the day's reminders and send them; record the run (not for a dry run)."""
    on = on or timezone.localdate()
    if dry_run:
        return SweepResult(planned=reminders_plan(on=on, dry_run=True), sent=0, failed=0, dry_run=True)
    run = models.SweepRun.objects.create(for_date=on)
    planned = reminders_plan(on=on)
    run.planned = planned
    run.save(update_fields=["planned"])
    sent = SendResult()
    if send:
        sent = reminders_send()
    run.sent, run.failed, run.finished_at = sent.sent, sent.failed, timezone.now()
    run.save(update_fields=["sent", "failed", "finished_at"])
    return SweepResult(planned=planned, sent=sent.sent, failed=sent.failed, retried=sent.retried)


# -- admin and preferences -----------------------------------------------------------------


@transaction.atomic
def notification_retry(*, notification_ids: list[int]) -> int:
    """Put failed notifications back in the outbox (fresh attempts); return how many."""
    return N.objects.filter(pk__in=notification_ids, state=N.State.FAILED).update(
        state=N.State.PENDING, attempts=0, next_attempt_at=None, lease_until=None, last_error=""
    )


@transaction.atomic
def user_preference_update(*, user, email_reminders: bool, support_digests: bool) -> models.UserPreference:
    pref, _created = models.UserPreference.objects.select_for_update().get_or_create(user=user)
    pref.email_reminders = bool(email_reminders)
    pref.support_digests = bool(support_digests)
    pref.full_clean()
    pref.save()
    return pref
