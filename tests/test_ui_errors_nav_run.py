"""Error pages in the product's language with a way back; one log line for a 403; the menu
shows only what a user may use; `make run` keeps to var/ and says when its port is taken."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory, override_settings
from django.urls import reverse

from tests.factories import MembershipFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter(client):
    user = UserFactory(username="reporter")
    MembershipFactory(user=user, role="reporter")
    client.force_login(user)
    return user


@override_settings(DEBUG=False)
def test_404_is_a_vietnamese_page_with_a_way_back(client, reporter):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert 'href="/"' in html and "Về trang Việc của đơn vị" in html
    assert 'class="topbar"' in html  # the site's own layout, not a bare page
    assert 'lang="vi"' in html


@override_settings(DEBUG=False)
def test_404_in_english_when_chosen(client, reporter):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.content.decode()


@override_settings(DEBUG=False)
def test_403_says_why_and_offers_a_way_back(client, reporter):
    response = client.get(reverse("directives:import"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html
    assert "Chỉ cán bộ quản trị hoặc quản lý đơn vị được nhập văn bản." in html
    assert "Về trang Việc của đơn vị" in html


@override_settings(DEBUG=False)
def test_an_anonymous_404_offers_to_sign_in(client):
    html = client.get("/khong-co/").content.decode()
    assert "Đăng nhập" in html and "/accounts/login/?next=/khong-co/" in html


@override_settings(DEBUG=False)
def test_400_and_500_pages(rf_user):
    from tracker import errors

    request = rf_user
    bad = errors.bad_request(request, None)
    assert bad.status_code == 400 and "Yêu cầu không hợp lệ" in bad.content.decode()
    failed = errors.server_error(request)
    assert failed.status_code == 500 and "Lỗi máy chủ" in failed.content.decode()


def test_the_500_page_never_fails_in_turn(rf_user, monkeypatch):
    from tracker import errors

    def broken(*args, **kwargs):
        raise RuntimeError("template broken")

    monkeypatch.setattr(errors, "render", broken)
    response = errors.server_error(rf_user)
    assert response.status_code == 500
    assert "Lỗi máy chủ" in response.content.decode() and 'href="/"' in response.content.decode()


@pytest.fixture
def rf_user():
    request = RequestFactory().get("/x/")
    request.user = UserFactory(username="viewer")
    request.session = {}
    return request


def test_csrf_failure_is_explained(client, reporter):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(reporter)
    response = strict.post(reverse("logout"))
    assert response.status_code == 403
    assert "Phiên làm việc đã hết hạn" in response.content.decode()


def test_a_403_is_one_log_line_without_traceback():
    handler = next(h for h in logging.getLogger().handlers if h.filters)
    try:
        raise PermissionError("denied")
    except PermissionError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.WARNING,
            __file__,
            1,
            "Forbidden (Permission denied): %s",
            ("/import/",),
            sys.exc_info(),
            extra={"status_code": 403},
        )
    assert handler.filter(record)
    assert "\n" not in handler.format(record)
    # a 500 keeps its traceback
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/x/",),
            sys.exc_info(),
            extra={"status_code": 500},
        )
    assert handler.filter(record)
    assert "Traceback" in handler.format(record)


def test_django_records_are_printed_once():
    assert logging.getLogger("django").handlers == []


def test_the_menu_hides_what_a_reporter_cannot_use(client, reporter):
    html = client.get(reverse("directives:home")).content.decode()
    assert reverse("directives:import") not in html
    assert reverse("admin:index") not in html
    assert 'class="menu-toggle"' in html and 'aria-controls="site-menu"' in html


def test_the_menu_shows_import_to_a_manager(client):
    manager = UserFactory(username="manager")
    MembershipFactory(user=manager, role="manager")
    client.force_login(manager)
    html = client.get(reverse("directives:home")).content.decode()
    assert reverse("directives:import") in html


def test_the_filesystem_broker_writes_under_var_only():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    if not settings.CELERY_BROKER_URL.startswith("filesystem://"):
        pytest.skip("a real broker is configured")
    var = Path(settings.VAR_DIR).resolve()
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert Path(options[key]).resolve().is_relative_to(var), key
        assert Path(options[key]).is_dir(), key
    # a host in the URL: kombu warns "No hostname was supplied" otherwise
    from kombu import Connection

    assert Connection(settings.CELERY_BROKER_URL).hostname


def test_sending_a_task_on_the_zero_setup_broker_writes_nothing_where_it_was_started(tmp_path):
    """`make run` once left control/celery.exchange in the repository root (kombu's default
    control folder is relative to the working directory)."""
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "DATABASE_URL")}
    env.update(DJANGO_SETTINGS_MODULE="tracker.settings", PYTHONPATH=str(ROOT))
    script = (
        "import django; django.setup()\n"
        "from tracker.celery import app\n"
        "with app.connection_for_write() as connection:\n"
        "    app.send_task('directives.tasks.no_such_task', connection=connection)\n"
    )
    sent = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert sent.returncode == 0, sent.stderr
    assert list(tmp_path.iterdir()) == []


def test_make_run_ignores_a_docker_env_file_and_checks_its_port():
    makefile = (ROOT / "Makefile").read_text()
    assert "honcho start -f Procfile -e $(RUN_ENV)" in makefile
    assert "RUN_ENV ?= /dev/null" in makefile
    assert "bin/port-free $(PORT)" in makefile
    readme = (ROOT / "README.md").read_text()
    assert "make run PORT=8001" in readme and "make remind" in readme


def test_a_taken_port_is_said_in_one_clear_message():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        taken = subprocess.run(
            [sys.executable, str(ROOT / "bin" / "port-free"), str(port)], capture_output=True, text=True
        )
    assert taken.returncode == 1
    assert f"make run PORT={port + 1}" in taken.stderr
    free = subprocess.run([sys.executable, str(ROOT / "bin" / "port-free"), str(port)], capture_output=True, text=True)
    assert free.returncode == 0, free.stderr
