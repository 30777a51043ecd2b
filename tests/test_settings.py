"""The settings module reads the environment; bad values fail clearly at start-up."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


def load_settings(tmp_path, **env):
    """Import the settings in a fresh interpreter with exactly `env` (plus PATH) set."""
    code = (
        "import json, tracker.settings as s;"
        "print(json.dumps({'DEBUG': s.DEBUG, 'ENGINE': s.DATABASES['default']['ENGINE'],"
        "'NAME': str(s.DATABASES['default']['NAME']), 'BROKER': s.CELERY_BROKER_URL,"
        "'MAILER': s.MAILERS['default']['BACKEND'], 'HOSTS': s.ALLOWED_HOSTS,"
        "'SECURE': s.SESSION_COOKIE_SECURE}))"
    )
    base = {"PATH": os.environ["PATH"], "TRACKER_VAR_DIR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=60
    )


def test_with_no_settings_it_runs_zero_setup(tmp_path):
    import json

    result = load_settings(tmp_path)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["DEBUG"] is True
    assert values["ENGINE"] == "django.db.backends.sqlite3"
    assert values["NAME"].endswith("db.sqlite3")
    assert values["BROKER"].startswith("filesystem://")
    assert values["MAILER"].endswith("filebased.EmailBackend")
    # the worker of `make run` needs the filesystem transport's folders on a fresh clone
    assert (tmp_path / "var" / "celery" / "queue").is_dir()
    assert (tmp_path / "var" / "celery" / "processed").is_dir()


def test_with_urls_it_uses_postgresql_redis_and_smtp(tmp_path):
    import json

    result = load_settings(
        tmp_path,
        DATABASE_URL="postgres://u:p@db:5432/tracker",
        CELERY_BROKER_URL="redis://redis:6379/0",
        EMAIL_HOST="smtp.example.vn",
        DJANGO_ALLOWED_HOSTS="tracker.example.vn, www.tracker.example.vn",
    )
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["ENGINE"] == "django.db.backends.postgresql"
    assert values["NAME"] == "tracker"
    assert values["BROKER"] == "redis://redis:6379/0"
    assert values["MAILER"].endswith("smtp.EmailBackend")
    assert values["HOSTS"] == ["tracker.example.vn", "www.tracker.example.vn"]


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    result = load_settings(tmp_path, DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_with_a_secret_key_uses_secure_cookies(tmp_path):
    import json

    result = load_settings(tmp_path, DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["SECURE"] is True


def test_a_malformed_boolean_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG must be a boolean"):
        env_bool("SOME_FLAG", False)
    monkeypatch.setenv("SOME_FLAG", "Yes")
    assert env_bool("SOME_FLAG", False) is True


def test_a_malformed_integer_is_an_error(monkeypatch):
    monkeypatch.setenv("SOME_NUMBER", "ten")
    with pytest.raises(ImproperlyConfigured, match="SOME_NUMBER must be an integer"):
        env_int("SOME_NUMBER", 1)
    monkeypatch.setenv("SOME_NUMBER", "")
    assert env_int("SOME_NUMBER", 7) == 7


def test_lists_are_comma_separated(monkeypatch):
    monkeypatch.setenv("SOME_LIST", " a, b ,,c ")
    assert env_list("SOME_LIST", []) == ["a", "b", "c"]
