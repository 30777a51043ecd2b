"""Import of a directive's text: paste or upload → parse → review → confirm.

The parsed draft waits in the session (the parser's JSON contract plus the source text) until
the reviewer confirms; nothing is written to the domain tables before that, and the confirm
step writes everything in one transaction (`services.directive_import`). Staff users and
managers of any organization may import; others get 403.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from directives import models, selectors
from directives.importing import services
from directives.importing.drafts import draft_from_contract, reported_text
from directives.importing.forms import (
    DirectiveMetaForm,
    FigureFormSet,
    ImportSourceForm,
    ReferenceFormSet,
    TaskFormSet,
    hidden_forms_html,
    organization_choices,
)
from directives.importing.matching import BodyMatcher
from directives.importing.review import initial_from_draft, reviewed_draft, sentence_like, source_parts

logger = logging.getLogger(__name__)
SESSION_KEY = "directive_import"


def _guard(request: HttpRequest) -> None:
    if not services.user_can_import(request.user):
        raise PermissionDenied(_("Chỉ cán bộ quản trị hoặc quản lý đơn vị được nhập văn bản."))


def directive_url(directive: models.Directive) -> str:
    try:
        return reverse("directives:directive_detail", args=[directive.pk])
    except NoReverseMatch:
        return reverse("admin:directives_directive_change", args=[directive.pk])


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _guard(request)
    form = ImportSourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        scan = form.cleaned_data.get("needs_ocr")
        if scan:  # a scan or an image: OCR runs in the worker, this page polls it
            from directives.services.documents import document_job_create

            job = document_job_create(user=request.user, filename=scan["name"], data=scan["data"])
            return redirect("directives:import_job", pk=job.pk)
        structured = form.cleaned_data.get("structured")
        if structured is not None:  # a task table or an edXML package: read, not parsed as text
            response, error = _source_to_review(request, structured)
        else:
            response, error = _to_review(request, form.cleaned_data["source_text"])
        if response is not None:
            return response
        form.add_error(None, error)
    return render(request, "directives/import_start.html", {"form": form})


def _to_review(request: HttpRequest, text: str, warnings=()) -> tuple[HttpResponse | None, str]:
    """Parse the text into a draft kept in the session and go to the review; or the reason not."""
    from directives.parsing import ParseInputError, parse_directive

    try:
        services.check_import_text(text)  # bounded work: refused before parsing
        contract = parse_directive(text).to_dict()
        if len(contract.get("tasks") or []) > services.MAX_TASKS:
            raise ParseInputError(services.too_many_tasks_message(len(contract["tasks"])))
    except (ParseInputError, ValidationError) as error:
        return None, error.messages[0] if isinstance(error, ValidationError) else str(error)
    except Exception:  # the parser must never turn a bad text into a 500
        logger.exception("parse_directive failed")
        return None, _("Không đọc được văn bản này. Hãy kiểm tra nội dung hoặc nhập tay trong trang quản trị.")
    return _store_draft(request, contract, text, warnings)


def _source_to_review(request: HttpRequest, source) -> tuple[HttpResponse | None, str]:
    """A task table or an edXML package, already read into a contract (`importing.sources`):
    kept in the session with what the review shows beside it, as a parsed text is."""
    count = len(source.contract.get("tasks") or [])
    if count > services.MAX_TASKS:
        return None, services.too_many_tasks_message(count)
    return _store_draft(request, source.contract, source.source_text, source.warnings, review=source.review)


def _store_draft(request: HttpRequest, contract: dict, text: str, warnings=(), review=None) -> tuple[HttpResponse, str]:
    request.session[SESSION_KEY] = {"contract": contract, "source_text": text, "review": review}
    for warning in warnings:
        messages.warning(request, warning)
    count = len(contract.get("tasks") or [])
    if count:
        messages.info(
            request,
            ngettext(
                "Đã nhận ra %(count)d nhiệm vụ. Hãy rà soát trước khi lưu.",
                "Đã nhận ra %(count)d nhiệm vụ. Hãy rà soát trước khi lưu.",
                count,
            )
            % {"count": count},
        )
    else:
        messages.warning(
            request,
            _("Không nhận ra nhiệm vụ nào trong văn bản. Bản nháp chưa có nhiệm vụ; có thể lưu như vậy."),
        )
    return redirect("directives:import_review"), ""


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A scan being read in the worker: its progress, polled (htmx, or a refresh without script);
    when it is read, its text goes to the review like a pasted one. Only its uploader sees it."""
    from django.shortcuts import get_object_or_404
    from django_htmx.http import HttpResponseClientRedirect

    _guard(request)
    job = get_object_or_404(models.DocumentJob.objects.defer("data"), pk=pk, user=request.user)
    error = job.error
    if job.status == models.DocumentJob.Status.DONE:
        response, error = _to_review(request, job.text, job.warnings)
        if response is not None:
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(response.url)
            return response
    context = {"job": job, "error": error}
    if getattr(request, "htmx", False):
        return render(request, "directives/partials/import_job_status.html", context)
    return render(request, "directives/import_job.html", context)


def _organizations():
    return list(models.Organization.objects.filter(is_active=True).only("id", "name", "short_name").order_by("name"))


def _existing(user, number: str, issuer_id: int | None, issuer_name: str = "") -> models.Directive | None:
    return services.directive_existing(user, number=number, issuer_id=issuer_id, issuer_name=issuer_name)


def _too_many_rows(data, contract: dict) -> bool:
    limits = {
        "tasks": len(contract.get("tasks") or []),
        "figures": len(contract.get("figures") or []),
        "refs": len(contract.get("references") or []),
    }
    for prefix, limit in limits.items():
        raw = data.get(f"{prefix}-TOTAL_FORMS", "0")
        if not raw.isdigit() or len(raw) > 6 or int(raw) > limit:
            return True
    return False


#: Tasks shown per page of the review; the others travel as hidden fields, so that a 1,000-task
#: draft renders in well under two seconds and is still confirmed in one POST.
REVIEW_PAGE_SIZE = 50


def _page(request: HttpRequest, total: int) -> tuple[int, int, int]:
    """(page number, first index, pages) of the review, from ?page= or the posted "goto"."""
    pages = max(1, -(-total // REVIEW_PAGE_SIZE))
    raw = request.POST.get("goto") or request.GET.get("page") or "1"
    page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 6 else 1
    page = min(max(page, 1), pages)
    return page, (page - 1) * REVIEW_PAGE_SIZE, pages


def _flagged_names(meta, tasks) -> list[str]:
    """Proposed body names that read like sentences, for a warning above the review."""
    names = []
    issuer_new = meta["issuer_new"].value() or ""
    names += [issuer_new] if issuer_new else []
    for form in tasks.forms:
        names += (form["new_bodies"].value() or "").replace(";", "\n").splitlines()
    seen, flagged = set(), []
    for name in (" ".join(n.split()) for n in names):
        if name and name not in seen and sentence_like(name):
            seen.add(name)
            flagged.append(name)
    return flagged


@login_required
def import_review(request: HttpRequest) -> HttpResponse:
    """Review the draft (paginated), see what an update will add, change and retire, confirm.

    The rules (issuer, update, duplicates, limits) are the import service's; this view only
    shows the forms and reports its refusals on the page.
    """
    _guard(request)
    stored = request.session.get(SESSION_KEY)
    if not stored:
        messages.info(request, _("Chưa có bản nháp nào để rà soát. Hãy dán hoặc tải lên một văn bản."))
        return redirect("directives:import")
    if request.method == "POST" and "cancel" in request.POST:
        request.session.pop(SESSION_KEY, None)
        messages.info(request, _("Đã hủy bản nháp; không có gì được lưu."))
        return redirect("directives:import")

    orgs = _organizations()
    orgs_by_id = {o.pk: o for o in orgs}
    choices = organization_choices(orgs)
    source_text = stored.get("source_text", "")
    existing = None
    plan = None

    if request.method == "POST" and _too_many_rows(request.POST, stored.get("contract") or {}):
        # The review only edits, drops and merges the draft's rows; it never adds any. A
        # forged TOTAL_FORMS would otherwise make the page build thousands of empty forms.
        return HttpResponse(_("Bản rà soát có nhiều dòng hơn bản nháp."), status=400, content_type="text/plain")

    # The parsed draft: the first page's forms start from it, and the review (which edits, drops
    # and merges rows but never adds or reorders them) marks its tasks' spans in the source.
    draft = draft_from_contract(stored.get("contract") or {}, source_text=source_text)
    if request.method == "POST":
        meta = DirectiveMetaForm(request.POST, org_choices=choices, prefix="meta")
        tasks = TaskFormSet(request.POST, org_choices=choices, prefix="tasks")
        figures = FigureFormSet(request.POST, prefix="figures")
        references = ReferenceFormSet(request.POST, prefix="refs")
        navigating = "goto" in request.POST and "confirm" not in request.POST
        if all([meta.is_valid(), tasks.is_valid(), figures.is_valid(), references.is_valid()]):
            reviewed = reviewed_draft(meta, tasks, figures, references, orgs_by_id=orgs_by_id, source_text=source_text)
            existing = _existing(request.user, reviewed.draft.number, reviewed.issuer_id, reviewed.draft.issuer)
            update = meta.cleaned_data.get("update_existing")
            if existing is not None and _may_update(request.user, existing):
                plan = services.directive_import_plan(draft=reviewed.draft, directive=existing)
            if navigating:
                pass
            elif existing and not update:
                meta.add_error(
                    "update_existing",
                    _("Văn bản số %(number)s của cơ quan này đã có. Chọn “cập nhật văn bản đã có” hoặc sửa số hiệu.")
                    % {"number": reviewed.draft.number},
                )
            else:
                try:
                    result = services.directive_import(
                        draft=reviewed.draft,
                        actor=request.user,
                        activate=bool(meta.cleaned_data.get("activate")),
                        update=existing if update else None,
                        organizations=reviewed.organizations,
                        create_missing_bodies=True,
                    )
                except PermissionDenied as error:
                    meta.add_error(None, str(error) or _("Bạn không có quyền nhập văn bản này."))
                except ValidationError as error:
                    for message in error.messages:
                        meta.add_error(None, message)
                except IntegrityError:
                    meta.add_error(None, _("Không lưu được: văn bản hoặc số thứ tự nhiệm vụ bị trùng."))
                else:
                    request.session.pop(SESSION_KEY, None)
                    messages.success(
                        request,
                        _("Đã lưu %(directive)s: %(tasks)d nhiệm vụ, %(targets)d chỉ tiêu, %(citations)d văn bản dẫn.")
                        % {
                            "directive": result.directive,
                            "tasks": result.tasks,
                            "targets": result.targets,
                            "citations": result.citations,
                        },
                    )
                    if result.retired:
                        messages.info(
                            request,
                            _("%(count)d nhiệm vụ không còn trong văn bản: thôi theo dõi, lịch sử được giữ.")
                            % {"count": result.retired},
                        )
                    return redirect(directive_url(result.directive))
        else:
            issuer = request.POST.get("meta-issuer") or ""
            existing = _existing(  # raw POST values: no NUL, no id beyond a bigint
                request.user,
                (request.POST.get("meta-number") or "").replace("\x00", "").strip(),
                int(issuer) if issuer.isascii() and issuer.isdigit() and len(issuer) <= 18 else None,
                (request.POST.get("meta-issuer_new") or "").replace("\x00", "").strip(),
            )
    else:
        matcher = BodyMatcher([(o.pk, o.name, o.short_name) for o in orgs])
        initial = initial_from_draft(draft, matcher.match)
        managed = selectors.user_organization_ids(request.user, roles=(models.Membership.Role.MANAGER,))
        if not request.user.is_staff and managed and initial["meta"]["issuer"] not in {str(i) for i in managed}:
            # A manager imports for his own organization: it is the default issuer.
            initial["meta"]["issuer"], initial["meta"]["issuer_new"] = str(managed[0]), ""
        meta = DirectiveMetaForm(initial=initial["meta"], org_choices=choices, prefix="meta")
        tasks = TaskFormSet(initial=initial["tasks"], org_choices=choices, prefix="tasks")
        figures = FigureFormSet(initial=initial["figures"], prefix="figures")
        references = ReferenceFormSet(initial=initial["references"], prefix="refs")
        issuer = initial["meta"]["issuer"]
        existing = _existing(request.user, draft.number, int(issuer) if issuer else None, initial["meta"]["issuer_new"])
        if existing is not None and _may_update(request.user, existing):
            plan = services.directive_import_plan(draft=draft, directive=existing)

    total = tasks.total_form_count()
    page, first, pages = _page(request, total)
    forms = tasks.forms
    shown = forms[first : first + REVIEW_PAGE_SIZE]
    # What a task table said of each task's state: shown beside the row (rows keep the draft's
    # order: the review never adds any), not posted, not imported.
    contract_tasks = (stored.get("contract") or {}).get("tasks") or []
    for index, form in enumerate(shown, start=first):
        form.reported = reported_text(contract_tasks[index].get("reported")) if index < len(contract_tasks) else ""
    hidden = hidden_forms_html(forms[:first] + forms[first + REVIEW_PAGE_SIZE :])
    # Row i is the parser's task i: its span in the source is the parser's.
    parts = source_parts(source_text, draft.tasks, range(first, first + len(shown)))
    return render(
        request,
        "directives/import_review.html",
        {
            "meta": meta,
            "tasks": tasks,
            "task_forms": shown,
            "hidden_tasks": hidden,
            "page": page,
            "pages": range(1, pages + 1) if pages > 1 else (),
            "first_index": first,
            "figures": figures,
            "references": references,
            "existing": existing,
            "existing_url": directive_url(existing) if existing else "",
            "plan": plan,
            "flagged_names": _flagged_names(meta, tasks),
            "max_tasks": services.MAX_TASKS,
            "source_text": source_text,
            "source_parts": parts,
            "spanned": {p.index for p in parts if p.on_page},  # rows that link to their place in the source
            "source_review": stored.get("review"),
            "candidates": _candidates(stored.get("review"), orgs),
        },
    )


def _candidates(review: dict | None, orgs) -> list[tuple[str, str]]:
    """The bodies an edXML package is addressed to (ToPlaces, To), each with the organization of
    the list it matches ("" when none): candidates for the tasks' lead and supporting bodies."""
    names = (review or {}).get("candidates") or []
    if not names:
        return []
    matcher = BodyMatcher([(o.pk, o.name, o.short_name) for o in orgs])
    by_id = {o.pk: o.name for o in orgs}
    return [(name, by_id.get(matcher.match(name), "")) for name in names[:200]]


def _may_update(user, directive: models.Directive) -> bool:
    from directives import permissions

    return permissions.can_edit_directive(user, directive, selectors.user_roles(user))
