"""FilterSets: they parse query parameters (the list's URL contract); selectors do the work.

The query parameters (the dashboard links to them; keep the names):
directive, org (an id, or "mine": the user's organizations), role, standing (repeatable),
cutoff, period (a code such as 2021Q4, shown by name: "Quý IV/2021"), deadline_after,
deadline_before, overdue, issuer, kind, year, q, followed, sort, page.

The list shows the first five in a compact bar; the others behind "Thêm bộ lọc" (`MORE`).
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import get_language
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


# Filters of the compact bar; the others are behind "Thêm bộ lọc".
BAR = ("q", "org", "role", "standing", "period")
MORE = ("directive", "issuer", "kind", "cutoff", "deadline_after", "deadline_before", "year", "sort")


def period_name(period: Period) -> str:
    """A period's name in the interface's language: "Quý IV/2021" or "Q4/2021"."""
    return period.label_en() if (get_language() or "vi").startswith("en") else period.label()


def period_choices(first_year: int, last_year: int) -> list:
    """Named periods grouped by year, newest first: "Năm 2023", "6 tháng đầu năm 2023",
    "Quý I/2023"…; the value stays the URL's code ("2023Q1")."""
    groups = []
    for year in range(last_year, first_year - 1, -1):
        periods = [Period(year), Period(year, half=1), Period(year, half=2)]
        periods += [Period(year, quarter=q) for q in (1, 2, 3, 4)]
        groups.append((str(year), [(p.code(), period_name(p)) for p in periods]))
    return groups


class PeriodField(forms.ChoiceField):
    """A named period from the list, or any period code typed in the URL (2022-06)."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return Period.from_code(value)
        except ValueError:
            raise forms.ValidationError(
                _("“%(value)s” không phải kỳ hợp lệ (ví dụ: Quý IV/2021 là 2021Q4)."),
                params={"value": value},
            ) from None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def valid_value(self, value):
        return True


class PeriodFilter(django_filters.Filter):
    field_class = PeriodField


DIRECTIVE_CHOICES = 300


def _noop(queryset, name, value):
    return queryset


class TaskFilter(django_filters.FilterSet):
    """Only parses: `cleaned()` gives the keyword arguments of `selectors.task_list`."""

    q = django_filters.CharFilter(label=_("Tìm kiếm"), method=_noop)
    directive = django_filters.ChoiceFilter(
        label=_("Văn bản"), method=_noop, widget=FastSelect, empty_label=_("Mọi văn bản")
    )
    org = django_filters.ChoiceFilter(label=_("Cơ quan"), method=_noop, widget=FastSelect, empty_label=_("Mọi cơ quan"))
    role = django_filters.ChoiceFilter(
        label=_("Vai trò"),
        choices=[("lead", _("Chủ trì")), ("support", _("Phối hợp"))],
        method=_noop,
        empty_label=_("Mọi vai trò"),
    )
    standing = django_filters.MultipleChoiceFilter(
        label=_("Tình trạng"),
        choices=[*selectors.STANDING_CHOICES, selectors.DUE_SOON_CHOICE],
        method=_noop,
        widget=forms.SelectMultiple,
    )
    cutoff = django_filters.DateFilter(label=_("Tính đến ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    period = PeriodFilter(label=_("Kỳ (thời hạn trong kỳ)"), method=_noop)
    deadline_after = django_filters.DateFilter(label=_("Hạn từ ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    deadline_before = django_filters.DateFilter(label=_("Hạn đến ngày"), input_formats=DATE_INPUT_FORMATS, method=_noop)
    # Kept for the links that use it (?overdue=1); the form offers the standing "Quá hạn" instead.
    overdue = django_filters.BooleanFilter(label=_("Chỉ việc quá hạn"), widget=forms.HiddenInput, method=_noop)
    followed = django_filters.BooleanFilter(label=_("Đang theo dõi"), widget=forms.HiddenInput, method=_noop)
    issuer = django_filters.ChoiceFilter(
        label=_("Cơ quan ban hành"), method=_noop, widget=FastSelect, empty_label=_("Mọi cơ quan ban hành")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Loại văn bản"), choices=models.Directive.Kind.choices, method=_noop, empty_label=_("Mọi loại")
    )
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
        # The most recent directives (a national tracker holds tens of thousands: a select of
        # them all would cost more than the rest of the page); the one asked for in the URL is
        # always offered, and the search box finds any directive by its number.
        visible = selectors.visible_directives(user)
        directives = list(
            visible.order_by("-issued_on", "-id").values_list("id", "kind", "number", "title")[:DIRECTIVE_CHOICES]
        )
        asked_directive = str(self._asked("directive") or "")
        if (
            asked_directive.isdigit()
            and len(asked_directive) <= 18
            and not any(str(row[0]) == asked_directive for row in directives)
        ):
            directives += list(visible.filter(pk=int(asked_directive)).values_list("id", "kind", "number", "title"))
        fields["directive"].choices = [
            (str(pk), f"{kinds.get(kind, kind)} {number}" if number else f"{kinds.get(kind, kind)}: {title[:60]}")
            for pk, kind, number, title in directives
        ]
        # The organizations, each marked when it issued a directive the user may see (one query).
        orgs = list(
            selectors.organizations_in_view(user)
            .annotate(_issuer=Exists(visible.filter(issuer_id=OuterRef("pk"))))
            .values_list("id", "name", "_issuer")
        )
        fields["org"].choices = [("mine", _("Đơn vị tôi"))] + [(str(pk), name) for pk, name, _i in orgs]
        fields["issuer"].choices = [(str(pk), name) for pk, name, issued in orgs if issued]
        # Named periods of the last twelve years and the next three (no query); an older one
        # given in the URL is added to the list.
        this_year = timezone.localdate().year
        choices = [("", _("Mọi kỳ")), *period_choices(this_year - 12, this_year + 3)]
        asked = self._asked("period")
        if asked and not any(asked == code for _y, group in choices[1:] for code, _n in group):
            try:
                period = Period.from_code(asked)
            except ValueError:
                pass
            else:
                choices.insert(1, (period.code(), period_name(period)))
        fields["period"].choices = choices
        for name in ("cutoff", "deadline_after", "deadline_before"):
            fields[name].widget.attrs.update({"placeholder": "dd/mm/yyyy", "inputmode": "numeric"})

    def _asked(self, name: str):
        """The value the URL gives for the filter `name` (None without one)."""
        data = self.data or {}
        return data.get(name) if hasattr(data, "get") else None

    def cleaned(self) -> dict:
        """Keyword arguments for `selectors.task_list` (call after `is_valid()`)."""
        d = self.form.cleaned_data
        return {
            "directive": int(d["directive"]) if d.get("directive") else None,
            "org": ("mine" if d.get("org") == "mine" else int(d["org"])) if d.get("org") else None,
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
            "followed": bool(d.get("followed")),
        }

    def more_active(self) -> bool:
        """Whether a filter behind "Thêm bộ lọc" is set (the section then opens)."""
        return any(self.form.data.get(name) for name in MORE if name != "sort")
