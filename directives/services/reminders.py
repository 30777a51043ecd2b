"""Reminders and the outbox: plan (the daily sweep, with catch-up), send, retry, expire.

The outbox (`Notification`) holds every mail the tracker sends. A row has a kind, a
recipient, a unique key (task, kind, window, recipient) and a `payload`. Rows of the
reminder kinds (and event rows whose payload says `"digest": true`) go out together, one
digest per recipient; every other row is an event mail sent alone from the templates
`emails/<kind>-subject.txt`, `-body.txt`, `-body.html` (or `emails/event-*`, which shows
`payload["subject"]` and `payload["text"]`), with the payload in its context.
`notification_enqueue` puts event mails in the outbox after the caller's transaction commits.

The sender, `reminders_send`, in steps:

1. Expire: rows whose `expires_at` has passed are no longer useful; they become `expired`,
   with the reason and the last error, logged at ERROR.
2. Claim: whole recipients at a time, with one conditional UPDATE (pending and due, or
   `sending` with an expired lease) that sets `sending`, a lease unique to this claimer and
   attempts + 1. The UPDATE's row count decides ownership; a worker killed after claiming
   leaves rows in `sending`, claimed again after the lease.
3. Compose, per recipient: rows about a task finished or cancelled since they were planned
   are `skipped`; the rest become one digest (and one mail per event row). A message that
   cannot be rendered fails its own rows with the reason; the others go on.
4. Send the batch over one SMTP connection and record each outcome as soon as the server
   answered: sent; a permanent answer for the address (5xx to RCPT or DATA) fails the rows
   at once; anything else (refused connection, timeout, 4xx, authentication) puts them back
   with a bounded backoff (`REMINDER_BACKOFF_CAP_SECONDS`) until they expire. Attempts are
   bounded by time (`expires_at`) and by `REMINDER_MAX_ATTEMPTS` as a safety net.
5. A batch that could not reach the server at all ends the run: the rows not yet claimed
   keep their attempts, and the next tick tries again.

Exactly once means: a message accepted by the server is marked sent right after, in its own
commit, so a second sweep, a second sender or a retried task never sends it again. Two cases
send twice, both inherent to SMTP: a worker killed between the server's "250" and that
commit, and a server slower than `EMAIL_TIMEOUT` that stored the message but answered too
late (the sender saw a timeout, a transient error, and sends again). The README says more.
"""

from __future__ import annotations

import contextlib
import logging
import random
import smtplib
import textwrap
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django import db
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Func, IntegerField, Q, Value
from django.db.models.functions import Abs, Coalesce, Concat, Mod
from django.template import TemplateDoesNotExist
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from directives import emails, models
from directives import reminders as rules
from directives.domain.periods import format_date_vi
from directives.domain.status import STANDING_LABELS_VI, Standing, standing_at
from directives.selectors.standing import standing_filter
from directives.services.recurring import recurring_occurrences_create

logger = logging.getLogger("directives.reminders")

N = models.Notification

REMINDER_BACKOFF_BASE_SECONDS = 30
# However early its window ends, a planned reminder is retried for at least this long.
MIN_RETRY = timedelta(hours=24)
INSERT_BATCH = 2000
DIGEST_KINDS = frozenset(rules.URGENCY) | frozenset(rules.EXPLANATION_KINDS)
UNSUBSCRIBE_SALT = "directives.reminders.unsubscribe"
# An event mail waiting for the next digest goes out alone this long after the next sweep's
# time if no sweep took it by then (beat stopped, the catch-up failed): late, never lost.
DIGEST_EVENT_FALLBACK = timedelta(hours=1)

__all__ = [
    "PlanResult",
    "SendResult",
    "SweepResult",
    "notification_enqueue",
    "notification_retry",
    "reminder_backoff_seconds",
    "reminders_catch_up",
    "reminders_plan",
    "reminders_send",
    "reminders_sweep",
    "reminders_unsubscribe",
    "next_sweep_at",
    "unsubscribe_token",
    "unsubscribe_email",
    "user_preference_update",
]


def reminder_backoff_seconds(attempt: int) -> int:
    """Wait after the `attempt`-th failed send (1-based): 30, 60, 120 … capped at
    `REMINDER_BACKOFF_CAP_SECONDS` (15 min by default)."""
    exponent = min(max(0, attempt - 1), 20)
    return min(settings.REMINDER_BACKOFF_CAP_SECONDS, REMINDER_BACKOFF_BASE_SECONDS * 2**exponent)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def next_sweep_at(now: datetime | None = None) -> datetime:
    """When the next daily sweep runs (`REMINDER_SWEEP_TIME`, local time): today's if it is
    still ahead, tomorrow's otherwise."""
    local = timezone.localtime(now or timezone.now())
    hour, minute = settings.REMINDER_SWEEP_TIME
    at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    return at if at > local else at + timedelta(days=1)


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
    members are small next to tasks). Addresses that unsubscribed are left out."""
    suppressed = {e.lower() for e in models.EmailSuppression.objects.values_list("email", flat=True)}
    lead: dict[int, list] = defaultdict(list)
    support: dict[int, list] = defaultdict(list)
    managers: dict[int, list] = defaultdict(list)
    wants_support: set[int] = set()
    for org_id, contact, wants in models.Organization.objects.values_list(
        "id", "contact_emails", "wants_support_digest"
    ):
        for email in models.split_emails(contact):
            if email.lower() in suppressed:
                continue
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
        if email in suppressed:
            continue
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
    """Tasks a sweep on `on` looks at: of an active directive, counted and neither finished,
    cancelled nor without a deadline at `on` (the one standing rule, `selectors.standing`)."""
    open_ = [Standing.IN_PROGRESS, Standing.NOT_STARTED, Standing.OVERDUE]
    return standing_filter(models.Task.objects.filter(directive__status=models.Directive.Status.ACTIVE), on, open_)


def _planned_rows(on: date, token: datetime, now: datetime, catch_up: bool = False) -> list[N]:
    """The rows a sweep for `on` plans. Each expires at the end of its usefulness (its
    window's end, at least the day after `on`; `reminders.useful_until`) but never less than
    `MIN_RETRY` after it is planned. A catch-up of a missed day leaves out what is no longer
    useful at `now`."""
    default, by_org = _policies()
    audiences = _audiences()
    tasks = _open_tasks(on)
    supporters: dict[int, list[int]] = defaultdict(list)
    for task_id, org_id in models.Task.supporters.through.objects.filter(
        organization__wants_support_digest=True, task__in=tasks
    ).values_list("task_id", "organization_id"):
        supporters[task_id].append(org_id)

    rows: dict[tuple, N] = {}
    expiry: dict[date | None, datetime] = {}
    min_days = settings.REMINDER_USEFUL_DAYS

    def expires(until: date | None) -> datetime:
        if until not in expiry:
            expiry[until] = _start_of(rules.useful_until(planned_for=on, until=until, min_days=min_days))
        return expiry[until]

    def add(task_id: int, due: rules.Due, org_ids: list[int], table: dict, payload: dict | None = None) -> None:
        useful = expires(due.until)
        if catch_up and useful <= now:
            return
        expires_at = max(useful, now + MIN_RETRY)
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
                        expires_at=expires_at,
                        payload=payload or {},
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
            add(task_id, due, [issuer_id], audiences.managers, {"extension": ext_id})
    if not catch_up:  # a daily row each; the day's sweep plans today's, missed days add nothing
        _plan_explanations(on, add, audiences, default, by_org)
    return list(rows.values())


def _plan_explanations(on: date, add, audiences: _Audiences, default: rules.Policy, by_org: dict) -> None:
    """Requests for explanation open on `on` (to the users of the body asked, as in its inbox:
    reporters and managers, not the body's contact address) and answers not yet closed (to
    the managers of the asking body), one row a day each until dealt with."""
    explainers = {org: [(e, u) for e, u in members if u] for org, members in audiences.lead.items()}
    X = models.Explanation.State
    for x_id, task_id, state, addressed_to, asker, issuer_id, created_at, answered_at in (
        models.Explanation.objects.filter(state__in=[X.OPEN, X.ANSWERED])
        .order_by("id")
        .values_list(
            "id",
            "task_id",
            "state",
            "addressed_to_id",
            "organization_id",
            "task__directive__issuer_id",
            "created_at",
            "answered_at",
        )
    ):
        asker = asker or issuer_id
        policy = by_org.get(asker, default) if asker else default
        since = timezone.localdate(answered_at if state == X.ANSWERED and answered_at else created_at)
        for due in rules.explanation_reminders(explanation_id=x_id, state=state, since=since, on=on, policy=policy):
            if due.audience == rules.EXPLAINERS:
                add(task_id, due, [addressed_to], explainers, {"explanation": x_id})
            elif due.audience == rules.ASKER_MANAGERS and asker:
                add(task_id, due, [asker], audiences.managers, {"explanation": x_id})


def reminders_plan(*, on: date, dry_run: bool = False, now: datetime | None = None, catch_up: bool = False) -> int:
    """Insert the reminders due on `on`; return how many rows this sweep inserted.

    Idempotent: rows already planned (same task, kind, window, recipient) are left alone, so
    a second sweep, or one running at the same time, inserts nothing. With `dry_run`, plans
    in a transaction that is rolled back and returns what would have been inserted.
    """
    now = now or timezone.now()
    # In the past, so that the rows are due at once; unique to this sweep, so that it counts its own.
    token = now - timedelta(microseconds=random.randrange(1, 999_999))
    with transaction.atomic():
        rows = _planned_rows(on, token, now, catch_up)
        for start in range(0, len(rows), INSERT_BATCH):
            N.objects.bulk_create(rows[start : start + INSERT_BATCH], ignore_conflicts=True)
        planned = N.objects.filter(planned_for=on, next_attempt_at=token, state=N.State.PENDING).count()
        if dry_run:
            transaction.set_rollback(True)
    return planned


# -- event mails (the same outbox) -----------------------------------------------------------


def notification_enqueue(
    *,
    kind: str,
    task: models.Task,
    key: str,
    recipients: list[tuple[str, int | None, int | None]],
    payload: dict | None = None,
    send_at: datetime | None = None,
    useful_for: timedelta = timedelta(days=3),
) -> int:
    """Put one event mail per recipient (email, user id, organization id) in the outbox and
    send it after the caller's transaction commits; return how many rows were new.

    `key` makes it idempotent (an event id: "event:<TaskEvent id>"). With `payload["digest"]`
    (the recipient chose "in the daily digest") the row waits for the recipient's next digest:
    the next sweep sends it with his reminders (`_release_digest_events`); should no sweep run,
    it goes out alone `DIGEST_EVENT_FALLBACK` after the sweep's time (or at `send_at`).
    Rows unsent after `useful_for` expire like reminders.
    """
    now = timezone.now()
    if send_at is None and (payload or {}).get("digest"):
        send_at = next_sweep_at(now) + DIGEST_EVENT_FALLBACK
    rows = [
        N(
            task=task,
            kind=kind,
            window=key[:64],
            recipient=email.lower(),
            user_id=user_id,
            organization_id=org_id,
            planned_for=timezone.localdate(now),
            next_attempt_at=send_at or now,
            expires_at=(send_at or now) + useful_for,
            payload=payload or {},
        )
        for email, user_id, org_id in recipients
        if email
    ]
    with transaction.atomic():
        before = N.objects.filter(task=task, kind=kind, window=key[:64]).count()
        N.objects.bulk_create(rows, ignore_conflicts=True)
        created = N.objects.filter(task=task, kind=kind, window=key[:64]).count() - before
        if created and not send_at:
            from directives.tasks import outbox_send_task

            transaction.on_commit(outbox_send_task.delay)
    return created


# -- sending ------------------------------------------------------------------------------


@dataclass
class SendResult:
    sent: int = 0  # notifications sent
    failed: int = 0  # notifications that failed for good
    retried: int = 0  # notifications put back for a later attempt
    expired: int = 0  # notifications no longer useful, not sent
    skipped: int = 0  # notifications about a task finished since they were planned
    emails: int = 0  # messages accepted by the mail server
    last_error: str = ""

    def __iadd__(self, other: SendResult) -> SendResult:
        self.sent += other.sent
        self.failed += other.failed
        self.retried += other.retried
        self.expired += other.expired
        self.skipped += other.skipped
        self.emails += other.emails
        self.last_error = other.last_error or self.last_error
        return self


def _claimable(now: datetime) -> Q:
    return Q(state=N.State.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)) | Q(
        state=N.State.SENDING, lease_until__lt=now
    )


def _expire(now: datetime) -> int:
    """Step 1: rows whose usefulness ended are expired with the reason, never sent."""
    stale = N.objects.filter(
        Q(state=N.State.PENDING) | Q(state=N.State.SENDING, lease_until__lt=now), expires_at__lte=now
    )
    reason = _("Hết thời gian hữu ích, không gửi nữa. Lỗi cuối: ")
    count = stale.update(
        state=N.State.EXPIRED,
        lease_until=None,
        closed_at=now,
        last_error=Concat(Value(reason), F("last_error")),
    )
    if count:
        logger.error("reminders: %d notifications expired unsent (no longer useful after retrying)", count)
    return count


def _claim_recipients(now: datetime, batch: int, shard: tuple[int, int] | None = None):
    """The recipients of the next claim: the first `batch` in address order that have claimable
    rows (of shard `shard=(i, n)`: those whose hash modulo n is ±i), as a query.

    Served on PostgreSQL by `notification_claim_idx` (the unsent rows in recipient order): the
    scan stops after `batch` recipients, however many rows the outbox holds and however many
    are pending (`tests/services/test_reminders_claim_plan.py` checks the plan). The shard is
    kept as "not in the other n - 1 buckets": PostgreSQL has no statistics for the hash, takes
    "= i" to keep 1 row in 200 and then reads and sorts every claimable row instead of walking
    the index (a sequential scan at 100,000 rows); "not in" it takes to keep most rows, which is
    nearer the truth (1 in n) for a scan that stops early.
    """
    claimable = N.objects.filter(_claimable(now))
    if shard is not None:
        index, count = shard
        bucket = Func(F("recipient"), function="hashtext", output_field=IntegerField())
        # abs() after mod(): abs(hashtext) overflows for the one hash -2^31.
        claimable = claimable.annotate(_shard=Abs(Mod(bucket, Value(count)))).exclude(
            _shard__in=[other for other in range(count) if other != index]
        )
    return claimable.order_by("recipient").values_list("recipient", flat=True).distinct()[:batch]


def _claim_rows(now: datetime, recipients: list[str]):
    """The claimable rows of `recipients`: what the claim's conditional UPDATE sets to `sending`
    (found through `notification_claim_idx`)."""
    return N.objects.filter(_claimable(now), recipient__in=recipients)


def _claim(*, now: datetime, batch: int, shard: tuple[int, int] | None = None) -> tuple[list[N], datetime | None]:
    """Step 2: claim every claimable row of up to `batch` recipients; return them and the
    lease that marks them ours.

    Recipients first, then one conditional UPDATE over all their claimable rows: a recipient's
    rows are never split between two claims (one digest per recipient), and the UPDATE's row
    count decides ownership (a concurrent sender's UPDATE re-checks the condition and takes
    none of them). `shard=(i, n)` keeps to the recipients whose hash is ±i modulo n, so that n
    parallel senders on PostgreSQL do not compete for the same recipients.
    """
    lease = now + timedelta(seconds=settings.REMINDER_LEASE_SECONDS, microseconds=random.randrange(1, 999_999))
    recipients = list(_claim_recipients(now, batch, shard))
    if not recipients:
        return [], None
    claimed = _claim_rows(now, recipients).update(state=N.State.SENDING, lease_until=lease, attempts=F("attempts") + 1)
    if not claimed:
        return [], None
    owned = list(
        N.objects.filter(state=N.State.SENDING, lease_until=lease)
        .select_related("task", "task__directive", "task__directive__issuer", "task__lead", "user", "organization")
        .order_by("recipient", "task__directive_id", "task__position", "id")
    )
    return owned, lease


def _url(name: str, fallback: str, *args) -> str:
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        path = fallback
    return settings.SITE_URL + path


def _task_url(task_id: int) -> str:
    return _url("directives:task_detail", f"/tasks/{task_id}/", task_id)


def _preferences_url() -> str:
    return _url("directives:reminder_preferences", "/account/reminders/")


def unsubscribe_token(email: str) -> str:
    """A signed token naming the address: the one-click link works without signing in."""
    return signing.dumps(email.lower(), salt=UNSUBSCRIBE_SALT, compress=True)


def unsubscribe_email(token: str) -> str | None:
    """The address a token names, or None when it was not signed by us."""
    try:
        return signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None


def _unsubscribe_url(email: str) -> str:
    token = unsubscribe_token(email)
    return _url("directives:reminders_unsubscribe", f"/account/reminders/unsubscribe/{token}/", token)


def _one_line(text: str) -> str:
    return " ".join((text or "").split())


def _excerpt(text: str, limit: int = 200) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "…"


KIND_LABELS = dict(N.Kind.choices)


def _why(rows: list[N]) -> list[str]:
    """Why this address receives the digest: one line per (capacity, organization)."""
    lines: dict[tuple[str, int], str] = {}
    for row in rows:
        org = row.organization
        if org is None:
            continue
        if row.kind in ("before", "due_today", "overdue"):
            if row.user_id:
                text = _("là cán bộ của %(org)s, đơn vị chủ trì") % {"org": org.name}
            else:
                text = _("là địa chỉ liên hệ của %(org)s, đơn vị chủ trì") % {"org": org.name}
            lines.setdefault(("lead", org.pk), text)
        elif row.kind == "support":
            lines.setdefault(
                ("support", org.pk), _("%(org)s là đơn vị phối hợp, đăng ký nhận bản tin để biết") % {"org": org.name}
            )
        elif row.kind in ("escalation", "extension_pending"):
            lines.setdefault(
                ("issuer", org.pk), _("là lãnh đạo, quản lý của %(org)s, cơ quan ban hành văn bản") % {"org": org.name}
            )
        elif row.kind == rules.EXPLANATION_OPEN:
            lines.setdefault(
                ("explainer", org.pk), _("là cán bộ của %(org)s, đơn vị được yêu cầu giải trình") % {"org": org.name}
            )
        elif row.kind == rules.EXPLANATION_REVIEW:
            lines.setdefault(
                ("asker", org.pk), _("là lãnh đạo, quản lý của %(org)s, đơn vị yêu cầu giải trình") % {"org": org.name}
            )
    if any(row.kind not in DIGEST_KINDS for row in rows):
        lines[("events", 0)] = _("đã chọn nhận email về đề nghị, thẩm định, giải trình gộp vào bản tin hằng ngày")
    return list(lines.values())


def _greeting(rows: list[N]) -> str:
    for row in rows:
        if row.user_id and row.user is not None:
            return row.user.get_full_name().strip() or row.user.get_username()
    names = list(dict.fromkeys(row.organization.name for row in rows if row.organization_id))
    return ", ".join(names[:3]) if names else rows[0].recipient


def _explanation_entries(rows: list[N], explanations: dict[int, models.Explanation], today: date) -> list[dict]:
    """The requests for explanation of a digest, each once (rows of a missed day and of today
    about the same request are one entry): open ones by their due date, answers by date."""
    entries: dict[int, dict] = {}
    for row in rows:
        x = explanations.get(_explanation_id(row))
        if x is None or x.pk in entries:
            continue
        task = row.task
        if row.kind == rules.EXPLANATION_OPEN:
            asker = x.organization.name if x.organization_id else ""
            said = _("%(org)s yêu cầu giải trình ngày %(date)s: %(text)s") % {
                "org": asker or _("Cơ quan ban hành"),
                "date": format_date_vi(timezone.localdate(x.created_at)),
                "text": _excerpt(x.question, 300),
            }
            order = (x.due_on, x.pk)
        else:
            said = _("%(org)s đã giải trình ngày %(date)s: %(text)s") % {
                "org": x.addressed_to.name,
                "date": format_date_vi(timezone.localdate(x.answered_at or x.created_at)),
                "text": _excerpt(x.answer, 300),
            }
            order = (timezone.localdate(x.answered_at or x.created_at), x.pk)
        days, overdue = rules.days_left_label(deadline=x.due_on, on=today)
        entries[x.pk] = {
            "kind": row.kind,
            "order": order,
            "path": task.path,
            "number": task.directive.number or _excerpt(task.directive.title, 60),
            "excerpt": _excerpt(task.text),
            "lines": textwrap.wrap(_excerpt(task.text), 72) or [""],
            "said": said,
            "said_lines": textwrap.wrap(said, 72) or [""],
            "due_on": format_date_vi(x.due_on),
            "days": days,
            "overdue": overdue,
            "url": _task_url(task.pk) + f"#explanation-{x.pk}",
            "issuer": task.directive.issuer.name if task.directive.issuer_id else "",
        }
    return sorted(entries.values(), key=lambda e: e["order"])


def _digest_context(recipient: str, rows: list[N], today: date) -> dict:
    """One digest: the requests for explanation waiting for the recipient, in sections of their
    own; then each task once, under its most urgent heading, the other reasons beside it; the
    `REMINDER_DIGEST_MAX_TASKS` most urgent listed, the rest counted by standing."""
    if all(hasattr(row, "_explanation") for row in rows):  # fetched by `_compose` for the batch
        explanations = {row._explanation.pk: row._explanation for row in rows if row._explanation is not None}
    else:
        explanations = _explanations_of(rows)
    explained = _explanation_entries([r for r in rows if r.kind in rules.EXPLANATION_KINDS], explanations, today)
    covered = {_explanation_id(r) for r in rows if r.kind in rules.EXPLANATION_KINDS}
    by_task: dict[int, list[N]] = defaultdict(list)
    for row in rows:
        if row.kind in rules.EXPLANATION_KINDS:
            continue
        if row.kind not in DIGEST_KINDS and _explanation_id(row) in covered:
            continue  # the event mail of a request listed above, in its own section
        by_task[row.task_id].append(row)
    entries = []
    for group in by_task.values():
        task = group[0].task
        kinds = {row.kind for row in group}
        heading = rules.most_urgent(kinds)
        days, overdue = rules.days_left_label(deadline=task.deadline, on=today)
        standing = standing_at(
            cutoff=today,
            deadline=task.deadline,
            completed_on=task.completed_on if task.status == models.Task.Status.DONE else None,
            cancelled=task.status == models.Task.Status.CANCELLED,
            started=task.status != models.Task.Status.NOT_STARTED,
        )
        events = [row.payload for row in group if row.kind not in DIGEST_KINDS]
        entries.append(
            {
                "heading": heading,
                "rank": rules.URGENCY.index(heading) if heading in rules.URGENCY else len(rules.URGENCY),
                "also": [str(KIND_LABELS.get(k, k)) for k in rules.URGENCY if k in kinds and k != heading],
                "path": task.path,
                "number": task.directive.number or _excerpt(task.directive.title, 60),
                "excerpt": _excerpt(task.text),
                "lines": textwrap.wrap(_excerpt(task.text), 72) or [""],
                "deadline": format_date_vi(task.deadline) if task.deadline else "",
                "deadline_value": task.deadline or date.max,
                "status": task.get_status_display(),
                "standing": standing,
                "lead": task.lead.name if task.lead_id else "",
                "days": days,
                "overdue": overdue,
                "url": _task_url(task.pk),
                "notes": [_one_line(str(p.get("text") or p.get("subject") or "")) for p in events if p],
                "issuer": task.directive.issuer.name if task.directive.issuer_id else "",
            }
        )
    entries.sort(key=lambda e: (e["rank"], e["deadline_value"], e["number"], e["path"]))
    limit = settings.REMINDER_DIGEST_MAX_TASKS
    listed = entries[:limit]
    sections: dict[str, list[dict]] = {}
    for entry in listed:
        sections.setdefault(entry["heading"], []).append(entry)
    headings = [(key, str(KIND_LABELS.get(key, key)), sections[key]) for key in sections]
    by_standing = Counter(entry["standing"] for entry in entries)
    org_ids = {row.organization_id for row in rows if row.organization_id}
    org_param = f"&org={next(iter(org_ids))}" if len(org_ids) == 1 else ""
    standings = [
        {
            "label": STANDING_LABELS_VI[Standing(s)],
            "count": by_standing[s],
            "url": f"{_url('directives:task_list', '/tasks/')}?standing={s}{org_param}",
        }
        for s in (Standing.OVERDUE, Standing.IN_PROGRESS, Standing.NOT_STARTED, Standing.DONE_LATE)
        if by_standing.get(s)
    ]
    issuers = list(dict.fromkeys(e["issuer"] for e in [*explained, *entries] if e["issuer"]))
    only_support = bool(entries) and not explained and all(e["heading"] == "support" for e in entries)
    # Tasks listed for a reminder; the others are there for an event mail the recipient chose
    # to read in the digest.
    reminded = sum(1 for e in entries if e["heading"] in rules.URGENCY)
    return {
        "recipient": recipient,
        "name": _greeting(rows),
        "why": _why(rows),
        "today": format_date_vi(today),
        "headings": headings,
        "count": len(entries),
        "reminded": reminded,
        "explanations": [e for e in explained if e["kind"] == rules.EXPLANATION_OPEN],
        "answers": [e for e in explained if e["kind"] == rules.EXPLANATION_REVIEW],
        "explanations_label": str(KIND_LABELS[rules.EXPLANATION_OPEN]),
        "answers_label": str(KIND_LABELS[rules.EXPLANATION_REVIEW]),
        "explanation_sections": [
            (str(KIND_LABELS[kind]), [e for e in explained if e["kind"] == kind]) for kind in rules.EXPLANATION_KINDS
        ],
        "listed": len(listed),
        "more": len(entries) - len(listed),
        "standings": standings,
        "all_url": f"{_url('directives:task_list', '/tasks/')}?standing=overdue{org_param}",
        "only_support": only_support,
        "overdue_count": sum(1 for e in entries if e["overdue"]),
        "due_today_count": sum(1 for e in entries if not e["overdue"] and e["days"] == 0),
        "issuers": issuers[:3],
        "more_issuers": len(issuers) > 3,
        "preferences_url": _preferences_url(),
        "unsubscribe_url": _unsubscribe_url(recipient),
        "site_url": settings.SITE_URL,
    }


def _list_headers(recipient: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail clients show an "unsubscribe" button that POSTs here."""
    return {
        "List-Unsubscribe": f"<{_unsubscribe_url(recipient)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _event_message(row: N):
    context = {
        **row.payload,
        "task": row.task,
        "task_url": _task_url(row.task_id),
        "recipient": row.recipient,
        "name": _greeting([row]),
        "preferences_url": _preferences_url(),
        "unsubscribe_url": _unsubscribe_url(row.recipient),
        "site_url": settings.SITE_URL,
    }
    headers = _list_headers(row.recipient)
    try:
        return emails.render(row.kind, context, to=[row.recipient], headers=headers)
    except TemplateDoesNotExist:
        return emails.render("event", context, to=[row.recipient], headers=headers)


def _is_permanent(exc: Exception) -> bool:
    """Only the server's permanent answer about this message or address: 5xx to RCPT TO
    (every recipient refused) or to DATA. Everything else (refused connection, timeout, 4xx,
    a 5xx to authentication or MAIL FROM, which is the server's configuration, not the
    recipient's) is transient and retried until the reminder expires."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return exc.smtp_code >= 500
    return False


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


def _finished_since(task: models.Task, on: date) -> bool:
    return task.directive.status != models.Directive.Status.ACTIVE or rules.is_finished(
        status=task.status, completed_on=task.completed_on, on=on
    )


def _explanation_id(row: N) -> int | None:
    """The request for explanation a row is about: its payload's, or for an event mail of
    an older row the id in its key ("explanation_requested:<id>:open")."""
    value = row.payload.get("explanation") if isinstance(row.payload, dict) else None
    if value is None and row.kind in ("explanation_requested", "explanation_answered"):
        value = (row.window.split(":") + ["", ""])[1]
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _explanations_of(rows: list[N]) -> dict[int, models.Explanation]:
    """The requests for explanation the rows are about, as they stand now (one query)."""
    ids = {x for x in (_explanation_id(row) for row in rows) if x is not None}
    if not ids:
        return {}
    return models.Explanation.objects.select_related("organization", "addressed_to").in_bulk(ids)


def _still_due(row: N, explanations: dict[int, models.Explanation]) -> bool:
    """An explanation row is still worth sending: the request is still open (to the body asked)
    or its answer still unread (to the asking body's managers)."""
    explanation = explanations.get(_explanation_id(row))
    if explanation is None:
        return False
    wanted = models.Explanation.State.OPEN if row.kind == rules.EXPLANATION_OPEN else models.Explanation.State.ANSWERED
    return explanation.state == wanted


def _compose(rows: list[N], now: datetime, result: SendResult, lease: datetime) -> list[tuple[object, list[N]]]:
    """Step 3: the messages of a claimed batch, each with the rows it carries. Rows about a
    task finished since, or a request for explanation answered (or an answer closed) since,
    are skipped; a message that cannot be rendered fails its rows."""
    today = timezone.localdate(now)
    explanations = _explanations_of(rows)
    for row in rows:  # fetched once for the batch; the digest reads them from its rows
        row._explanation = explanations.get(_explanation_id(row))
    stale = [
        row.pk
        for row in rows
        if row.kind in DIGEST_KINDS and row.kind not in rules.EXPLANATION_KINDS and _finished_since(row.task, today)
    ]
    settled = [row.pk for row in rows if row.kind in rules.EXPLANATION_KINDS and not _still_due(row, explanations)]
    for pks, reason in (
        (stale, _("Nhiệm vụ đã hoàn thành hoặc dừng.")),
        (settled, _("Yêu cầu giải trình đã được trả lời hoặc đã kết thúc.")),
    ):
        if pks:
            result.skipped += N.objects.filter(pk__in=pks, state=N.State.SENDING, lease_until=lease).update(
                state=N.State.SKIPPED, lease_until=None, closed_at=now, last_error=reason
            )
    if stale or settled:
        dropped = set(stale) | set(settled)
        rows = [row for row in rows if row.pk not in dropped]
    groups: dict[tuple[str, int], list[N]] = defaultdict(list)
    for row in rows:
        in_digest = row.kind in DIGEST_KINDS or row.payload.get("digest")
        groups[(row.recipient, 0 if in_digest else row.pk)].append(row)
    messages = []
    for (recipient, single), group in groups.items():
        try:
            if single:
                message = _event_message(group[0])
            else:
                # Days left are counted from today: a digest sent late (after an outage, or a
                # caught-up sweep) says how things stand when it is read.
                context = _digest_context(recipient, group, today)
                message = emails.render("reminder_digest", context, to=[recipient], headers=_list_headers(recipient))
        except Exception as exc:  # noqa: BLE001 - one bad message fails alone
            error = _("Không tạo được thư: %(e)s") % {"e": _describe(exc)}
            logger.error("reminders: the message for %s could not be rendered: %s", recipient, error, exc_info=True)
            result.failed += N.objects.filter(
                pk__in=[row.pk for row in group], state=N.State.SENDING, lease_until=lease
            ).update(state=N.State.FAILED, lease_until=None, closed_at=now, last_error=error[:2000])
            result.last_error = error
            continue
        messages.append((message, group))
    return messages


def _send_claimed(rows: list[N], lease: datetime, now: datetime) -> tuple[SendResult, bool]:
    """Steps 3 and 4 for one claimed batch; also says whether the server was unreachable."""
    result = SendResult()
    messages = _compose(rows, now, result, lease)
    events: list[models.TaskEvent] = []
    transient: list[str] = []

    def settle(index: int, outcome: Exception | None) -> None:
        """Record one message's outcome as soon as the SMTP server answered for it."""
        group = messages[index][1]
        recipient = group[0].recipient
        mine = N.objects.filter(pk__in=[row.pk for row in group], state=N.State.SENDING, lease_until=lease)
        if outcome is None:
            with transaction.atomic():
                _relaxed_commit()
                result.sent += mine.update(
                    state=N.State.SENT, sent_at=timezone.now(), closed_at=timezone.now(), lease_until=None
                )
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
        result.last_error = error
        attempts = max(row.attempts for row in group)
        if _is_permanent(outcome) or attempts >= settings.REMINDER_MAX_ATTEMPTS:
            logger.error("reminders: sending to %s failed for good after %d attempts: %s", recipient, attempts, error)
            result.failed += mine.update(
                state=N.State.FAILED,
                lease_until=None,
                closed_at=now,
                last_error=error,
                first_error_at=Coalesce(F("first_error_at"), Value(now)),
            )
        else:
            transient.append(error)
            retry_at = now + timedelta(seconds=reminder_backoff_seconds(attempts))
            result.retried += mine.update(
                state=N.State.PENDING,
                lease_until=None,
                next_attempt_at=retry_at,
                last_error=error,
                first_error_at=Coalesce(F("first_error_at"), Value(now)),
            )

    emails.send_batch([message for message, _rows in messages], on_outcome=settle)
    if events:
        models.TaskEvent.objects.bulk_create(events, batch_size=INSERT_BATCH)
    if transient:
        logger.warning(
            "reminders: %d of %d messages not sent, retried later (transient): %s",
            len(transient),
            len(messages),
            Counter(transient).most_common(1)[0][0],
        )
    unreachable = bool(messages) and len(transient) == len(messages)
    return result, unreachable


def _send_loop(now: datetime | None, batch: int, max_batches: int, shard: tuple[int, int] | None = None) -> SendResult:
    result = SendResult()
    # Messages and the reasons stored on rows are in the site's language, whatever language the
    # calling thread has active (a request in English, a test).
    with translation.override(settings.LANGUAGE_CODE):
        _send_batches(now, batch, max_batches, shard, result)
    return result


def _send_batches(
    now: datetime | None, batch: int, max_batches: int, shard: tuple[int, int] | None, result: SendResult
) -> None:
    for _batch in range(max_batches):
        current = now or timezone.now()
        rows, lease = _claim(now=current, batch=batch, shard=shard)
        if not rows:
            break
        outcome, unreachable = _send_claimed(rows, lease, current)
        result += outcome
        if unreachable:
            break  # step 5: the server is down; the rest keep their attempts for the next tick


def _send_loop_in_thread(now: datetime | None, batch: int, max_batches: int, shard: tuple[int, int]) -> SendResult:
    try:
        return _send_loop(now, batch, max_batches, shard)
    finally:
        db.connection.close()  # each thread has its own database connection


def reminders_send(
    *, now: datetime | None = None, batch: int = 200, max_batches: int = 1000, connections: int | None = None
) -> SendResult:
    """Send every claimable message, `batch` recipients per SMTP connection (the steps are in
    the module docstring).

    On PostgreSQL up to `connections` batches go out at once, each over its own SMTP
    connection and for its own share of the recipients: sending waits on the SMTP server's
    replies far more than it computes. Inside a transaction (tests), and on SQLite, one at a
    time. Rows left pending at the end (a sender that met a transient error) wait for the next
    run, as always.
    """
    with translation.override(settings.LANGUAGE_CODE):
        result = SendResult(expired=_expire(now or timezone.now()))
    connections = connections or settings.REMINDER_SEND_CONNECTIONS
    conn = transaction.get_connection()
    if connections <= 1 or conn.vendor != "postgresql" or conn.in_atomic_block:
        result += _send_loop(now, batch, max_batches)
        return result
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
    expired: int = 0
    skipped: int = 0
    dry_run: bool = False
    caught_up: list[str] = field(default_factory=list)
    occurrences: int = 0  # occurrences of recurring tasks created (step 1 of the sweep)

    def as_dict(self) -> dict:
        return {
            "occurrences": self.occurrences,
            "planned": self.planned,
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "expired": self.expired,
            "skipped": self.skipped,
            "caught_up": self.caught_up,
        }


def _missed_days(on: date) -> list[date]:
    """Days after the last planned sweep and before `on` that no sweep planned (the broker was
    down at the tick, beat was stopped), at most `REMINDER_CATCH_UP_DAYS` back. None before
    the first sweep ever."""
    last = (
        models.SweepRun.objects.filter(planned_at__isnull=False, for_date__lt=on)
        .order_by("-for_date")
        .values_list("for_date", flat=True)
        .first()
    )
    if last is None:
        return []
    first = max(last + timedelta(days=1), on - timedelta(days=settings.REMINDER_CATCH_UP_DAYS))
    return [first + timedelta(days=n) for n in range((on - first).days)]


def reminders_sweep(
    *,
    on: date | None = None,
    send: bool = True,
    dry_run: bool = False,
    trigger: str = models.SweepRun.Trigger.SCHEDULE,
) -> SweepResult:
    """The daily sweep, the same whoever starts it (beat's task, `manage.py send_reminders`,
    `make remind`, the admin's "run now", the catch-up):

    1. Create the occurrences of recurring tasks due within `RECURRENCE_AHEAD_DAYS`
       (`recurring_occurrences_create`; the unique (series, period) keeps each to one), so
       that a new occurrence is reminded by the same sweep.
    2. Plan the reminders of the days missed since the last sweep (while still useful), then
       the day's.
    3. Send them (unless `send=False`), with the event mails that waited for the digest (users
       who chose "in the daily digest"); record the run and log its counts.

    Running it twice creates and plans nothing twice. A dry run does steps 1 and 2 in a
    transaction that is rolled back and reports what they would have done.
    """
    on = on or timezone.localdate()
    missed = _missed_days(on)
    caught_up = [d.isoformat() for d in missed]
    if dry_run:
        with transaction.atomic():
            occurrences = recurring_occurrences_create(on=on)
            planned = sum(reminders_plan(on=day, dry_run=True, catch_up=True) for day in missed)
            planned += reminders_plan(on=on, dry_run=True)
            transaction.set_rollback(True)
        return SweepResult(
            planned=planned, sent=0, failed=0, dry_run=True, caught_up=caught_up, occurrences=occurrences
        )
    run = models.SweepRun.objects.create(for_date=on, trigger=trigger, caught_up=caught_up)
    try:
        occurrences = recurring_occurrences_create(on=on)
        if occurrences:
            logger.info("reminders: sweep of %s created %d occurrences of recurring tasks", on, occurrences)
        planned = 0
        for day in missed:
            count = reminders_plan(on=day, catch_up=True)
            logger.warning("reminders: caught up the missed sweep of %s: %d reminders planned", day, count)
            planned += count
        planned += reminders_plan(on=on)
        run.planned, run.planned_at = planned, timezone.now()
        run.save(update_fields=["planned", "planned_at"])
        _release_digest_events(timezone.now())
        sent = reminders_send() if send else SendResult()
    except Exception as exc:
        logger.exception("reminders: the sweep for %s failed", on)
        with contextlib.suppress(Exception):  # the database itself may be what failed
            models.SweepRun.objects.filter(pk=run.pk).update(error=_describe(exc))
        raise
    run.sent, run.failed, run.retried, run.expired = sent.sent, sent.failed, sent.retried, sent.expired
    run.error, run.finished_at = sent.last_error, timezone.now()
    run.save(update_fields=["sent", "failed", "retried", "expired", "error", "finished_at"])
    result = SweepResult(
        planned=planned,
        sent=sent.sent,
        failed=sent.failed,
        retried=sent.retried,
        expired=sent.expired,
        skipped=sent.skipped,
        caught_up=caught_up,
        occurrences=occurrences,
    )
    level = logging.WARNING if (sent.retried or sent.failed or sent.expired) else logging.INFO
    logger.log(
        level,
        "reminders: sweep of %s: %d recurring occurrences created, planned %d, sent %d, waiting for retry %d, "
        "failed %d, expired %d%s",
        on,
        occurrences,
        planned,
        sent.sent,
        sent.retried,
        sent.failed,
        sent.expired,
        f"; last error: {sent.last_error}" if sent.last_error else "",
    )
    return result


def _release_digest_events(now: datetime) -> int:
    """Event mails waiting for the digest (`notification_enqueue` with `payload["digest"]`)
    become due now, so that this sweep sends each with its recipient's reminders. Rows waiting
    for a retry after a failed attempt keep their backoff."""
    return N.objects.filter(state=N.State.PENDING, attempts=0, payload__digest=True, next_attempt_at__gt=now).update(
        next_attempt_at=now
    )


def _sweep_due(now: datetime) -> bool:
    """Today's sweep should have run by now (its time plus `REMINDER_CATCH_UP_GRACE_MINUTES`)
    and has not, nor is one running (started in the last half hour)."""
    local = timezone.localtime(now)
    hour, minute = settings.REMINDER_SWEEP_TIME
    start = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if local < start + timedelta(minutes=settings.REMINDER_CATCH_UP_GRACE_MINUTES):
        return False
    today = local.date()
    runs = models.SweepRun.objects.filter(for_date__gte=today)
    return not (
        runs.filter(planned_at__isnull=False).exists()
        or runs.filter(started_at__gte=now - timedelta(minutes=30)).exists()
    )


def reminders_catch_up(*, now: datetime | None = None) -> SweepResult | None:
    """Run today's sweep if its time has passed and it did not run (the tick was lost while
    the broker was down, beat was stopped, the worker was down): called at worker start and
    before each send tick. The sweep then also plans the days missed before today."""
    now = now or timezone.now()
    if not _sweep_due(now):
        return None
    logger.warning("reminders: today's sweep did not run at its time; catching up now")
    return reminders_sweep(on=timezone.localdate(now), trigger=models.SweepRun.Trigger.CATCH_UP)


# -- admin, preferences, unsubscribe ---------------------------------------------------------------


@transaction.atomic
def notification_retry(*, notification_ids: list[int]) -> int:
    """Put failed or expired notifications back in the outbox (fresh attempts, one more day
    to be useful); return how many."""
    now = timezone.now()
    return N.objects.filter(pk__in=notification_ids, state__in=[N.State.FAILED, N.State.EXPIRED]).update(
        state=N.State.PENDING,
        attempts=0,
        next_attempt_at=None,
        lease_until=None,
        last_error="",
        first_error_at=None,
        closed_at=None,
        expires_at=now + timedelta(days=1),
    )


@transaction.atomic
def user_preference_update(
    *, user, email_reminders: bool, support_digests: bool, event_mail: str | None = None
) -> models.UserPreference:
    """Save the user's choices: reminders by email, the "for information" digest of supported
    tasks, and how event mails reach him (`event_mail`: at once, or in the next daily digest;
    None leaves it as it is)."""
    pref, _created = models.UserPreference.objects.select_for_update().get_or_create(user=user)
    pref.email_reminders = bool(email_reminders)
    pref.support_digests = bool(support_digests)
    if event_mail is not None:
        pref.event_mail = event_mail
    pref.full_clean()
    pref.save()
    if pref.email_reminders and user.email:
        models.EmailSuppression.objects.filter(email__iexact=user.email).delete()
    return pref


@transaction.atomic
def reminders_unsubscribe(*, email: str, subscribe: bool = False) -> None:
    """The one-click link (RFC 8058): no more reminders to `email` (or again, with
    `subscribe`). Users with that address get their preference turned off too, so that the
    preferences page says the same; the address is remembered for organizations' contacts."""
    email = email.lower()
    users = models.UserPreference._meta.get_field("user").related_model.objects.filter(
        email__iexact=email, is_active=True
    )
    for user in users:
        pref, _created = models.UserPreference.objects.select_for_update().get_or_create(user=user)
        pref.email_reminders = subscribe
        pref.save(update_fields=["email_reminders"])
    if subscribe:
        models.EmailSuppression.objects.filter(email__iexact=email).delete()
        return
    models.EmailSuppression.objects.get_or_create(email=email)
    # What was planned for this address and not yet sent is not sent.
    N.objects.filter(recipient=email, state=N.State.PENDING).update(
        state=N.State.SKIPPED, closed_at=timezone.now(), last_error=_("Người nhận đã ngừng nhận email đôn đốc.")
    )
