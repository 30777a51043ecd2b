"""A task table from a spreadsheet (.xlsx) → the parser's contract, so that the review page and
the import service take it as they take a parsed text. Pure: no ORM.

The table is the one e-office systems export and clerks keep: a number (TT/STT), the task
(Nhiệm vụ / Nội dung), the lead body (Cơ quan / Đơn vị chủ trì), supporting bodies (Cơ quan
phối hợp), the deadline (Thời hạn / Thời gian hoàn thành), the status (Trạng thái / Tình hình
thực hiện) and the progress (Tiến độ %). Columns are found by their headers, whatever their
case, accents and order; the header row is the first of the first 40 rows that names a task
column and at least one other; a second header row under it ("Cơ quan thực hiện" over "Chủ trì |
Phối hợp") and a row numbering the columns ("(1) (2) (3)") are read as part of the header. The
rows above it are title rows: the directive's kind, number, date, issuer and title are read
from them when they name them ("Kèm theo Kế hoạch số 1627/KH-UBND ngày 10/5/2025 của …").

Choices worth knowing:

- Numbers become paths as the parser writes them: "II" then "1" is "II.1"; "1.2" is kept; "a"
  under "1" is "1.a"; a row without a number is numbered under the last numbered row. A table
  with the export's own headers (`TABLE_HEADERS`) keeps its numbers as they are, so that an
  exported table re-imports to the same tasks.
- A deadline cell may be a date, "dd/mm/yyyy", a period ("Quý IV/2025", "năm 2026") or a phrase
  the parser's deadline reader understands ("trước ngày 30/6/2025"); anything else
  ("Thường xuyên") leaves the deadline empty, with a note.
- A body cell may name several bodies, one a line or separated by ";" (or by commas when each
  part starts with a capital: "Sở Nội vụ, Sở Tài chính"); a lead cell's second body becomes a
  supporter, as the import service does for the parser's tasks.
- Status and progress are *shown* on the review (each task's "reported" value) and not
  imported: progress is what the lead body reports on a saved task (an append-only history with
  its author); the import service writes tasks, not reports.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext as _

from directives.documents import DocumentError
from directives.documents.spreadsheet import SheetRows
from directives.documents.word import pipe_row
from directives.domain.periods import Period
from directives.importing.drafts import KIND_BY_LABEL
from directives.importing.matching import fold

NUMBER, TASK, LEAD, SUPPORT, DEADLINE, STATUS, PROGRESS = (
    "number",
    "task",
    "lead",
    "support",
    "deadline",
    "status",
    "progress",
)

#: The columns the export writes, in order. They are the interchange format of the table, so they
#: are Vietnamese in every language of the interface (the import reads them first).
TABLE_HEADERS: dict[str, str] = {
    NUMBER: "TT",
    TASK: "Nhiệm vụ",
    LEAD: "Cơ quan chủ trì",
    SUPPORT: "Cơ quan phối hợp",
    DEADLINE: "Thời hạn",
    STATUS: "Trạng thái",
    PROGRESS: "Tiến độ (%)",
}

#: How far down the header row is looked for.
HEADER_SEARCH_ROWS = 40


def header_key(text: object) -> str:
    """'Cơ quan  CHỦ TRÌ:' -> 'co quan chu tri' (lower case, no accents, punctuation as spaces; % kept)."""
    return " ".join(re.sub(r"[^a-z0-9%]+", " ", fold(str(text or ""))).split())


def column_role(text: object) -> str | None:
    """Which column of a task table a header names, or None (see the module docstring)."""
    key = header_key(text)
    if not key:
        return None
    if key in {"tt", "stt", "s tt", "so tt", "so thu tu", "thu tu", "so", "no", "ma so"}:
        return NUMBER
    if "san pham" in key or "ghi chu" in key:
        return None
    if "%" in key or "tien do" in key or "ty le" in key or "phan tram" in key:
        return PROGRESS
    if any(w in key for w in ("trang thai", "tinh hinh", "tinh trang", "ket qua thuc hien")):
        return STATUS
    if "phoi hop" in key:
        return SUPPORT
    if "chu tri" in key or key in {"co quan", "don vi", "co quan don vi"}:
        return LEAD
    if any(w in key for w in ("thoi han", "thoi gian", "han hoan thanh", "han xu ly")) or key == "han":
        return DEADLINE
    if "thuc hien" in key and ("co quan" in key or "don vi" in key):
        return LEAD
    if any(w in key for w in ("nhiem vu", "noi dung", "cong viec", "giai phap", "hoat dong", "de an")):
        return TASK
    return None


def _roles(cells: list[object]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        if not isinstance(cell, str):
            continue
        role = column_role(cell)
        if role and role not in roles:
            roles[role] = index
    return roles


@dataclass
class Table:
    sheet: str
    header_row: int  # 1-based, in the sheet (the last header row when there are two)
    headers: list[str]
    columns: dict[str, int]  # role -> 0-based column
    title_lines: list[str]
    rows: list[tuple[int, list[object]]]  # (1-based row number, values)
    canonical: bool = False  # the export's own headers: numbers kept as they are


def _is_column_numbering(cells: list[object]) -> bool:
    """'(1) (2) (3) (4)' or '1 2 3 4' under the headers."""
    values = [c for c in cells if c is not None]
    if len(values) < 3:
        return False
    numbers = []
    for value in values:
        m = re.fullmatch(r"\(?(\d{1,2})\)?", str(value).strip())
        if not m:
            return False
        numbers.append(int(m.group(1)))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _is_sub_header(cells: list[object], roles: dict[str, int]) -> bool:
    """A second header row: short labels only ("Chủ trì", "Phối hợp"), each naming a column, and
    nothing in the number column."""
    values = [c for c in cells if c is not None]
    if not values or (NUMBER in roles and _cell(cells, roles[NUMBER]) is not None):
        return False
    return all(isinstance(c, str) and len(c) <= 40 and column_role(c) for c in values)


def find_table(sheets: list[SheetRows]) -> Table | None:
    """The first sheet's task table: its header, columns, title rows and data rows."""
    for sheet in sheets:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            roles = _roles(row)
            if TASK not in roles or len(roles) < 2:
                continue
            headers = [str(c) if c is not None else "" for c in row]
            first_data = index + 1
            below = sheet.rows[first_data] if first_data < len(sheet.rows) else []
            if _is_sub_header(below, roles):
                # a second header row: "Cơ quan thực hiện" spanning "Chủ trì | Phối hợp"
                width = max(len(headers), len(below))
                headers += [""] * (width - len(headers))
                merged, carried = [], ""
                for col in range(width):
                    top = headers[col]
                    carried = top or carried
                    low = str(below[col]) if col < len(below) and below[col] is not None else ""
                    merged.append(f"{top or carried} {low}".strip() if low else top)
                headers = merged
                roles = _roles(headers)
                first_data += 1
            if first_data < len(sheet.rows) and _is_column_numbering(sheet.rows[first_data]):
                first_data += 1
            titles = [
                " ".join(str(c) for c in r if c is not None and str(c).strip())
                for r in sheet.rows[:index]
                if any(c is not None for c in r)
            ]
            canonical = [header_key(h) for h in headers[: len(TABLE_HEADERS)]] == [
                header_key(h) for h in TABLE_HEADERS.values()
            ]
            return Table(
                sheet=sheet.name,
                header_row=first_data,
                headers=headers,
                columns=roles,
                title_lines=[t for t in titles if t],
                rows=[(n + 1, sheet.rows[n]) for n in range(first_data, len(sheet.rows))],
                canonical=canonical,
            )
    return None


def _cell(row: list[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return None
    return row[index]


# -- cells ------------------------------------------------------------------------------------------

_DMY = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", re.IGNORECASE)
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T][\d:.]+)?")


def _sane(d: date) -> bool:
    return 1945 <= d.year <= 2100


def read_deadline(value: object, *, context_year: int | None = None) -> tuple[date | None, str, bool]:
    """(date, period label, understood) of a deadline cell; (None, "", True) for an empty one."""
    from directives.parsing.deadlines import find_deadline, make_date

    if value is None or (isinstance(value, str) and not value.strip()):
        return None, "", True
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return (value, "", True) if _sane(value) else (None, "", False)
    if isinstance(value, bool):
        return None, "", False
    if isinstance(value, int) and 1945 <= value <= 2100:
        period = Period(value)
        return period.end, period.label(), True
    if isinstance(value, (int, float)):
        return None, "", False
    text = " ".join(str(value).split())
    for pattern, order in ((_DMY, (0, 1, 2)), (_ISO, (2, 1, 0))):
        m = pattern.fullmatch(text)
        if m:
            parts = [int(g) for g in m.groups()]
            found = make_date(parts[order[0]], parts[order[1]], parts[order[2]])
            return (found, "", True) if found else (None, "", False)
    period = Period.parse(text)
    if period is not None:
        return period.end, period.label(), True
    deadline = find_deadline(text, context_year) or find_deadline(f"Thời hạn: {text}", context_year)
    if deadline is not None:
        return deadline.date, deadline.label or "", True
    return None, "", False


def read_progress(value: object) -> int | None:
    """40, 40.0, "40", "40%", "40,5 %" -> 40; a fraction 0.4 (a percentage cell read as a number)
    -> 40; anything else, or out of 0–100 -> None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        number = float(value)
        if isinstance(value, float) and 0 < number < 1:
            number *= 100
    else:
        m = re.fullmatch(r"(\d{1,3}(?:[.,]\d+)?)\s*%?", str(value).strip())
        if not m:
            return None
        number = float(m.group(1).replace(",", "."))
    return int(number) if 0 <= number <= 100 else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


_BODY_SEPARATORS = re.compile(r"\s*(?:\n|;)\s*")


def split_bodies(value: object) -> list[str]:
    """The bodies a cell names (see the module docstring)."""
    names: list[str] = []
    for chunk in _BODY_SEPARATORS.split(_text(value)):
        chunk = " ".join(chunk.lstrip("-–•+* \t").rstrip(" ,;.").split())
        if not chunk:
            continue
        pieces = [p.strip() for p in chunk.split(",")]
        if len(pieces) > 1 and all(p and p[0].isupper() for p in pieces):
            names.extend(pieces)
        else:
            names.append(chunk)
    seen: set[str] = set()
    return [n for n in names if not (n.casefold() in seen or seen.add(n.casefold()))]


# -- numbers and paths -----------------------------------------------------------------------------

_ROMAN = re.compile(r"[IVXLC]{1,6}")
_HEADING_IN_NUMBER = re.compile(r"(?P<n>[IVXLC]{1,6}|\d{1,3}|[a-zđ])\s*[.):]\s+(?P<text>\S.*)", re.DOTALL)


def _number(value: object) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    text = " ".join(str(value).split()).rstrip(".:").strip()
    if text.endswith(")") and "(" not in text:  # "1)", "a)"; "(2)" stays
        text = text[:-1].strip()
    return text


def _kind_of(number: str) -> str:
    if not number:
        return "none"
    if _ROMAN.fullmatch(number):
        return "roman"
    if "." in number:
        return "path"
    if number.isdigit():
        return "arabic"
    if re.fullmatch(r"[a-zđ]", number) or re.fullmatch(r"\(\d{1,3}\)", number):
        return "item"
    return "none"  # "-", "+", "*": a bullet


class _Paths:
    """Numbers as written -> unique paths, as the parser writes them."""

    def __init__(self, verbatim: bool):
        self.verbatim = verbatim
        self.section = ""
        self.arabic = ""
        self.unnumbered: dict[str, int] = {}
        self.seen: set[str] = set()

    def path(self, number: str) -> str:
        kind = _kind_of(number)
        if self.verbatim and kind != "none":
            ref = number
            self.arabic = ref
        elif kind == "roman":
            ref = self.section = number
            self.arabic = ""
        elif kind == "path":
            ref = self.arabic = number
        elif kind == "arabic":
            ref = self.arabic = f"{self.section}.{number}" if self.section else number
        elif kind == "item":
            parent = self.arabic or self.section
            ref = f"{parent}.{number}" if parent else number
        else:
            parent = self.arabic or self.section
            count = self.unnumbered[parent] = self.unnumbered.get(parent, 0) + 1
            ref = f"{parent}.{count}" if parent else str(count)
        ref = ref[:60]
        unique, n = ref, 2
        while unique in self.seen:
            unique, n = f"{ref}-{n}", n + 1
        self.seen.add(unique)
        return unique


# -- title rows -------------------------------------------------------------------------------------

_DOC_NUMBER = re.compile(r"\bsố[:\s]+(?P<n>\d+[\w.]*(?:[/-][\w.&]+)+)", re.IGNORECASE)
_ISSUER = re.compile(r"\bcủa\s+(?P<i>[^,;()]{4,200}?)\s*\)?\s*$", re.IGNORECASE)
_TITLE_LABEL = re.compile(r"^(?:trích yếu|tên văn bản)\s*:\s*(?P<t>.+)$", re.IGNORECASE)
_GENERIC_TITLE = re.compile(r"^(?:danh mục|bảng|phụ lục|biểu|danh sách)\b", re.IGNORECASE)


def title_document(lines: list[str]) -> dict:
    """The document fields the title rows name (the contract's "document"; missing ones None)."""
    from directives.parsing.deadlines import find_dates

    doc: dict = dict.fromkeys(("kind", "number", "title", "issuer", "meeting_date", "issued_on", "signer"))
    labels = sorted(KIND_BY_LABEL, key=len, reverse=True)
    for line in lines:
        m = _DOC_NUMBER.search(line)
        if m and not doc["number"]:
            doc["number"] = m.group("n").rstrip(".")
            before = fold(line[: m.start()])
            doc["kind"] = next((lab.capitalize() for lab in labels if fold(lab) in before), None)
            dates = find_dates(line[m.end() :])
            if dates:
                doc["issued_on"] = dates[0][1].isoformat()
            issuer = _ISSUER.search(line[m.end() :])
            if issuer:
                doc["issuer"] = issuer.group("i").strip()
        t = _TITLE_LABEL.match(line)
        if t and not doc["title"]:
            doc["title"] = t.group("t").strip()
    if not doc["title"]:
        doc["title"] = _plain_title(lines)
    return doc


_ABOUT = re.compile(r"^(?:V/v|Về việc|Về)\s+\S", re.IGNORECASE)


def _plain_title(lines: list[str]) -> str | None:
    """A title for a table whose title rows do not label one: a "V/v …" line; else the generic
    heading with the line naming the document ("Danh mục nhiệm vụ (Kèm theo Kế hoạch số …)");
    else the first line that is not all capitals (the issuer's name usually is)."""
    about = next((line for line in lines if _ABOUT.match(line)), None)
    if about:
        return about
    generic = next((line for line in lines if _GENERIC_TITLE.match(line)), None)
    naming = next((line for line in lines if _DOC_NUMBER.search(line)), None)
    if generic and naming:
        return f"{generic} {naming}"
    return next((line for line in lines if not line.isupper() and len(line) > 12), generic or naming)


# -- the table -> the contract ----------------------------------------------------------------------


@dataclass
class TableImport:
    contract: dict
    source_text: str
    notes: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)


def no_table_message() -> str:
    return _(
        "Không tìm thấy bảng nhiệm vụ trong tệp Excel: cần một dòng tiêu đề có cột “Nhiệm vụ” (hoặc “Nội dung”) "
        "và ít nhất một cột khác như “Cơ quan chủ trì”, “Thời hạn” (trong 40 dòng đầu của một trang tính)."
    )


def table_contract(sheets: list[SheetRows], *, filename: str = "", today: date | None = None) -> TableImport:
    """The parser's contract for the workbook's task table; DocumentError when it has none."""
    from directives.parsing.deadlines import find_period

    table = find_table(sheets)
    if table is None:
        raise DocumentError(no_table_message())
    today = today or date.today()
    doc = title_document(table.title_lines)
    found_period = find_period(" ".join(table.title_lines)) if table.title_lines else None
    context_year = (
        (found_period[0].year if found_period else None)
        or (int(doc["issued_on"][:4]) if doc["issued_on"] else None)
        or today.year
    )
    if not doc["title"]:
        doc["title"] = _("Bảng nhiệm vụ từ tệp %(name)s") % {"name": filename or table.sheet}
    cols = table.columns
    paths = _Paths(verbatim=table.canonical)
    tasks: list[dict] = []
    unread_deadlines: list[str] = []
    unread_progress: list[str] = []
    lines = [*table.title_lines, "", pipe_row(list(table.headers))]
    header_keys = [header_key(h) for h in table.headers]
    for number_of_row, row in table.rows:
        if not any(v is not None for v in row):
            continue
        if [header_key(_text(v)) for v in row[: len(header_keys)]] == header_keys[: len(row)]:
            continue  # the header repeated (a printed table's page break)
        number = _number(_cell(row, cols.get(NUMBER)))
        text = _text(_cell(row, cols[TASK]))
        if not text:
            m = _HEADING_IN_NUMBER.fullmatch(number) if number else None
            if not m:
                continue  # a note under the table, a stray number
            number, text = m.group("n"), m.group("text").strip()
        lines.append(pipe_row([" ".join(_text(v).split()) for v in row]))
        due, label, understood = read_deadline(_cell(row, cols.get(DEADLINE)), context_year=context_year)
        if not understood:
            unread_deadlines.append(
                _("dòng %(row)d (“%(value)s”)")
                % {"row": number_of_row, "value": _text(_cell(row, cols.get(DEADLINE)))[:60]}
            )
        lead = split_bodies(_cell(row, cols.get(LEAD)))
        support = [n for n in split_bodies(_cell(row, cols.get(SUPPORT))) if n not in lead]
        task = {
            "ref": paths.path(number),
            "text": text,
            "due": due.isoformat() if due else None,
            "lead": lead,
            "support": support,
            "due_period": label or None,
        }
        status = _text(_cell(row, cols.get(STATUS)))
        raw_progress = _cell(row, cols.get(PROGRESS))
        progress = read_progress(raw_progress)
        if raw_progress is not None and progress is None:
            status = f"{status}; {_text(raw_progress)}".strip("; ") if status else _text(raw_progress)
            if re.search(r"\d", _text(raw_progress)):
                unread_progress.append(_("dòng %(row)d") % {"row": number_of_row})
        if status or progress is not None:
            task["reported"] = {"status": status[:500], "progress": progress}
        tasks.append(task)

    notes: list[str] = []
    if LEAD not in cols:
        notes.append(_("Bảng không có cột cơ quan chủ trì: hãy chọn cơ quan chủ trì cho từng nhiệm vụ."))
    if unread_deadlines:
        shown = ", ".join(unread_deadlines[:8]) + (" …" if len(unread_deadlines) > 8 else "")
        notes.append(
            _("Không đọc được thời hạn ở %(rows)s: không phải một ngày hay một kỳ; để trống.") % {"rows": shown}
        )
    if unread_progress:
        notes.append(
            _("Tiến độ không phải số phần trăm (0–100) ở %(rows)s; giữ nguyên như ghi chú.")
            % {"rows": ", ".join(unread_progress[:8])}
        )
    if STATUS in cols or PROGRESS in cols:
        notes.append(
            _(
                "Cột trạng thái, tiến độ của bảng được hiển thị ở từng nhiệm vụ để đối chiếu nhưng không được nhập: "
                "tiến độ do đơn vị chủ trì báo cáo sau khi văn bản được lưu."
            )
        )
    facts = [
        (_("Trang tính"), table.sheet),
        (_("Dòng tiêu đề của bảng"), str(table.header_row)),
        (
            _("Các cột"),
            "; ".join(
                f"{TABLE_HEADERS[role]}: {_('cột')} {_column_letter(index)}"
                for role, index in sorted(cols.items(), key=lambda kv: kv[1])
            ),
        ),
        (_("Số dòng nhiệm vụ"), str(len(tasks))),
    ]
    contract = {
        "warnings": [],
        "document": doc,
        "period": found_period[0].to_dict() if found_period else {"year": None, "quarter": None},
        "tasks": tasks,
        "figures": [],
        "references": [],
    }
    return TableImport(contract=contract, source_text="\n".join(lines).strip(), notes=notes, facts=facts)
