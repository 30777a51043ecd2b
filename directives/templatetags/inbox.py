"""`{% inbox_count as n %}`: the number shown next to "Việc cần xử lý" in the navigation."""

from django import template

from directives.selectors.inbox import inbox_count as count_for

register = template.Library()


NAV_CAP = 99


@register.simple_tag(takes_context=True)
def inbox_count(context) -> str:
    """The count, or "99+" past `NAV_CAP` (the inbox page gives the sections' figures)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return ""
    n = count_for(user, cap=NAV_CAP)
    return f"{NAV_CAP}+" if n > NAV_CAP else (str(n) if n else "")
