"""Scale out, with real processes: two Celery workers on one Redis broker and one database
share a sweep and send every digest exactly once; two web processes (gunicorn) share sessions
(in the database) and the API's throttle counts (in Redis), so a load balancer may send each
request anywhere.

Marked `services`: without Redis they skip on a laptop and fail under CI=true. Redis databases
10 and 11 are this file's (10: broker, 11: cache); each run uses a queue of its own.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date, timedelta
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from directives import models, services
from tests.conftest import require_redis
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
ON = date(2021, 12, 24)
RECIPIENTS = 260  # more than one claim (200 recipients) so both workers have work


class Inbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The test database, for the other processes."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def process_env(tmp_path, **extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "CELERY_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DATABASE_URL=database_url(),
        TRACKER_VAR_DIR=str(tmp_path / "var"),
        DJANGO_LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def wait_for(condition, timeout: float = 90.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def stop(processes) -> None:
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def smtp():
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    inbox.port = port
    yield inbox
    controller.stop(no_assert=True)


@pytest.fixture
def many_recipients(db):
    """RECIPIENTS organizations, each leading one task due 7 days after ON: one digest each."""
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương", contact_emails="")
    directive = DirectiveFactory(issuer=issuer)
    orgs = models.Organization.objects.bulk_create(
        [models.Organization(name=f"Đơn vị {n:03d}", contact_emails=f"dv{n:03d}@example.vn") for n in range(RECIPIENTS)]
    )
    models.Task.objects.bulk_create(
        [
            models.Task(
                directive=directive,
                lead=org,
                path=str(n + 1),
                position=n,
                text=f"Nhiệm vụ {n}",
                deadline=ON + timedelta(days=7),
            )
            for n, org in enumerate(orgs)
        ]
    )
    return orgs


def on_the_day() -> dict[str, str]:
    """Environment that runs a process with its clock starting at 10:00 on ON, local time:
    libfaketime (Debian's `faketime` package) preloaded into the process itself, so that
    stopping the process stops the worker (the `faketime` wrapper forks it: a SIGTERM to the
    wrapper leaves the worker running, its clock drifting past the Redis visibility timeout of
    the next test's messages)."""
    import glob
    from datetime import UTC, datetime, time

    from django.utils import timezone

    libs = sorted(glob.glob("/usr/lib/*/faketime/libfaketime.so.1")) + sorted(
        glob.glob("/usr/lib/faketime/libfaketime.so.1")
    )
    if not libs:
        if os.environ.get("CI"):
            pytest.fail("libfaketime (Debian's faketime package) is needed")
        pytest.skip("libfaketime (Debian's faketime package) is needed")
    start = timezone.make_aware(datetime.combine(ON, time(10, 0))).astimezone(UTC)
    return {"LD_PRELOAD": libs[0], "FAKETIME": f"@{start:%Y-%m-%d %H:%M:%S}", "TZ": "UTC"}


def test_two_worker_processes_share_a_sweep_and_send_each_digest_once(many_recipients, smtp, tmp_path):
    from directives.tasks import reminders_send_task, reminders_sweep_task
    from tracker.celery import app

    broker = require_redis("redis://127.0.0.1:6379/10").rsplit("/", 1)[0] + "/10"
    queue = f"scale-{uuid.uuid4().hex[:8]}"
    env = process_env(tmp_path, CELERY_BROKER_URL=broker, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(smtp.port))
    # The workers' clock starts on ON, after the sweep's hour: on the real date a send tick
    # would find today's sweep missing and rightly catch it up (a second digest).
    env.update(on_the_day())
    logs, workers = [], []
    for name in ("w1", "w2"):
        log = tmp_path / f"{name}.log"
        logs.append(log)
        workers.append(
            subprocess.Popen(
                [str(VENV_BIN / "celery"), "-A", "tracker", "worker", "--pool=solo", "-Q", queue]
                + ["-n", f"{name}@%h"]
                + ["--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT,
                env=env,
                stdout=log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
    old_broker = app.conf.broker_url
    try:
        assert wait_for(lambda: all("ready" in log.read_text() for log in logs), 120), [
            log.read_text()[-2000:] for log in logs
        ]
        app.conf.broker_url = broker
        with app.connection_for_write() as conn:
            # Two sweeps of the same day (as if beat fired twice) and extra sends, to both workers.
            for _ in range(2):
                reminders_sweep_task.apply_async(args=[ON.isoformat()], queue=queue, connection=conn)
            for _ in range(4):
                reminders_send_task.apply_async(queue=queue, connection=conn)
        assert wait_for(
            lambda: (
                all(log.read_text().count("succeeded") >= 1 for log in logs)
                and sum(log.read_text().count("succeeded") for log in logs) == 6
            ),
            240,
        ), [log.read_text()[-3000:] for log in logs]
    finally:
        app.conf.broker_url = old_broker
        stop(workers)
    recipients = [r for m in smtp.messages for r in m.rcpt_tos]
    assert len(recipients) == RECIPIENTS == len(set(recipients))  # every digest, none twice
    assert models.Notification.objects.filter(state="sent").count() == RECIPIENTS
    assert models.Notification.objects.exclude(state="sent").count() == 0
    assert models.SweepRun.objects.count() == 2
    assert sum(models.SweepRun.objects.values_list("planned", flat=True)) == RECIPIENTS  # planned once
    per_worker = [sum(int(n) for n in re.findall(r"'sent': (\d+)", log.read_text())) for log in logs]
    assert sum(per_worker) == RECIPIENTS, per_worker


def _get(opener, url, data=None, headers=None):
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_two_web_processes_share_sessions_and_throttle_counts(tmp_path, settings):
    cache = require_redis("redis://127.0.0.1:6379/11").rsplit("/", 1)[0] + "/11"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # what gunicorn knows
    user = UserFactory(username="web.scale")
    MembershipFactory(user=user, role="viewer")
    _token, secret = services.api_token_create(user=user, name="lb", scope="read", days=1)
    ports = [free_port(), free_port()]
    env = process_env(
        tmp_path,
        DJANGO_CACHE_URL=cache,
        DJANGO_CACHE_PREFIX=f"scale-{uuid.uuid4().hex[:8]}",
        API_THROTTLE_RATE="3/minute",
        DJANGO_DEBUG="1",
    )
    webs = [
        subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "tracker.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=ROOT,
            env=env,
            stdout=(tmp_path / f"web{port}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    a, b = (f"http://127.0.0.1:{port}" for port in ports)
    try:
        assert wait_for(lambda: all(_healthy(url) for url in (a, b)), 120)
        # Sign in on A; the session cookie works on B.
        jar = CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        status, html = _get(opener, f"{a}/accounts/login/")
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        form = urllib.parse.urlencode(
            {"username": "web.scale", "password": "pass-for-tests-1", "csrfmiddlewaretoken": csrf}
        )
        _get(opener, f"{a}/accounts/login/", form.encode(), {"Referer": f"{a}/accounts/login/"})
        status, html = _get(opener, f"{b}/tasks/")
        assert status == 200 and "web.scale" in html
        # One token's rate (3 a minute) is counted across both processes.
        plain = urllib.request.build_opener()
        auth = {"Authorization": f"Bearer {secret}"}
        statuses = [_get(plain, f"{url}/api/me/", headers=auth)[0] for url in (a, b, a, b)]
        assert statuses == [200, 200, 200, 429]
    finally:
        stop(webs)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
