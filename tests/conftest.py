"""Shared fixtures. Tests that need a real service (Redis, PostgreSQL, SMTP, chromium) call
`require_service(...)`: on a laptop without it they skip with the reason; under CI=true they fail."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from tests.factories import (  # noqa: F401 - re-exported for tests
    DirectiveFactory,
    MembershipFactory,
    OrganizationFactory,
    TaskFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def require_service(name: str, available: bool, hint: str = "") -> None:
    """Skip (laptop) or fail (CI=true) when a service the test needs is missing."""
    if available:
        return
    message = f"{name} is not available{': ' + hint if hint else ''}"
    if IN_CI:
        pytest.fail(f"CI=true and {message}")
    pytest.skip(message)


def require_redis(url: str = "redis://127.0.0.1:6379/0") -> str:
    require_service("Redis at 127.0.0.1:6379", port_open("127.0.0.1", 6379), "start redis-server")
    return os.environ.get("TEST_REDIS_URL", url)


def require_chromium() -> str:
    path = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    require_service("chromium", bool(shutil.which(path) or os.path.exists(path)), "apt-get install chromium")
    return path


@pytest.fixture(autouse=True)
def _site_language():
    """Each test starts in the site's language (Vietnamese), whatever an earlier test on the same
    worker left active: messages and catalogue lookups must not depend on test order."""
    from django.conf import settings as django_settings
    from django.utils import translation

    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: what an earlier test kept (the navigation's inbox
    count of a user whose id SQLite gives again) must not show in the next."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2's deliberate slowness is not what the tests are about."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi", contact_emails="btc@qn.example.vn")


@pytest.fixture
def other_org(db):
    return OrganizationFactory(name="Ban Tổ chức Thành ủy TP HCM", contact_emails="btc@hcm.example.vn")
