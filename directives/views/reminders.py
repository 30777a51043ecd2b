"""Reminder preferences (every user), the one-click unsubscribe (no sign-in: a signed
token), the reminders health page (staff) and its JSON for monitors."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from directives import models, selectors, services


class ReminderPreferencesForm(forms.Form):
    email_reminders = forms.BooleanField(
        label=gettext_lazy("Nhận email đôn đốc về nhiệm vụ của đơn vị"), required=False
    )
    support_digests = forms.BooleanField(
        label=gettext_lazy("Nhận bản tin “để biết” về nhiệm vụ đơn vị phối hợp thực hiện"), required=False
    )
    event_mail = forms.ChoiceField(
        label=gettext_lazy("Email về đề nghị gia hạn, báo cáo hoàn thành bị trả lại, yêu cầu giải trình"),
        choices=models.UserPreference.EventMail.choices,
        initial=models.UserPreference.EventMail.IMMEDIATE,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Hãy chọn cách nhận email về các việc mới.")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def reminder_preferences(request):
    pref = models.UserPreference.objects.filter(user=request.user).first()
    initial = {
        "email_reminders": pref.email_reminders if pref else True,
        "support_digests": pref.support_digests if pref else False,
        "event_mail": pref.event_mail if pref else models.UserPreference.EventMail.IMMEDIATE,
    }
    form = ReminderPreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.user_preference_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu tùy chọn nhận email."))
        return redirect("directives:reminder_preferences")
    return render(request, "directives/reminders_preferences.html", {"form": form})


@csrf_exempt  # the token is the authentication; mail providers POST without cookies (RFC 8058)
@never_cache
@require_http_methods(["GET", "POST"])
def reminders_unsubscribe(request, token: str):
    """GET: a page with one button; POST (the button, or a mail client's one-click
    `List-Unsubscribe=One-Click`): no more reminders to the address the token names."""
    email = services.unsubscribe_email(token)
    if email is None:
        raise Http404(_("Liên kết không hợp lệ."))
    done = None
    if request.method == "POST":
        subscribe = request.POST.get("action") == "subscribe"
        services.reminders_unsubscribe(email=email, subscribe=subscribe)
        done = "subscribed" if subscribe else "unsubscribed"
    return render(request, "directives/reminders_unsubscribe.html", {"email": email, "done": done})


@staff_member_required
def reminders_health(request):
    health = selectors.reminders_health(request.user)
    problems = health.problems(max_sweep_age=timedelta(hours=26), max_pending_age=timedelta(minutes=60))
    return render(request, "directives/reminders_health.html", {"health": health, "problems": problems})


@never_cache
def reminders_health_json(request):
    """For a monitor (no sign-in): 200 when healthy, 503 with the problem codes otherwise.
    Figures only: no addresses, no error texts."""
    health = selectors.reminders_health()
    problems = health.problems(max_sweep_age=timedelta(hours=26), max_pending_age=timedelta(minutes=60))
    return JsonResponse(health.as_dict(problems), status=503 if problems else 200)
