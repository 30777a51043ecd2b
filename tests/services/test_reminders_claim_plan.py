"""The sender's claim is served by `notification_claim_idx` in a large outbox (PostgreSQL's plan).

The outbox keeps every mail ever sent: after a year of daily sweeps over a million tasks it
holds millions of rows, a small share of them waiting. Picking the next recipients and
finding their rows must walk the unsent rows in recipient order (and stop after a batch), not
read the table or sort every waiting row: `notification_claim_idx` (migration
`0017_notification_claim_index`). The queries are the service's own (`_claim_recipients`,
`_claim_rows`), as `_claim` runs them, with one sender and with one of four parallel senders,
in an outbox of every day (a tenth pending) and right after a large sweep (six tenths): without
the index the plans read the table or every pending row; with a parallel sender's bucket
written "= i" the planner misjudged it and read the table after a large sweep.

The plan is PostgreSQL's: under SQLite these tests skip (CI runs the suite on both).
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

import pytest
from django.db import connection
from django.utils import timezone

from directives import models
from directives.services import reminders as impl
from tests.factories import TaskFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a PostgreSQL query plan: runs in CI's PostgreSQL pass"
)

ROWS = 50_000
RECIPIENTS = 1_999


def fill_large_outbox(pending_tenths: int) -> datetime:
    """50,000 rows for 1,999 recipients: `pending_tenths` in 10 pending, 1 in 100 `sending` with
    a lease that ran out an hour ago (a sender died), the rest sent. Inserted by one statement
    (50,000 objects through the ORM would take most of the test's time), then ANALYZEd as
    autovacuum would; returns the time of the claim."""
    tasks = [TaskFactory() for _ in range(5)]
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO directives_notification (task_id, kind, "window", recipient, planned_for, state,
                attempts, lease_until, last_error, created_at, payload)
            SELECT (%s::bigint[])[1 + g %% 5], 'overdue', 'w' || g, 'r' || (g %% %s) || '@example.vn',
                date '2021-12-24',
                CASE WHEN g %% 10 < %s THEN 'pending' WHEN g %% 100 = 99 THEN 'sending' ELSE 'sent' END,
                1, now() - interval '1 hour', '', now(), '{}'::jsonb
            FROM generate_series(1, %s) AS g
            """,
            [[t.pk for t in tasks], RECIPIENTS, pending_tenths, ROWS],
        )
        cursor.execute("ANALYZE directives_notification")
    return timezone.now()


def claimable_rows_by_recipient(pending_tenths: int) -> dict[str, int]:
    """What `fill_large_outbox` made claimable, counted from its rule."""
    counts: dict[str, int] = {}
    for g in range(1, ROWS + 1):
        if g % 10 < pending_tenths or g % 100 == 99:
            recipient = f"r{g % RECIPIENTS}@example.vn"
            counts[recipient] = counts.get(recipient, 0) + 1
    return counts


class Outbox(NamedTuple):
    now: datetime
    pending_tenths: int


@pytest.fixture(params=[1, 6], ids=["a-tenth-pending", "after-a-large-sweep"])
def large_outbox(request, db) -> Outbox:
    """The outbox of every day (mostly sent), and right after a sweep over many tasks."""
    return Outbox(fill_large_outbox(request.param), request.param)


def _assert_served_by_the_claim_index(plan: str) -> None:
    assert "notification_claim_idx" in plan, plan
    assert "Seq Scan" not in plan, plan


def test_picking_the_next_recipients_walks_the_claim_index(large_outbox):
    _assert_served_by_the_claim_index(impl._claim_recipients(large_outbox.now, 200).explain())


@pytest.mark.parametrize("shard", [(0, 4), (1, 4), (3, 4)])
def test_a_parallel_sender_picks_its_recipients_through_the_claim_index(large_outbox, shard):
    _assert_served_by_the_claim_index(impl._claim_recipients(large_outbox.now, 200, shard).explain())


def test_the_claims_update_finds_the_recipients_rows_through_the_claim_index(large_outbox):
    recipients = list(impl._claim_recipients(large_outbox.now, 200, (1, 4)))
    assert len(recipients) == 200
    _assert_served_by_the_claim_index(impl._claim_rows(large_outbox.now, recipients).explain())


def test_the_claim_takes_every_claimable_row_of_its_recipients(large_outbox):
    """What the plans above serve: all the pending rows and expired leases of 200 recipients."""
    rows, lease = impl._claim(now=large_outbox.now, batch=200)
    recipients = {row.recipient for row in rows}
    assert len(recipients) == 200
    expected = claimable_rows_by_recipient(large_outbox.pending_tenths)
    assert len(rows) == sum(expected[r] for r in recipients)
    assert {(row.state, row.lease_until, row.attempts) for row in rows} == {("sending", lease, 2)}
    assert not models.Notification.objects.filter(impl._claimable(large_outbox.now), recipient__in=recipients).exists()
