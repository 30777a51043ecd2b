"""The quarterly report (.docx) in the official form, built from the dashboard's figures.

`quarterly_report_docx(user, quarter)` returns bytes; the view and `manage.py quarterly_report`
write them. `SYSTEM` is the reader a management command uses: it sees every task.

The form follows the reporting organization's system (`Organization.system`, read by
`is_party_body`; set by staff, first filled from the name by `domain.bodies.guess_system`):

- state bodies, and the Fatherland Front and mass organizations, Nghị định 30/2020/NĐ-CP
  (Phụ lục I): at the top left the governing body and the body (bold), "Số: …/BC-<tên viết
  tắt>"; at the top right "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"
  and the place and date line;
- Party bodies, Hướng dẫn 36-HD/VPTW: at the top left the higher Party committee, the body
  (bold), "*" and "Số …-BC/<tên viết tắt>"; at the top right "ĐẢNG CỘNG SẢN VIỆT NAM" and the
  place and date line.

Then the title (BÁO CÁO + trích yếu), the body, "Nơi nhận" at the bottom left and the signature
block to fill at the bottom right. Times New Roman 13 pt (14 pt title), A4, margins 20 mm top
and bottom, 30 mm left, 15 mm right, page numbers at the top centre from page 2 on (a field, so
Word and LibreOffice number them). The task tables are an annex (Phụ lục) in landscape, with fixed
column widths that give the task text the room.

Every figure comes from `selectors.dashboard_data` at the cut-off (the quarter's end, or today for
the current quarter), so the text, the tables, the dashboard and its .xlsx say the same numbers.
"""

from __future__ import annotations

import io
from datetime import date

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from directives import models, selectors
from directives.domain.periods import Period, format_date_vi, format_number_vi, format_percent_vi
from directives.selectors.dashboard import DashboardData, DashboardFilters
from directives.selectors.standing import STANDING_CHOICES

__all__ = ["SYSTEM", "is_party_body", "place_of", "quarterly_report_docx", "report_figures", "target_text"]


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


# -- the official form ------------------------------------------------------------------


def is_party_body(org: models.Organization | None) -> bool:
    """Whether `org` writes in the Party's form: its `system` field says (Đảng); state bodies and
    the Fatherland Front and mass organizations write in the state's. No organization (a reader
    without one): the Party's, the form of the organizing commissions this product serves."""
    return org is None or org.system == models.Organization.System.PARTY


PLACES = {"tp hcm": "Thành phố Hồ Chí Minh", "tp. hcm": "Thành phố Hồ Chí Minh", "hcm": "Thành phố Hồ Chí Minh"}


def place_of(org: models.Organization | None) -> str:
    """The place of the date line: the province or city in the name (or a parent's), else Hà Nội."""
    import re

    while org is not None:
        m = re.search(r"(?:tỉnh ủy|thành ủy|tỉnh|thành phố|tp\.?)\s+(.+)$", org.name, flags=re.IGNORECASE)
        if m:
            place = m.group(1).strip()
            return PLACES.get(place.casefold(), place)
        org = org.parent
    return "Hà Nội"


def reporting_organization(user) -> models.Organization | None:
    """The organization a user reports for: the first they manage, else the first they belong to."""
    if not getattr(user, "pk", None):
        return None
    memberships = models.Membership.objects.filter(user=user, organization__is_active=True).select_related(
        "organization__parent"
    )
    first = sorted(memberships, key=lambda m: (m.role != models.Membership.Role.MANAGER, m.pk))
    return first[0].organization if first else None


def date_line(place: str, d: date) -> str:
    return _("%(place)s, ngày %(d)s tháng %(m)s năm %(y)s") % {
        "place": place,
        "d": f"{d.day:02d}",
        "m": f"{d.month:02d}",
        "y": d.year,
    }


def report_figures(user, quarter: Period, *, today: date | None = None) -> tuple[DashboardData, int]:
    """The figures of the report: the dashboard's at the cut-off (the quarter's end, or today
    when the quarter is not over), and how many counted tasks had an extension approved by then."""
    cutoff = min(quarter.end, today or timezone.localdate())
    data = selectors.dashboard_data(user, DashboardFilters(cutoff=cutoff))
    return data, selectors.extended_count(user, data.filters)


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class _Doc:
    """python-docx with the few helpers the form needs."""

    def __init__(self):
        from docx import Document
        from docx.shared import Cm, Pt

        self.Pt, self.Cm = Pt, Cm
        self.doc = Document()
        for name in ("Normal", "Table Grid"):
            style = self.doc.styles[name]
            style.font.name = "Times New Roman"
            style.font.size = Pt(13)
            rpr = style.element.get_or_add_rPr()
            fonts = rpr.find(self._qn("w:rFonts"))
            if fonts is None:
                fonts = rpr.makeelement(self._qn("w:rFonts"), {})
                rpr.append(fonts)
            for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
                fonts.set(self._qn(attr), "Times New Roman")
        pf = self.doc.styles["Normal"].paragraph_format
        pf.space_before, pf.space_after, pf.line_spacing = Pt(0), Pt(6), 1.15
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21), Cm(29.7)
        section.top_margin = section.bottom_margin = Cm(2)
        section.left_margin, section.right_margin = Cm(3), Cm(1.5)
        section.different_first_page_header_footer = True
        self._page_number(section)

    @staticmethod
    def _qn(tag: str):
        from docx.oxml.ns import qn

        return qn(tag)

    def _page_number(self, section) -> None:
        """A PAGE field at the top centre (not on the first page, as the rules say)."""
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        paragraph = section.header.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run()
        for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if kind:
                el = run._r.makeelement(self._qn("w:fldChar"), {self._qn("w:fldCharType"): kind})
            else:
                el = run._r.makeelement(self._qn("w:instrText"), {self._qn("xml:space"): "preserve"})
                el.text = text
            run._r.append(el)

    def para(self, text: str = "", *, bold=False, italic=False, size=None, align=None, indent=True, underline=False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = self.doc.add_paragraph()
        if align == "center":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif align is None:
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            if indent:
                p.paragraph_format.first_line_indent = self.Cm(1)
        if text:
            run = p.add_run(text)
            run.bold, run.italic, run.underline = bold, italic, underline
            if size:
                run.font.size = self.Pt(size)
        return p

    def heading(self, text: str):
        return self.para(text, bold=True, indent=False)

    def cell(self, cell, text: str, *, bold=False, italic=False, size=None, align=None, underline=False):
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        p = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
        p.paragraph_format.first_line_indent = None
        p.paragraph_format.space_after = self.Pt(0)
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT}.get(align)
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = self.Pt(size)
        return p

    def table(self, widths_cm: list[float], *, grid=True, header: list[str] | None = None, size: float = 12):
        """A table of fixed column widths (Word and LibreOffice keep them)."""
        table = self.doc.add_table(rows=0, cols=len(widths_cm))
        if grid:
            table.style = "Table Grid"
        table.autofit = False
        tbl_pr = table._tbl.tblPr
        layout = tbl_pr.makeelement(self._qn("w:tblLayout"), {self._qn("w:type"): "fixed"})
        tbl_pr.append(layout)
        grid_el = table._tbl.tblGrid
        for col, w in zip(grid_el.findall(self._qn("w:gridCol")), widths_cm, strict=True):
            col.set(self._qn("w:w"), str(int(w * 567)))
        table._widths = widths_cm
        table._size = size
        if header:
            row = self.row(table, header, bold=True, align="center")
            tr_pr = row._tr.get_or_add_trPr()
            tr_pr.append(tr_pr.makeelement(self._qn("w:tblHeader"), {}))  # repeats on every page
        return table

    def row(self, table, values: list[str], *, bold=False, align=None, aligns: list | None = None):
        row = table.add_row()
        for n, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
            cell.width = self.Cm(table._widths[n])
            self.cell(cell, value, bold=bold, size=table._size, align=align or (aligns[n] if aligns else None))
        return row

    def landscape_section(self):
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = self.Cm(29.7), self.Cm(21)
        section.top_margin, section.bottom_margin = self.Cm(2), self.Cm(1.5)
        section.left_margin, section.right_margin = self.Cm(2), self.Cm(1.5)
        section.different_first_page_header_footer = False
        return section

    def bytes(self) -> bytes:
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def _n(x: int) -> str:
    return format_number_vi(x)


def summary_sentences(data: DashboardData, extended: int) -> list[str]:
    """The figures of part I, in words; each figure is the one the summary table and the
    dashboard show (tests/directives/test_report_numbers.py reads them back)."""
    h, p = data.headline, data.previous
    return [
        _(
            "Tổng số nhiệm vụ được theo dõi: %(n)s nhiệm vụ (không tính %(c)s nhiệm vụ tạm dừng/hủy). "
            "Đã hoàn thành %(f)s nhiệm vụ, đạt tỷ lệ %(cr)s; trong đó hoàn thành đúng hạn %(o)s nhiệm vụ "
            "(%(otr)s số nhiệm vụ đã hoàn thành), hoàn thành quá hạn %(l)s nhiệm vụ."
        )
        % {
            "n": _n(h.counted),
            "c": _n(h.get("cancelled")),
            "f": _n(h.finished),
            "cr": format_percent_vi(h.completion_rate),
            "o": _n(h.on_time),
            "otr": format_percent_vi(h.on_time_rate),
            "l": _n(h.late),
        },
        _(
            "Chưa hoàn thành: đang thực hiện trong hạn %(ip)s nhiệm vụ; chưa thực hiện %(ns)s nhiệm vụ; "
            "quá hạn chưa hoàn thành %(od)s nhiệm vụ; không có thời hạn %(nd)s nhiệm vụ. "
            "Sắp đến hạn %(ds)s nhiệm vụ. Đã được gia hạn %(ext)s nhiệm vụ."
        )
        % {
            "ip": _n(h.get("in_progress")),
            "ns": _n(h.get("not_started")),
            "od": _n(h.overdue),
            "nd": _n(h.no_deadline),
            "ds": _n(data.due_soon.get("due_soon")),
            "ext": _n(extended),
        },
        _(
            "So với cuối quý trước (ngày %(d)s): tỷ lệ hoàn thành từ %(a)s lên %(b)s; "
            "quá hạn chưa hoàn thành từ %(x)s xuống %(y)s nhiệm vụ."
        )
        % {
            "d": format_date_vi(data.previous_cutoff),
            "a": format_percent_vi(p.completion_rate),
            "b": format_percent_vi(h.completion_rate),
            "x": _n(p.overdue),
            "y": _n(h.overdue),
        },
    ]


def quarterly_report_docx(
    user, quarter: Period, *, today: date | None = None, organization: models.Organization | None = None
) -> bytes:
    """ "Báo cáo kết quả thực hiện nhiệm vụ Quý III/2021" in the official form (module docstring)."""
    if quarter.kind != "quarter":
        raise ValueError(f"not a quarter: {quarter.code()}")
    today = today or timezone.localdate()
    data, extended = report_figures(user, quarter, today=today)
    cutoff = data.filters.cutoff
    org = organization or reporting_organization(user)
    party = is_party_body(org)
    tasks = selectors.dashboard_tasks(user, data.filters)
    rows = selectors.as_of(tasks, cutoff)
    overdue = list(
        selectors.standing_filter(rows, cutoff, ["overdue"], name="od")
        .select_related("directive", "lead")
        .prefetch_related(Prefetch("supporters", queryset=models.Organization.objects.only("id", "name")))
        .order_by("deadline", "directive_id", "position", "id")
    )
    per_directive: dict[int, list[models.Task]] = {}
    for task in rows.select_related("lead").order_by("directive_id", "position", "id"):
        per_directive.setdefault(task.directive_id, []).append(task)
    labels = dict(STANDING_CHOICES)
    title = _("Kết quả thực hiện nhiệm vụ %(q)s") % {"q": quarter.label()}

    d = _Doc()
    d.doc.core_properties.title = _("Báo cáo %(t)s") % {"t": title[:1].lower() + title[1:]}
    name = org.name if org else _("TÊN CƠ QUAN BÁO CÁO")
    short = (org.short_name or "") if org else ""
    parent = org.parent.name if org and org.parent else ""
    head = d.table([7.5, 9], grid=False, size=13)
    row = head.add_row()
    left, right = row.cells
    left.width, right.width = d.Cm(7.5), d.Cm(9)
    if party:
        d.cell(left, (parent or "ĐẢNG BỘ …").upper(), align="center", size=13)
        d.cell(left, name.upper(), bold=True, align="center", size=13)
        d.cell(left, "*", align="center")
        d.cell(left, _("Số      -BC/%(s)s") % {"s": short or "…"}, align="center", size=13)
        d.cell(right, "ĐẢNG CỘNG SẢN VIỆT NAM", bold=True, underline=True, align="center", size=14)
    else:
        if parent:
            d.cell(left, parent.upper(), align="center", size=12)
        d.cell(left, name.upper(), bold=True, align="center", size=12)
        d.cell(left, "_______", align="center", size=12)
        d.cell(left, _("Số:      /BC-%(s)s") % {"s": short or "…"}, align="center", size=13)
        d.cell(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align="center", size=12)
        d.cell(right, "Độc lập - Tự do - Hạnh phúc", bold=True, underline=True, align="center", size=13)
    d.cell(right, "")
    d.cell(right, date_line(place_of(org), today), italic=True, align="center", size=13)

    d.para()
    d.para(_("BÁO CÁO"), bold=True, size=14, align="center")
    d.para(title, bold=True, size=14, align="center")
    d.para(_("(Số liệu tính đến ngày %(d)s)") % {"d": format_date_vi(cutoff)}, italic=True, align="center")

    h = data.headline
    d.heading(_("I. KẾT QUẢ CHUNG"))
    for sentence in summary_sentences(data, extended):
        d.para(sentence)
    table = d.table([11.5, 4], header=[_("Tình trạng"), _("Số nhiệm vụ")])
    for code, label in STANDING_CHOICES:
        d.row(table, [str(label), _n(h.get(code))], aligns=[None, "center"])
    d.row(table, [_("Trong đó: sắp đến hạn"), _n(data.due_soon.get("due_soon"))], aligns=[None, "center"])
    d.row(table, [_("Tỷ lệ hoàn thành"), format_percent_vi(h.completion_rate)], aligns=[None, "center"])
    d.row(table, [_("Tỷ lệ đúng hạn"), format_percent_vi(h.on_time_rate)], aligns=[None, "center"])

    d.heading(_("II. KẾT QUẢ THEO TỪNG VĂN BẢN"))
    if not data.by_directive:
        d.para(_("Không có nhiệm vụ nào."))
    else:
        table = d.table(
            [0.9, 6.6, 1.6, 1.8, 1.6, 1.9, 1.9],
            header=[
                _("TT"),
                _("Văn bản"),
                _("Số nhiệm vụ"),
                _("Hoàn thành"),
                _("Quá hạn"),
                _("Tỷ lệ hoàn thành"),
                _("Tỷ lệ đúng hạn"),
            ],
            size=11,
        )
        for n, r in enumerate(data.by_directive, start=1):
            c = r.counts
            d.row(
                table,
                [
                    str(n),
                    f"{r.number} – {r.title[:160]}".strip(" –"),
                    _n(c.counted),
                    _n(c.finished),
                    _n(c.overdue),
                    format_percent_vi(c.completion_rate),
                    format_percent_vi(c.on_time_rate),
                ],
                aligns=["center", None, "center", "center", "center", "center", "center"],
            )

    d.heading(_("III. NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"))
    if overdue:
        d.para(_("Có %(n)s nhiệm vụ quá hạn chưa hoàn thành (chi tiết tại Phụ lục 2).") % {"n": _n(len(overdue))})
    else:
        d.para(_("Không có nhiệm vụ quá hạn."))

    d.heading(_("IV. KẾT QUẢ THỰC HIỆN CHỈ TIÊU"))
    if not data.targets:
        d.para(_("Không có chỉ tiêu nào."))
    for t in data.targets:
        # Its value at the quarter's end: the last snapshot by then (a quarter without an update
        # keeps the one before), else the value entered without one.
        value = t.trend[-1][1] if t.trend else t.achieved
        percent = float(value) * 100 / float(t.total) if t.total else None
        d.para(f"- {t.directive_label}: {t.label} — {target_text(value, t.total, t.unit, percent)}.")

    # Nơi nhận and the signature block.
    d.para()
    sign = d.table([8, 8.5], grid=False, size=12)
    row = sign.add_row()
    left, right = row.cells
    if party:
        d.cell(left, _("Nơi nhận:"), underline=True, size=14)
    else:
        d.cell(left, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for line in (_("- Như trên;"), _("- …;"), _("- Lưu: VT, …")):
        d.cell(left, line, size=11 if not party else 12)
    if party:
        d.cell(right, _("T/M …"), bold=True, align="center", size=14)
    d.cell(right, _("QUYỀN HẠN, CHỨC VỤ CỦA NGƯỜI KÝ"), bold=True, align="center", size=13)
    d.cell(right, _("(Chữ ký, dấu)"), italic=True, align="center", size=13)
    for _i in range(3):
        d.cell(right, "")
    d.cell(right, _("Họ và tên"), bold=True, align="center", size=13)

    # The annex: the tasks, in landscape.
    d.landscape_section()
    d.para(_("Phụ lục 1"), bold=True, align="center")
    d.para(_("DANH MỤC NHIỆM VỤ THEO TỪNG VĂN BẢN"), bold=True, align="center")
    d.para(_("(Kèm theo Báo cáo %(t)s)") % {"t": title[:1].lower() + title[1:]}, italic=True, align="center")
    widths = [1.4, 12.6, 4.6, 2.4, 2.4, 2.8]
    header = [_("TT"), _("Nội dung nhiệm vụ"), _("Chủ trì"), _("Thời hạn"), _("Ngày hoàn thành"), _("Tình trạng")]
    for n, r in enumerate(data.by_directive, start=1):
        label = f"{n}. {r.number} – {r.title[:300]}" if r.number else f"{n}. {r.title[:300]}"
        d.para(label, bold=True, indent=False)
        table = d.table(widths, header=header, size=11)
        for task in per_directive.get(r.directive_id, []):
            done = task.standing in ("done_on_time", "done_late")
            d.row(
                table,
                [
                    task.path,
                    task.text,
                    task.lead.name if task.lead else "",
                    format_date_vi(task.deadline),
                    format_date_vi(task.completed_on) if done else "",
                    str(labels.get(task.standing, "")),
                ],
                aligns=["center", None, None, "center", "center", None],
            )
    d.para()
    d.para(_("Phụ lục 2"), bold=True, align="center")
    d.para(_("NHIỆM VỤ QUÁ HẠN CHƯA HOÀN THÀNH"), bold=True, align="center")
    if not overdue:
        d.para(_("Không có nhiệm vụ quá hạn."), align="center")
    else:
        table = d.table(
            [4.0, 1.4, 9.6, 4.2, 4.2, 2.2],
            header=[_("Văn bản"), _("TT"), _("Nội dung nhiệm vụ"), _("Chủ trì"), _("Phối hợp"), _("Thời hạn")],
            size=11,
        )
        for task in overdue:
            d.row(
                table,
                [
                    str(task.directive),
                    task.path,
                    task.text,
                    task.lead.name if task.lead else "",
                    ", ".join(o.name for o in task.supporters.all()),
                    format_date_vi(task.deadline),
                ],
                aligns=[None, "center", None, None, None, "center"],
            )
    return d.bytes()
