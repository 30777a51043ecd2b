"""What the navigation shows: only the items the user may use, and their saved views."""

from __future__ import annotations

from functools import cache

from django.urls import reverse

from directives import permissions, selectors


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # Evaluated only when a template shows the menu, and once per request.
    @cache
    def can_import() -> bool:
        return permissions.can_import(user, selectors.user_roles(user))

    @cache
    def saved() -> list[dict]:
        base = reverse("directives:task_list")
        return [
            {"name": v.name, "url": f"{base}?{v.query}" if v.query else base, "pk": v.pk}
            for v in selectors.saved_views(user)
        ]

    return {"nav_can_import": can_import, "nav_saved_views": saved}
