#!/usr/bin/env python3
"""Load test of the staff UI: N concurrent reporters sign in, browse the filtered task list,
open tasks and report progress, for a bounded time. Standard library only (threads and
http.client); NOT part of the test suite.

It only talks to 127.0.0.1 (or localhost / ::1): anything else is refused. Hard caps bound
the run: --duration at most 600 s, --max-requests at most 200,000, --users at most 500.

Usage (see docs/load.md for the whole recipe):

    .venv/bin/python scripts/loadtest.py --base http://127.0.0.1:8765 --users 50 --duration 60

Prints a table (requests, errors, p50/p95/max in ms per page) and one JSON line with the
same figures. Exit status 1 when there was any error.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import re
import statistics
import sys
import threading
import time
from collections import defaultdict
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

PASSWORD = "demo-2026-tracker"
# The demo reporters (directives/demo/__init__.py, USERS with role "reporter").
REPORTERS = [
    "tcdl.baocao",
    "cbdv.baocao",
    "dp1.baocao",
    "bonoivu.baocao",
    "quangngai.baocao",
    "tphcm.baocao",
    "nghean.baocao",
]
MAX_DURATION = 600.0
MAX_REQUESTS = 200_000
MAX_USERS = 500
LOGIN_PHASE_CAP = 300.0
ALLOWED_HOSTS = {"127.0.0.1", "localhost", "::1"}

FILTERS = [
    {},
    {"role": "lead"},
    {"overdue": "on"},
    {"standing": "overdue"},
    {"sort": "-deadline"},
    {"q": "đảng viên"},
    {"year": "2022"},
    {"period": "2021Q4"},
    {"sort": "status", "role": "support"},
    {"cutoff": "30/09/2022"},
]
TASK_LINK = re.compile(r'href="/tasks/(\d+)/"')
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: list[str] = []
        self.count = 0

    def add(self, page: str, seconds: float, ok: bool, detail: str = "") -> int:
        with self.lock:
            self.count += 1
            self.latencies[page].append(seconds)
            if not ok:
                self.errors[page] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{page}: {detail}")
            return self.count


class Budget(Exception):
    """The run's time or request budget is spent."""


class Browser:
    """One user's session: its own connection and cookies."""

    def __init__(self, host: str, port: int, stats: Stats, stop_at: float, max_requests: int, https: bool = False):
        self.host, self.port, self.stats = host, port, stats
        # Behind a TLS-terminating proxy (production: DEBUG off, secure cookies, HTTPS redirect):
        # the proxy's header says the request came over HTTPS.
        self.scheme = "https" if https else "http"
        self.stop_at, self.max_requests = stop_at, max_requests
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, page: str, method: str, path: str, body: dict | None = None, expect=(200,)):
        if time.monotonic() >= self.stop_at or self.stats.count >= self.max_requests:
            raise Budget
        headers = {"Host": f"{self.host}:{self.port}", "User-Agent": "tracker-loadtest"}
        if self.scheme == "https":
            headers["X-Forwarded-Proto"] = "https"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"{self.scheme}://{self.host}:{self.port}{path}"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.stats.add(page, time.perf_counter() - started, False, f"{method} {path}: {exc!r}")
            self.conn.close()
            return None, b""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
        ok = response.status in expect
        self.stats.add(page, elapsed, ok, f"{method} {path} -> {response.status}")
        return response, content

    def login(self, username: str) -> bool:
        _, content = self.request("login (GET)", "GET", "/accounts/login/")
        token = CSRF_INPUT.search(content.decode("utf-8", "replace"))
        if not token:
            return False
        response, _ = self.request(
            "login (POST)",
            "POST",
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1), "next": "/"},
            expect=(302,),
        )
        return response is not None and response.status == 302

    def browse(self, rng: random.Random, think: float) -> None:
        while True:
            if think:
                time.sleep(think * rng.uniform(0.5, 1.5))
            query = urlencode(rng.choice(FILTERS), doseq=True)
            _, content = self.request("task list", "GET", "/tasks/" + (f"?{query}" if query else ""))
            ids = TASK_LINK.findall(content.decode("utf-8", "replace"))
            if not ids:
                _, content = self.request("task list", "GET", "/tasks/")
                ids = TASK_LINK.findall(content.decode("utf-8", "replace"))
            if not ids:
                continue
            pk = rng.choice(ids)
            _, content = self.request("task page", "GET", f"/tasks/{pk}/")
            html = content.decode("utf-8", "replace")
            token = CSRF_INPUT.search(html)
            if 'id="report-form"' in html and token:
                self.request(
                    "report (POST)",
                    "POST",
                    f"/tasks/{pk}/report/",
                    {
                        "csrfmiddlewaretoken": token.group(1),
                        "status": "in_progress",
                        "percent": str(rng.randint(5, 95)),
                        "note": "Báo cáo thử tải: đang triển khai theo kế hoạch.",
                        "completed_on": "",
                    },
                    expect=(302,),
                )


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8765")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help=f"seconds (at most {MAX_DURATION:.0f})")
    parser.add_argument("--max-requests", type=int, default=100_000, help=f"at most {MAX_REQUESTS}")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--behind-proxy",
        action="store_true",
        help="send X-Forwarded-Proto: https, as the TLS proxy in front of a production (DEBUG off) server does",
    )
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a user's requests (s)")
    parser.add_argument(
        "--login-concurrency",
        type=int,
        default=4,
        help="users signing in at once before the timed phase (password hashing is deliberately slow)",
    )
    args = parser.parse_args(argv)

    url = urlsplit(args.base)
    if url.scheme != "http" or url.hostname not in ALLOWED_HOSTS:
        parser.error("--base must be http://127.0.0.1:<port> (this script only loads the local machine)")
    users = max(1, min(args.users, MAX_USERS))
    duration = max(1.0, min(args.duration, MAX_DURATION))
    max_requests = max(1, min(args.max_requests, MAX_REQUESTS))
    host, port = url.hostname, url.port or 80

    stats = Stats()
    # Phase 1, not timed: every user signs in (at most --login-concurrency at once, within
    # LOGIN_PHASE_CAP seconds); PBKDF2 costs about a second of CPU per sign-in by design.
    browsers = [
        Browser(host, port, stats, time.monotonic() + LOGIN_PHASE_CAP, max_requests, https=args.behind_proxy)
        for _ in range(users)
    ]
    gate = threading.Semaphore(max(1, args.login_concurrency))
    signed_in = [False] * users

    def login(i: int) -> None:
        with gate, contextlib.suppress(Budget):
            signed_in[i] = browsers[i].login(REPORTERS[i % len(REPORTERS)])

    login_started = time.monotonic()
    threads = [threading.Thread(target=login, args=(i,), daemon=True) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, login_started + LOGIN_PHASE_CAP + 130 - time.monotonic()))
    login_seconds = time.monotonic() - login_started

    # Phase 2, timed: all signed-in users browse and report at once for --duration seconds.
    started = time.monotonic()
    stop_at = started + duration

    def run(i: int) -> None:
        rng = random.Random(args.seed + i)
        browser = browsers[i]
        browser.stop_at = stop_at
        try:
            browser.browse(rng, max(0.0, args.think))
        except Budget:
            pass
        except Exception as exc:  # noqa: BLE001 - a crashed user is an error of the run, not of the script
            stats.add("client", 0.0, False, repr(exc))
        finally:
            browser.conn.close()

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(users) if signed_in[i]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, stop_at + 130 - time.monotonic()))
    elapsed = time.monotonic() - started
    if not all(signed_in):
        stats.add("client", 0.0, False, f"{users - sum(signed_in)} users could not sign in")

    rows = []
    for page in sorted(stats.latencies):
        values = stats.latencies[page]
        rows.append(
            {
                "page": page,
                "requests": len(values),
                "errors": stats.errors.get(page, 0),
                "p50_ms": round(statistics.median(values) * 1000, 1),
                "p95_ms": round(percentile(values, 95) * 1000, 1),
                "max_ms": round(max(values) * 1000, 1),
            }
        )
    total = sum(r["requests"] for r in rows)
    errors = sum(r["errors"] for r in rows)
    browsing = sum(r["requests"] for r in rows if not r["page"].startswith("login"))
    print(
        f"{sum(signed_in)}/{users} users signed in in {login_seconds:.1f} s; then {elapsed:.1f} s of browsing: "
        f"{browsing} requests, {browsing / elapsed:.1f} req/s; {errors} errors in all"
    )
    print(f"{'page':<16}{'requests':>10}{'errors':>8}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    for r in rows:
        print(f"{r['page']:<16}{r['requests']:>10}{r['errors']:>8}{r['p50_ms']:>10}{r['p95_ms']:>10}{r['max_ms']:>10}")
    for sample in stats.samples:
        print("error:", sample, file=sys.stderr)
    summary = {
        "users": users,
        "login_seconds": round(login_seconds, 1),
        "seconds": round(elapsed, 1),
        "requests": total,
        "browsing_requests": browsing,
        "rps": round(browsing / elapsed, 1),
        "think": args.think,
        "errors": errors,
        "pages": rows,
    }
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
