"""Forms of the import flow: the text or file to parse, then the review of the draft.

The review is one metadata form and three formsets (tasks, figures, cited documents). Body
choices are plain ids over a list computed once per request (`organization_choices`), so a
review of 80 tasks does not run a query per select. `reviewed_draft` turns the cleaned forms
into the `DirectiveDraft` that `services.directive_import` writes.
"""

from __future__ import annotations

import logging
from datetime import date
from html import escape  # the stdlib one: django's lazy-aware wrapper costs 10x on 15,000 options

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from directives.domain.periods import Period
from directives.domain.recurrence import RecurrenceRule
from directives.importing.sources import SOURCE_ACCEPT, SOURCE_EXTENSIONS
from directives.models import Directive, Task, validate_sane_date

logger = logging.getLogger(__name__)

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
        label=_lazy(
            "hoặc tải lên tệp (.txt, .docx, .doc, .pdf, ảnh scan .png/.jpg/.tif), bảng nhiệm vụ Excel (.xlsx) "
            "hoặc gói văn bản điện tử edXML (.edxml, .xml)"
        ),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": SOURCE_ACCEPT}),
    )

    def clean(self):
        """Leaves the decoded text in cleaned_data['source_text'] (the parser's decode); for a task
        table or an edXML package, also the read `Source` in cleaned_data['structured']."""
        from directives.documents import NeedsOCR
        from directives.importing.sources import read_structured, structured_format
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
            if not name.lower().endswith(SOURCE_EXTENSIONS):
                raise ValidationError(
                    _(
                        "Chỉ nhận tệp văn bản (.txt), Word (.docx, .doc), PDF, ảnh scan (.png, .jpg, .tif), "
                        "bảng nhiệm vụ Excel (.xlsx) hoặc gói edXML (.edxml, .xml)."
                    )
                )
            data = upload.read()
            if structured_format(name, data):
                try:
                    source = read_structured(name, data, ocr=False)
                except ParseInputError as error:
                    raise ValidationError(str(error)) from None
                except Exception:  # a reader must never turn a bad file into a 500
                    logger.exception("read_structured failed on %s", name)
                    raise ValidationError(_("Không đọc được tệp này: tệp bị hỏng hoặc không đúng định dạng.")) from None
                cleaned["structured"] = source
                cleaned["source_text"] = source.source_text
                return cleaned
            try:
                text = decode_upload(data, name)
            except NeedsOCR:  # a scan: read in the worker (see views.imports.import_job)
                cleaned["needs_ocr"] = {"name": name, "data": data}
                cleaned["source_text"] = ""
                return cleaned
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


def share_choices(field: forms.ChoiceField, choices: list[tuple[str, str]]) -> None:
    """Give `field` an already normalized list of (value, label) pairs, without copying it."""
    field._choices = choices
    field.widget._choices = choices  # the widget's setter normalizes a copy too


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


def recurrence_choices() -> list[tuple[str, str]]:
    """Task.recurrence's choices ("Không định kỳ", "Hằng tháng" …) in the active language."""
    return [(value, str(label)) for value, label in Task._meta.get_field("recurrence").choices]


class TaskReviewForm(forms.Form):
    include = forms.BooleanField(label=_lazy("Giữ"), required=False)
    merge = forms.BooleanField(label=_lazy("Gộp vào nhiệm vụ trước"), required=False)
    ref = forms.CharField(label=_lazy("Số thứ tự"), max_length=64, required=False)
    parent_ref = forms.CharField(label=_lazy("Thuộc nhiệm vụ"), max_length=64, required=False)
    text = forms.CharField(label=_lazy("Nội dung"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    due = VNDateField(label=_lazy("Thời hạn"))
    due_period = forms.CharField(required=False, widget=forms.HiddenInput)
    recurrence = forms.ChoiceField(label=_lazy("Định kỳ"), required=False, widget=FastSelect)
    recurrence_day = forms.IntegerField(
        label=_lazy("Ngày đến hạn"),
        required=False,
        min_value=0,
        max_value=31,
        widget=forms.NumberInput(attrs={"size": 2, "min": 0, "max": 31, "class": "recurrence-num"}),
    )
    recurrence_month = forms.IntegerField(
        label=_lazy("Tháng trong kỳ"),
        required=False,
        min_value=0,
        max_value=12,
        widget=forms.NumberInput(attrs={"size": 2, "min": 0, "max": 12, "class": "recurrence-num"}),
    )
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

    def __init__(self, *args, org_choices: list[tuple[str, str]], support_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        # One list shared by every row, assigned as is: the `choices` setter normalizes a copy
        # per field, which took 10 s for a 1,000-task draft with 150 bodies.
        share_choices(self.fields["lead"], org_choices)
        share_choices(self.fields["support"], support_choices if support_choices is not None else org_choices[1:])
        share_choices(self.fields["recurrence"], recurrence_choices())

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and not cleaned.get("merge"):
            if not (cleaned.get("ref") or "").strip():
                self.add_error("ref", _("Cần số thứ tự."))
            if not (cleaned.get("text") or "").strip():
                self.add_error("text", _("Cần nội dung nhiệm vụ (hoặc bỏ chọn “Giữ”)."))
        if cleaned.get("include") and cleaned.get("recurrence"):
            if not cleaned.get("due") and "due" not in self.errors and not cleaned.get("merge"):
                self.add_error("due", _("Nhiệm vụ định kỳ cần thời hạn của lần đầu tiên."))
            day, month = cleaned.get("recurrence_day") or 0, cleaned.get("recurrence_month") or 0
            if "recurrence_day" not in self.errors and "recurrence_month" not in self.errors:
                try:
                    RecurrenceRule(cleaned["recurrence"], day, month)
                except ValueError:
                    self.add_error("recurrence_month", _("Tháng đến hạn vượt quá số tháng của kỳ."))
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


class _TaskFormSetBase(_BaseReviewFormSet):
    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.org_choices is not None:
            if not hasattr(self, "_support_choices"):
                self._support_choices = self.org_choices[1:]
            kwargs["support_choices"] = self._support_choices
        return kwargs


class _TaskFormSet(_TaskFormSetBase):
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


def _hidden_value(value) -> list[str]:
    if value is None:
        return [""]
    if isinstance(value, bool):
        return ["on"] if value else []
    if isinstance(value, date):
        return [value.strftime("%d/%m/%Y")]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def hidden_forms_html(forms_) -> str:
    """The fields of the review rows not shown on this page, as hidden inputs written in Python
    (Django's per-widget templates would take seconds for a 1,000-task draft). A checkbox left
    unticked is simply absent, as a browser posts it."""
    parts = []
    for form in forms_:
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                value = bool(value) and value not in ("False", "false", "0", "off")
            for item in _hidden_value(value):
                parts.append(f'<input type="hidden" name="{escape(bound.html_name)}" value="{escape(item)}">')
    return mark_safe("".join(parts))
