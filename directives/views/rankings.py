"""Xếp hạng: organizations ranked over a period by completion and on-time rates, with the
formula on the page, and the same table as .xlsx (selectors.organization_ranking)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from directives import selectors
from directives.domain.periods import Period, format_percent_vi, quarter_of


def _period(request) -> tuple[Period, str]:
    """The period asked for (?period=2026Q3), else the last finished quarter; and an error."""
    code = (request.GET.get("period") or "").strip()
    if code:
        try:
            return Period.from_code(code), ""
        except ValueError:
            error = _("“%(code)s” không phải kỳ hợp lệ (ví dụ: 2026Q3, 2026H1, 2026, 2026-09).") % {"code": code[:20]}
            return quarter_of(timezone.localdate()).previous(), error
    return quarter_of(timezone.localdate()).previous(), ""


@login_required
@require_GET
def rankings(request):
    period, error = _period(request)
    rows = selectors.organization_ranking(request.user, period=period)
    for row in rows:
        row.completion_text = format_percent_vi(row.completion_rate)
        row.on_time_text = format_percent_vi(row.on_time_rate)
    return render(
        request,
        "directives/rankings.html",
        {
            "rows": rows,
            "period": period,
            "period_code": period.code(),
            "error": error,
            "lead_weight": selectors.LEAD_WEIGHT,
            "support_weight": selectors.SUPPORT_WEIGHT,
        },
        status=400 if error else 200,
    )


@login_required
@require_GET
def rankings_xlsx(request):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    period, _error = _period(request)
    rows = selectors.organization_ranking(request.user, period=period)
    wb = Workbook()
    ws = wb.active
    ws.title = _("Xếp hạng")[:31]
    ws.append([_("Xếp hạng các cơ quan, đơn vị: %(period)s") % {"period": period.label()}])
    ws.append(
        [
            _("Hạng"),
            _("Cơ quan, đơn vị"),
            _("Chủ trì: hoàn thành"),
            _("Chủ trì: đúng hạn"),
            _("Chủ trì: tổng số"),
            _("Phối hợp: hoàn thành"),
            _("Phối hợp: đúng hạn"),
            _("Phối hợp: tổng số"),
            _("Tỷ lệ hoàn thành (%)"),
            _("Tỷ lệ đúng hạn (%)"),
        ]
    )
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(
            [
                row.rank,
                row.organization.name,
                row.lead_finished,
                row.lead_on_time,
                row.lead_counted,
                row.support_finished,
                row.support_on_time,
                row.support_counted,
                round(row.completion_rate, 1) if row.completion_rate is not None else None,
                round(row.on_time_rate, 1) if row.on_time_rate is not None else None,
            ]
        )
    ws.append([])
    ws.append([_formula_text()])
    ws.column_dimensions["B"].width = 50
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="xep-hang-{period.code()}.xlsx"'
    wb.save(response)
    return response


def _formula_text() -> str:
    return _(
        "Tỷ lệ hoàn thành = (%(l)s × số nhiệm vụ chủ trì đã hoàn thành + %(s)s × số nhiệm vụ phối hợp đã hoàn thành)"
        " / (%(l)s × số nhiệm vụ chủ trì + %(s)s × số nhiệm vụ phối hợp); tỷ lệ đúng hạn tính tương tự trên số nhiệm vụ"
        " đã hoàn thành. Nhiệm vụ có thời hạn trong kỳ; không tính nhiệm vụ tạm dừng, hủy hoặc thôi theo dõi."
    ) % {"l": selectors.LEAD_WEIGHT, "s": selectors.SUPPORT_WEIGHT}
