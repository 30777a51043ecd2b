"""Which reminders are due, for whom, on a date: pure rules over plain data (no ORM).

A reminder is identified by its *window*, a string that names the deadline it is about, so
that a task whose deadline moves gets reminders for the new date only:

- ``"2021-12-31:7"``            7 days before 31/12/2021 (``":0"`` is the day itself)
- ``"2021-12-31:overdue:2"``    the 2nd overdue step (every ``overdue_every_days``)
- ``"2021-12-31:escalate:3"``   escalation to the issuer's managers at the 3rd overdue step
- ``"ext:42:0"``                extension request 42, first reminder to its decider
- ``"expl:7:2021-12-24"``       request for explanation 7, still unanswered on 24/12/2021
- ``"expl:7:answered:2021-12-24"``  its answer, still unread by the asking body on that day

Catch-up rule: a sweep plans the window the task is *in* on that day, not only the exact
day. A task 6 days before its deadline is in the "7 days before" window; if the sweep of the
7th day was missed, the next sweep still plans it, and the unique key keeps it to one.
Windows of an earlier threshold (14) are not planned once a later one (7) is reached.

Usefulness: each reminder carries `until`, the first day its window no longer describes the
task (the next threshold, the next overdue step). A reminder stays worth sending until the
later of `until` and the end of the day after it was planned for (`useful_until`), so a
"due today" missed by one day's sweep still goes out with the next one; after that a
transient failure expires it instead of retrying it for ever.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

DEFAULT_DAYS_BEFORE: tuple[int, ...] = (14, 7, 3, 1, 0)
DEFAULT_OVERDUE_EVERY_DAYS = 7
DEFAULT_ESCALATE_AFTER_DAYS = 14

# Audiences: who a planned reminder goes to.
LEAD = "lead"  # the lead organization's contact emails, reporters and managers
SUPPORT = "support"  # supporting organizations that asked for the "for information" digest
ISSUER_MANAGERS = "issuer_managers"  # managers of the directive's issuing organization
EXPLAINERS = "explainers"  # reporters and managers of the body asked to explain (the inbox's rule)
ASKER_MANAGERS = "asker_managers"  # managers of the body that asked for the explanation

# Requests for explanation (yêu cầu giải trình) in the digest: open, and answered but not yet
# closed by the asker. Listed in sections of their own, not merged with the task's reminders.
EXPLANATION_OPEN = "explanation_open"
EXPLANATION_REVIEW = "explanation_review"
EXPLANATION_KINDS: tuple[str, ...] = (EXPLANATION_OPEN, EXPLANATION_REVIEW)


@dataclass(frozen=True)
class Policy:
    days_before: tuple[int, ...] = DEFAULT_DAYS_BEFORE
    overdue_every_days: int = DEFAULT_OVERDUE_EVERY_DAYS
    escalate_after_days: int = DEFAULT_ESCALATE_AFTER_DAYS
    enabled: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "days_before", tuple(sorted({int(d) for d in self.days_before if int(d) >= 0})))
        object.__setattr__(self, "overdue_every_days", max(1, int(self.overdue_every_days)))


DEFAULT_POLICY = Policy()


@dataclass(frozen=True)
class Due:
    """One reminder due about one task, for one audience."""

    kind: str  # a Notification.Kind value
    window: str
    audience: str
    until: date | None = None  # the first day the window is over (None: no end of its own)


@dataclass(frozen=True)
class TaskFacts:
    deadline: date | None
    status: str  # Task.Status value
    completed_on: date | None = None
    directive_active: bool = True
    has_supporters: bool = False
    extra: dict = field(default_factory=dict, compare=False)


def is_finished(*, status: str, completed_on: date | None, on: date) -> bool:
    """Done by `on` (a later completion date means "not yet finished" at `on`), or cancelled."""
    if status == "cancelled":
        return True
    return status == "done" and completed_on is not None and completed_on <= on


def deadline_reminders(*, deadline: date, on: date, policy: Policy = DEFAULT_POLICY) -> list[Due]:
    """The reminders about an open task with `deadline` that a sweep on `on` plans."""
    if not policy.enabled:
        return []
    key = deadline.isoformat()
    days_left = (deadline - on).days
    due: list[Due] = []
    if days_left >= 0:
        # The smallest threshold at or above days_left is the window the task is in.
        reached = [d for d in policy.days_before if d >= days_left]
        if not reached:
            return []
        threshold = reached[0]
        later = [d for d in policy.days_before if d < threshold]
        # The next threshold's day, or the day after the deadline for the last one.
        until = deadline - timedelta(days=later[-1]) if later else deadline + timedelta(days=1)
        kind = "due_today" if threshold == 0 else "before"
        due.append(Due(kind, f"{key}:{threshold}", LEAD, until))
        due.append(Due("support", f"{key}:{threshold}", SUPPORT, until))
        return due
    overdue = -days_left
    step = overdue // policy.overdue_every_days
    if step < 1:
        return []
    until = deadline + timedelta(days=(step + 1) * policy.overdue_every_days)
    due.append(Due("overdue", f"{key}:overdue:{step}", LEAD, until))
    due.append(Due("support", f"{key}:overdue:{step}", SUPPORT, until))
    if overdue > policy.escalate_after_days:
        due.append(Due("escalation", f"{key}:escalate:{step}", ISSUER_MANAGERS, until))
    return due


def extension_reminders(
    *, extension_id: int, requested_on: date, on: date, policy: Policy = DEFAULT_POLICY
) -> list[Due]:
    """A pending extension request reminds its decider when made, then every overdue step."""
    if not policy.enabled:
        return []
    age = (on - requested_on).days
    if age < 0:
        return []
    step = age // policy.overdue_every_days
    until = requested_on + timedelta(days=(step + 1) * policy.overdue_every_days)
    return [Due("extension_pending", f"ext:{extension_id}:{step}", ISSUER_MANAGERS, until)]


def explanation_reminders(
    *, explanation_id: int, state: str, since: date, on: date, policy: Policy = DEFAULT_POLICY
) -> list[Due]:
    """A request for explanation is in every daily digest until it is dealt with: while open,
    in the digests of the body that must answer; once answered, in those of the asking body's
    managers until they close it. `since` is the day it was asked (open) or answered."""
    if not policy.enabled or on < since:
        return []
    until = on + timedelta(days=1)
    if state == "open":
        return [Due(EXPLANATION_OPEN, f"expl:{explanation_id}:{on.isoformat()}", EXPLAINERS, until)]
    if state == "answered":
        return [Due(EXPLANATION_REVIEW, f"expl:{explanation_id}:answered:{on.isoformat()}", ASKER_MANAGERS, until)]
    return []


def task_reminders(*, facts: TaskFacts, on: date, policy: Policy = DEFAULT_POLICY) -> list[Due]:
    """Every deadline reminder due for a task on `on`; none for finished, cancelled, undated
    tasks or tasks of a directive that is not active."""
    if not facts.directive_active or facts.deadline is None:
        return []
    if is_finished(status=facts.status, completed_on=facts.completed_on, on=on):
        return []
    due = deadline_reminders(deadline=facts.deadline, on=on, policy=policy)
    if not facts.has_supporters:
        due = [d for d in due if d.audience != SUPPORT]
    return due


def useful_until(*, planned_for: date, until: date | None, min_days: int = 2) -> date:
    """The first day a reminder planned for `planned_for` is no longer worth sending: the end
    of its window, but never before `min_days` days after the day it was planned for (so at
    least the rest of that day and the whole next one)."""
    floor = planned_for + timedelta(days=max(1, min_days))
    return max(until, floor) if until else floor


# Headings of a digest, most urgent first: a task listed for several reasons appears once,
# under the first of its reasons here, with the others beside it.
URGENCY: tuple[str, ...] = ("escalation", "overdue", "due_today", "extension_pending", "before", "support")


def most_urgent(kinds: list[str] | set[str]) -> str:
    """The heading a task goes under, given the kinds of reminder it has in one digest."""
    ranked = [k for k in URGENCY if k in kinds]
    return ranked[0] if ranked else sorted(kinds)[0]


def days_left_label(*, deadline: date | None, on: date) -> tuple[int | None, bool]:
    """(days, overdue): days left until the deadline, or days overdue."""
    if deadline is None:
        return None, False
    days = (deadline - on).days
    return (abs(days), days < 0)


def wants_email(preference: bool | None) -> bool:
    """A missing preference means opted in."""
    return preference is not False
