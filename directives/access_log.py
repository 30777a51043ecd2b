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
