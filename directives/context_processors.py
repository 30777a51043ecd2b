"""What the navigation shows: only the items the user may use, and their saved views."""

from __future__ import annotations

from directives import permissions


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def can_import() -> bool:
        return permissions.can_import(user)

    return {"nav_can_import": can_import}
