"""The .xlsx files: the dashboard's tables and the task list, ready to print and to file.

Every sheet is written by `Sheet`: title rows (what was counted, for whom, the cut-off), one bold
header row that stays frozen, repeats on every printed page and carries the filter buttons,
thin borders, wrapped text in columns of set widths, dates as dates (dd/mm/yyyy), percentages
as numbers shown "67,8%" (cut, not rounded, as on screen: `format_percent_vi`), printed A4
landscape one page wide.

Cells written from user data are text, never formulas: a title, task text or organization
name that starts with "=", "+", "-", "@", a tab or a carriage return is stored as a string cell
marked "quote prefix", so no spreadsheet runs it (OWASP: formula injection).
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext as _

from directives.domain.periods import format_date_vi
from directives.selectors.dashboard import DashboardData
from directives.selectors.standing import STANDING_CHOICES

__all__ = [
    "FORMULA_STARTS",
    "Column",
    "Percent",
    "Sheet",
    "dashboard_workbook",
    "deadline_cell",
    "file_stem",
    "percent_value",
    "task_list_workbook",
    "task_table_workbook",
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PERCENT_FORMAT = "0.0%"
DATE_FORMAT = "dd/mm/yyyy"


def percent_value(rate: float | None) -> float | None:
    """A rate in percent (67.857…) as the fraction an .xlsx cell holds, cut to the one decimal
    the product shows (0.678 → "67,8%")."""
    if rate is None:
        return None
    return math.floor(round(rate * 10, 6)) / 1000


@dataclass(frozen=True)
class Percent:
    """A rate (in percent) in a column of another kind."""

    value: float | None


@dataclass(frozen=True)
class Column:
    header: str
    width: float  # in characters
    kind: str = "text"  # text | int | number | date | percent


class Sheet:
    """One sheet: title rows, a header row, data rows; see the module docstring."""

    def __init__(self, wb, title: str, columns: Sequence[Column], *, heading: Sequence[str] = ()):
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        self.ws = wb.create_sheet(title[:31])
        self.columns = list(columns)
        thin = Side(style="thin", color="808080")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.wrap = Alignment(wrap_text=True, vertical="top")
        self.number = Alignment(vertical="top", horizontal="right")
        ws = self.ws
        last = len(self.columns)
        row = 1
        for n, line in enumerate(heading):
            cell = ws.cell(row, 1)
            self._text(cell, line)
            cell.font = Font(bold=True, size=14 if n == 0 else 11)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if last > 1:
                ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
            ws.row_dimensions[row].height = 22 if n == 0 else 18
            row += 1
        if heading:
            row += 1  # a blank line before the table
        self.header_row = row
        for col, column in enumerate(self.columns, start=1):
            cell = ws.cell(row, col)
            self._text(cell, column.header)
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="D9E1F2")
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
            cell.border = self.border
            ws.column_dimensions[cell.column_letter].width = column.width
        # Room for the wrapped headers: about 1.3 lines per 10 characters over the narrowest width.
        lines = max(math.ceil(len(c.header) / max(c.width - 2, 4)) for c in self.columns)
        ws.row_dimensions[row].height = 15 * max(1, lines) + 4
        self.row = row

    @staticmethod
    def _text(cell, value: str) -> None:
        """A string cell that no spreadsheet reads as a formula (control characters, which a
        worksheet cannot hold, are dropped)."""
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
        cell.value = text
        cell.data_type = "s"
        if text.startswith(FORMULA_STARTS):
            cell.quotePrefix = True

    def append(self, values: Iterable) -> None:
        values = list(values)
        self.row += 1
        # Spreadsheets do not grow a row for wrapped text they did not lay out: set its height
        # from the longest text (about 1.15 characters per unit of width, 15 points a line).
        lines = 1
        for column, value in zip(self.columns, values, strict=True):
            if column.kind == "text" and value:
                per_line = max(column.width * 1.15 - 1, 4)
                lines = max(lines, sum(math.ceil(max(len(part), 1) / per_line) for part in str(value).split("\n")))
        if lines > 1:
            self.ws.row_dimensions[self.row].height = 15 * min(lines, 30) + 2
        for col, (column, value) in enumerate(zip(self.columns, values, strict=True), start=1):
            cell = self.ws.cell(self.row, col)
            cell.border = self.border
            kind = column.kind
            if isinstance(value, Percent):
                kind, value = "percent", value.value
            if value is None or value == "":
                cell.alignment = self.wrap
                continue
            if kind == "text" or (kind == "date" and isinstance(value, str)):  # a date column's text: a period
                self._text(cell, value)
                cell.alignment = self.wrap
            elif kind == "date":
                cell.value = value if isinstance(value, date) else None
                cell.number_format = DATE_FORMAT
                cell.alignment = self.number
            elif kind == "percent":
                cell.value = percent_value(value)
                cell.number_format = PERCENT_FORMAT
                cell.alignment = self.number
            else:
                cell.value = float(value) if isinstance(value, Decimal) else value
                cell.number_format = "#,##0" if kind == "int" else "#,##0.##"
                cell.alignment = self.number

    def finish(self) -> None:
        """Freeze the header, add the filter, set up the printed page."""
        ws = self.ws
        first = ws.cell(self.header_row, 1).coordinate
        last = ws.cell(max(self.row, self.header_row), len(self.columns)).coordinate
        ws.freeze_panes = ws.cell(self.header_row + 1, 1).coordinate
        ws.auto_filter.ref = f"{first}:{last}"
        ws.print_title_rows = f"{self.header_row}:{self.header_row}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins.left = ws.page_margins.right = 0.5
        ws.page_margins.top = ws.page_margins.bottom = 0.6
        ws.oddFooter.center.text = _("Trang &P/&N")


def _workbook():
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    return wb


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _counts_columns() -> list[Column]:
    return [
        Column(_("Số nhiệm vụ"), 10, "int"),
        Column(_("Hoàn thành đúng hạn"), 12, "int"),
        Column(_("Hoàn thành quá hạn"), 12, "int"),
        Column(_("Đang thực hiện trong hạn"), 13, "int"),
        Column(_("Quá hạn chưa hoàn thành"), 13, "int"),
        Column(_("Không có thời hạn"), 11, "int"),
        Column(_("Tỷ lệ hoàn thành"), 12, "percent"),
        Column(_("Tỷ lệ đúng hạn"), 12, "percent"),
    ]


def _counts_row(c) -> list:
    return [c.counted, c.on_time, c.late, c.within, c.overdue, c.no_deadline, c.completion_rate, c.on_time_rate]


def dashboard_workbook(data: DashboardData, *, heading: Sequence[str] = ()) -> bytes:
    """The dashboard's tables, one sheet each, under the `heading` lines (who, which filters);
    the cut-off line is added here."""
    wb = _workbook()
    cutoff_line = _("Số liệu tính đến ngày %(d)s") % {"d": format_date_vi(data.filters.cutoff)}
    title = _("Tổng hợp kết quả thực hiện nhiệm vụ")
    head = [title, *heading, cutoff_line]

    h, p = data.headline, data.previous
    sheet = Sheet(
        wb,
        _("Tổng hợp"),
        [
            Column(_("Chỉ số"), 42),
            Column(_("Tính đến %(d)s") % {"d": format_date_vi(data.filters.cutoff)}, 18, "number"),
            Column(_("Cuối quý trước (%(d)s)") % {"d": format_date_vi(data.previous_cutoff)}, 18, "number"),
        ],
        heading=head,
    )
    sheet.append([_("Nhiệm vụ được tính"), h.counted, p.counted])
    for code, label in STANDING_CHOICES:
        sheet.append([str(label), h.get(code), p.get(code)])
    sheet.append([_("Trong đó: sắp đến hạn"), data.due_soon.get("due_soon"), None])
    sheet.append([_("Tỷ lệ hoàn thành"), Percent(h.completion_rate), Percent(p.completion_rate)])
    sheet.append([_("Tỷ lệ đúng hạn"), Percent(h.on_time_rate), Percent(p.on_time_rate)])
    sheet.finish()

    sheet = Sheet(
        wb,
        _("Theo văn bản"),
        [Column(_("Số hiệu"), 16), Column(_("Trích yếu"), 50), *_counts_columns()],
        heading=head,
    )
    for r in data.by_directive:
        sheet.append([r.number, r.title, *_counts_row(r.counts)])
    sheet.finish()

    roles = {"lead": _("Chủ trì"), "support": _("Phối hợp")}
    sheet = Sheet(
        wb,
        _("Theo đơn vị"),
        [Column(_("Cơ quan, đơn vị"), 40), Column(_("Vai trò"), 10), *_counts_columns()],
        heading=head,
    )
    for r in data.by_organization:
        sheet.append([r.name, roles[r.role], *_counts_row(r.counts)])
    sheet.finish()

    sheet = Sheet(
        wb,
        _("Theo quý"),
        [
            Column(_("Quý"), 14),
            Column(_("Từ ngày"), 12, "date"),
            Column(_("Đến ngày"), 12, "date"),
            *_counts_columns(),
        ],
        heading=head,
    )
    if data.earlier is not None:  # an old backlog, before the first quarter shown
        first = data.by_quarter[0].period
        label = _("Trước %(quarter)s") % {"quarter": first.label()}
        sheet.append([label, None, data.earlier_before - timedelta(days=1), *_counts_row(data.earlier)])
    for q in data.by_quarter:
        sheet.append([q.period.label(), q.period.start, q.period.end, *_counts_row(q.counts)])
    sheet.finish()

    history = [p for p, _v in data.targets[0].history] if data.targets else []
    sheet = Sheet(
        wb,
        _("Chỉ tiêu"),
        [
            Column(_("Văn bản"), 24),
            Column(_("Chỉ tiêu"), 40),
            Column(_("Đơn vị tính"), 12),
            Column(_("Đã đạt"), 10, "number"),
            Column(_("Chỉ tiêu (tổng)"), 11, "number"),
            Column(_("Tỷ lệ"), 10, "percent"),
            *(Column(p.label(), 11, "number") for p in history),
        ],
        heading=head,
    )
    for t in data.targets:
        sheet.append([t.directive_label, t.label, t.unit, t.achieved, t.total, t.percent, *(v for _p, v in t.history)])
    sheet.finish()

    sheet = Sheet(
        wb,
        _("Quá hạn"),
        [
            Column(_("Thời hạn"), 12, "date"),
            Column(_("Văn bản"), 22),
            Column(_("Số thứ tự"), 9),
            Column(_("Nội dung nhiệm vụ"), 60),
            Column(_("Cơ quan chủ trì"), 30),
        ],
        heading=head,
    )
    for t in data.overdue:
        sheet.append([t.deadline, str(t.directive), t.path, t.text, t.lead.name if t.lead else ""])
    sheet.finish()
    return _bytes(wb)


def task_list_workbook(tasks, *, labels: dict[str, str], heading: Sequence[str] = ()) -> bytes:
    """The task list (a `selectors.task_list` queryset, standing annotated) under `heading`."""
    wb = _workbook()
    sheet = Sheet(
        wb,
        _("Nhiệm vụ"),
        [
            Column(_("Văn bản"), 20),
            Column(_("Số thứ tự"), 8),
            Column(_("Nội dung nhiệm vụ"), 58),
            Column(_("Cơ quan chủ trì"), 24),
            Column(_("Cơ quan phối hợp"), 24),
            Column(_("Thời hạn"), 11, "date"),
            Column(_("Tình trạng"), 16),
            Column(_("Tiến độ (%)"), 9, "int"),
            Column(_("Ngày hoàn thành"), 11, "date"),
        ],
        heading=[_("Danh sách nhiệm vụ"), *heading],
    )
    for task in tasks.iterator(chunk_size=500):
        sheet.append(
            [
                str(task.directive),
                task.path,
                task.text,
                task.lead.name if task.lead else "",
                "; ".join(o.name for o in task.supporters.all()),
                task.deadline,
                labels.get(task.standing, ""),
                task.progress,
                task.completed_on,
            ]
        )
    sheet.finish()
    return _bytes(wb)


def file_stem(directive) -> str:
    """'412-TB-BTCTW' for a file name; 'van-ban-12' without a number."""
    stem = re.sub(r"[^\w-]+", "-", directive.number or "", flags=re.ASCII).strip("-")
    return stem or f"van-ban-{directive.pk}"


def deadline_cell(task) -> date | str | None:
    """A task's deadline as the task table writes it: the period's label ("Quý IV/2025") when
    the deadline is the end of its period, else the date."""
    from directives.domain.periods import Period

    if task.deadline and task.deadline_period:
        try:
            period = Period.from_code(task.deadline_period)
        except ValueError:
            period = None
        if period is not None and period.end == task.deadline:
            return period.label()
    return task.deadline


def task_table_heading(directive) -> list[str]:
    """The title rows of a directive's task table, which `importing.tables.title_document` reads
    back: "Kèm theo Kế hoạch số 1627/KH-UBND ngày 10/05/2025 của …", "Trích yếu: …"."""
    named = directive.get_kind_display() if directive.kind != "other" else "văn bản"
    if directive.number:
        named += f" số {directive.number}"
    if directive.issued_on:
        named += f" ngày {format_date_vi(directive.issued_on)}"
    if directive.issuer_id:
        named += f" của {directive.issuer.name}"
    return ["Danh mục nhiệm vụ", f"Kèm theo {named}", f"Trích yếu: {' '.join(directive.title.split())}"]


def task_table_workbook(directive, tasks, *, cutoff: date) -> bytes:
    """A directive's tasks as the task table e-office systems exchange: exactly the columns of
    `importing.tables.TABLE_HEADERS` (number, task, lead, supporting bodies, deadline, status,
    progress), which the import reads back to the same tasks. An interchange form, so it is
    written in Vietnamese whatever the interface's language. `tasks` are `selectors.task_list`
    rows (standing annotated, lead and supporters loaded)."""
    from django.utils import translation

    from directives.importing.tables import (
        DEADLINE,
        LEAD,
        NUMBER,
        PROGRESS,
        STATUS,
        SUPPORT,
        TABLE_HEADERS,
        TASK,
    )

    with translation.override("vi"):
        labels = {code: str(label) for code, label in STANDING_CHOICES}
        wb = _workbook()
        sheet = Sheet(
            wb,
            "Nhiệm vụ",
            [
                Column(TABLE_HEADERS[NUMBER], 9),
                Column(TABLE_HEADERS[TASK], 60),
                Column(TABLE_HEADERS[LEAD], 26),
                Column(TABLE_HEADERS[SUPPORT], 28),
                Column(TABLE_HEADERS[DEADLINE], 13, "date"),
                Column(TABLE_HEADERS[STATUS], 17),
                Column(TABLE_HEADERS[PROGRESS], 9, "int"),
            ],
            heading=[*task_table_heading(directive), f"Tình trạng tính đến ngày {format_date_vi(cutoff)}"],
        )
        for task in tasks:
            sheet.append(
                [
                    task.path,
                    task.text,
                    task.lead.name if task.lead else "",
                    "; ".join(o.name for o in task.supporters.all()),
                    deadline_cell(task),
                    labels.get(getattr(task, "standing", None) or "", ""),
                    task.progress,
                ]
            )
        sheet.finish()
        return _bytes(wb)
