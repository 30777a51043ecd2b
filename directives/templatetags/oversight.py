"""`{% verification_backlog as backlog %}`: the dashboard's box of completion reports waiting
for verification (selectors.verification_backlog), so the dashboard view needs no change."""

from django import template

from directives.selectors.inbox import verification_backlog as backlog_for

register = template.Library()


@register.simple_tag(takes_context=True)
def verification_backlog(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return backlog_for(user)
