"""The account page for access from other systems (`/account/access/`): personal API tokens
and the calendar address. A secret is shown once, on the page that answers its creation, and
never stored in clear."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from directives import models, services
from directives.api.serializers import absolute

DAY_CHOICES = [(30, gettext_lazy("30 ngày")), (90, gettext_lazy("90 ngày")), (180, gettext_lazy("180 ngày"))]
DAY_CHOICES += [(365, gettext_lazy("365 ngày"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Tên (dùng cho hệ thống nào)"),
        max_length=100,
        help_text=gettext_lazy("Ví dụ: Hệ thống QLVB của Sở"),
    )
    scope = forms.ChoiceField(label=gettext_lazy("Phạm vi"), choices=models.ApiToken.Scope.choices)
    days = forms.TypedChoiceField(label=gettext_lazy("Hiệu lực"), choices=DAY_CHOICES, coerce=int, initial=90)


def _page(request, *, form=None, token_secret=None, calendar_url=None, status=200):
    tokens = models.ApiToken.objects.filter(user=request.user)
    return render(
        request,
        "directives/account_access.html",
        {
            "form": form or ApiTokenForm(),
            "tokens": tokens,
            "now": timezone.now(),
            "token_secret": token_secret,
            "calendar": models.CalendarFeed.objects.filter(user=request.user).first(),
            "calendar_url": calendar_url,
            "api_docs": reverse("api:docs"),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_access(request):
    if request.method == "GET":
        return _page(request)
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form=form, status=400)
    try:
        _token, secret = services.api_token_create(user=request.user, **form.cleaned_data)
    except ValidationError as exc:
        form.add_error(None, exc.messages)
        return _page(request, form=form, status=400)
    messages.success(request, _("Đã tạo mã truy cập. Hãy sao chép ngay: mã chỉ hiện một lần."))
    return _page(request, token_secret=secret)


@login_required
@require_POST
def account_token_revoke(request, pk: int):
    token = get_object_or_404(models.ApiToken, pk=pk, user=request.user)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Đã thu hồi mã “%(name)s”.") % {"name": token.name})
    return redirect("directives:account_access")


@login_required
@require_POST
def account_calendar_create(request):
    _feed, secret = services.calendar_feed_create(user=request.user)
    messages.success(request, _("Đã tạo địa chỉ lịch mới; địa chỉ cũ (nếu có) không còn dùng được."))
    return _page(request, calendar_url=absolute(reverse("calendar_feed", args=[secret])))


@login_required
@require_POST
def account_calendar_revoke(request):
    if services.calendar_feed_revoke(user=request.user):
        messages.success(request, _("Đã thu hồi địa chỉ lịch."))
    return redirect("directives:account_access")
