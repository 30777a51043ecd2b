"""Ranking organizations over a period by completion and on-time rates.

The tasks are those the user may see, due within the period, not cancelled and not retired;
each task's standing is taken at the cut-off (the period's end, or today while it runs) by the
one standing rule (`selectors.standing`). An organization scores on the tasks it leads and
the tasks it supports, a lead task weighing `LEAD_WEIGHT` and a supported one `SUPPORT_WEIGHT`:

    completion rate = (2 × lead tasks finished + 1 × supported tasks finished)
                      / (2 × lead tasks counted + 1 × supported tasks counted)
    on-time rate    = (2 × lead tasks finished on time + 1 × supported finished on time)
                      / (2 × lead tasks finished + 1 × supported tasks finished)

Organizations rank by completion rate, then on-time rate, then weighted tasks counted (more
work first), then name. Two aggregate queries, whatever the number of tasks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count
from django.utils import timezone

from directives import models
from directives.domain.periods import Period
from directives.domain.status import Standing, rate
from directives.selectors.scoping import tasks_visible_to
from directives.selectors.standing import standing_q

__all__ = ["LEAD_WEIGHT", "SUPPORT_WEIGHT", "RankingRow", "organization_ranking"]

LEAD_WEIGHT = 2
SUPPORT_WEIGHT = 1


@dataclass
class RankingRow:
    organization: models.Organization
    lead_counted: int = 0
    lead_finished: int = 0
    lead_on_time: int = 0
    support_counted: int = 0
    support_finished: int = 0
    support_on_time: int = 0
    rank: int = 0

    @property
    def weighted_counted(self) -> int:
        return LEAD_WEIGHT * self.lead_counted + SUPPORT_WEIGHT * self.support_counted

    @property
    def weighted_finished(self) -> int:
        return LEAD_WEIGHT * self.lead_finished + SUPPORT_WEIGHT * self.support_finished

    @property
    def weighted_on_time(self) -> int:
        return LEAD_WEIGHT * self.lead_on_time + SUPPORT_WEIGHT * self.support_on_time

    @property
    def completion_rate(self) -> float | None:
        return rate(self.weighted_finished, self.weighted_counted)

    @property
    def on_time_rate(self) -> float | None:
        return rate(self.weighted_on_time, self.weighted_finished)


def _counts(prefix: str, cutoff: date) -> dict:
    finished = standing_q(cutoff, Standing.DONE_ON_TIME, Standing.DONE_LATE, prefix=prefix)
    return {
        "counted": Count("pk"),
        "finished": Count("pk", filter=finished),
        "on_time": Count("pk", filter=standing_q(cutoff, Standing.DONE_ON_TIME, prefix=prefix)),
    }


def organization_ranking(user, *, period: Period, cutoff: date | None = None) -> list[RankingRow]:
    """The ranking of the organizations that lead or support a task due within `period`."""
    today = timezone.localdate()
    cutoff = cutoff or min(period.end, today)
    tasks = (
        tasks_visible_to(user)
        .filter(deadline__gte=period.start, deadline__lte=period.end, retired_on__isnull=True)
        .exclude(status=models.Task.Status.CANCELLED)
    )
    rows: dict[int, RankingRow] = {}
    lead = tasks.filter(lead__isnull=False).order_by().values("lead_id").annotate(**_counts("", cutoff))
    through = models.Task.supporters.through.objects.filter(task__in=tasks.values("pk"))
    support = through.order_by().values("organization_id").annotate(**_counts("task__", cutoff))
    lead_rows, support_rows = list(lead), list(support)
    ids = {r["lead_id"] for r in lead_rows} | {r["organization_id"] for r in support_rows}
    orgs = models.Organization.objects.in_bulk(ids)
    for r in lead_rows:
        row = rows.setdefault(r["lead_id"], RankingRow(orgs[r["lead_id"]]))
        row.lead_counted, row.lead_finished, row.lead_on_time = r["counted"], r["finished"], r["on_time"]
    for r in support_rows:
        row = rows.setdefault(r["organization_id"], RankingRow(orgs[r["organization_id"]]))
        row.support_counted, row.support_finished, row.support_on_time = r["counted"], r["finished"], r["on_time"]
    ranked = sorted(
        rows.values(),
        key=lambda r: (
            -(r.completion_rate or 0),
            -(r.on_time_rate or 0),
            -r.weighted_counted,
            r.organization.name,
        ),
    )
    previous = None
    for position, row in enumerate(ranked, start=1):
        key = (row.completion_rate, row.on_time_rate)
        row.rank = previous[1] if previous and previous[0] == key else position
        previous = (key, row.rank)
    return ranked
