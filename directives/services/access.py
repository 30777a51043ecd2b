"""Access from other systems: personal API tokens and calendar feed addresses.

A secret is `<prefix>_<random>`; only its SHA-256 is stored, so a leaked database gives no
usable token. The secret is returned once, by the service that creates it.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models

__all__ = [
    "API_TOKEN_MAX_DAYS",
    "api_token_create",
    "api_token_revoke",
    "calendar_feed_create",
    "calendar_feed_revoke",
    "hash_secret",
    "new_secret",
]

API_TOKEN_MAX_DAYS = 366


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret(kind: str) -> str:
    """`tdn_…` (API) or `cal_…` (calendar): 43 URL-safe characters of randomness (256 bits)."""
    return f"{kind}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def api_token_create(*, user, name: str, scope: str, days: int) -> tuple[models.ApiToken, str]:
    """Create a token valid for `days` days; returns it and its secret (shown once)."""
    if not 1 <= int(days) <= API_TOKEN_MAX_DAYS:
        raise ValidationError({"days": _("Thời hạn từ 1 đến %(max)s ngày.") % {"max": API_TOKEN_MAX_DAYS}})
    secret = new_secret("tdn")
    token = models.ApiToken(
        user=user,
        name=name.strip(),
        scope=scope,
        prefix=secret[:10],
        key_hash=hash_secret(secret),
        expires_at=timezone.now() + timedelta(days=int(days)),
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: models.ApiToken, actor) -> models.ApiToken:
    """Revoke a token of `actor`'s own (idempotent: a revoked token stays revoked as it was)."""
    if token.user_id != actor.pk:
        raise ValidationError(_("Không thể thu hồi mã của người khác."))
    models.ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token.refresh_from_db()
    return token


@transaction.atomic
def calendar_feed_create(*, user) -> tuple[models.CalendarFeed, str]:
    """A new secret calendar address for `user`; the previous one (if any) stops working."""
    secret = new_secret("cal")
    models.CalendarFeed.objects.filter(user=user).delete()
    feed = models.CalendarFeed(user=user, prefix=secret[:10], key_hash=hash_secret(secret))
    feed.full_clean()
    feed.save()
    return feed, secret


@transaction.atomic
def calendar_feed_revoke(*, user) -> bool:
    deleted, _rows = models.CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)
