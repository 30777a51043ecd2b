"""Forms of the import flow: the text or file to parse, then the review of the draft.

The review is one metadata form and three formsets (tasks, figures, cited documents). Body
choices are plain ids over a list computed once per request (`organization_choices`), so a
review of 80 tasks does not run a query per select. `reviewed_draft` turns the cleaned forms
into the `DirectiveDraft` that `services.directive_import` writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from directives.domain.periods import Period
from directives.drafts import DirectiveDraft, FigureDraft, ReferenceDraft, TaskDraft
from directives.models import Directive, validate_sane_date

DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


class VNDateField(forms.DateField):
    """A date typed as dd/mm/yyyy (ISO accepted too), shown as dd/mm/yyyy."""

    widget = forms.DateInput(format="%d/%m/%Y", attrs={"placeholder": "dd/mm/yyyy", "size": 10})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("input_formats", DATE_FORMATS)
        kwargs.setdefault("error_messages", {"invalid": _lazy("Nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2021.")})
        kwargs.setdefault("validators", [validate_sane_date])
        super().__init__(**kwargs)


class FastSelect(forms.Select):
    """A select rendered in Python: the review page has two selects of every organization per task,
    and Django's per-option templates made a 12-task review with 150 bodies take over a second."""

    def render(self, name, value, attrs=None, renderer=None):
        if value is None:
            chosen = set()
        elif isinstance(value, (list, tuple)):
            chosen = {str(v) for v in value}
        else:
            chosen = {str(value)}
        final = self.build_attrs(self.attrs, attrs)
        final["name"] = name
        if self.allow_multiple_selected:
            final["multiple"] = True
        options = "".join(
            f'<option value="{escape(v)}"{" selected" if str(v) in chosen else ""}>{escape(label)}</option>'
            for v, label in self.choices
        )
        return mark_safe(f"<select{flatatt(final)}>{options}</select>")


class FastSelectMultiple(FastSelect):
    allow_multiple_selected = True

    def value_from_datadict(self, data, files, name):
        return data.getlist(name) if hasattr(data, "getlist") else data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False


# -- step 1: the text ----------------------------------------------------------------------


class ImportSourceForm(forms.Form):
    text = forms.CharField(
        label=_lazy("Dán nội dung văn bản"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 100}),
    )
    file = forms.FileField(
        label=_lazy("hoặc tải lên tệp (.txt, .docx)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.docx,text/plain"}),
    )

    def clean(self):
        """Leaves the decoded text in cleaned_data['source_text'] (the parser's decode)."""
        from directives.parsing import ParseInputError, decode_upload

        cleaned = super().clean()
        text, upload = (cleaned.get("text") or "").strip(), cleaned.get("file")
        limit = settings.UPLOAD_MAX_BYTES
        if upload is not None:
            if upload.size > limit:
                raise ValidationError(
                    _("Tệp quá lớn (%(size)s MB); giới hạn là %(limit)s MB.")
                    % {"size": round(upload.size / 1048576, 1), "limit": round(limit / 1048576, 1)}
                )
            name = upload.name or ""
            if not name.lower().endswith((".txt", ".docx", ".text", ".md")):
                raise ValidationError(_("Chỉ nhận tệp .txt hoặc .docx."))
            try:
                text = decode_upload(upload.read(), name)
            except ParseInputError as error:
                raise ValidationError(str(error)) from None
        elif not text:
            raise ValidationError(_("Hãy dán nội dung văn bản hoặc chọn một tệp."))
        elif len(text.encode("utf-8")) > limit:
            raise ValidationError(
                _("Nội dung quá dài; giới hạn là %(limit)s MB.") % {"limit": round(limit / 1048576, 1)}
            )
        if not text.strip():
            raise ValidationError(_("Văn bản không có nội dung."))
        cleaned["source_text"] = text
        return cleaned


# -- step 2: the review ----------------------------------------------------------------------


def organization_choices(organizations) -> list[tuple[str, str]]:
    return [("", "—")] + [(str(o.pk), o.name) for o in organizations]


class DirectiveMetaForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("Loại văn bản"), choices=Directive.Kind.choices)
    number = forms.CharField(label=_lazy("Số hiệu"), max_length=64, required=False)
    title = forms.CharField(label=_lazy("Trích yếu"), widget=forms.Textarea(attrs={"rows": 2, "cols": 100}))
    issuer = forms.ChoiceField(label=_lazy("Cơ quan ban hành"), required=False, widget=FastSelect)
    issuer_new = forms.CharField(
        label=_lazy("hoặc tạo cơ quan mới"),
        max_length=255,
        required=False,
        help_text=_lazy("Dùng khi cơ quan ban hành chưa có trong danh sách."),
    )
    meeting_date = VNDateField(label=_lazy("Ngày họp"))
    issued_on = VNDateField(label=_lazy("Ngày ban hành"))
    signer = forms.CharField(label=_lazy("Người ký"), max_length=255, required=False)
    period = forms.CharField(
        label=_lazy("Kỳ thực hiện"),
        max_length=8,
        required=False,
        help_text=_lazy("Ví dụ: 2021Q4 (Quý IV/2021), 2021H2 (6 tháng cuối năm), 2023 (cả năm)."),
    )
    activate = forms.BooleanField(label=_lazy("Bắt đầu theo dõi ngay (trạng thái “Đang theo dõi”)"), required=False)
    update_existing = forms.BooleanField(label=_lazy("Cập nhật văn bản đã có thay vì tạo mới"), required=False)

    def __init__(self, *args, org_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = org_choices

    def clean_period(self) -> str:
        value = self.cleaned_data["period"].strip().upper()
        if value:
            try:
                Period.from_code(value)
            except ValueError:
                raise ValidationError(
                    _("“%(value)s” không phải kỳ hợp lệ (ví dụ: 2021Q4, 2021H2, 2022-06, 2023)."),
                    params={"value": value},
                ) from None
        return value


class TaskReviewForm(forms.Form):
    include = forms.BooleanField(label=_lazy("Giữ"), required=False)
    merge = forms.BooleanField(label=_lazy("Gộp vào nhiệm vụ trước"), required=False)
    ref = forms.CharField(label=_lazy("Số thứ tự"), max_length=64, required=False)
    parent_ref = forms.CharField(label=_lazy("Thuộc nhiệm vụ"), max_length=64, required=False)
    text = forms.CharField(label=_lazy("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due = VNDateField(label=_lazy("Thời hạn"))
    due_period = forms.CharField(required=False, widget=forms.HiddenInput)
    lead = forms.ChoiceField(label=_lazy("Chủ trì"), required=False, widget=FastSelect)
    support = forms.MultipleChoiceField(
        label=_lazy("Phối hợp"), required=False, widget=FastSelectMultiple(attrs={"size": 4})
    )
    new_bodies = forms.CharField(
        label=_lazy("Cơ quan chưa có trong danh sách"),
        required=False,
        help_text=_lazy("Mỗi dòng một cơ quan; dòng đầu là chủ trì nếu chưa chọn chủ trì."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    create = forms.BooleanField(label=_lazy("Tạo các cơ quan này"), required=False)

    def __init__(self, *args, org_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = org_choices
        self.fields["support"].choices = org_choices[1:]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not cleaned.get("merge"):
            if not (cleaned.get("ref") or "").strip():
                self.add_error("ref", _("Cần số thứ tự."))
            if not (cleaned.get("text") or "").strip():
                self.add_error("text", _("Cần nội dung nhiệm vụ (hoặc bỏ chọn “Giữ”)."))
        return cleaned

    @property
    def new_body_names(self) -> list[str]:
        raw = self.cleaned_data.get("new_bodies") or ""
        return [" ".join(line.split()) for line in raw.replace(";", "\n").splitlines() if line.strip()]


def _amount_field(label) -> forms.DecimalField:
    """A figure's amount: optional, not negative, read in the active language's number format."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        localize=True,
        error_messages={"min_value": _lazy("Không được âm."), "invalid": _lazy("Nhập một số không âm.")},
    )


class FigureReviewForm(forms.Form):
    include = forms.BooleanField(label=_lazy("Giữ"), required=False)
    label = forms.CharField(label=_lazy("Chỉ tiêu"), max_length=500, required=False)
    unit = forms.CharField(label=_lazy("Đơn vị tính"), max_length=64, required=False)
    achieved = _amount_field(_lazy("Đã đạt"))
    total = _amount_field(_lazy("Tổng"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include"):
            if not (cleaned.get("label") or cleaned.get("unit")):
                self.add_error("label", _("Cần tên chỉ tiêu."))
            if cleaned.get("total") is None and "total" not in self.errors:
                self.add_error("total", _("Cần tổng chỉ tiêu."))
        return cleaned


class ReferenceReviewForm(forms.Form):
    include = forms.BooleanField(label=_lazy("Giữ"), required=False)
    number = forms.CharField(label=_lazy("Số hiệu"), max_length=64, required=False)
    kind = forms.CharField(label=_lazy("Loại"), max_length=64, required=False)
    date = VNDateField(label=_lazy("Ngày"))


class _BaseReviewFormSet(forms.BaseFormSet):
    def __init__(self, *args, org_choices=None, **kwargs):
        self.org_choices = org_choices
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.org_choices is not None:
            kwargs["org_choices"] = self.org_choices
        return kwargs


class _TaskFormSet(_BaseReviewFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: set[str] = set()
        kept = False
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("include"):
                continue
            if data.get("merge"):
                if not kept:
                    form.add_error("merge", _("Không có nhiệm vụ nào ở trước để gộp vào."))
                continue
            kept = True
            ref = data["ref"].strip()
            if ref in seen:
                form.add_error("ref", _("Số thứ tự “%(ref)s” bị trùng.") % {"ref": ref})
            parent = (data.get("parent_ref") or "").strip()
            if parent and parent == ref:
                form.add_error("parent_ref", _("Nhiệm vụ không thể thuộc chính nó."))
            seen.add(ref)


TaskFormSet = forms.formset_factory(TaskReviewForm, formset=_TaskFormSet, extra=0, max_num=2000)
FigureFormSet = forms.formset_factory(FigureReviewForm, formset=_BaseReviewFormSet, extra=0, max_num=500)
ReferenceFormSet = forms.formset_factory(ReferenceReviewForm, formset=_BaseReviewFormSet, extra=0, max_num=500)


# -- from the parser's contract to initial data, and back ---------------------------------------


@dataclass
class ReviewedTask(TaskDraft):
    """A task as the reviewer left it: the parent is chosen, not derived from the ref."""

    parent: str | None = None

    @property
    def parent_ref(self) -> str | None:  # type: ignore[override]
        return self.parent


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def initial_from_draft(draft: DirectiveDraft, match) -> dict:
    """Initial data of the review forms; `match(name) -> org id or None` pre-selects bodies."""

    def pick(names: list[str]) -> tuple[list[str], list[str]]:
        ids, unknown = [], []
        for name in names:
            oid = match(name)
            if oid is None:
                unknown.append(name)
            elif str(oid) not in ids:
                ids.append(str(oid))
        return ids, unknown

    issuer_id = match(draft.issuer) if draft.issuer else None
    meta = {
        "kind": draft.kind,
        "number": draft.number,
        "title": draft.title,
        "issuer": str(issuer_id) if issuer_id else "",
        "issuer_new": "" if issuer_id else draft.issuer,
        "meeting_date": draft.meeting_date,
        "issued_on": draft.issued_on,
        "signer": draft.signer,
        "period": draft.period,
    }
    tasks = []
    for task in draft.tasks:
        leads, unknown_leads = pick(task.lead)
        supports, unknown_supports = pick(task.support)
        tasks.append(
            {
                "include": True,
                "merge": False,
                "ref": task.ref,
                "parent_ref": task.parent_ref or "",
                "text": task.text,
                "due": task.due,
                "due_period": task.due_period,
                "lead": leads[0] if leads else "",
                "support": [i for i in leads[1:] + supports if i != (leads[0] if leads else None)],
                "new_bodies": "\n".join(unknown_leads + unknown_supports),
                "create": False,
            }
        )
    figures = [
        {"include": f.include, "label": f.label, "unit": f.unit, "achieved": f.achieved, "total": f.total}
        for f in draft.figures
    ]
    references = [{"include": True, "number": r.number, "kind": r.kind, "date": r.date} for r in draft.references]
    return {"meta": meta, "tasks": tasks, "figures": figures, "references": references}


@dataclass
class Reviewed:
    draft: DirectiveDraft
    organizations: dict  # casefolded name -> Organization the reviewer picked
    issuer_id: int | None


def reviewed_draft(meta: DirectiveMetaForm, tasks: _TaskFormSet, figures, references, *, orgs_by_id, source_text):
    """The draft as the reviewer left it, with the organizations picked for its body names.

    Dropped tasks are left out; a task marked "merge" is appended to the previous kept task
    (text and bodies); a parent that was dropped is replaced by its nearest kept ancestor.
    """
    m = meta.cleaned_data
    organizations: dict = {}

    def use(org_id: str) -> str | None:
        org = orgs_by_id.get(int(org_id)) if org_id else None
        if org is None:
            return None
        organizations[org.name.casefold()] = org
        return org.name

    issuer = use(m.get("issuer") or "") or " ".join((m.get("issuer_new") or "").split())
    kept: list[ReviewedTask] = []
    for form in tasks.forms:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        lead = use(data.get("lead") or "")
        support = [n for n in (use(i) for i in data.get("support") or []) if n and n != lead]
        if data.get("create"):
            new = form.new_body_names
            if new and lead is None:
                lead, new = new[0], new[1:]
            support += [n for n in new if n != lead and n not in support]
        if data.get("merge") and kept:
            previous = kept[-1]
            previous.text = f"{previous.text}\n{data['text'].strip()}".strip()
            if lead and not previous.lead:
                previous.lead = [lead]
            elif lead and lead not in previous.lead:
                support = [lead, *support]
            previous.support += [n for n in support if n not in previous.support and n not in previous.lead]
            if data.get("due") and not previous.due:
                previous.due = data["due"]
            continue
        ref = data["ref"].strip()
        due = data.get("due")
        kept.append(
            ReviewedTask(
                ref=ref,
                text=data["text"].strip(),
                due=due,
                due_period=(data.get("due_period") or "") if due else "",
                lead=[lead] if lead else [],
                support=support,
                parent=(data.get("parent_ref") or "").strip() or None,
            )
        )
    seen: set[str] = set()
    for task in kept:
        parent = task.parent
        while parent and parent not in seen:
            parent = parent.rsplit(".", 1)[0] if "." in parent else None
        task.parent = parent
        seen.add(task.ref)
    for task in kept:
        if task.due_period:
            try:
                Period.from_code(task.due_period)
            except ValueError:
                task.due_period = ""
    figure_drafts = [
        FigureDraft(
            label=(f.cleaned_data.get("label") or f.cleaned_data.get("unit") or "").strip(),
            unit=(f.cleaned_data.get("unit") or "").strip(),
            total=f.cleaned_data["total"],
            achieved=f.cleaned_data.get("achieved") or Decimal(0),
        )
        for f in figures.forms
        if f.cleaned_data.get("include")
    ]
    reference_drafts = [
        ReferenceDraft(
            number=r.cleaned_data["number"].strip(),
            kind=(r.cleaned_data.get("kind") or "").strip(),
            date=r.cleaned_data.get("date"),
        )
        for r in references.forms
        if r.cleaned_data.get("include") and (r.cleaned_data.get("number") or "").strip()
    ]
    draft = DirectiveDraft(
        title=m["title"].strip(),
        kind=m["kind"],
        number=(m.get("number") or "").strip(),
        issuer=issuer,
        meeting_date=m.get("meeting_date"),
        issued_on=m.get("issued_on"),
        signer=(m.get("signer") or "").strip(),
        period=m.get("period") or "",
        source_text=source_text,
        tasks=kept,
        figures=figure_drafts,
        references=reference_drafts,
    )
    issuer_org = organizations.get(issuer.casefold()) if issuer else None
    return Reviewed(draft=draft, organizations=organizations, issuer_id=issuer_org.pk if issuer_org else None)
