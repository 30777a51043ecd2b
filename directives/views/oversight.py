"""Verified completion and requests for explanation on the task page: the issuer's managers
accept or return a report of "done" and ask the lead body to explain; its reporters answer.

`task_context` adds what the task page shows of both; the POST views guard, validate, call
one service and redirect to the task page (htmx swaps its live section, as the other forms).
"""

from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from directives import models, permissions, selectors, services
from directives.forms import ClaimDecisionForm, ExplanationAnswerForm, ExplanationRequestForm, PassDownForm


def task_context(request, task: models.Task, roles: dict[int, str], forms: dict) -> dict:
    """The task page's part: the pending claim and its decision form, the explanations with
    their answer and close forms, the request form."""
    pending = task.claims.filter(state=models.CompletionClaim.State.PENDING).select_related("author").first()
    explanations = list(
        task.explanations.exclude(state=models.Explanation.State.CLOSED).select_related("addressed_to", "asked_by")
    )
    bound_answer = forms.get("answer_form")
    for explanation in explanations:
        explanation.can_answer = explanation.state == models.Explanation.State.OPEN and (
            permissions.can_answer_explanation(request.user, explanation, roles)
        )
        explanation.can_close = permissions.can_close_explanation(request.user, explanation, roles)
        explanation.form = (
            bound_answer[1]
            if bound_answer and bound_answer[0] == explanation.pk
            else ExplanationAnswerForm(prefix=f"x{explanation.pk}")
        )
    can_pass_down = permissions.can_pass_down(request.user, task, roles)
    pass_down_form = None
    if can_pass_down:
        pass_down_form = forms.get("pass_down_form") or PassDownForm(
            task=task, initial={"deadline": task.deadline, "text": task.text}
        )
        if not pass_down_form.fields["lead"].queryset.exists():
            pass_down_form = None
    series = task.series if task.series_id else (task if task.recurrence else None)
    return {
        "series": series,
        "occurrences": list(series.occurrences.order_by("deadline", "id").only("id", "path", "deadline", "status"))
        if series
        else [],
        "rollup": selectors.task_rollup(request.user, task),
        "pass_down_form": pass_down_form,
        "can_close_with_open_subtasks": permissions.can_close_with_open_subtasks(request.user, task, roles),
        "pending_claim": pending,
        "requires_verification": task.directive.requires_verification,
        "can_decide_claim": permissions.can_decide_completion(request.user, task.directive, roles),
        "claim_form": forms.get("claim_form") or ClaimDecisionForm(prefix="claim"),
        "explanations": explanations,
        "can_request_explanation": permissions.can_request_explanation(request.user, task, roles),
        "explanation_form": forms.get("explanation_form")
        or ExplanationRequestForm(prefix="explain", initial={"due_on": timezone.localdate() + timedelta(days=7)}),
    }


def _rerender(request, task_pk: int, **forms):
    from directives.views.tasks import _invalid, _visible_task

    return _invalid(request, _visible_task(request, task_pk), **forms)


def _apply(form, exc: ValidationError) -> None:
    from directives.views.tasks import _apply_service_errors

    _apply_service_errors(form, exc)


def _visible(request, model, pk: int, **related):
    visible = selectors.tasks_visible_to(request.user).values("pk")
    return get_object_or_404(model.objects.select_related("task", "task__directive"), pk=pk, task__in=visible)


@login_required
@require_POST
def claim_decide(request, pk: int):
    claim = _visible(request, models.CompletionClaim, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_decide_completion(request.user, claim.task.directive, roles):
        raise PermissionDenied
    form = ClaimDecisionForm(request.POST, prefix="claim")
    if not form.is_valid():
        return _rerender(request, claim.task_id, claim_form=form)
    accept = form.cleaned_data["decision"] == "accept"
    try:
        services.completion_claim_decide(
            claim=claim, decider=request.user, accept=accept, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        _apply(form, exc)
        return _rerender(request, claim.task_id, claim_form=form)
    messages.success(request, _("Đã xác nhận hoàn thành.") if accept else _("Đã trả lại báo cáo hoàn thành."))
    return redirect("directives:task_detail", pk=claim.task_id)


@login_required
@require_POST
def task_explanation(request, pk: int):
    from directives.views.tasks import _visible_task

    task = _visible_task(request, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_request_explanation(request.user, task, roles):
        raise PermissionDenied
    form = ExplanationRequestForm(request.POST, prefix="explain")
    if not form.is_valid():
        return _rerender(request, task.pk, explanation_form=form)
    try:
        services.explanation_request(
            task=task,
            asked_by=request.user,
            question=form.cleaned_data["question"],
            due_on=form.cleaned_data["due_on"],
        )
    except ValidationError as exc:
        _apply(form, exc)
        return _rerender(request, task.pk, explanation_form=form)
    messages.success(request, _("Đã gửi yêu cầu giải trình."))
    return redirect("directives:task_detail", pk=task.pk)


@login_required
@require_POST
def explanation_answer(request, pk: int):
    explanation = _visible(request, models.Explanation, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_answer_explanation(request.user, explanation, roles):
        raise PermissionDenied
    form = ExplanationAnswerForm(request.POST, request.FILES, prefix=f"x{explanation.pk}")
    if form.is_valid():
        try:
            services.explanation_answer(
                explanation=explanation,
                author=request.user,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as exc:
            _apply(form, exc)
    if form.errors:
        return _rerender(request, explanation.task_id, answer_form=(explanation.pk, form))
    messages.success(request, _("Đã gửi nội dung giải trình."))
    return redirect("directives:task_detail", pk=explanation.task_id)


@login_required
@require_POST
def explanation_close(request, pk: int):
    explanation = _visible(request, models.Explanation, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_close_explanation(request.user, explanation, roles):
        raise PermissionDenied
    try:
        services.explanation_close(explanation=explanation, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã kết thúc yêu cầu giải trình."))
    return redirect("directives:task_detail", pk=explanation.task_id)


def _download(row):
    try:
        handle = row.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    content_type = mimetypes.guess_type(row.original_name)[0] or "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=row.original_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def claimfile_download(request, pk: int):
    visible = selectors.tasks_visible_to(request.user).values("pk")
    return _download(get_object_or_404(models.ClaimFile, pk=pk, claim__task__in=visible))


@login_required
@require_GET
def explanationfile_download(request, pk: int):
    visible = selectors.tasks_visible_to(request.user).values("pk")
    return _download(get_object_or_404(models.ExplanationFile, pk=pk, explanation__task__in=visible))


@login_required
@require_POST
def task_pass_down(request, pk: int):
    from directives.views.tasks import _visible_task

    task = _visible_task(request, pk)
    roles = selectors.user_roles(request.user)
    if not permissions.can_pass_down(request.user, task, roles):
        raise PermissionDenied
    form = PassDownForm(request.POST, task=task)
    if form.is_valid():
        try:
            sub = services.task_pass_down(
                task=task,
                actor=request.user,
                lead=form.cleaned_data["lead"],
                supporters=list(form.cleaned_data["supporters"]),
                deadline=form.cleaned_data["deadline"],
                text=form.cleaned_data["text"],
            )
        except ValidationError as exc:
            _apply(form, exc)
    if form.errors:
        return _rerender(request, task.pk, pass_down_form=form)
    messages.success(request, _("Đã giao nhiệm vụ %(path)s cho %(org)s.") % {"path": sub.path, "org": sub.lead})
    return redirect("directives:task_detail", pk=task.pk)
