"""Dashboard, its .xlsx export and the quarterly .docx report.

The views parse the query string with `DashboardForm`, ask `selectors.dashboard_data` for the
figures and shape them for the template: every number becomes a (text, link) pair pointing to
the task list filtered to exactly the tasks behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape as quote  # = django's escape on str, without its lazy-string wrapper
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from directives import models, selectors
from directives.domain.periods import Period, format_date_vi, format_number_vi, format_percent_vi
from directives.domain.status import DUE_SOON
from directives.exports import charts, documents, workbooks
from directives.selectors.dashboard import COUNTED_CODES, FINISHED_CODES, WITHIN_CODES, Counts, DashboardFilters
from directives.selectors.standing import STANDING_CHOICES

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def task_list_url() -> str:
    try:
        return reverse("directives:task_list")
    except NoReverseMatch:
        return "/tasks/"


# Eight quarters back from the cut-off must stay within Period's years (1900..2200).
YEARS = (1902, 2199)


class DashboardForm(forms.Form):
    cutoff = forms.DateField(
        label=gettext_lazy("Tính đến ngày"), required=False, input_formats=["%Y-%m-%d", "%d/%m/%Y"]
    )
    at = forms.CharField(label=gettext_lazy("Hoặc cuối kỳ"), required=False, max_length=8)
    issuer = forms.TypedChoiceField(
        label=gettext_lazy("Cơ quan ban hành"), required=False, coerce=int, empty_value=None
    )
    kind = forms.ChoiceField(label=gettext_lazy("Loại văn bản"), required=False)
    year = forms.IntegerField(label=gettext_lazy("Năm của thời hạn"), required=False, min_value=1900, max_value=2200)

    def __init__(self, *args, issuers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer"].choices = [("", _("Tất cả"))] + [(o.pk, o.short_name or o.name) for o in issuers]
        self.fields["kind"].choices = [("", _("Tất cả"))] + list(models.Directive.Kind.choices)

    def clean_cutoff(self):
        cutoff = self.cleaned_data.get("cutoff")
        if cutoff and not YEARS[0] <= cutoff.year <= YEARS[1]:
            raise forms.ValidationError(_("Chọn ngày trong khoảng năm %(a)s–%(b)s.") % {"a": YEARS[0], "b": YEARS[1]})
        return cutoff

    def clean_at(self) -> Period | None:
        code = self.cleaned_data.get("at")
        if not code:
            return None
        try:
            period = Period.from_code(code)
        except ValueError:
            raise forms.ValidationError(
                _("“%(code)s” không phải kỳ hợp lệ (ví dụ: 2021Q3, 2021H1, 2021)."), params={"code": code}
            ) from None
        if period.kind == "month":
            raise forms.ValidationError(_("Chọn quý, 6 tháng hoặc năm (ví dụ: 2021Q3, 2021H1, 2021)."))
        if not YEARS[0] <= period.year <= YEARS[1]:
            raise forms.ValidationError(_("Chọn kỳ trong khoảng năm %(a)s–%(b)s.") % {"a": YEARS[0], "b": YEARS[1]})
        return period


def dashboard_filters(data, *, issuers=()) -> tuple[DashboardFilters, DashboardForm]:
    """Read the filters; invalid fields fall back to their default and are reported by the form."""
    form = DashboardForm(data, issuers=issuers)
    form.is_valid()
    clean = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    today = timezone.localdate()
    cutoff = clean.get("cutoff") or today
    if clean.get("at"):  # the end of the period, or today for the current one: no figure from the future
        cutoff = min(clean["at"].end, today)
    filters = DashboardFilters(
        cutoff=cutoff, issuer=clean.get("issuer"), kind=clean.get("kind") or "", year=clean.get("year")
    )
    return filters, form


def _issuers(user):
    """The issuers of the directives the user may see (the filter's choices are scoped too)."""
    return models.Organization.objects.filter(
        pk__in=selectors.directives_visible_to(user).exclude(issuer=None).values("issuer_id")
    ).only("pk", "name", "short_name")


@dataclass(frozen=True)
class Cell:
    text: str
    url: str
    count: int  # the number of tasks behind the link


def _int_vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class Links:
    """Builds cells; the row's query string is encoded once per `Counts`, not once per cell."""

    def __init__(self):
        self.base = task_list_url()
        self._rows: dict[int, str] = {}

    def __call__(self, counts: Counts, *codes: str, text: str | None = None) -> Cell:
        row = self._rows.get(id(counts))
        if row is None:
            row = self._rows[id(counts)] = f"{self.base}?{urlencode(counts.params)}"
        n = counts.get(*codes)
        url = row + "".join(f"&standing={c}" for c in codes)
        return Cell(text if text is not None else _int_vi(n), url, n)


def _cells_html(cells: dict, keys: list[str]) -> str:
    """`<td>` links of a table row, built in Python: these tables have hundreds of rows."""
    return "".join(
        f'<td class="num"><a href="{cells[k].url.replace("&", "&amp;")}">{cells[k].text}</a></td>' for k in keys
    )


def _truncate(text: str, n: int) -> str:
    """The `truncatechars:n` filter, without its cost for the (usual) short text."""
    return text if len(text) <= n else Truncator(text).chars(n)


ORG_KEYS = ["tasks", "on_time", "late", "within", "overdue", "completion", "on_time_rate"]
DIRECTIVE_KEYS = ["tasks", "completion", "on_time_rate", "overdue"]
DIRECTIVE_LIMIT = 50


def _delta(now: float | None, before: float | None, percent: bool) -> str:
    if now is None or before is None:
        return ""
    d = now - before
    text = format_percent_vi(abs(d)) if percent else format_number_vi(abs(d))
    if percent:
        text = text.replace("%", " " + _("điểm %"))
    return ("+" if d > 0 else "−" if d < 0 else "±") + text


SORT_KEYS = {
    "name": lambda r: r.name.casefold(),
    "tasks": lambda r: r.counts.counted,
    "on_time": lambda r: r.counts.on_time,
    "late": lambda r: r.counts.late,
    "within": lambda r: r.counts.within,
    "overdue": lambda r: r.counts.overdue,
    "completion": lambda r: r.counts.completion_rate if r.counts.completion_rate is not None else -1,
    "on_time_rate": lambda r: r.counts.on_time_rate if r.counts.on_time_rate is not None else -1,
}


def _sorted(rows, sort: str):
    key = sort.lstrip("-")
    if key not in SORT_KEYS:
        key, sort = "name", "name"
    rows = sorted(rows, key=lambda r: r.name.casefold())  # ties by name
    return sorted(rows, key=SORT_KEYS[key], reverse=sort.startswith("-"))


def dashboard_context(request) -> dict:
    filters, form = dashboard_filters(request.GET, issuers=_issuers(request.user))
    all_directives = request.GET.get("directives") == "all"
    data = selectors.dashboard_data(
        request.user, filters, target_directives=None if all_directives else DIRECTIVE_LIMIT
    )
    link = Links()
    h, p = data.headline, data.previous
    headline = [
        {
            "label": _("Nhiệm vụ được tính"),
            "cell": link(h, *COUNTED_CODES),
            "delta": _delta(h.counted, p.counted, False),
            "previous": link(p, *COUNTED_CODES),
        },
        {
            "label": _("Tỷ lệ hoàn thành"),
            "cell": link(h, *FINISHED_CODES, text=format_percent_vi(h.completion_rate)),
            "detail": _("%(n)s/%(d)s nhiệm vụ") % {"n": h.finished, "d": h.counted},
            "delta": _delta(h.completion_rate, p.completion_rate, True),
            "previous": link(p, *FINISHED_CODES, text=format_percent_vi(p.completion_rate)),
        },
        {
            "label": _("Tỷ lệ đúng hạn"),
            "cell": link(h, "done_on_time", text=format_percent_vi(h.on_time_rate)),
            "detail": _("%(n)s/%(d)s nhiệm vụ hoàn thành") % {"n": h.on_time, "d": h.finished},
            "delta": _delta(h.on_time_rate, p.on_time_rate, True),
            "previous": link(p, "done_on_time", text=format_percent_vi(p.on_time_rate)),
        },
        {
            "label": _("Quá hạn chưa hoàn thành"),
            "cell": link(h, "overdue"),
            "delta": _delta(h.overdue, p.overdue, False),
            "previous": link(p, "overdue"),
        },
    ]
    standing_rows = [{"code": code, "label": label, "cell": link(h, code)} for code, label in STANDING_CHOICES]
    due_soon_row = {"code": DUE_SOON, "label": _("Trong đó: sắp đến hạn"), "cell": link(data.due_soon, DUE_SOON)}
    standing_chart = charts.bar_chart(
        [
            charts.Bar(str(r["label"]), h.get(code), r["cell"].url)
            for r, (code, _l) in zip(standing_rows, STANDING_CHOICES, strict=True)
        ],
        title=_("Nhiệm vụ theo tình trạng"),
    )

    def rate_cells(c: Counts) -> dict:
        return {
            "tasks": link(c, *COUNTED_CODES),
            "on_time": link(c, "done_on_time"),
            "late": link(c, "done_late"),
            "within": link(c, *WITHIN_CODES),
            "overdue": link(c, "overdue"),
            "no_deadline": link(c, "no_deadline"),
            "completion": link(c, *FINISHED_CODES, text=format_percent_vi(c.completion_rate)),
            "on_time_rate": link(c, "done_on_time", text=format_percent_vi(c.on_time_rate)),
        }

    directive_rows = data.by_directive
    if not all_directives:  # the most overdue first; the whole table is in the .xlsx and ?directives=all
        directive_rows = sorted(directive_rows, key=lambda r: (-r.counts.overdue, r.directive_id))[:DIRECTIVE_LIMIT]
    directives = []
    for r in directive_rows:
        cells = rate_cells(r.counts)
        name = escape(f"{r.number or '—'} · {r.title[:90]}")
        directives.append(
            {"row": r, **cells, "html": mark_safe(f"<td>{name}</td>{_cells_html(cells, DIRECTIVE_KEYS)}")}
        )
    sort = request.GET.get("sort", "name")

    def org_rows(role: str) -> list[dict]:
        rows = []
        for r in _sorted([r for r in data.by_organization if r.role == role], sort):
            cells = rate_cells(r.counts)
            rows.append(
                {"row": r, **cells, "html": mark_safe(f"<td>{escape(r.name)}</td>{_cells_html(cells, ORG_KEYS)}")}
            )
        return rows

    lead, support = org_rows("lead"), org_rows("support")
    english = getattr(request, "LANGUAGE_CODE", "vi") == "en"

    def long_label(p: Period) -> str:
        return p.label_en() if english else p.label()

    def short_label(p: Period) -> str:
        return p.label_en() if english else p.label().replace("Quý ", "Q")

    series = [_("Hoàn thành đúng hạn"), _("Hoàn thành quá hạn"), _("Đang thực hiện trong hạn"), _("Quá hạn")]
    groups = [["done_on_time"], ["done_late"], WITHIN_CODES, ["overdue"]]
    # The quarter view: the tasks due before its first quarter (an old backlog) in one column and
    # row, "Trước …", then each quarter.
    columns = [(short_label(q.period), q.counts) for q in data.by_quarter]
    quarters = [{"row": q, "label": q.period.label(), **rate_cells(q.counts)} for q in data.by_quarter]
    if data.earlier is not None:
        first = data.by_quarter[0].period
        columns.insert(0, (_("Trước"), data.earlier))
        earlier_label = _("Trước %(quarter)s") % {"quarter": long_label(first)}
        quarters.insert(0, {"row": earlier_label, "label": earlier_label, **rate_cells(data.earlier)})
    quarter_chart = charts.stacked_columns(
        [
            charts.Stack(
                label=label,
                values=[c.get(*g) for g in groups],
                urls=[link(c, *g).url for g in groups],
                total_url=link(c, *COUNTED_CODES).url,
            )
            for label, c in columns
        ],
        series=series,
        title=_("Nhiệm vụ theo quý của thời hạn"),
        styles=(0, 1, 2, 4),  # the standings' colours: overdue is red here as in the standing chart
        width=max(640, 20 + 60 * len(columns)),  # room for each quarter's label when it reaches back
    )
    targets = []
    no_trend = quote(_("Chưa có số liệu theo quý"))
    for t in data.targets:  # one row per target: thousands at scale, so the <td>s are built here
        text = documents.target_text(t.achieved, t.total, t.unit, t.percent)
        spark = target_sparkline(t, long_label) if t.trend else mark_safe(f'<span class="muted">{no_trend}</span>')
        html = f"<td>{quote(t.directive_label)}</td><td>{quote(_truncate(t.label, 120))}</td><td>{quote(text)}</td>"
        targets.append({"row": t, "text": text, "spark": spark, "html": mark_safe(html + f"<td>{spark}</td>")})
    export_query = urlencode({k: v for k, v in request.GET.items() if k != "sort"})
    overdue_all = f"{link.base}?{urlencode(h.link_params('overdue'))}"
    return {
        "form": form,
        "data": data,
        "filters": filters,
        "cutoff_text": format_date_vi(filters.cutoff),
        "previous_text": format_date_vi(data.previous_cutoff),
        "headline": headline,
        "standing_rows": [*standing_rows, due_soon_row],
        "standing_chart": standing_chart,
        "directives": directives,
        "directives_hidden": len(data.by_directive) - len(directives),
        "lead_rows": lead,
        "support_rows": support,
        "sort": sort,
        "sort_query": f"{export_query}&" if export_query else "",
        "org_columns": [
            ("name", _("Cơ quan, đơn vị")),
            ("tasks", _("Nhiệm vụ")),
            ("on_time", _("Hoàn thành đúng hạn")),
            ("late", _("Hoàn thành quá hạn")),
            ("within", _("Đang thực hiện trong hạn")),
            ("overdue", _("Quá hạn chưa hoàn thành")),
            ("completion", _("Tỷ lệ hoàn thành")),
            ("on_time_rate", _("Tỷ lệ đúng hạn")),
        ],
        "quarter_chart": quarter_chart,
        "quarters": quarters,
        "targets": targets,
        "overdue_all": overdue_all,
        "export_query": export_query,
        "report_quarter": Period(filters.cutoff.year, quarter=(filters.cutoff.month - 1) // 3 + 1).code(),
    }


def target_sparkline(t, quarter_label) -> str:
    """A target's trend (its last quarterly snapshots) as an inline SVG line whose text
    alternative (its <title> and aria-label) says each quarter's value: "Kết nạp đảng viên:
    Quý II/2021: 12; Quý III/2021: 19"."""
    values = "; ".join(f"{quarter_label(p)}: {format_number_vi(v, 0 if v == int(v) else 1)}" for p, v in t.trend)
    return charts.sparkline([v for _p, v in t.trend], title=f"{t.label}: {values}")


@login_required
def dashboard(request):
    return render(request, "directives/dashboard.html", dashboard_context(request))


def export_heading(user, filters: DashboardFilters) -> list[str]:
    """The title lines of an export: whose tasks, which filters (the cut-off line is the file's)."""
    return [who_line(user), filters_line(filters)]


def who_line(user) -> str:
    if user.is_superuser:
        return _("Phạm vi: toàn bộ nhiệm vụ")
    names = models.Organization.objects.filter(pk__in=selectors.user_organization_ids(user)).values_list(
        "name", flat=True
    )
    return _("Đơn vị: %(names)s") % {"names": "; ".join(names) or "—"}


def filters_line(filters: DashboardFilters) -> str:
    parts = []
    if filters.issuer:
        issuer = models.Organization.objects.filter(pk=filters.issuer).values_list("name", flat=True).first()
        parts.append(_("cơ quan ban hành: %(v)s") % {"v": issuer or filters.issuer})
    if filters.kind:
        parts.append(_("loại văn bản: %(v)s") % {"v": dict(models.Directive.Kind.choices).get(filters.kind, "")})
    if filters.year:
        parts.append(_("năm của thời hạn: %(v)s") % {"v": filters.year})
    return _("Bộ lọc: %(f)s") % {"f": "; ".join(str(p) for p in parts) if parts else _("không")}


@login_required
def dashboard_xlsx(request):
    filters, _form = dashboard_filters(request.GET, issuers=_issuers(request.user))
    data = selectors.dashboard_data(request.user, filters)
    content = workbooks.dashboard_workbook(data, heading=export_heading(request.user, filters))
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="dashboard-{filters.cutoff:%Y%m%d}.xlsx"'
    return response


@login_required
def quarterly_report(request):
    code = request.GET.get("quarter") or ""
    try:
        period = Period.from_code(code)
        if period.kind != "quarter" or not YEARS[0] <= period.year <= YEARS[1]:
            raise ValueError(code)
    except ValueError:
        return HttpResponse(
            _("Quý không hợp lệ: “%(code)s”. Ví dụ: ?quarter=2021Q3") % {"code": code[:20]},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    content = documents.quarterly_report_docx(request.user, period)
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="bao-cao-{period.code()}.docx"'
    return response
