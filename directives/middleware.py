from directives.access_log import SKIPPED_PREFIXES, access_event_record, anonymous_refusal_count
from directives.models import AccessEvent


class DeniedAccessLogMiddleware:
    """Record every 403 and 404 a signed-in user meets (an object of another organization answers
    404, so that its existence is not revealed); count the 403s of anonymous requests."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (403, 404) and not request.path.startswith(SKIPPED_PREFIXES):
            user = getattr(request, "user", None)
            if user is None or not user.is_authenticated:
                if response.status_code == 403:
                    anonymous_refusal_count(request)  # counted, not one row per request
            else:
                access_event_record(
                    kind=AccessEvent.Kind.ACCESS_DENIED, request=request, user=user, status_code=response.status_code
                )
        return response


class VietnameseFirstMiddleware:
    """Vietnamese unless the user chose English with the language switch (the cookie).

    Many offices run browsers in English; the browser's Accept-Language must not turn the
    interface English for them. Placed before LocaleMiddleware, which then sees only the cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class InboxCountMiddleware:
    """After a user's POST (a report, a decision, an answer), the navigation's inbox count is
    counted afresh on the next page (`templatetags.inbox`)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.method not in ("GET", "HEAD", "OPTIONS") and user is not None and user.is_authenticated:
            from directives.templatetags.inbox import forget

            forget(user.pk)
        return response
