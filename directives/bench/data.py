"""Synthetic data for `manage.py benchmark`: N tasks in N/100 directives, 150 organizations,
5 progress reports per task, 2 targets per directive with 8 quarterly snapshots.

Rows are written with `bulk_create` in batches of 5,000; a marker organization named
"__bench__ <N>" records that the data set of size N is complete, so a second run reuses it.
Everything is deterministic (seeded by N). Bench rows are recognised by their directive
numbers ("BENCH-…") and organization names ("Bench …"); `bench_clear` removes only them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from directives import models
from directives.domain.text import fold_text

BATCH = 5_000
ORGANIZATIONS = 150
REPORTS_PER_TASK = 5
TARGETS_PER_DIRECTIVE = 2
SNAPSHOT_QUARTERS = 8
MARKER = "__bench__"
SUPERUSER = "bench-admin"
# The benchmark's cut-off: deadlines spread over 2020–2023 around it.
CUTOFF = date(2022, 9, 30)


@dataclass
class BenchContext:
    """What measurements receive: the data set's size and a superuser to render views as."""

    n_tasks: int
    superuser: object = None
    cutoff: date = CUTOFF
    smtp_port: int | None = None
    digests: int = 200
    extra: dict = field(default_factory=dict)


def bench_superuser():
    User = get_user_model()
    user, _ = User.objects.get_or_create(
        username=SUPERUSER, defaults={"is_superuser": True, "is_staff": True, "email": "bench@example.vn"}
    )
    return user


def bench_ready(n_tasks: int) -> bool:
    return (
        models.Organization.objects.filter(name=f"{MARKER} {n_tasks}").exists()
        and models.Task.objects.filter(directive__number__startswith="BENCH-").count() == n_tasks
    )


def foreign_data() -> str:
    """What the database holds besides benchmark rows ("" when nothing): a real tracker's data."""
    from directives.bench.reminders import TAG

    directives = models.Directive.objects.exclude(number__startswith="BENCH-").count()
    organizations = (
        models.Organization.objects.exclude(name__startswith="Bench ")
        .exclude(name__startswith=MARKER)
        .exclude(name__startswith=TAG)
        .count()
    )
    users = get_user_model().objects.exclude(username=SUPERUSER).count()
    parts = [
        f"{n} {what}"
        for n, what in ((directives, "directives"), (organizations, "organizations"), (users, "users"))
        if n
    ]
    return ", ".join(parts)


def bench_clear() -> None:
    """Delete the bench rows (raw deletes in dependency order: no per-row cascade collection)."""
    directives = models.Directive.objects.filter(number__startswith="BENCH-")
    tasks = models.Task.objects.filter(directive__in=directives)
    with transaction.atomic():
        for qs in [
            models.ProgressReport.objects.filter(task__in=tasks),
            models.TaskChange.objects.filter(task__in=tasks),
            models.TaskEvent.objects.filter(task__in=tasks),
            models.Notification.objects.filter(task__in=tasks),
            models.ExtensionRequest.objects.filter(task__in=tasks),
            models.TargetSnapshot.objects.filter(target__directive__in=directives),
            models.Target.objects.filter(directive__in=directives),
            models.Task.supporters.through.objects.filter(task__in=tasks),
        ]:
            qs._raw_delete(qs.db)
        tasks.update(parent=None)
        tasks._raw_delete(tasks.db)
        directives._raw_delete(directives.db)
        orgs = models.Organization.objects.filter(name__startswith="Bench ") | models.Organization.objects.filter(
            name__startswith=MARKER
        )
        models.Organization.objects.filter(pk__in=list(orgs.values_list("pk", flat=True))).delete()
    analyze()


def analyze() -> None:
    """Fresh planner statistics after a bulk load or delete (PostgreSQL): stale ones make the
    next size's deletes and plans take minutes."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def _batches(rows, model, **kwargs):
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH], batch_size=BATCH, **kwargs)


def _at(d: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(d, time(hour)))


def _history(tasks, directives, rng) -> tuple[int, int, int]:
    """Each task's history, dated: 5 reports from a few weeks after its directive's issue on (the
    last one says the task's current state, made a few days after its completion when done),
    an approved extension for 1 task in 20, and the chain of changes (`TaskChange`) that
    `task_report_progress` and `extension_decide` would have kept."""
    issued = {d.pk: d.issued_on for d in directives}
    now = timezone.localdate()
    reports, changes, extensions = [], [], []
    n_reports = n_changes = 0
    for t in tasks:
        start = issued[t.directive_id] + timedelta(days=rng.randrange(5, 40))
        step = timedelta(days=rng.randrange(10, 45))
        times = [start + k * step for k in range(REPORTS_PER_TASK - 1)]
        last = times[-1] + step
        if t.completed_on:
            last = max(times[-1] + timedelta(days=1), t.completed_on + timedelta(days=rng.randrange(0, 10)))
        times.append(min(last, now))
        states = [("not_started", 0, None)] + [("in_progress", 20 * k, None) for k in range(1, REPORTS_PER_TASK - 1)]
        states.append((t.status, t.progress, t.completed_on))
        events = [(_at(d), "report", st) for d, st in zip(times, states, strict=True)]
        for status, percent, completed_on in states:  # (created_at is set on insert: not read here)
            reports.append(
                models.ProgressReport(
                    task_id=t.pk,
                    organization_id=t.lead_id,
                    status=status,
                    percent=percent,
                    completed_on=completed_on,
                    note="Báo cáo tiến độ",
                )
            )
        first_deadline = t.deadline
        if t.deadline and rng.random() < 0.05:
            first_deadline = t.deadline - timedelta(days=rng.randrange(30, 120))
            decided = min(first_deadline + timedelta(days=rng.randrange(-20, 10)), now)
            extensions.append(
                models.ExtensionRequest(
                    task_id=t.pk,
                    organization_id=t.lead_id,
                    previous_deadline=first_deadline,
                    requested_deadline=t.deadline,
                    reason="Chờ số liệu",
                    state=models.ExtensionRequest.State.APPROVED,
                    decided_at=_at(decided, 15),
                )
            )
            events.append((_at(decided, 15), "extension", t.deadline))
            if t.completed_on and t.completed_on < decided:
                t.completion_deadline = first_deadline
        events.sort(key=lambda e: e[0])
        state = ("not_started", False, None, first_deadline)
        previous_at = None
        for at, kind, value in events:
            if kind == "report":
                new = (value[0], value[1] > 0, value[2], state[3])
            else:
                new = (*state[:3], value)
            if new == state:
                continue
            changes.append(
                models.TaskChange(
                    task_id=t.pk,
                    made_at=at,
                    previous_at=previous_at,
                    cause=kind,
                    status=state[0],
                    progress=20 if state[1] else 0,
                    completed_on=state[2],
                    deadline=state[3],
                )
            )
            previous_at, state = at, new
        if len(reports) >= BATCH:
            n_reports += len(reports)
            n_changes += len(changes)
            _batches(reports, models.ProgressReport)
            _batches(changes, models.TaskChange)
            reports, changes = [], []
    n_reports += len(reports)
    n_changes += len(changes)
    _batches(reports, models.ProgressReport)
    _batches(changes, models.TaskChange)
    _batches(extensions, models.ExtensionRequest)
    models.Task.objects.bulk_update(
        [t for t in tasks if t.completion_deadline], ["completion_deadline"], batch_size=BATCH
    )
    return n_reports, n_changes, len(extensions)


def bench_build(n_tasks: int, *, fresh: bool = False, log=print) -> bool:
    """Build the data set of `n_tasks` tasks unless it is there already; True when built."""
    if not fresh and bench_ready(n_tasks):
        return False
    bench_clear()
    rng = random.Random(n_tasks)
    with transaction.atomic():
        orgs = models.Organization.objects.bulk_create(
            [
                models.Organization(
                    name=f"Bench Cơ quan {i:03d}",
                    short_name=f"CQ{i:03d}",
                    kind=models.Organization.Kind.PROVINCIAL,
                    contact_emails=f"bench{i}@example.vn",
                )
                for i in range(ORGANIZATIONS)
            ]
        )
        issuers = orgs[:10]
        kinds = [k for k, _ in models.Directive.Kind.choices]
        n_directives = max(1, n_tasks // 100)
        directives = models.Directive.objects.bulk_create(
            [
                models.Directive(
                    kind=kinds[i % len(kinds)],
                    number=f"BENCH-{i:05d}",
                    title=f"Kết luận giao ban số {i} về công tác tổ chức xây dựng Đảng",
                    issuer=issuers[i % len(issuers)],
                    issued_on=date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 3)),
                    status=models.Directive.Status.ACTIVE,
                )
                for i in range(n_directives)
            ],
            batch_size=BATCH,
        )
        log(f"bench: {len(orgs)} organizations, {len(directives)} directives")
        today = CUTOFF + timedelta(days=90)
        tasks = []
        for i in range(n_tasks):
            directive = directives[i % n_directives]
            deadline = None if rng.random() < 0.08 else date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 4))
            r = rng.random()
            completed_on, progress = None, 0
            if r < 0.05:
                status = models.Task.Status.CANCELLED
            elif r < 0.55:
                status = models.Task.Status.DONE
                anchor = deadline or date(2021, 6, 30)
                completed_on = min(anchor + timedelta(days=rng.randrange(-60, 40)), today)
                progress = 100
            elif r < 0.8:
                status, progress = models.Task.Status.IN_PROGRESS, rng.randrange(5, 95)
            else:
                status = models.Task.Status.NOT_STARTED
            tasks.append(
                models.Task(
                    directive=directive,
                    path=f"{i // n_directives + 1}",
                    position=i // n_directives + 1,
                    text=f"Tham mưu triển khai nhiệm vụ số {i} của văn bản {directive.number}",
                    lead=orgs[rng.randrange(ORGANIZATIONS)],
                    deadline=deadline,
                    status=status,
                    completed_on=completed_on,
                    progress=progress,
                )
            )
            tasks[-1].search_text = fold_text(f"{tasks[-1].path} {tasks[-1].text}")  # bulk_create skips save()
        for i in range(0, len(tasks), BATCH):
            models.Task.objects.bulk_create(tasks[i : i + BATCH], batch_size=BATCH)
        log(f"bench: {len(tasks)} tasks")
        Link = models.Task.supporters.through
        links = []
        for t in tasks:
            for org in rng.sample(orgs, rng.randrange(0, 3)):
                if org.pk != t.lead_id:
                    links.append(Link(task_id=t.pk, organization_id=org.pk))
        _batches(links, Link)
        log(f"bench: {len(links)} supporting links")
        n_reports, n_changes, n_extensions = _history(tasks, directives, rng)
        log(f"bench: {n_reports} progress reports, {n_changes} changes, {n_extensions} extensions")
        targets = models.Target.objects.bulk_create(
            [
                models.Target(
                    directive=d,
                    label=f"Xây dựng đề án số {j + 1}",
                    unit="đề án",
                    total=Decimal(rng.randrange(10, 60)),
                    achieved=Decimal(0),
                )
                for d in directives
                for j in range(TARGETS_PER_DIRECTIVE)
            ],
            batch_size=BATCH,
        )
        quarter_ends = []
        y, q = CUTOFF.year, (CUTOFF.month - 1) // 3 + 1
        for _ in range(SNAPSHOT_QUARTERS):
            quarter_ends.append((y, q))
            y, q = (y, q - 1) if q > 1 else (y - 1, 4)
        quarter_ends.reverse()
        snapshots = []
        for t in targets:
            value = Decimal(0)
            for y, q in quarter_ends:
                value = min(t.total, value + rng.randrange(0, 6))
                snapshots.append(models.TargetSnapshot(target=t, year=y, quarter=q, achieved=value, total=t.total))
            t.achieved = value
        models.Target.objects.bulk_update(targets, ["achieved"], batch_size=BATCH)
        _batches(snapshots, models.TargetSnapshot)
        log(f"bench: {len(targets)} targets, {len(snapshots)} snapshots")
        models.Organization.objects.create(name=f"{MARKER} {n_tasks}", is_active=False)
    analyze()
    return True
