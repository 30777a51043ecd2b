"""A clerk's desk: saved views of the task list, following a task, and one report given to
several tasks at once. Thin: guard, validate, one service, redirect back."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from directives import models, selectors, services
from directives.filters import BAR, MORE

# The query parameters a saved view keeps (the list's URL contract, less the page).
KEPT = (*BAR, *MORE, "overdue", "followed")


def _back(request, default: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def clean_query(query: str) -> str:
    """Only the list's own parameters, in a stable order."""
    data = QueryDict(query or "")
    pairs = [(key, value) for key in KEPT for value in data.getlist(key) if value]
    return urlencode(pairs)


class SavedViewForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Tên bộ lọc"), max_length=80)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)


@login_required
@require_POST
def saved_view_save(request):
    form = SavedViewForm(request.POST)
    back = reverse("directives:task_list")
    if not form.is_valid():
        messages.error(request, _("Chưa lưu được bộ lọc: hãy đặt tên (tối đa 80 ký tự)."))
        return redirect(_back(request, back))
    query = clean_query(form.cleaned_data["query"])
    try:
        view = services.saved_view_save(user=request.user, name=form.cleaned_data["name"], query=query)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect(_back(request, back))
    messages.success(request, _("Đã lưu bộ lọc “%(name)s”; bộ lọc có trong thanh điều hướng.") % {"name": view.name})
    return redirect(f"{back}?{query}" if query else back)


@login_required
@require_POST
def saved_view_delete(request, pk: int):
    view = get_object_or_404(selectors.saved_views(request.user), pk=pk)
    services.saved_view_delete(user=request.user, view_id=view.pk)
    messages.success(request, _("Đã xóa bộ lọc “%(name)s”.") % {"name": view.name})
    return redirect(_back(request, reverse("directives:task_list")))


@login_required
@require_POST
def task_follow(request, pk: int):
    task = get_object_or_404(selectors.tasks_visible_to(request.user), pk=pk)
    follow = request.POST.get("follow") == "1"
    services.task_follow(user=request.user, task=task, follow=follow)
    if follow:
        messages.success(request, _("Đang theo dõi nhiệm vụ này: nhiệm vụ hiện trên trang Việc của đơn vị."))
    else:
        messages.success(request, _("Đã thôi theo dõi nhiệm vụ này."))
    return redirect(_back(request, reverse("directives:task_detail", args=[task.pk])))


class BulkReportForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Trạng thái"),
        required=False,
        choices=[("", gettext_lazy("Giữ nguyên")), *models.Task.Status.choices],
    )
    percent = forms.IntegerField(label=gettext_lazy("Tiến độ (%)"), required=False, min_value=0, max_value=100)
    note = forms.CharField(label=gettext_lazy("Ghi chú"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if not data.get("status") and data.get("percent") is None:
            raise ValidationError(_("Hãy chọn trạng thái hoặc nhập tiến độ."))
        return data


@login_required
@require_POST
def tasks_bulk_report(request):
    back = _back(request, reverse("directives:task_list"))
    wanted = [int(v) for v in request.POST.getlist("tasks") if v.isdigit()][:500]
    visible = selectors.tasks_visible_to(request.user).filter(pk__in=wanted)
    tasks = list(visible.select_related("directive", "lead").prefetch_related("supporters").order_by("pk"))
    form = BulkReportForm(request.POST)
    if not tasks:
        messages.error(request, _("Chưa chọn nhiệm vụ nào."))
        return redirect(back)
    if not form.is_valid():
        errors = [e for errs in form.errors.values() for e in errs]
        messages.error(request, _("Chưa báo cáo: %(errors)s") % {"errors": " ".join(errors)})
        return redirect(back)
    result = services.tasks_report_progress(
        author=request.user,
        tasks=tasks,
        roles=selectors.user_roles(request.user),
        status=form.cleaned_data["status"],
        percent=form.cleaned_data["percent"],
        note=form.cleaned_data["note"],
    )
    if result.reported:
        messages.success(request, _("Đã ghi nhận báo cáo tiến độ cho %(n)d nhiệm vụ.") % {"n": len(result.reported)})
    for task, reason in result.refused:
        messages.warning(
            request, _("Nhiệm vụ %(task)s chưa được báo cáo: %(reason)s.") % {"task": task.path, "reason": reason}
        )
    return redirect(back)
