"""Forms of the staff UI: they validate input; services write."""

from __future__ import annotations

import io
import os
import zipfile
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from directives import models

DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"]

ALLOWED_EXTENSIONS = {"pdf", "docx", "xlsx", "doc", "xls", "png", "jpg", "jpeg", "txt"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def content_matches(extension: str, head: bytes, upload) -> bool:
    """Whether the file's first bytes are what its extension says (magic bytes)."""
    if extension == "pdf":
        return head.startswith(b"%PDF-")
    if extension == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("jpg", "jpeg"):
        return head.startswith(b"\xff\xd8\xff")
    if extension in ("doc", "xls"):
        return head.startswith(_OLE)
    if extension in ("docx", "xlsx"):
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(io.BytesIO(upload.read())) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
        prefix = "word/" if extension == "docx" else "xl/"
        return any(n.startswith(prefix) for n in names)
    if extension == "txt":
        if b"\x00" in head:
            return False
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as exc:  # a multi-byte character cut at the end is fine
            return exc.start >= len(head) - 3
        return True
    return False


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def validate_evidence(upload) -> None:
    limit = settings.UPLOAD_MAX_BYTES
    name = os.path.basename(upload.name or "")
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ALLOWED_EXTENSIONS:
        raise forms.ValidationError(
            _("“%(name)s”: chỉ nhận tệp pdf, docx, xlsx, doc, xls, png, jpg, txt."), params={"name": name}
        )
    if upload.size > limit:
        raise forms.ValidationError(
            _("“%(name)s” vượt quá dung lượng cho phép (%(mb)s MB)."),
            params={"name": name, "mb": round(limit / 1024 / 1024, 1)},
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    if not content_matches(extension, head, upload):
        raise forms.ValidationError(
            _("“%(name)s”: nội dung tệp không đúng với phần mở rộng .%(ext)s."),
            params={"name": name, "ext": extension},
        )
    stem = get_valid_filename(name.rsplit(".", 1)[0]) if name.rsplit(".", 1)[0].strip(" ._") else ""
    upload.name = f"{stem or 'tep'}.{extension}"[-200:]


class ProgressReportForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"), choices=models.Task.Status.choices)
    percent = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100)
    completed_on = forms.DateField(
        label=_("Ngày hoàn thành"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy; để trống là hôm nay khi hoàn thành."),
        validators=[models.validate_sane_date, models.validate_not_future],
    )
    note = forms.CharField(label=_("Nội dung báo cáo"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    close_open_subtasks = forms.BooleanField(
        label=_("Hoàn thành dù còn nhiệm vụ cấp dưới chưa xong (cán bộ quản lý quyết định)"), required=False
    )
    files = EvidenceField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("pdf, docx, xlsx, doc, xls, png, jpg, txt; có thể chọn nhiều tệp."),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = []
        for upload in files:
            try:
                validate_evidence(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class PassDownForm(forms.Form):
    """A sub-task for one child organization of the task's lead."""

    lead = forms.ModelChoiceField(label=_("Cơ quan cấp dưới chủ trì"), queryset=models.Organization.objects.none())
    supporters = forms.ModelMultipleChoiceField(
        label=_("Cơ quan phối hợp"),
        queryset=models.Organization.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = forms.DateField(
        label=_("Thời hạn"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy; không sau thời hạn của nhiệm vụ; để trống là cùng thời hạn."),
    )
    text = forms.CharField(
        label=_("Nội dung giao"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=8000,
        help_text=_("Để trống là nội dung của nhiệm vụ."),
    )

    def __init__(self, *args, task: models.Task, **kwargs):
        kwargs.setdefault("prefix", "down")
        super().__init__(*args, **kwargs)
        children = models.Organization.objects.filter(parent_id=task.lead_id, is_active=True).order_by("name")
        self.fields["lead"].queryset = children
        self.fields["supporters"].queryset = children
        self.fields["deadline"].widget.format = "%d/%m/%Y"


class ExtensionRequestForm(forms.Form):
    requested_deadline = forms.DateField(
        label=_("Thời hạn đề nghị"),
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy"),
        validators=[models.validate_sane_date],
    )
    reason = forms.CharField(label=_("Lý do"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[("approve", _("Chấp thuận")), ("refuse", _("Không chấp thuận"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Ý kiến"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ClaimDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Thẩm định"),
        choices=[("accept", _("Xác nhận hoàn thành")), ("return", _("Trả lại"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Ý kiến"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        help_text=_("Bắt buộc khi trả lại."),
    )


class ExplanationRequestForm(forms.Form):
    question = forms.CharField(
        label=_("Nội dung yêu cầu giải trình"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    due_on = forms.DateField(label=_("Hạn giải trình"), input_formats=DATE_INPUT_FORMATS, help_text=_("dd/mm/yyyy"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["due_on"].widget.format = "%d/%m/%Y"


class ExplanationAnswerForm(forms.Form):
    answer = forms.CharField(label=_("Nội dung giải trình"), widget=forms.Textarea(attrs={"rows": 3}), max_length=8000)
    files = EvidenceField(
        label=_("Tệp kèm theo"),
        required=False,
        help_text=_("pdf, docx, xlsx, doc, xls, png, jpg, txt; có thể chọn nhiều tệp."),
    )

    def clean_files(self):
        files = self.cleaned_data.get("files") or []
        errors = []
        for upload in files:
            try:
                validate_evidence(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return files


class TargetUpdateForm(forms.Form):
    achieved = forms.DecimalField(
        label=_("Số đã đạt"), min_value=Decimal(0), max_digits=16, decimal_places=2, localize=True
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, prefix=None, **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        data = self.data
        key = self.add_prefix("achieved")
        if data and key in data and isinstance(data.get(key), str):  # accept "19,5" and "19.5"
            data = data.copy()
            data[key] = data[key].strip().replace(" ", "")
            self.data = data


class DirectiveEditForm(forms.ModelForm):
    """A directive's metadata, as a manager of the issuing organization edits it."""

    meeting_date = forms.DateField(
        label=_("Ngày họp"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy"),
        validators=[models.validate_sane_date],
    )
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        required=False,
        input_formats=DATE_INPUT_FORMATS,
        help_text=_("dd/mm/yyyy"),
        validators=[models.validate_sane_date],
    )

    class Meta:
        model = models.Directive
        fields = [
            "kind",
            "number",
            "title",
            "meeting_date",
            "issued_on",
            "signer",
            "period",
            "status",
            "verification",
            "implements",
        ]
        widgets = {"title": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("meeting_date", "issued_on"):
            self.fields[name].widget.format = "%d/%m/%Y"
        # A lower body's plan implements a higher task its issuer leads.
        field = self.fields["implements"]
        issuer_id = self.instance.issuer_id
        field.queryset = (
            models.Task.objects.filter(lead_id=issuer_id, retired_on__isnull=True)
            .exclude(directive_id=self.instance.pk)
            .select_related("directive")
            .order_by("directive_id", "position", "id")
            if issuer_id
            else models.Task.objects.none()
        )
        field.label_from_instance = lambda t: f"{t.directive.number or t.directive} · {t.path} {t.text[:80]}"
