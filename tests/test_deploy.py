"""Production configuration: `check --deploy` passes with the production environment of
.env.example, and docker-compose.yml agrees with the settings module and the Celery app."""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def env_example() -> dict[str, str]:
    values = {}
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def settings_variables() -> set[str]:
    """Every environment variable the settings module reads."""
    text = (ROOT / "tracker" / "settings.py").read_text(encoding="utf-8")
    return set(re.findall(r'(?:environ\.get|env_bool|env_int|env_list)\(\s*"([A-Z_]+)"', text))


def test_check_deploy_passes_with_the_production_environment(tmp_path):
    env = {"PATH": os.environ["PATH"]} | env_example()
    env["TRACKER_VAR_DIR"] = str(tmp_path / "var")
    env["DJANGO_STATIC_ROOT"] = str(tmp_path / "static")
    env["DJANGO_MEDIA_ROOT"] = str(tmp_path / "media")
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_env_example_documents_every_variable_the_settings_read():
    documented = set(env_example())
    assert settings_variables() - documented == set()


def test_compose_has_the_services_and_exactly_one_beat():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"web", "worker", "beat", "db", "redis", "mailcatcher", "migrate"} <= set(services)
    assert services["beat"].get("deploy", {}).get("replicas", 1) == 1
    for name in ("web", "worker", "beat", "db", "redis", "mailcatcher"):
        assert "healthcheck" in services[name], name
    assert {"pgdata", "uploads"} <= set(compose["volumes"])


def test_web_worker_and_beat_use_the_same_image_broker_and_database():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    for name in ("web", "worker", "beat", "migrate"):
        service = services[name]
        assert service["env_file"] == ".env"
        assert service["environment"]["CELERY_BROKER_URL"] == "${CELERY_BROKER_URL}"
        assert service["environment"]["DATABASE_URL"] == "${DATABASE_URL}"
        assert service["image"] == services["web"]["image"]
    assert services["worker"]["command"][:3] == ["celery", "-A", "tracker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "tracker", "beat"]
    assert "tracker.wsgi:application" in services["web"]["command"]


def test_every_variable_compose_interpolates_is_in_env_example():
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = set(re.findall(r"\$\{([A-Z_]+)\}", text))
    assert used - set(env_example()) == set()


def test_the_broker_in_env_example_is_redis_and_the_celery_app_reads_it():
    env = env_example()
    assert env["CELERY_BROKER_URL"].startswith("redis://")
    celery_module = (ROOT / "tracker" / "celery.py").read_text(encoding="utf-8")
    assert 'config_from_object("django.conf:settings", namespace="CELERY")' in celery_module


def test_the_image_runs_as_a_non_root_user_and_installs_from_requirements_alone():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    installs = re.findall(r"pip install (.+)", dockerfile)
    assert installs == ["--no-deps -r requirements.txt"]
