"""Files built from the dashboard's figures: the .xlsx of its tables and the quarterly .docx report.

`dashboard_workbook(data)` and `quarterly_report_docx(user, quarter)` return bytes; the views and
`manage.py quarterly_report` write them. `SYSTEM` is the reader a management command uses: it
sees every task (the command runs with the server's rights).
"""

from __future__ import annotations

import io
from datetime import date

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from directives import models, selectors
from directives.domain.periods import Period, format_date_vi, format_number_vi, format_percent_vi
from directives.selectors.dashboard import DashboardData, DashboardFilters
from directives.selectors.standing import STANDING_CHOICES

__all__ = ["SYSTEM", "dashboard_workbook", "quarterly_report_docx", "target_text"]


class _System:
    """A reader that sees everything, for management commands."""

    is_superuser = True
    is_authenticated = True
    is_active = True
    pk = None


SYSTEM = _System()


def target_text(achieved, total, unit: str, percent: float | None) -> str:
    """ "19/28 đề án (67,8%)" """
    digits = 0 if achieved == int(achieved) and total == int(total) else 1
    head = f"{format_number_vi(achieved, digits)}/{format_number_vi(total, digits)}"
    if unit:
        head += f" {unit}"
    return f"{head} ({format_percent_vi(percent)})"


def _rate(value: float | None) -> float | None:
    return None if value is None else value / 100


# -- xlsx -------------------------------------------------------------------------------


def dashboard_workbook(data: DashboardData) -> bytes:
    """The dashboard's tables, one sheet each: bold frozen header, rates as "0.0%", dates dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)

    def sheet(title: str, header: list[str], rows, *, rates: tuple[int, ...] = (), dates: tuple[int, ...] = ()):
        ws = wb.create_sheet(title[:31])
        ws.append(header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for row in rows:
            ws.append(row)
            for col in rates:
                ws.cell(ws.max_row, col).number_format = "0.0%"
            for col in dates:
                ws.cell(ws.max_row, col).number_format = "dd/mm/yyyy"
        for col, width in enumerate([max(12, min(60, len(str(h)) + 4)) for h in header], start=1):
            ws.column_dimensions[ws.cell(1, col).column_letter].width = width
        return ws

    h = data.headline
    sheet(
        _("Tổng hợp"),
        [_("Chỉ số"), _("Tính đến %(d)s") % {"d": format_date_vi(data.filters.cutoff)}, _("Cuối quý trước")],
        [
            [_("Ngày tính số liệu"), data.filters.cutoff, data.previous_cutoff],
            [_("Nhiệm vụ được tính"), h.counted, data.previous.counted],
            [_("Tỷ lệ hoàn thành"), _rate(h.completion_rate), _rate(data.previous.completion_rate)],
            [_("Tỷ lệ đúng hạn"), _rate(h.on_time_rate), _rate(data.previous.on_time_rate)],
            [_("Quá hạn chưa hoàn thành"), h.overdue, data.previous.overdue],
        ]
        + [[str(label), h.get(code), data.previous.get(code)] for code, label in STANDING_CHOICES],
    )
    ws = wb[_("Tổng hợp")[:31]]
    for col in (2, 3):
        ws.cell(2, col).number_format = "dd/mm/yyyy"
        ws.cell(4, col).number_format = "0.0%"
        ws.cell(5, col).number_format = "0.0%"

    counts_header = [
        _("Nhiệm vụ"),
        _("Hoàn thành đúng hạn"),
        _("Hoàn thành quá hạn"),
        _("Đang thực hiện trong hạn"),
        _("Quá hạn chưa hoàn thành"),
        _("Không có thời hạn"),
        _("Tỷ lệ hoàn thành"),
        _("Tỷ lệ đúng hạn"),
    ]

    def counts_row(c) -> list:
        return [
            c.counted,
            c.on_time,
            c.late,
            c.within,
            c.overdue,
            c.no_deadline,
            _rate(c.completion_rate),
            _rate(c.on_time_rate),
        ]

    sheet(
        _("Theo văn bản"),
        [_("Số hiệu"), _("Trích yếu"), *counts_header],
        ([r.number, r.title, *counts_row(r.counts)] for r in data.by_directive),
        rates=(9, 10),
    )
    roles = {"lead": _("Chủ trì"), "support": _("Phối hợp")}
    sheet(
        _("Theo đơn vị"),
        [_("Cơ quan, đơn vị"), _("Vai trò"), *counts_header],
        ([r.name, roles[r.role], *counts_row(r.counts)] for r in data.by_organization),
        rates=(9, 10),
    )
    sheet(
        _("Theo quý"),
        [_("Quý"), _("Từ ngày"), _("Đến ngày"), *counts_header],
        ([q.period.label(), q.period.start, q.period.end, *counts_row(q.counts)] for q in data.by_quarter),
        rates=(10, 11),
        dates=(2, 3),
    )
    sheet(
        _("Chỉ tiêu"),
        [_("Văn bản"), _("Chỉ tiêu"), _("Đơn vị tính"), _("Đã đạt"), _("Chỉ tiêu (tổng)"), _("Tỷ lệ")]
        + [p.label() for p, _v in (data.targets[0].history if data.targets else [])],
        (
            [
                t.directive_label,
                t.label,
                t.unit,
                float(t.achieved),
                float(t.total),
                _rate(t.percent),
                *(None if v is None else float(v) for _p, v in t.history),
            ]
            for t in data.targets
        ),
        rates=(6,),
    )
    sheet(
        _("Quá hạn"),
        [_("Thời hạn"), _("Văn bản"), _("Số thứ tự"), _("Nội dung"), _("Cơ quan chủ trì")],
        ([t.deadline, str(t.directive), t.path, t.text, t.lead.name if t.lead else ""] for t in data.overdue),
        dates=(1,),
    )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# -- docx -------------------------------------------------------------------------------


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarterly_report_docx(user, quarter: Period, *, today: date | None = None) -> bytes:
    """ "Báo cáo kết quả thực hiện nhiệm vụ Quý III/2021": summary figures at the quarter's end,
    a table per directive, the overdue tasks with their lead and supporting bodies, targets."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    if quarter.kind != "quarter":
        raise ValueError(f"not a quarter: {quarter.code()}")
    cutoff = quarter.end
    data = selectors.dashboard_data(user, DashboardFilters(cutoff=cutoff))
    tasks = selectors.dashboard_tasks(user, data.filters)
    overdue = list(
        selectors.with_standing(tasks, cutoff)
        .filter(standing="overdue")
        .select_related("directive", "lead")
        .prefetch_related(Prefetch("supporters", queryset=models.Organization.objects.only("id", "name")))
        .order_by("deadline", "directive_id", "position", "id")
    )
    per_directive: dict[int, list[models.Task]] = {}
    for task in (
        selectors.with_standing(tasks, cutoff).select_related("lead").order_by("directive_id", "position", "id")
    ):
        per_directive.setdefault(task.directive_id, []).append(task)
    labels = dict(STANDING_CHOICES)

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_("BÁO CÁO"))
    run.bold = True
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = sub.add_run(_("Kết quả thực hiện nhiệm vụ %(q)s") % {"q": quarter.label()})
    run.bold = True
    heading = _("Báo cáo kết quả thực hiện nhiệm vụ %(q)s") % {"q": quarter.label()}
    doc.core_properties.title = heading
    doc.add_paragraph(
        _("(Số liệu tính đến ngày %(d)s)") % {"d": format_date_vi(cutoff)}
    ).alignment = WD_ALIGN_PARAGRAPH.CENTER

    h, p = data.headline, data.previous
    doc.add_heading(_("I. KẾT QUẢ CHUNG"), level=2)
    doc.add_paragraph(
        _(
            "Tổng số nhiệm vụ được theo dõi: %(n)s (không tính %(c)s nhiệm vụ tạm dừng/hủy). "
            "Đã hoàn thành %(f)s nhiệm vụ, đạt %(cr)s; trong đó hoàn thành đúng hạn %(o)s nhiệm vụ "
            "(%(otr)s số nhiệm vụ đã hoàn thành), hoàn thành quá hạn %(l)s nhiệm vụ. "
            "Đang thực hiện trong hạn %(w)s nhiệm vụ; quá hạn chưa hoàn thành %(od)s nhiệm vụ; "
            "không có thời hạn %(nd)s nhiệm vụ."
        )
        % {
            "n": format_number_vi(h.counted),
            "c": format_number_vi(h.get("cancelled")),
            "f": format_number_vi(h.finished),
            "cr": format_percent_vi(h.completion_rate),
            "o": format_number_vi(h.on_time),
            "otr": format_percent_vi(h.on_time_rate),
            "l": format_number_vi(h.late),
            "w": format_number_vi(h.within),
            "od": format_number_vi(h.overdue),
            "nd": format_number_vi(h.no_deadline),
        }
    )
    doc.add_paragraph(
        _("So với cuối quý trước (%(d)s): tỷ lệ hoàn thành %(a)s → %(b)s; quá hạn chưa hoàn thành %(x)s → %(y)s.")
        % {
            "d": format_date_vi(data.previous_cutoff),
            "a": format_percent_vi(p.completion_rate),
            "b": format_percent_vi(h.completion_rate),
            "x": format_number_vi(p.overdue),
            "y": format_number_vi(h.overdue),
        }
    )
    table = doc.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text = _("Tình trạng")
    table.rows[0].cells[1].text = _("Số nhiệm vụ")
    for code, label in STANDING_CHOICES:
        cells = table.add_row().cells
        cells[0].text = str(label)
        cells[1].text = format_number_vi(h.get(code))

    doc.add_heading(_("II. KẾT QUẢ THEO TỪNG VĂN BẢN"), level=2)
    if not data.by_directive:
        doc.add_paragraph(_("Không có nhiệm vụ nào."))
    for n, row in enumerate(data.by_directive, start=1):
        c = row.counts
        doc.add_heading(f"{n}. {row.number} – {row.title[:200]}".strip(" –"), level=3)
        doc.add_paragraph(
            _("%(n)s nhiệm vụ; hoàn thành %(cr)s, đúng hạn %(ot)s; quá hạn chưa hoàn thành %(od)s.")
            % {
                "n": format_number_vi(c.counted),
                "cr": format_percent_vi(c.completion_rate),
                "ot": format_percent_vi(c.on_time_rate),
                "od": format_number_vi(c.overdue),
            }
        )
        t = doc.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        for cell, text in zip(
            t.rows[0].cells,
            [_("TT"), _("Nội dung nhiệm vụ"), _("Chủ trì"), _("Thời hạn"), _("Tình trạng")],
            strict=True,
        ):
            cell.text = text
        for task in per_directive.get(row.directive_id, []):
            cells = t.add_row().cells
            cells[0].text = task.path
            cells[1].text = task.text
            cells[2].text = task.lead.name if task.lead else ""
            cells[3].text = format_date_vi(task.deadline)
            cells[4].text = str(labels.get(task.standing, task.standing))

    doc.add_heading(_("III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"), level=2)
    if not overdue:
        doc.add_paragraph(_("Không có nhiệm vụ quá hạn."))
    else:
        t = doc.add_table(rows=1, cols=6)
        t.style = "Table Grid"
        for cell, text in zip(
            t.rows[0].cells,
            [_("Văn bản"), _("TT"), _("Nội dung nhiệm vụ"), _("Chủ trì"), _("Phối hợp"), _("Thời hạn")],
            strict=True,
        ):
            cell.text = text
        for task in overdue:
            cells = t.add_row().cells
            cells[0].text = str(task.directive)
            cells[1].text = task.path
            cells[2].text = task.text
            cells[3].text = task.lead.name if task.lead else ""
            cells[4].text = ", ".join(o.name for o in task.supporters.all())
            cells[5].text = format_date_vi(task.deadline)

    doc.add_heading(_("IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU"), level=2)
    if not data.targets:
        doc.add_paragraph(_("Không có chỉ tiêu nào."))
    for t in data.targets:
        at_end = dict(t.history).get(quarter)
        value = at_end if at_end is not None else t.achieved
        percent = float(value) * 100 / float(t.total) if t.total else None
        doc.add_paragraph(
            f"{t.directive_label}: {t.label} — {target_text(value, t.total, t.unit, percent)}", style="List Bullet"
        )
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
