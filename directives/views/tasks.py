"""Views: guard, validate with a form, call one service or selector, render or redirect.

Every object is fetched from a queryset scoped to the user (`selectors.tasks_visible_to`,
`directives_visible_to`), so another organization's object answers 404; what the user may
*do* is decided in `directives.permissions`. With htmx, forms post in place and the task's
live section is swapped from the redirected page (`hx-select`); without JavaScript the same
forms work with a full reload (redirect after POST).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directives import models, permissions, selectors, services
from directives.domain.periods import Period, format_number_vi, format_percent_vi
from directives.filters import BAR, MORE, TaskFilter, period_name
from directives.forms import (
    DirectiveEditForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    ProgressReportForm,
    TargetUpdateForm,
)
from directives.views import oversight
from directives.views.paging import ListPaginator

PAGE_SIZE = 50


def _standing_labels() -> dict[str, str]:
    return {code: str(label) for code, label in selectors.STANDING_CHOICES}


@login_required
@require_GET
def home(request):
    today = timezone.localdate()
    groups = selectors.home_groups(request.user, cutoff=today)
    followed = list(selectors.followed_tasks(request.user, cutoff=today)[:100])
    for task in followed:
        task.is_followed = True
    return render(
        request,
        "directives/home.html",
        {
            "groups": groups,
            "today": today,
            "total": sum(g.count for g in groups),
            "followed": followed,
            "labels": _standing_labels(),
            "has_membership": bool(selectors.user_roles(request.user)),
            "can_import": permissions.can_import(request.user, selectors.user_roles(request.user)),
        },
    )


def _task_filter(request) -> tuple[TaskFilter, dict]:
    filterset = TaskFilter(request.GET or None, request=request)
    if request.GET:
        filterset.form.is_valid()  # errors are shown; the valid parameters still apply
        params = filterset.cleaned()
    else:
        filterset.form.is_valid()
        params = {"sort": "deadline"}
    return filterset, params


@login_required
@require_GET
def task_list(request):
    filterset, params = _task_filter(request)
    tasks = selectors.with_followed(selectors.task_list(request.user, **params), request.user)
    paginator = ListPaginator(tasks, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    current = params.get("sort") or "deadline"

    def sort_link(key: str) -> dict:
        """The column header's link: this column ascending, or descending when it already is."""
        q = query.copy()
        q["sort"] = f"-{key}" if current == key else key
        active = current.lstrip("-") == key
        order = ("descending" if current.startswith("-") else "ascending") if active else "none"
        return {"url": "?" + q.urlencode(), "active": active, "aria": order}

    roles = selectors.user_roles(request.user)
    rows = list(page.object_list)
    here = sorted((k, v) for k, vs in query.lists() for v in vs if v and k != "sort")

    def quick_link(label, q: str) -> tuple:
        """One click each; marked current when it is exactly the list's filter."""
        return (label, q, here == sorted(tuple(p.split("=", 1)) for p in q.split("&")))

    quick = [
        quick_link(_("Đơn vị tôi"), "org=mine"),
        quick_link(_("Đơn vị tôi chủ trì"), "org=mine&role=lead"),
        quick_link(_("Quá hạn"), "org=mine&standing=overdue"),
        quick_link(_("Đang theo dõi"), "followed=1"),
    ]
    return render(
        request,
        "directives/task_list.html",
        {
            "rows": rows,
            "quick": quick,
            "bar_fields": [filterset.form[name] for name in BAR if name != "standing"],
            "more_fields": [filterset.form[name] for name in MORE],
            "more_open": filterset.more_active(),
            "can_bulk": request.user.is_superuser or any(r in permissions.ACTING for r in roles.values()),
            "status_choices": models.Task.Status.choices,
            "sort_links": {key: sort_link(key) for key in ("directive", "path", "lead", "deadline", "status")},
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "tasks": page.object_list,
            "query": query.urlencode(),
            "cutoff": params.get("cutoff") or timezone.localdate(),
            "labels": _standing_labels(),
            "sort": params.get("sort", "deadline"),
        },
    )


def _filter_lines(request, filterset, params) -> list[str]:
    """The export's title lines: whose tasks, the filters applied (as the form shows them), the cut-off."""
    from directives.views.dashboard import who_line

    parts = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name) if hasattr(filterset.form, "cleaned_data") else None
        if name in ("sort", "cutoff") or value in (None, "", [], False):
            continue
        choices = dict(getattr(field, "choices", []) or [])
        if value is True:
            parts.append(str(field.label))
            continue
        values = value if isinstance(value, list) else [value]
        shown = ", ".join(str(choices.get(v, choices.get(str(v), v))) for v in values)
        parts.append(f"{field.label}: {shown}")
    cutoff = params.get("cutoff") or timezone.localdate()
    return [
        who_line(request.user),
        _("Bộ lọc: %(f)s") % {"f": "; ".join(parts) if parts else _("không")},
        _("Số liệu tính đến ngày %(d)s") % {"d": cutoff.strftime("%d/%m/%Y")},
    ]


@login_required
@require_GET
def task_list_xlsx(request):
    from directives.exports.workbooks import XLSX, task_list_workbook

    filterset, params = _task_filter(request)
    tasks = selectors.task_list(request.user, **params)
    content = task_list_workbook(tasks, labels=_standing_labels(), heading=_filter_lines(request, filterset, params))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{timezone.localdate():%Y%m%d}.xlsx"'
    return response


def _visible_task(request, pk: int) -> models.Task:
    qs = selectors.tasks_visible_to(request.user).select_related("directive", "directive__issuer", "lead", "parent")
    return get_object_or_404(qs.prefetch_related("supporters"), pk=pk)


def _decorate_targets(request, targets, roles, bound=None) -> None:
    """Attach what the page shows: "19/28 đề án (67,8%)", the history by quarter, the form."""
    for target in targets:
        digits = (
            0 if target.total == target.total.to_integral() and target.achieved == target.achieved.to_integral() else 2
        )
        achieved, total = format_number_vi(target.achieved, digits), format_number_vi(target.total, digits)
        target.summary = f"{achieved}/{total} {target.unit} ({format_percent_vi(target.percent)})"
        target.history = [
            {
                "label": period_name(s.period),
                "value": f"{format_number_vi(s.achieved, digits)}/{format_number_vi(s.total, digits)}",
                "note": s.note,
            }
            for s in target.snapshots.all()
        ]
        target.can_update = permissions.can_update_target(request.user, target, roles)
        target.form = TargetUpdateForm(prefix=f"t{target.pk}")
        if bound and bound[0] == target.pk:
            target.form = bound[1]


def _task_context(request, task: models.Task, **forms) -> dict:
    today = timezone.localdate()
    roles = selectors.user_roles(request.user)
    report_org = permissions.report_organization(request.user, task, roles)
    can_extend = permissions.can_request_extension(request.user, task, roles)
    can_decide = permissions.can_decide_extension(request.user, task.directive, roles)
    pending = task.extensions.filter(state=models.ExtensionRequest.State.PENDING).first()
    period = None
    if task.deadline_period:
        try:
            period = period_name(Period.from_code(task.deadline_period))
        except ValueError:
            period = None
    targets = list(task.targets.select_related("task", "directive").prefetch_related("snapshots"))
    _decorate_targets(request, targets, roles, forms.pop("target_form", None))
    return {
        "task": task,
        "standing": task.standing(today),
        "standing_label": _standing_labels().get(task.standing(today), ""),
        "deadline_period_label": period,
        "tree": selectors.task_tree(request.user, task),
        "timeline": selectors.task_timeline(request.user, task),
        "report_org": report_org,
        "report_form": forms.get("report_form")
        or ProgressReportForm(initial={"status": task.status, "percent": task.progress}),
        "can_extend": can_extend and pending is None,
        "extension_form": forms.get("extension_form") or ExtensionRequestForm(),
        "pending_extension": pending,
        "can_decide": can_decide,
        "decision_form": forms.get("decision_form") or ExtensionDecisionForm(),
        "targets": targets,
        "today": today,
        **oversight.task_context(request, task, roles, forms),
        "is_followed": models.TaskFollow.objects.filter(user=request.user, task=task).exists(),
    }


@login_required
@require_GET
def task_detail(request, pk: int):
    task = _visible_task(request, pk)
    return render(request, "directives/task_detail.html", _task_context(request, task))


def _invalid(request, task, **forms):
    """Re-render the page with the form's errors: 400 for a plain POST; 200 for htmx, which
    swaps only successful responses."""
    messages.error(request, _("Chưa lưu được: vui lòng xem lỗi bên dưới."))
    status = 200 if getattr(request, "htmx", False) else 400
    return render(request, "directives/task_detail.html", _task_context(request, task, **forms), status=status)


def _apply_service_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errs in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


@login_required
@require_POST
def task_report(request, pk: int):
    task = _visible_task(request, pk)
    roles = selectors.user_roles(request.user)
    organization = permissions.report_organization(request.user, task, roles)
    if organization is None:
        raise PermissionDenied
    form = ProgressReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, task, report_form=form)
    try:
        result = services.progress_report_submit(
            task=task,
            author=request.user,
            organization=organization,
            status=form.cleaned_data["status"],
            percent=form.cleaned_data["percent"],
            note=form.cleaned_data["note"],
            completed_on=form.cleaned_data["completed_on"],
            files=form.cleaned_data["files"],
            close_open_subtasks=form.cleaned_data["close_open_subtasks"]
            and permissions.can_close_with_open_subtasks(request.user, task, roles),
        )
    except ValidationError as exc:
        _apply_service_errors(form, exc)
        return _invalid(request, task, report_form=form)
    if isinstance(result, models.CompletionClaim):
        messages.success(request, _("Đã gửi báo cáo hoàn thành; nhiệm vụ chờ cơ quan ban hành xác nhận."))
    else:
        messages.success(request, _("Đã ghi nhận báo cáo tiến độ."))
    return redirect("directives:task_detail", pk=task.pk)


@login_required
@require_POST
def task_extension(request, pk: int):
    task = _visible_task(request, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_request_extension(request.user, task, roles):
        raise PermissionDenied
    form = ExtensionRequestForm(request.POST)
    if not form.is_valid():
        return _invalid(request, task, extension_form=form)
    try:
        services.extension_request(
            task=task,
            author=request.user,
            organization=task.lead,
            requested_deadline=form.cleaned_data["requested_deadline"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _apply_service_errors(form, exc)
        return _invalid(request, task, extension_form=form)
    messages.success(request, _("Đã gửi đề nghị gia hạn."))
    return redirect("directives:task_detail", pk=task.pk)


@login_required
@require_POST
def extension_decide(request, pk: int):
    visible = selectors.tasks_visible_to(request.user).values("pk")
    extension = get_object_or_404(
        models.ExtensionRequest.objects.select_related("task", "task__directive"), pk=pk, task__in=visible
    )
    roles = selectors.user_roles(request.user)
    if not permissions.can_decide_extension(request.user, extension.task.directive, roles):
        raise PermissionDenied
    task = _visible_task(request, extension.task_id)
    form = ExtensionDecisionForm(request.POST)
    if not form.is_valid():
        return _invalid(request, task, decision_form=form)
    try:
        services.extension_decide(
            extension=extension,
            decider=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        _apply_service_errors(form, exc)
        return _invalid(request, task, decision_form=form)
    messages.success(request, _("Đã ghi nhận quyết định gia hạn."))
    return redirect("directives:task_detail", pk=task.pk)


@login_required
@require_POST
def target_update(request, pk: int):
    directives = selectors.directives_visible_to(request.user).values("pk")
    target = get_object_or_404(
        models.Target.objects.select_related("task", "directive"), pk=pk, directive__in=directives
    )
    if target.task_id and not selectors.tasks_visible_to(request.user).filter(pk=target.task_id).exists():
        raise Http404
    roles = selectors.user_roles(request.user)
    if not permissions.can_update_target(request.user, target, roles):
        raise PermissionDenied
    form = TargetUpdateForm(request.POST, prefix=f"t{target.pk}")
    if form.is_valid():
        try:
            services.target_update(
                target=target,
                achieved=form.cleaned_data["achieved"],
                author=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            _apply_service_errors(form, exc)
    if form.errors:
        messages.error(request, _("Chưa lưu được: vui lòng xem lỗi bên dưới."))
        if target.task_id:
            task = _visible_task(request, target.task_id)
            ctx = _task_context(request, task, target_form=(target.pk, form))
            status = 200 if getattr(request, "htmx", False) else 400
            return render(request, "directives/task_detail.html", ctx, status=status)
        directive = target.directive
        ctx = _directive_context(request, directive, target_form=(target.pk, form))
        return render(request, "directives/directive_detail.html", ctx, status=400)
    messages.success(request, _("Đã cập nhật chỉ tiêu."))
    if target.task_id:
        return redirect("directives:task_detail", pk=target.task_id)
    return redirect("directives:directive_detail", pk=target.directive_id)


@login_required
@require_GET
def evidence_download(request, pk: int):
    visible = selectors.tasks_visible_to(request.user).values("pk")
    evidence = get_object_or_404(models.EvidenceFile.objects.select_related("report"), pk=pk, report__task__in=visible)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    content_type = mimetypes.guess_type(evidence.original_name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=evidence.original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def directive_list(request):
    q = request.GET.get("q", "").replace("\x00", "")  # PostgreSQL text cannot hold NUL
    directives = selectors.directive_list_for(request.user, q=q)
    page = Paginator(directives, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "directives/directive_list.html",
        {"page": page, "directives": page.object_list, "q": q, "query": urlencode({"q": q}) if q else ""},
    )


def _directive_context(request, directive: models.Directive, target_form=None) -> dict:
    today = timezone.localdate()
    tasks = selectors.directive_task_rows(request.user, directive, cutoff=today)
    rates = selectors.directive_rates(tasks)
    roles = selectors.user_roles(request.user)
    targets = list(directive.targets.select_related("task", "directive").prefetch_related("snapshots"))
    _decorate_targets(request, targets, roles, target_form)
    return {
        "directive": directive,
        "citations": directive.citations.select_related("cited_directive"),
        "attachments": directive.attachments.all(),
        "tasks": tasks,
        "rates": rates,
        "completion": format_percent_vi(rates.completion_rate),
        "on_time": format_percent_vi(rates.on_time_rate),
        "targets": targets,
        "labels": _standing_labels(),
        "today": today,
        "period_label": period_name(directive.period_obj) if directive.period else "",
        "can_edit": permissions.can_edit_directive(request.user, directive, roles),
    }


@login_required
@require_GET
def directive_detail(request, pk: int):
    directive = get_object_or_404(
        selectors.directives_visible_to(request.user)
        .select_related("issuer")
        .prefetch_related(Prefetch("targets", queryset=models.Target.objects.all())),
        pk=pk,
    )
    return render(request, "directives/directive_detail.html", _directive_context(request, directive))


def _directive_for_export(request, pk: int):
    """(directive, its task rows, today) for a download: a directive the user may see, or 404."""
    directive = get_object_or_404(selectors.directives_visible_to(request.user).select_related("issuer"), pk=pk)
    today = timezone.localdate()
    return directive, selectors.directive_task_rows(request.user, directive, cutoff=today), today


@login_required
@require_GET
def directive_tasks_xlsx(request, pk: int):
    """The directive's task table (.xlsx), in the form the import reads back."""
    from directives.exports.workbooks import XLSX, file_stem, task_table_workbook

    directive, tasks, today = _directive_for_export(request, pk)
    response = HttpResponse(task_table_workbook(directive, tasks, cutoff=today), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(directive)}-nhiem-vu.xlsx"'
    return response


@login_required
@require_GET
def directive_edxml_download(request, pk: int):
    """The directive as an edXML package (QCVN 102:2016), with its source text and task table."""
    from directives.exports.edxml import EDXML_CONTENT_TYPE, directive_edxml
    from directives.exports.workbooks import file_stem, task_table_workbook

    directive, tasks, today = _directive_for_export(request, pk)
    table = task_table_workbook(directive, tasks, cutoff=today)
    response = HttpResponse(directive_edxml(directive, tasks, table=table), content_type=EDXML_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{file_stem(directive)}.edxml"'
    return response


@login_required
def directive_edit(request, pk: int):
    """A manager of the issuing organization edits the directive's metadata."""
    directive = get_object_or_404(selectors.directives_visible_to(request.user).select_related("issuer"), pk=pk)
    if not permissions.can_edit_directive(request.user, directive, selectors.user_roles(request.user)):
        raise PermissionDenied
    form = DirectiveEditForm(request.POST or None, instance=directive)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(directive=form.instance, actor=request.user, changed_fields=form.changed_data)
        except ValidationError as exc:
            _apply_service_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu văn bản."))
            return redirect("directives:directive_detail", pk=directive.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "directives/directive_edit.html", {"directive": directive, "form": form}, status=status)
