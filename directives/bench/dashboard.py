"""Dashboard and task-list timings for `manage.py benchmark`.

Views are rendered server side through `RequestFactory` with the superuser set on the request
(no session or user queries), after warm-up renders; times are medians in milliseconds.
`dashboard_sql_floor_ms` is one hand-written statement computing the same aggregates
(standing per task once, then grouped by directive, lead, supporting body, deadline quarter
and overall): what the dashboard would cost if Python and templates were free.
"""

from __future__ import annotations

import statistics
import time
from datetime import date

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation

from directives.bench.data import BenchContext

RUNS = 20
WARMUP = 3


def _render(view, request) -> None:
    response = view(request)
    if hasattr(response, "render"):
        response.render()
    if response.status_code != 200:
        raise RuntimeError(f"{request.get_full_path()} answered {response.status_code}")


def time_view(path: str, user, runs: int = RUNS) -> tuple[float, int]:
    """(median ms over `runs` renders, queries of one render) of the view at `path`."""
    factory = RequestFactory()
    match = resolve(path.split("?")[0])

    def request():
        r = factory.get(path)
        r.user = user
        r.LANGUAGE_CODE = translation.get_language()
        r.session = {}
        r._messages = _NoMessages()
        return r

    def call():
        _render(lambda req: match.func(req, *match.args, **match.kwargs), request())

    for _ in range(WARMUP):
        call()
    with CaptureQueriesContext(connection) as ctx:
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2), len(ctx.captured_queries)


class _NoMessages(list):
    """A message storage stand-in for views rendered outside the middleware."""

    level = 0
    used = False

    def add(self, level, message, extra_tags=""):
        self.append(message)

    def __iter__(self):
        return iter([])


def _quarter_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(YEAR FROM {column})::int * 10 + EXTRACT(QUARTER FROM {column})::int)"
    return f"(CAST(strftime('%%Y', {column}) AS INTEGER) * 10 + (CAST(strftime('%%m', {column}) AS INTEGER) + 2) / 3)"


def floor_sql() -> str:
    q = _quarter_sql("deadline")
    return f"""
WITH t AS (
  SELECT id, directive_id, lead_id, deadline,
    CASE WHEN status = 'cancelled' THEN 'cancelled'
         WHEN status = 'done' AND completed_on <= %(c)s THEN
              CASE WHEN deadline IS NULL OR completed_on <= deadline THEN 'done_on_time' ELSE 'done_late' END
         WHEN deadline IS NULL THEN 'no_deadline'
         WHEN deadline < %(c)s THEN 'overdue'
         WHEN status = 'not_started' AND progress = 0 THEN 'not_started'
         ELSE 'in_progress' END AS s
  FROM directives_task
)
SELECT 'all', 0, s, COUNT(*) FROM t GROUP BY s
UNION ALL SELECT 'directive', directive_id, s, COUNT(*) FROM t GROUP BY directive_id, s
UNION ALL SELECT 'lead', lead_id, s, COUNT(*) FROM t WHERE lead_id IS NOT NULL GROUP BY lead_id, s
UNION ALL SELECT 'support', l.organization_id, t.s, COUNT(*)
  FROM directives_task_supporters l JOIN t ON t.id = l.task_id GROUP BY l.organization_id, t.s
UNION ALL SELECT 'quarter', {q}, s, COUNT(*) FROM t
  WHERE deadline BETWEEN %(q0)s AND %(c)s GROUP BY {q}, s
"""


def time_floor(cutoff: date, runs: int = RUNS) -> float:
    from directives.domain.periods import last_quarters

    quarters = last_quarters(cutoff, 8)
    params = {"c": cutoff, "q0": quarters[0].start}
    sql = floor_sql()
    with connection.cursor() as cursor:
        for _ in range(WARMUP):
            cursor.execute(sql, params)
            cursor.fetchall()
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append((time.perf_counter() - start) * 1000)
    return round(statistics.median(times), 2)


def measure(context: BenchContext) -> dict:
    user = context.superuser
    cutoff = context.cutoff.isoformat()
    dashboard_ms, dashboard_queries = time_view(f"{reverse('directives:dashboard')}?cutoff={cutoff}", user)
    out = {
        "dashboard_ms": dashboard_ms,
        "dashboard_queries": dashboard_queries,
        "dashboard_sql_floor_ms": time_floor(context.cutoff),
        "task_list_ms": None,
        "task_list_queries": None,
    }
    try:
        task_list = reverse("directives:task_list")
    except NoReverseMatch:
        return out
    out["task_list_ms"], out["task_list_queries"] = time_view(
        f"{task_list}?standing=overdue&page=2&cutoff={cutoff}", user
    )
    return out
