"""The sign-in forms (site and admin): a name of any length is the normal form error, and
failures are limited per address across names.

django-axes limits failures per name and address (5 in 15 minutes). A guesser trying many names
from one address is limited here: at most `LOGIN_FAILURES_PER_ADDRESS_PER_HOUR` failures an hour
from one address (ASVS 2.2.1), counted from the access log's failed sign-ins; beyond that the
form refuses before checking the password. Offices share an address behind NAT, hence a
limit well above one person's mistakes.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directives import models
from directives.access_log import client_ip

#: The longest name a user has (auth.User.username); longer ones cannot match anyone.
MAX_USERNAME = 150


def failures_per_address_limit() -> int:
    return int(getattr(settings, "LOGIN_FAILURES_PER_ADDRESS_PER_HOUR", 100))


def address_blocked(request) -> bool:
    ip = client_ip(request)
    if not ip:
        return False
    since = timezone.now() - timedelta(hours=1)
    failures = models.AccessEvent.objects.filter(
        kind=models.AccessEvent.Kind.LOGIN_FAILED, ip_address=ip, created_at__gte=since
    )
    return failures.count() >= failures_per_address_limit()


class BoundedLoginMixin:
    error_messages_extra = {
        "address_blocked": _(
            "Có quá nhiều lần đăng nhập sai từ địa chỉ này trong một giờ. Hãy thử lại sau hoặc liên hệ quản trị."
        ),
    }

    def clean(self):
        username = self.data.get(self.add_prefix("username")) or ""
        if self.request is not None and address_blocked(self.request):
            raise ValidationError(self.error_messages_extra["address_blocked"], code="address_blocked")
        if len(username) > MAX_USERNAME:
            # No such user: the normal error, without asking the backends (django-axes would
            # write the name into a 255-character column: a 500 on PostgreSQL).
            raise self.get_invalid_login_error()
        return super().clean()


class LoginForm(BoundedLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedLoginMixin, AdminAuthenticationForm):
    pass
