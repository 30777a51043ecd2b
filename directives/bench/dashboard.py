"""Dashboard and task-list timings for `manage.py benchmark`.

Views are rendered server side through `RequestFactory` with the superuser set on the request
(no session or user queries), after warm-up renders; times are medians in milliseconds.
`dashboard_sql_floor_ms` is one hand-written statement computing the same counts (`floor_sql`:
standing per task once, at the cut-off and at the previous quarter's end, then grouped by
directive, lead, deadline quarter and overall in one scan, and by supporting body over the
link table): what the dashboard's figures would cost if Python, templates and the small
look-ups (names, targets, the overdue list) were free.
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


def _standing_sql(cutoff: str) -> str:
    """A task's standing at the cut-off as a small integer (index in STANDING_CODES)."""
    return f"""CASE WHEN status = 'cancelled' THEN 6
         WHEN status = 'done' AND completed_on <= {cutoff} THEN
              CASE WHEN deadline IS NULL OR completed_on <= deadline THEN 0 ELSE 1 END
         WHEN deadline IS NULL THEN 5
         WHEN deadline < {cutoff} THEN 4
         WHEN status = 'not_started' AND progress = 0 THEN 3
         ELSE 2 END"""


def floor_sql(n_quarters: int = 8) -> str:
    """The dashboard's counts in one hand-written statement: per directive, lead and deadline
    quarter (the last `n_quarters`) at the cut-off %(c)s, overall at the previous quarter's end
    %(p)s, per supporting body at the cut-off. The quarter of a deadline is found by comparing
    it with the quarters' ends %(e0)s.. (no date arithmetic per row). On PostgreSQL one scan of
    the tasks feeds the four groupings (GROUPING SETS) and one hash join feeds the last."""
    ends = " ".join(f"WHEN deadline <= %(e{i})s THEN {i}" for i in range(n_quarters))
    quarter = f"CASE WHEN deadline < %(q0)s OR deadline > %(e{n_quarters - 1})s THEN NULL {ends} END"
    tasks = f"""SELECT id, directive_id AS d, lead_id AS lead, {quarter} AS q,
    {_standing_sql("%(c)s")} AS s, {_standing_sql("%(p)s")} AS sp
  FROM directives_task"""
    support = (
        "SELECT 4, l.organization_id, t.s, COUNT(*) FROM directives_task_supporters l"
        " JOIN t ON t.id = l.task_id GROUP BY l.organization_id, t.s"
    )
    if connection.vendor == "postgresql":
        return f"""
WITH t AS NOT MATERIALIZED ({tasks})
SELECT CASE WHEN GROUPING(d) = 0 THEN 0 WHEN GROUPING(lead) = 0 THEN 1 WHEN GROUPING(q) = 0 THEN 2 ELSE 3 END,
       COALESCE(d, lead, q), COALESCE(s, sp), COUNT(*)
  FROM t GROUP BY GROUPING SETS ((d, s), (lead, s), (q, s), (sp))
UNION ALL {support}
"""
    return f"""
WITH t AS ({tasks})
SELECT 0, d, s, COUNT(*) FROM t GROUP BY d, s
UNION ALL SELECT 1, lead, s, COUNT(*) FROM t GROUP BY lead, s
UNION ALL SELECT 2, q, s, COUNT(*) FROM t GROUP BY q, s
UNION ALL SELECT 3, NULL, sp, COUNT(*) FROM t GROUP BY sp
UNION ALL {support}
"""


def floor_params(cutoff: date, n_quarters: int = 8) -> dict:
    from directives.domain.periods import last_quarters, quarter_of

    quarters = last_quarters(cutoff, n_quarters)
    params = {"c": cutoff, "p": quarter_of(cutoff).previous().end, "q0": quarters[0].start}
    params.update({f"e{i}": q.end for i, q in enumerate(quarters)})
    return params


def time_floor(cutoff: date, runs: int = RUNS) -> float:
    params = floor_params(cutoff)
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
