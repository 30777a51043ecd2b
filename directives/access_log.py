"""Logging of sign-ins, failed sign-ins and denied accesses (AccessEvent rows, visible to
superusers in the admin), with the user's organizations and IP address."""

from __future__ import annotations

import logging

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from directives import models

logger = logging.getLogger("directives.access")

SKIPPED_PREFIXES = ("/static/", "/favicon", "/healthz")


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def organizations_of(user) -> str:
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    names = models.Membership.objects.filter(user=user).values_list("organization__name", flat=True)
    return "; ".join(names)[:500]


def access_event_record(*, kind: str, request=None, user=None, username: str = "", status_code=None) -> None:
    event = models.AccessEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.is_authenticated else None,
        username=(username or getattr(user, "username", "") or "")[:150],
        organizations=organizations_of(user),
        ip_address=client_ip(request),
        path=(request.get_full_path() if request is not None else "")[:500],
        status_code=status_code,
    )
    logger.info(
        "%s user=%s orgs=%s ip=%s path=%s", kind, event.username, event.organizations, event.ip_address, event.path
    )


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    access_event_record(kind=models.AccessEvent.Kind.LOGIN_SUCCEEDED, request=request, user=user)


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    access_event_record(
        kind=models.AccessEvent.Kind.LOGIN_FAILED, request=request, username=str(credentials.get("username", ""))
    )


# -- anonymous refusals: counted, not stored ----------------------------------------------------

ANONYMOUS_KEY = "access-log:anonymous-refusals"


def anonymous_refusals() -> int:
    """How many requests without a session were refused (403) since the cache was last cleared."""
    from django.core.cache import cache

    return int(cache.get(ANONYMOUS_KEY) or 0)


def anonymous_refusal_count(request) -> int:
    """Count a refusal of an anonymous request. A scanner sends thousands: they are counted (and
    logged at 1, 10, 100, 1,000…), never written one row each to the access log."""
    from django.core.cache import cache

    cache.add(ANONYMOUS_KEY, 0, timeout=None)
    try:
        count = cache.incr(ANONYMOUS_KEY)
    except ValueError:  # evicted between add and incr
        cache.set(ANONYMOUS_KEY, 1, timeout=None)
        count = 1
    if count & (count - 1) == 0 or str(count).rstrip("0") == "1":
        logger.info("anonymous_refused count=%s ip=%s path=%s", count, client_ip(request), request.path[:200])
    return count
