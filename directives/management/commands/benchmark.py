"""`manage.py benchmark --tasks N --json`: build (or reuse) a synthetic data set of N tasks in the
configured database, time the dashboard, the task list and the other areas' measurements with
warm caches, and print one JSON line (the last line of stdout).

Other areas plug in without touching this file: `directives.bench.parser.measure(...)` and
`directives.bench.reminders.plan_benchmark(n_tasks)` / `send_benchmark(n_digests, smtp_port)`
are called when those modules exist; their dicts are merged into the line. A measurement that
fails records `<name>_error` instead of stopping the run.
"""

from __future__ import annotations

import importlib
import inspect
import json as jsonlib
import platform
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from directives.bench.data import BenchContext, bench_build, bench_superuser


def _call(fn, context: BenchContext, *args):
    """Call `fn` with the context when it takes one parameter and no args were given."""
    if not args:
        params = [
            p
            for p in inspect.signature(fn).parameters.values()
            if p.default is inspect.Parameter.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        if params:
            return fn(context)
    return fn(*args)


class Command(BaseCommand):
    help = "Build synthetic data (N tasks) and time the dashboard, task list, parser and reminders."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=1000, help="Number of tasks (default 1000).")
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")
        parser.add_argument("--fresh", action="store_true", help="Rebuild the data even if it exists.")
        parser.add_argument("--digests", type=int, default=200, help="Digests for the send benchmark.")
        parser.add_argument("--smtp-port", type=int, default=None, help="SMTP port for the send benchmark.")

    def handle(self, *args, tasks: int, json: bool, fresh: bool, digests: int, smtp_port: int | None, **options):
        if tasks < 1:
            raise CommandError("--tasks must be at least 1.")
        quiet = json

        def log(message: str) -> None:
            if not quiet:
                self.stdout.write(message)

        start = time.perf_counter()
        built = bench_build(tasks, fresh=fresh, log=log)
        result: dict = {
            "tasks": tasks,
            "database": connection.vendor,
            "python": platform.python_version(),
            "data_built": built,
            "build_s": round(time.perf_counter() - start, 1),
        }
        context = BenchContext(n_tasks=tasks, superuser=bench_superuser(), smtp_port=smtp_port, digests=digests)

        from directives.bench import dashboard

        result.update(dashboard.measure(context))
        plugins = [
            ("parser", "measure", ()),
            ("reminders", "plan_benchmark", (tasks,)),
            ("reminders", "send_benchmark", (digests, smtp_port)),
        ]
        for module_name, function, call_args in plugins:
            try:
                module = importlib.import_module(f"directives.bench.{module_name}")
            except ImportError:
                continue
            fn = getattr(module, function, None)
            if fn is None:
                continue
            try:
                value = _call(fn, context, *call_args)
            except Exception as exc:  # one area's failure must not hide the others' figures
                result[f"{module_name}_{function}_error"] = f"{type(exc).__name__}: {exc}"[:300]
                continue
            if isinstance(value, dict):
                result.update(value)
            else:
                result[f"{module_name}_{function}"] = value
        if not quiet:
            for key, value in result.items():
                self.stdout.write(f"  {key:<28} {value}")
        self.stdout.write(jsonlib.dumps(result, ensure_ascii=False, default=str))
