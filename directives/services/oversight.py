"""The issuer's side of following a task: verified completion (thẩm định) and requests for
explanation (yêu cầu giải trình).

Verified completion. When a directive requires it (`Directive.requires_verification`: its own
setting, else its issuer's), the lead body's report of "done" becomes a `CompletionClaim`
waiting as "chờ xác nhận"; the task's state does not change. A manager of the issuer accepts
it, which makes the "done" progress report through `task_report_progress` with the claimed
completion date, or returns it with a comment, which leaves the task in progress and tells the
reporter (inbox, timeline). The standing and the rates, which read the progress reports, so
count only accepted completions.

Requests for explanation. A manager of the issuer asks the lead body to explain a task by a
date; a reporter of that body answers, with files; the asker closes it once read.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models
from directives.services.core import task_report_progress
from directives.services.event_mail import event_notify

__all__ = [
    "completion_claim_decide",
    "completion_claim_submit",
    "explanation_answer",
    "explanation_close",
    "explanation_request",
    "progress_report_submit",
]

Task = models.Task


def _save_files(model, owner_field: str, owner, files) -> None:
    for upload in files or []:
        row = model(
            **{owner_field: owner},
            original_name=getattr(upload, "name", "file")[:255],
            size=getattr(upload, "size", 0) or 0,
            content_type=(getattr(upload, "content_type", "") or "")[:100],
        )
        row.file.save(getattr(upload, "name", "file"), upload, save=False)
        row.save()


def _event(task, kind, actor, summary: str = "", **changes) -> None:
    models.TaskEvent.objects.create(task=task, kind=kind, actor=actor, summary=summary[:500], changes=changes)


# -- verified completion -----------------------------------------------------------------


@transaction.atomic
def progress_report_submit(
    *,
    task: models.Task,
    author,
    organization: models.Organization,
    status: str,
    percent: int,
    note: str = "",
    completed_on: date | None = None,
    files: list | None = None,
    close_open_subtasks: bool = False,
) -> models.ProgressReport | models.CompletionClaim:
    """A report from the task page: a "done" report by the lead body of a directive that
    requires verification becomes a claim; every other report is recorded at once.

    While a claim waits, the lead body cannot report again (a supporter still can). A task
    whose passed-down sub-tasks are not all finished cannot be reported done, unless
    `close_open_subtasks` (a manager of the lead body says so; the caller checks who).
    """
    from directives.services.passdown import open_subtasks

    is_lead = task.lead_id is None or organization.pk == task.lead_id
    if is_lead and task.claims.filter(state=models.CompletionClaim.State.PENDING).exists():
        raise ValidationError(_("Báo cáo hoàn thành của nhiệm vụ đang chờ cơ quan ban hành xác nhận."))
    if status == Task.Status.DONE and is_lead and not close_open_subtasks:
        still_open = list(open_subtasks(task).values_list("path", flat=True)[:6])
        if still_open:
            raise ValidationError(
                {
                    "status": _(
                        "Còn nhiệm vụ cấp dưới chưa hoàn thành (%(paths)s); cán bộ quản lý của đơn vị chủ trì "
                        "có thể quyết định hoàn thành."
                    )
                    % {"paths": ", ".join(still_open[:5]) + (" …" if len(still_open) > 5 else "")}
                }
            )
    if status == Task.Status.DONE and is_lead and task.directive.requires_verification:
        return completion_claim_submit(
            task=task, author=author, organization=organization, completed_on=completed_on, note=note, files=files
        )
    return task_report_progress(
        task=task,
        author=author,
        organization=organization,
        status=status,
        percent=percent,
        note=note,
        completed_on=completed_on,
        files=files,
    )


@transaction.atomic
def completion_claim_submit(
    *,
    task: models.Task,
    author,
    organization: models.Organization,
    completed_on: date | None = None,
    note: str = "",
    files: list | None = None,
) -> models.CompletionClaim:
    """Record a report of "done" that waits for the issuer's verification."""
    locked = models.Task.objects.select_for_update().get(pk=task.pk)
    if locked.status == Task.Status.DONE:
        raise ValidationError(_("Nhiệm vụ đã hoàn thành."))
    if locked.claims.filter(state=models.CompletionClaim.State.PENDING).exists():
        raise ValidationError(_("Báo cáo hoàn thành của nhiệm vụ đang chờ cơ quan ban hành xác nhận."))
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("Ngày hoàn thành không được sau hôm nay.")})
    claim = models.CompletionClaim(
        task=locked, author=author, organization=organization, completed_on=completed_on, note=note
    )
    claim.full_clean()
    claim.save()
    _save_files(models.ClaimFile, "claim", claim, files)
    _event(
        locked,
        models.TaskEvent.Kind.COMPLETION_CLAIMED,
        author,
        _("Hoàn thành ngày %(d)s, chờ xác nhận") % {"d": completed_on.strftime("%d/%m/%Y")},
        claim=claim.pk,
    )
    return claim


@transaction.atomic
def completion_claim_decide(
    *, claim: models.CompletionClaim, decider, accept: bool, comment: str = ""
) -> models.CompletionClaim:
    """Accept (the task is done on the claimed date) or return (with a comment) a claim."""
    locked = models.CompletionClaim.objects.select_for_update().select_related("task").get(pk=claim.pk)
    if locked.state != models.CompletionClaim.State.PENDING:
        raise ValidationError(_("Báo cáo hoàn thành này đã được thẩm định."))
    comment = comment.strip()
    if not accept and not comment:
        raise ValidationError({"comment": _("Cần nêu lý do trả lại.")})
    locked.decided_by = decider
    locked.decided_at = timezone.now()
    locked.comment = comment
    if accept:
        note = locked.note
        if comment:
            note = f"{note}\n{_('Ý kiến thẩm định')}: {comment}".strip()
        locked.report = task_report_progress(
            task=locked.task,
            author=locked.author,
            organization=locked.organization,
            status=Task.Status.DONE,
            percent=100,
            note=note,
            completed_on=locked.completed_on,
        )
        locked.state = models.CompletionClaim.State.ACCEPTED
        kind = models.TaskEvent.Kind.COMPLETION_ACCEPTED
    else:
        locked.state = models.CompletionClaim.State.RETURNED
        kind = models.TaskEvent.Kind.COMPLETION_RETURNED
    locked.full_clean()
    locked.save()
    _event(locked.task, kind, decider, comment, claim=locked.pk)
    if not accept:
        event_notify(kind="completion_returned", obj=locked, text=comment)
    claim.state = locked.state
    return locked


# -- requests for explanation ------------------------------------------------------------


@transaction.atomic
def explanation_request(
    *, task: models.Task, asked_by, question: str, due_on: date, organization: models.Organization | None = None
) -> models.Explanation:
    """Ask the task's lead body to explain the task by `due_on`."""
    question = question.strip()
    errors = {}
    if not question:
        errors["question"] = _("Cần nêu nội dung yêu cầu giải trình.")
    if due_on < timezone.localdate():
        errors["due_on"] = _("Hạn giải trình không được trước hôm nay.")
    if task.lead_id is None:
        errors["__all__"] = _("Nhiệm vụ chưa có cơ quan chủ trì để giải trình.")
    if errors:
        raise ValidationError(errors)
    explanation = models.Explanation(
        task=task,
        asked_by=asked_by,
        organization=organization or task.directive.issuer,
        addressed_to=task.lead,
        question=question,
        due_on=due_on,
    )
    explanation.full_clean()
    explanation.save()
    _event(
        task,
        models.TaskEvent.Kind.EXPLANATION_REQUESTED,
        asked_by,
        _("Hạn giải trình %(d)s") % {"d": due_on.strftime("%d/%m/%Y")},
        explanation=explanation.pk,
    )
    event_notify(kind="explanation_requested", obj=explanation, text=question)
    return explanation


@transaction.atomic
def explanation_answer(
    *, explanation: models.Explanation, author, answer: str, files: list | None = None
) -> models.Explanation:
    locked = models.Explanation.objects.select_for_update().select_related("task").get(pk=explanation.pk)
    if locked.state != models.Explanation.State.OPEN:
        raise ValidationError(_("Yêu cầu giải trình này đã được trả lời."))
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Cần nhập nội dung giải trình.")})
    locked.answer = answer
    locked.answered_by = author
    locked.answered_at = timezone.now()
    locked.state = models.Explanation.State.ANSWERED
    locked.full_clean()
    locked.save()
    _save_files(models.ExplanationFile, "explanation", locked, files)
    _event(locked.task, models.TaskEvent.Kind.EXPLANATION_ANSWERED, author, answer[:200], explanation=locked.pk)
    event_notify(kind="explanation_answered", obj=locked, text=answer)
    explanation.state = locked.state
    return locked


@transaction.atomic
def explanation_close(*, explanation: models.Explanation, actor) -> models.Explanation:
    """The asker has read the answer (or withdraws an open request): it leaves the inboxes."""
    locked = models.Explanation.objects.select_for_update().select_related("task").get(pk=explanation.pk)
    if locked.state == models.Explanation.State.CLOSED:
        raise ValidationError(_("Yêu cầu giải trình này đã kết thúc."))
    locked.state = models.Explanation.State.CLOSED
    locked.closed_at = timezone.now()
    locked.full_clean()
    locked.save()
    _event(locked.task, models.TaskEvent.Kind.EXPLANATION_CLOSED, actor, explanation=locked.pk)
    explanation.state = locked.state
    return locked
