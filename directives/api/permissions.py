"""The token's scope. What a role may do is decided in `directives.permissions`, as in the web UI.

A session (the browser, with its CSRF token) acts with the user's full rights; a token with the
`read` scope may only read; `report` adds progress reports, extension requests and decisions,
and target updates (each still subject to the user's role).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import permissions

from directives import models


class TokenScope(permissions.BasePermission):
    message = _("Mã truy cập này chỉ được đọc (phạm vi “Chỉ đọc”).")

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        token = request.auth
        if isinstance(token, models.ApiToken):
            return token.scope == models.ApiToken.Scope.REPORT
        return True
