"""`{% inbox_count as n %}`: the number shown next to "Việc cần xử lý" in the navigation.

It is on every page, so it is kept in the cache for `NAV_TTL` seconds per user: a page costs
one cache read instead of nine counting subqueries (about a quarter of a task page's CPU).
It is counted afresh after the user does anything (any POST clears it:
`middleware.InboxCountMiddleware`) and on the inbox page itself; what others do shows within
`NAV_TTL` seconds.
"""

from django import template
from django.core.cache import cache

from directives.selectors.inbox import inbox_count as count_for

register = template.Library()

NAV_CAP = 99
NAV_TTL = 60


def cache_key(user_pk: int) -> str:
    return f"inbox-nav-count:{user_pk}"


def forget(user_pk: int) -> None:
    cache.delete(cache_key(user_pk))


@register.simple_tag(takes_context=True)
def inbox_count(context) -> str:
    """The count, or "99+" past `NAV_CAP` (the inbox page gives the sections' figures)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    fresh = context.get("current") == "inbox"
    n = None if fresh else cache.get(cache_key(user.pk))
    if n is None:
        n = count_for(user, cap=NAV_CAP)
        cache.set(cache_key(user.pk), n, NAV_TTL)
    return f"{NAV_CAP}+" if n > NAV_CAP else (str(n) if n else "")
