"""`{% inbox_count as n %}`: the number shown next to "Việc cần xử lý" in the navigation."""

from django import template

from directives.selectors.inbox import inbox_count as count_for

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return count_for(user)
