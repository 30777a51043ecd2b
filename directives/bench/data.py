"""Synthetic data for `manage.py benchmark`: N tasks in N/100 directives, 150 organizations,
5 progress reports per task, 2 targets per directive with 8 quarterly snapshots.

Rows are generated and written `CHUNK` tasks at a time (PostgreSQL's COPY; `bulk_create` in
batches of 5,000 elsewhere), so the build's memory does not grow with N (see `bench_build`);
a marker organization named "__bench__ <N>" records that the data set of size N is complete,
so a second run reuses it. Everything is deterministic (seeded by N). Bench rows are recognised by their directive
numbers ("BENCH-…") and organization names ("Bench …"); `bench_clear` removes only them.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from time import monotonic

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from directives import models
from directives.domain.text import fold_text

BATCH = 5_000  # rows per INSERT where there is no COPY
CHUNK = 10_000  # tasks (or targets) generated and written together
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


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (`getrusage`; Linux counts in KB,
    macOS in bytes)."""
    import resource  # Unix only: imported where used

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def reset_peak_rss() -> bool:
    """Start the peak (`peak_rss_mb`) again from the current resident memory, so that a later
    reading is the peak of what runs in between (Linux: `/proc/self/clear_refs`); False where
    that is not possible (the peak then stays the process's)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


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
    analyze(vacuum=True)


def analyze(*, vacuum: bool = False) -> None:
    """Fresh planner statistics after a bulk load or delete (PostgreSQL): stale ones make the
    next size's deletes and plans take minutes.

    After a delete, `vacuum=True` (outside a transaction) VACUUMs first. A table emptied by a
    delete keeps its pages until vacuumed, and ANALYZE alone then records 0 rows on those
    pages: a density of zero, which the planner extrapolates to "empty" however many rows are
    loaded next. The next load's foreign-key checks then looked tasks up by walking the whole
    of `task_deadline_order_idx` (the id is its last column) for every row: quadratic, 20,000
    tasks took 3 to 4 minutes instead of 15 s (`bench_build` also analyzes as it loads).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum and not connection.in_atomic_block else "ANALYZE")


def _analyze(*tables) -> None:
    """ANALYZE the models' tables inside the build's transaction (its own rows count): from
    then on the planner, and the cached plans of the foreign-key checks, see tables that are
    not empty (see `analyze`)."""
    if connection.vendor == "postgresql":
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(qn(model._meta.db_table) for model in tables))


class _Rows:
    """Writes rows of one model given as tuples of `columns` (attribute names); every other
    column gets its field's default (auto_now fields: the time this writer was made, as
    `bulk_create` would give them). PostgreSQL: one COPY per `write`; elsewhere `bulk_create`."""

    def __init__(self, model, columns: tuple[str, ...]):
        self.model = model
        self.columns = columns
        self.copy_sql = None
        if connection.vendor == "postgresql":
            fields = {f.attname: f for f in model._meta.concrete_fields}
            rest = [f for f in model._meta.concrete_fields if f.attname not in columns and not f.primary_key]
            probe = model()
            self.tail = tuple(f.get_db_prep_save(f.pre_save(probe, add=True), connection) for f in rest)
            qn = connection.ops.quote_name
            names = ", ".join(qn(c) for c in [fields[a].column for a in columns] + [f.column for f in rest])
            self.copy_sql = f"COPY {qn(model._meta.db_table)} ({names}) FROM STDIN"

    def write(self, rows: list[tuple]) -> int:
        if self.copy_sql:
            tail = self.tail
            with connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row + tail)
        else:
            objs = [self.model(**dict(zip(self.columns, row, strict=True))) for row in rows]
            self.model.objects.bulk_create(objs, batch_size=BATCH)
        return len(rows)


def _new_ids(model, n: int) -> list[int]:
    """`n` primary keys for rows about to be written with them (so that their children can
    refer to them without reading anything back): from the table's sequence on PostgreSQL,
    after the largest one elsewhere (SQLite: one writer, inside the build's transaction)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, n],
            )
            return [row[0] for row in cursor.fetchall()]
    start = (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
    return list(range(start, start + n))


def _fork(rng: random.Random) -> random.Random:
    """A generator that continues from `rng`'s current state (and leaves `rng` where it is)."""
    other = random.Random()
    other.setstate(rng.getstate())
    return other


def _at(d: date, hour: int = 9, tz=None) -> datetime:
    """`d` at `hour` in `tz` (the current time zone when not given, as `make_aware` would)."""
    return datetime.combine(d, time(hour), tzinfo=tz or timezone.get_current_timezone())


CANCELLED = models.Task.Status.CANCELLED.value
DONE = models.Task.Status.DONE.value
IN_PROGRESS = models.Task.Status.IN_PROGRESS.value
NOT_STARTED = models.Task.Status.NOT_STARTED.value
APPROVED = models.ExtensionRequest.State.APPROVED.value


@dataclass(slots=True)
class _Task:
    pk: int
    lead_id: int
    deadline: date | None
    status: str
    progress: int
    completed_on: date | None
    completion_deadline: date | None = None


def _task_draws(rng: random.Random, today: date) -> tuple[date | None, str, date | None, int, int]:
    """One task's draws, in the order the first builder made them: (deadline, status,
    completion date, progress, lead's index among the organizations)."""
    deadline = None if rng.random() < 0.08 else date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 4))
    r = rng.random()
    completed_on, progress = None, 0
    if r < 0.05:
        status = CANCELLED
    elif r < 0.55:
        status = DONE
        anchor = deadline or date(2021, 6, 30)
        completed_on = min(anchor + timedelta(days=rng.randrange(-60, 40)), today)
        progress = 100
    elif r < 0.8:
        status, progress = IN_PROGRESS, rng.randrange(5, 95)
    else:
        status = NOT_STARTED
    return deadline, status, completed_on, progress, rng.randrange(ORGANIZATIONS)


def _supporters(rng: random.Random, org_ids: list[int]) -> list[int]:
    """One task's supporting bodies (the lead among them is dropped by the caller)."""
    return rng.sample(org_ids, rng.randrange(0, 3))


def _history(
    t: _Task, issued_on: date, rng: random.Random, now: date, tz, reports: list, changes: list, extensions: list
):
    """One task's history, dated: 5 reports from a few weeks after its directive's issue on (the
    last one says the task's current state, made a few days after its completion when done),
    an approved extension for 1 task in 20, and the chain of changes (`TaskChange`) that
    `task_report_progress` and `extension_decide` would have kept. Rows are appended to the
    lists as tuples (`REPORT_COLUMNS`, `CHANGE_COLUMNS`, `EXTENSION_COLUMNS`); sets
    `t.completion_deadline` when the task was finished before its deadline was moved."""
    start = issued_on + timedelta(days=rng.randrange(5, 40))
    step = timedelta(days=rng.randrange(10, 45))
    times = [start + k * step for k in range(REPORTS_PER_TASK - 1)]
    last = times[-1] + step
    if t.completed_on:
        last = max(times[-1] + timedelta(days=1), t.completed_on + timedelta(days=rng.randrange(0, 10)))
    times.append(min(last, now))
    states = [(NOT_STARTED, 0, None)] + [(IN_PROGRESS, 20 * k, None) for k in range(1, REPORTS_PER_TASK - 1)]
    states.append((t.status, t.progress, t.completed_on))
    events = [(_at(d, tz=tz), "report", st) for d, st in zip(times, states, strict=True)]
    for status, percent, completed_on in states:  # (created_at is set on insert: not read here)
        reports.append((t.pk, t.lead_id, status, percent, completed_on, "Báo cáo tiến độ"))
    first_deadline = t.deadline
    if t.deadline and rng.random() < 0.05:
        first_deadline = t.deadline - timedelta(days=rng.randrange(30, 120))
        decided = min(first_deadline + timedelta(days=rng.randrange(-20, 10)), now)
        extensions.append((t.pk, t.lead_id, first_deadline, t.deadline, "Chờ số liệu", APPROVED, _at(decided, 15, tz)))
        events.append((_at(decided, 15, tz), "extension", t.deadline))
        if t.completed_on and t.completed_on < decided:
            t.completion_deadline = first_deadline
    events.sort(key=lambda e: e[0])
    state = (NOT_STARTED, False, None, first_deadline)
    previous_at = None
    for at, kind, value in events:
        if kind == "report":
            new = (value[0], value[1] > 0, value[2], state[3])
        else:
            new = (*state[:3], value)
        if new == state:
            continue
        changes.append((t.pk, at, previous_at, kind, state[0], 20 if state[1] else 0, state[2], state[3]))
        previous_at, state = at, new


TASK_COLUMNS = (
    "id",
    "directive_id",
    "path",
    "position",
    "text",
    "search_text",
    "lead_id",
    "deadline",
    "status",
    "completed_on",
    "progress",
    "completion_deadline",
)
LINK_COLUMNS = ("task_id", "organization_id")
REPORT_COLUMNS = ("task_id", "organization_id", "status", "percent", "completed_on", "note")
CHANGE_COLUMNS = ("task_id", "made_at", "previous_at", "cause", "status", "progress", "completed_on", "deadline")
EXTENSION_COLUMNS = (
    "task_id",
    "organization_id",
    "previous_deadline",
    "requested_deadline",
    "reason",
    "state",
    "decided_at",
)


def _quarter_ends() -> list[tuple[int, int]]:
    quarter_ends = []
    y, q = CUTOFF.year, (CUTOFF.month - 1) // 3 + 1
    for _ in range(SNAPSHOT_QUARTERS):
        quarter_ends.append((y, q))
        y, q = (y, q - 1) if q > 1 else (y - 1, 4)
    quarter_ends.reverse()
    return quarter_ends


def bench_build(n_tasks: int, *, fresh: bool = False, log=print) -> bool:
    """Build the data set of `n_tasks` tasks unless it is there already; True when built.

    Streamed: `CHUNK` tasks at a time are generated with their supporting links, reports,
    changes and extensions, written (COPY on PostgreSQL) and dropped, so memory does not grow
    with N. The data are the same as the first (all in memory) builder's: one random stream
    seeded by N, drawn in the same order (directives, every task, every task's supporting
    bodies, every task's history, targets, snapshots). Since the chunks interleave the phases,
    the supporting bodies and the history each draw from a copy of the stream started where
    the phase before them ended, found by a dry run of that phase (draws only: seconds at 1M).
    """
    if not fresh and bench_ready(n_tasks):
        return False
    bench_clear()
    rng = random.Random(n_tasks)
    started = monotonic()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Foreign keys checked at the end of each COPY, not all queued until the commit
            # (the server's queue of deferred checks would grow with N).
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
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
        org_ids = [org.pk for org in orgs]
        issuers = org_ids[:10]
        kinds = [k for k, _ in models.Directive.Kind.choices]
        n_directives = max(1, n_tasks // 100)
        directives = []  # (pk, number, issued on): 10,000 at 1M tasks
        directive_rows = _Rows(models.Directive, ("id", "kind", "number", "title", "issuer_id", "issued_on", "status"))
        active = models.Directive.Status.ACTIVE.value
        for lo in range(0, n_directives, CHUNK):
            hi = min(lo + CHUNK, n_directives)
            rows = []
            for pk, i in zip(_new_ids(models.Directive, hi - lo), range(lo, hi), strict=True):
                issued_on = date(2020, 1, 1) + timedelta(days=rng.randrange(365 * 3))
                number = f"BENCH-{i:05d}"
                title = f"Kết luận giao ban số {i} về công tác tổ chức xây dựng Đảng"
                rows.append((pk, kinds[i % len(kinds)], number, title, issuers[i % len(issuers)], issued_on, active))
                directives.append((pk, number, issued_on))
            directive_rows.write(rows)
        _analyze(models.Organization, models.Directive)
        log(f"bench: {len(orgs)} organizations, {len(directives)} directives")

        today = CUTOFF + timedelta(days=90)
        now = timezone.localdate()
        tz = timezone.get_current_timezone()  # looked up once: not 6 times a task
        task_rng = _fork(rng)
        for _ in range(n_tasks):  # dry run: where the supporting bodies' draws start
            _task_draws(rng, today)
        link_rng = _fork(rng)
        for _ in range(n_tasks):  # dry run: where the history's draws start
            _supporters(rng, org_ids)
        history_rng = rng  # and the targets' after it
        task_rows = _Rows(models.Task, TASK_COLUMNS)
        link_rows = _Rows(models.Task.supporters.through, LINK_COLUMNS)
        report_rows = _Rows(models.ProgressReport, REPORT_COLUMNS)
        change_rows = _Rows(models.TaskChange, CHANGE_COLUMNS)
        extension_rows = _Rows(models.ExtensionRequest, EXTENSION_COLUMNS)
        n_links = n_reports = n_changes = n_extensions = 0
        for lo in range(0, n_tasks, CHUNK):
            hi = min(lo + CHUNK, n_tasks)
            tasks, links, reports, changes, extensions = [], [], [], [], []
            for pk, i in zip(_new_ids(models.Task, hi - lo), range(lo, hi), strict=True):
                directive_id, number, issued_on = directives[i % n_directives]
                deadline, status, completed_on, progress, lead = _task_draws(task_rng, today)
                t = _Task(pk, org_ids[lead], deadline, status, progress, completed_on)
                links.extend((pk, org) for org in _supporters(link_rng, org_ids) if org != t.lead_id)
                _history(t, issued_on, history_rng, now, tz, reports, changes, extensions)
                position = i // n_directives + 1
                path = f"{position}"
                text = f"Tham mưu triển khai nhiệm vụ số {i} của văn bản {number}"
                search_text = fold_text(f"{path} {text}")  # what Task.save() would store
                tasks.append(
                    (pk, directive_id, path, position, text, search_text, t.lead_id, deadline, status)
                    + (completed_on, progress, t.completion_deadline)
                )
            task_rows.write(tasks)
            if lo == 0:
                _analyze(models.Task)  # before its children's foreign keys look tasks up
            n_links += link_rows.write(links)
            n_reports += report_rows.write(reports)
            n_changes += change_rows.write(changes)
            n_extensions += extension_rows.write(extensions)
            if hi < n_tasks and (hi // CHUNK) % 10 == 0:
                log(f"bench: {hi} of {n_tasks} tasks written ({monotonic() - started:.0f} s)")
        log(f"bench: {n_tasks} tasks")
        log(f"bench: {n_links} supporting links")
        log(f"bench: {n_reports} progress reports, {n_changes} changes, {n_extensions} extensions")

        totals = [Decimal(rng.randrange(10, 60)) for _d in directives for _j in range(TARGETS_PER_DIRECTIVE)]
        quarter_ends = _quarter_ends()
        target_rows = _Rows(models.Target, ("id", "directive_id", "label", "unit", "total", "achieved"))
        snapshot_rows = _Rows(models.TargetSnapshot, ("target_id", "year", "quarter", "achieved", "total"))
        n_snapshots = 0
        for lo in range(0, len(totals), CHUNK):
            hi = min(lo + CHUNK, len(totals))
            targets, snapshots = [], []
            for pk, k in zip(_new_ids(models.Target, hi - lo), range(lo, hi), strict=True):
                total, value = totals[k], Decimal(0)
                for y, q in quarter_ends:
                    value = min(total, value + rng.randrange(0, 6))
                    snapshots.append((pk, y, q, value, total))
                directive_id = directives[k // TARGETS_PER_DIRECTIVE][0]
                label = f"Xây dựng đề án số {k % TARGETS_PER_DIRECTIVE + 1}"
                targets.append((pk, directive_id, label, "đề án", total, value))
            target_rows.write(targets)
            if lo == 0:
                _analyze(models.Target)  # before the snapshots' foreign keys look targets up
            n_snapshots += snapshot_rows.write(snapshots)
        log(f"bench: {len(totals)} targets, {n_snapshots} snapshots")
        models.Organization.objects.create(name=f"{MARKER} {n_tasks}", is_active=False)
    analyze()
    return True
