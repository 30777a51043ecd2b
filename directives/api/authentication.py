"""Personal access tokens: `Authorization: Bearer tdn_…`.

The secret is looked up by its SHA-256 (the only thing stored); a revoked or expired token
is refused with a message saying which. `last_used_at` is written at most once a minute per
token, by a conditional UPDATE, so that reads do not turn into writes.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from directives import models
from directives.services.access import hash_secret

TOUCH_EVERY = timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"bearer", b"token"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Tiêu đề Authorization phải có dạng “Bearer <mã>”."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ.")) from None
        token = (
            models.ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
            if secret
            else None
        )
        if token is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ."))
        now = timezone.now()
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập đã bị thu hồi."))
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Mã truy cập đã hết hạn."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Tài khoản đã bị khóa."))
        models.ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
        ).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The schema's description of the token (drf-spectacular finds it by subclassing)."""

    target_class = "directives.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("Mã truy cập cá nhân (tdn_…), tạo ở trang Tài khoản → Truy cập API."),
        }
