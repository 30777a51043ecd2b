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

from directives import models, selectors, services
from directives.drafts import draft_from_contract
from directives.forms_import import (
    DirectiveMetaForm,
    FigureFormSet,
    ImportSourceForm,
    ReferenceFormSet,
    TaskFormSet,
    initial_from_draft,
    organization_choices,
    reviewed_draft,
)
from directives.matching import BodyMatcher

logger = logging.getLogger(__name__)
SESSION_KEY = "directive_import"


def user_can_import(user) -> bool:
    """Staff users and managers of any organization may import directives."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return models.Membership.objects.filter(user=user, role=models.Membership.Role.MANAGER).exists()


def _guard(request: HttpRequest) -> None:
    if not user_can_import(request.user):
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
        from directives.parsing import ParseInputError, parse_directive

        text = form.cleaned_data["source_text"]
        try:
            contract = parse_directive(text).to_dict()
        except ParseInputError as error:
            form.add_error(None, str(error))
        except Exception:  # the parser must never turn a bad text into a 500
            logger.exception("parse_directive failed")
            form.add_error(
                None, _("Không đọc được văn bản này. Hãy kiểm tra nội dung hoặc nhập tay trong trang quản trị.")
            )
        else:
            request.session[SESSION_KEY] = {"contract": contract, "source_text": text}
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
            return redirect("directives:import_review")
    return render(request, "directives/import_start.html", {"form": form})


def _organizations():
    return list(models.Organization.objects.filter(is_active=True).only("id", "name", "short_name").order_by("name"))


def _existing(user, number: str, issuer_id: int | None, issuer_name: str = "") -> models.Directive | None:
    """The directive with this number and issuer, among those the user may see."""
    if not number:
        return None
    qs = selectors.directives_visible_to(user).filter(number=number)
    if issuer_id:
        qs = qs.filter(issuer_id=issuer_id)
    elif issuer_name:
        qs = qs.filter(issuer__name__iexact=issuer_name)
    else:
        qs = qs.filter(issuer=None)
    return qs.first()


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


@login_required
def import_review(request: HttpRequest) -> HttpResponse:
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

    if request.method == "POST" and _too_many_rows(request.POST, stored.get("contract") or {}):
        # The review only edits, drops and merges the draft's rows; it never adds any. A
        # forged TOTAL_FORMS would otherwise make the page build thousands of empty forms.
        return HttpResponse(_("Bản rà soát có nhiều dòng hơn bản nháp."), status=400, content_type="text/plain")

    if request.method == "POST":
        meta = DirectiveMetaForm(request.POST, org_choices=choices, prefix="meta")
        tasks = TaskFormSet(request.POST, org_choices=choices, prefix="tasks")
        figures = FigureFormSet(request.POST, prefix="figures")
        references = ReferenceFormSet(request.POST, prefix="refs")
        if all([meta.is_valid(), tasks.is_valid(), figures.is_valid(), references.is_valid()]):
            reviewed = reviewed_draft(meta, tasks, figures, references, orgs_by_id=orgs_by_id, source_text=source_text)
            existing = _existing(request.user, reviewed.draft.number, reviewed.issuer_id, reviewed.draft.issuer)
            update = meta.cleaned_data.get("update_existing")
            if existing and not update:
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
        draft = draft_from_contract(stored.get("contract") or {}, source_text=source_text)
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

    return render(
        request,
        "directives/import_review.html",
        {
            "meta": meta,
            "tasks": tasks,
            "figures": figures,
            "references": references,
            "existing": existing,
            "existing_url": directive_url(existing) if existing else "",
            "source_text": source_text,
        },
    )
