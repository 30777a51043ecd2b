"""Throttling per token (per user for the browser, per address for anonymous requests).

The rate is `API_THROTTLE_RATE` ("3600/hour" by default, set from the environment); counts
live in Django's cache, so with several web processes set `DJANGO_CACHE_URL` to Redis for one
shared count.
"""

from __future__ import annotations

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from directives import models


class PerTokenThrottle(SimpleRateThrottle):
    scope = "api"

    def get_rate(self):
        return getattr(settings, "API_THROTTLE_RATE", "3600/hour")

    def get_cache_key(self, request, view):
        if isinstance(request.auth, models.ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return f"throttle_api_{ident}"
