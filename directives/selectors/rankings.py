"""Ranking organizations over a period by completion and on-time rates.

Everything is read as it was at the cut-off (the period's end, or today while it runs), from the
tasks' history, as the dashboard and the quarterly report read a past quarter: the tasks the user
may see that count then (directive issued, task added and not retired by the cut-off:
`standing.exists_q`), whose deadline then fell within the period and whose standing then
(`standing.standing_case`, the one database form of the rule) is not cancelled. A task finished,
extended or cancelled after the cut-off is ranked as it stood at the cut-off.

An organization scores on the tasks it leads and
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

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from directives import models
from directives.domain.periods import Period
from directives.domain.status import Standing, rate
from directives.selectors.scoping import tasks_visible_to
from directives.selectors.standing import STANDING_CODES, exists_q, standing_case, state_columns

__all__ = ["LEAD_WEIGHT", "SUPPORT_WEIGHT", "RankingRow", "organization_ranking", "ranked_tasks"]

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


FINISHED = [Standing.DONE_ON_TIME.value, Standing.DONE_LATE.value]
COUNTED = [c for c in STANDING_CODES if c != Standing.CANCELLED]
COUNTS = {
    "counted": Count("pk"),
    "finished": Count("pk", filter=Q(_rank_s__in=FINISHED)),
    "on_time": Count("pk", filter=Q(_rank_s=Standing.DONE_ON_TIME.value)),
}


def ranked_tasks(user, *, period: Period, cutoff: date) -> QuerySet[models.Task]:
    """The tasks ranked over `period`, as they stood at `cutoff` (module docstring), with their
    standing then as the alias `_rank_s`."""
    tasks = tasks_visible_to(user).filter(exists_q(cutoff))
    tasks, standing = standing_case(tasks, cutoff)
    tasks, state = state_columns(tasks, cutoff)
    return tasks.alias(_rank_s=standing, _rank_dl=state["deadline"]).filter(
        _rank_dl__gte=period.start, _rank_dl__lte=period.end, _rank_s__in=COUNTED
    )


def organization_ranking(user, *, period: Period, cutoff: date | None = None) -> list[RankingRow]:
    """The ranking of the organizations that lead or support a task due within `period`."""
    today = timezone.localdate()
    cutoff = cutoff or min(period.end, today)
    tasks = ranked_tasks(user, period=period, cutoff=cutoff).order_by()
    rows: dict[int, RankingRow] = {}
    lead_rows = list(tasks.filter(lead__isnull=False).values("lead_id").annotate(**COUNTS))
    support_rows = [
        r for r in tasks.values(organization_id=F("supporters__id")).annotate(**COUNTS) if r["organization_id"]
    ]
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
