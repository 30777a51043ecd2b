"""`manage.py benchmark --tasks N --json`: build (or reuse) a synthetic data set of N tasks in the
configured database, time the dashboard, the task list, the parser and the reminders with warm
caches, and print one JSON line (the last line of stdout).

- build: `build_s` and `build_peak_rss_mb` (this process's peak resident memory after the build:
  `bench_build` streams, so it does not grow with N);
- dashboard and task list: `directives.bench.dashboard.measure` on the data set, with `web_rss_mb`
  (the process's peak resident memory while rendering them: what a web worker needs);
- parser: `directives.bench.parser.measure` (median ms for 5, 20 and 80 KB texts);
- ocr: `directives.bench.documents.measure` (OCR s a scanned page, wall and CPU; text PDF ms a page);
- reminders: `plan_benchmark(N)` plans over N tasks of its own (removed afterwards) and
  `send_benchmark(--digests)` sends digests to an SMTP server: `--smtp-port`, or an aiosmtpd
  server started in this process on a free port when aiosmtpd is installed (dev requirements).
`--skip reminders,parser` leaves areas out. A measurement that fails records `<area>_error`.

It refuses to write into a database that holds anything but benchmark rows (a real tracker's
directives, organizations or users) unless given `--allow-existing-data`, and it tidies up after
itself: the data set is deleted at the end unless `--keep` (then a second run reuses it). The
planner's statistics are refreshed (ANALYZE) after every bulk load.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json as jsonlib
import platform
import socket
import subprocess
import sys
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from directives.bench import documents as documents_bench
from directives.bench import parser as parser_bench
from directives.bench import reminders as reminders_bench
from directives.bench.data import (
    SUPERUSER,
    BenchContext,
    bench_build,
    bench_clear,
    bench_superuser,
    foreign_data,
    peak_rss_mb,
)


class Command(BaseCommand):
    help = "Build synthetic data (N tasks) and time the dashboard, task list, parser and reminders."

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=1000, help="Number of tasks (default 1000).")
        parser.add_argument("--json", action="store_true", help="Print only the JSON line.")
        parser.add_argument("--fresh", action="store_true", help="Rebuild the data even if it exists.")
        parser.add_argument("--digests", type=int, default=200, help="Digests for the send benchmark.")
        parser.add_argument("--smtp-port", type=int, default=None, help="SMTP port for the send benchmark.")
        parser.add_argument("--skip", default="", help="Areas to leave out, comma-separated: parser, ocr, reminders.")
        parser.add_argument("--keep", action="store_true", help="Keep the data set for the next run.")
        parser.add_argument(
            "--allow-existing-data",
            action="store_true",
            help="Write into a database that holds other data than the benchmark's (never production).",
        )

    def _send_benchmark(self, digests: int, smtp_port: int | None) -> dict:
        """Send to `smtp_port`, or to an aiosmtpd server (a separate process, so that it does
        not share this process's interpreter) started on a free loopback port."""
        if smtp_port:
            return reminders_bench.send_benchmark(digests, smtp_port=smtp_port)
        if importlib.util.find_spec("aiosmtpd") is None:
            return {"digests_per_s": None, "digests_skipped": "no --smtp-port and aiosmtpd is not installed"}
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen(
            [sys.executable, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
                time.sleep(0.1)
            return reminders_bench.send_benchmark(digests, smtp_port=port) | {"digests_smtp": "aiosmtpd (process)"}
        finally:
            server.terminate()
            server.wait(timeout=10)

    def handle(
        self,
        *args,
        tasks: int,
        json: bool,
        fresh: bool,
        digests: int,
        smtp_port: int | None,
        skip: str,
        keep: bool = False,
        allow_existing_data: bool = False,
        **options,
    ):
        skip = {area.strip() for area in skip.split(",") if area.strip()}
        if tasks < 1:
            raise CommandError("--tasks must be at least 1.")
        # A new, empty database (the README's "createdb tracker_bench") gets its tables first.
        call_command("migrate", interactive=False, verbosity=0)
        foreign = foreign_data()
        if foreign and not allow_existing_data:
            raise CommandError(
                f"This database holds data that is not the benchmark's ({foreign}). Run the benchmark on a "
                "database of its own (DATABASE_URL=…/tracker_bench), or pass --allow-existing-data."
            )
        try:
            self._run(tasks, json, fresh, digests, smtp_port, skip)
        finally:
            if not keep:
                bench_clear()
                get_user_model().objects.filter(username=SUPERUSER).delete()

    def _run(self, tasks, json, fresh, digests, smtp_port, skip):
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
            # This process's peak resident memory so far: the build's when it built the data.
            "build_peak_rss_mb": peak_rss_mb(),
        }
        context = BenchContext(n_tasks=tasks, superuser=bench_superuser(), smtp_port=smtp_port, digests=digests)

        from directives.bench import dashboard
        from directives.bench import imports as imports_bench

        result.update(dashboard.measure(context))
        measurements = {
            "parser": parser_bench.measure,
            "ocr": documents_bench.measure,
            "reminders_plan": lambda: reminders_bench.plan_benchmark(tasks),
            "reminders_send": lambda: self._send_benchmark(digests, smtp_port),
            "import_review": lambda: imports_bench.measure(context.superuser),
        }
        for name, measure in measurements.items():
            if name.split("_")[0] in skip:
                continue
            log(f"measuring {name}…")
            try:
                result.update(measure())
            except Exception as exc:  # one area's failure must not hide the others' figures
                result[f"{name}_error"] = f"{type(exc).__name__}: {exc}"[:300]
        if not quiet:
            for key, value in result.items():
                self.stdout.write(f"  {key:<28} {value}")
        self.stdout.write(jsonlib.dumps(result, ensure_ascii=False, default=str))
