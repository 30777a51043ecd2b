"""Dashboard and task-list timings for `manage.py benchmark`.

Views are rendered server side through `RequestFactory` with the superuser set on the request
(no session or user queries), after warm-up renders; times are medians in milliseconds.
`dashboard_sql_floor_ms` is the one statement computing the same counts (`floor_statement`:
the dashboard's own, made from the one standing rule, so the floor can never count otherwise:
standing per task once, at the cut-off and at the previous quarter's end, each task's state
there read from its history, then grouped by directive, lead, deadline quarter and overall in
one scan, and by supporting body over the link table): what the dashboard's figures would cost
if Python, templates and the small look-ups (names, targets, the overdue list) were free.

`web_rss_mb` is the process's peak resident memory (`getrusage`) while the dashboard and the task
list are rendered (24 renders each), the peak being restarted from the current resident memory
before each (Linux `/proc/self/clear_refs`): what a web worker serving them at this size needs,
counted high, since the process also holds what the benchmark loaded before (the management
command, the build's leftovers). Where the peak cannot be restarted it is the process's since it
started (`web_rss_note` says so).
"""

from __future__ import annotations

import gc
import statistics
import time
from datetime import date

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, resolve, reverse
from django.utils import translation

from directives.bench.data import BenchContext, peak_rss_mb, reset_peak_rss

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


def floor_statement(cutoff: date, user=None) -> tuple[str, list]:
    """The statement that computes every count of the dashboard at `cutoff` (the one the
    dashboard runs: `selectors.dashboard._figure_sql`, built from the one standing rule), for the
    whole data set: what the figures cost if Python, templates and the small look-ups were free."""
    from directives.domain.periods import quarter_of
    from directives.domain.status import Standing
    from directives.models import Task
    from directives.selectors.dashboard import _figure_sql, dashboard_quarters
    from directives.selectors.standing import standing_filter

    # The dashboard's quarters: from the oldest overdue task's (a look-up, not timed).
    oldest = standing_filter(Task.objects.all(), cutoff, [Standing.OVERDUE]).order_by("deadline")
    quarters = dashboard_quarters(cutoff, oldest.values_list("deadline", flat=True).first())
    return _figure_sql(Task.objects.all(), cutoff, quarter_of(cutoff).previous().end, quarters)


def time_floor(cutoff: date, runs: int = RUNS) -> float:
    sql, params = floor_statement(cutoff)
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


def time_call(call, runs: int = RUNS) -> tuple[float, int]:
    """(median ms over `runs` calls, queries of one call) of `call()`."""
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


PAST_QUARTER = "2021Q3"


def measure(context: BenchContext) -> dict:
    from directives.domain.periods import Period
    from directives.exports.documents import report_figures

    user = context.superuser
    cutoff = context.cutoff.isoformat()
    gc.collect()  # what the build left behind is not the web worker's
    scoped = reset_peak_rss()
    dashboard_ms, dashboard_queries = time_view(f"{reverse('directives:dashboard')}?cutoff={cutoff}", user)
    web_rss = peak_rss_mb()
    # The quarterly report of a past quarter: its figures (the document itself lists every task:
    # at this size it is not a document anyone reads, so its writing is not timed).
    quarter = Period.from_code(PAST_QUARTER)
    report_ms, report_queries = time_call(lambda: report_figures(user, quarter))
    out = {
        "dashboard_ms": dashboard_ms,
        "dashboard_queries": dashboard_queries,
        "dashboard_sql_floor_ms": time_floor(context.cutoff),
        "past_quarter_report_ms": report_ms,
        "past_quarter_report_queries": report_queries,
        "past_quarter_report_sql_floor_ms": time_floor(quarter.end),
        "task_list_ms": None,
        "task_list_queries": None,
        "web_rss_mb": web_rss,
    }
    if not scoped:
        out["web_rss_note"] = "the process's peak since it started, build included (no /proc/self/clear_refs)"
    try:
        task_list = reverse("directives:task_list")
    except NoReverseMatch:
        return out
    reset_peak_rss()  # the report's figures above are not a view
    out["task_list_ms"], out["task_list_queries"] = time_view(
        f"{task_list}?standing=overdue&page=2&cutoff={cutoff}", user
    )
    out["web_rss_mb"] = max(web_rss, peak_rss_mb())
    return out
