"""FilterSets: they parse query parameters (the list's URL contract); selectors do the work.

The query parameters (the dashboard links to them; keep the names):
directive, org, role, standing (repeatable), cutoff, period, deadline_after, deadline_before,
overdue, issuer, kind, year, q, sort, page.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from directives import models, selectors
from directives.domain.periods import Period
from directives.forms import DATE_INPUT_FORMATS
from directives.widgets import FastSelect

SORT_CHOICES = [
    ("deadline", _("Thời hạn (sớm trước)")),
    ("-deadline", _("Thời hạn (muộn trước)")),
    ("path", _("Số thứ tự")),
    ("-path", _("Số thứ tự (giảm dần)")),
    ("directive", _("Văn bản")),
    ("-directive", _("Văn bản (giảm dần)")),
    ("lead", _("Cơ quan chủ trì")),
    ("-lead", _("Cơ quan chủ trì (giảm dần)")),
    ("status", _("Trạng thái")),
    ("-status", _("Trạng thái (giảm dần)")),
]


class PeriodField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.from_code(value)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” không phải kỳ hợp lệ (ví dụ: 2021Q4, 2021H2, 2021, 2022-06)."),
                params={"value": value},
            ) from None


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


def _noop(queryset, name, value):
    return queryset


class TaskFilter(django_filters.FilterSet):
    """Only parses: `cleaned()` gives the keyword arguments of `selectors.task_list`."""

    q = django_filters.CharFilter(label=_("Tìm kiếm"), method=_noop)
    directive = django_filters.ChoiceFilter(label=_("Văn bản"), method=_noop, widget=FastSelect)
    org = django_filters.ChoiceFilter(label=_("Cơ quan"), method=_noop, widget=FastSelect)
    role = django_filters.ChoiceFilter(
        label=_("Vai trò"), choices=[("lead", _("Chủ trì")), ("support", _("Phối hợp"))], method=_noop
    )
    standing = django_filters.MultipleChoiceFilter(
        label=_("Tình trạng"), choices=selectors.STANDING_CHOICES, method=_noop, widget=forms.CheckboxSelectMultiple
    )
    cutoff = django_filters.DateFilter(label=_("Tính đến ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    period = PeriodFilter(label=_("Kỳ (2021Q4, 2021H2, 2021, 2022-06)"), method=_noop)
    deadline_after = django_filters.DateFilter(label=_("Hạn từ ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    deadline_before = django_filters.DateFilter(label=_("Hạn đến ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    overdue = django_filters.BooleanFilter(label=_("Chỉ việc quá hạn"), widget=forms.CheckboxInput, method=_noop)
    issuer = django_filters.ChoiceFilter(label=_("Cơ quan ban hành"), method=_noop, widget=FastSelect)
    kind = django_filters.ChoiceFilter(label=_("Loại văn bản"), choices=models.Directive.Kind.choices, method=_noop)
    # Bounds on the field itself (setting min_value after the field is built adds no validator).
    year = django_filters.NumberFilter(label=_("Năm của thời hạn"), method=_noop, min_value=1900, max_value=2200)
    sort = django_filters.ChoiceFilter(label=_("Sắp xếp"), choices=SORT_CHOICES, method=_noop, empty_label=None)

    class Meta:
        model = models.Task
        fields: list[str] = []

    def __init__(self, data=None, *args, request=None, **kwargs):
        super().__init__(data, *args, request=request, **kwargs)
        user = request.user
        fields = self.form.fields
        # Plain (id, label) pairs: a thousand directives as model instances with translated
        # kind labels cost more than the rest of the page.
        kinds = {code: str(label) for code, label in models.Directive.Kind.choices}
        fields["directive"].choices = [
            (str(pk), f"{kinds.get(kind, kind)} {number}" if number else f"{kinds.get(kind, kind)}: {title[:60]}")
            for pk, kind, number, title in selectors.visible_directives(user)
            .order_by("-issued_on", "-id")
            .values_list("id", "kind", "number", "title")
        ]
        orgs = selectors.organizations_in_view(user)
        fields["org"].choices = [(str(pk), name) for pk, name in orgs.values_list("id", "name")]
        fields["issuer"].choices = [
            (str(pk), name)
            for pk, name in orgs.filter(issued_directives__isnull=False).distinct().values_list("id", "name")
        ]
        for name in ("cutoff", "deadline_after", "deadline_before"):
            fields[name].widget.attrs.update({"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

    def cleaned(self) -> dict:
        """Keyword arguments for `selectors.task_list` (call after `is_valid()`)."""
        d = self.form.cleaned_data
        return {
            "directive": int(d["directive"]) if d.get("directive") else None,
            "org": int(d["org"]) if d.get("org") else None,
            "role": d.get("role") or "",
            "standings": list(d.get("standing") or []),
            "cutoff": d.get("cutoff"),
            "period": d.get("period"),
            "deadline_after": d.get("deadline_after"),
            "deadline_before": d.get("deadline_before"),
            "overdue": bool(d.get("overdue")),
            "issuer": int(d["issuer"]) if d.get("issuer") else None,
            "kind": d.get("kind") or "",
            "year": int(d["year"]) if d.get("year") is not None else None,
            "q": d.get("q") or "",
            "sort": d.get("sort") or "deadline",
        }
