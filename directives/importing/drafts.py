"""Plain data for a directive about to be imported: what the parser (or a gold annotation,
or the review form) produces, and what `services.directive_import` writes.

No ORM here: bodies are names, dates are dates, periods are codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from directives.domain.periods import Period
from directives.domain.recurrence import RecurrenceRule

KIND_BY_LABEL = {
    "thông báo": "thong_bao",
    "thông báo kết luận": "thong_bao",
    "kết luận": "ket_luan",
    "nghị quyết": "nghi_quyet",
    "chỉ thị": "chi_thi",
    "kế hoạch": "ke_hoach",
    "công văn": "cong_van",
    "quy định": "quy_dinh",
    "hướng dẫn": "huong_dan",
    "quyết định": "quyet_dinh",
    "công điện": "cong_dien",
}


def kind_code(label: str | None) -> str:
    """'Thông báo' -> 'thong_bao'; unknown or missing -> 'other'."""
    return KIND_BY_LABEL.get((label or "").strip().casefold(), "other")


@dataclass
class TaskDraft:
    ref: str
    text: str
    due: date | None = None
    due_period: str = ""  # period code, when the deadline came from a period
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    include: bool = True
    # A recurring task ("trước ngày 25/12 hằng năm"): Task.recurrence's code, the due day and
    # the month within the period (0: the last); `due` is then the first occurrence.
    recurrence: str = ""
    recurrence_day: int = 0
    recurrence_month: int = 0
    span: tuple[int, int] | None = None  # where the parser found the task in the source text: [start, end)

    @property
    def parent_ref(self) -> str | None:
        """'II.1.(2)' -> 'II.1'; a top-level ref has no parent."""
        return self.ref.rsplit(".", 1)[0] if "." in self.ref else None


@dataclass
class FigureDraft:
    label: str
    total: Decimal
    achieved: Decimal
    unit: str = ""
    include: bool = True


@dataclass
class ReferenceDraft:
    number: str
    kind: str = ""
    date: date | None = None


@dataclass
class DirectiveDraft:
    title: str
    kind: str = "other"  # Directive.Kind code
    number: str = ""
    issuer: str = ""  # organization name
    meeting_date: date | None = None
    issued_on: date | None = None
    signer: str = ""
    period: str = ""  # period code
    source_text: str = ""
    tasks: list[TaskDraft] = field(default_factory=list)
    figures: list[FigureDraft] = field(default_factory=list)
    references: list[ReferenceDraft] = field(default_factory=list)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None


def _span(value, length: int) -> tuple[int, int] | None:
    """A task's [start, end) in the source text, when it is one; None for anything else."""
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    start, end = value
    if type(start) is not int or type(end) is not int or not 0 <= start < end <= length:
        return None
    return start, end


def period_code(period: dict | None) -> str:
    """{'year': 2021, 'quarter': 4} -> '2021Q4'; {'year': 2019, 'half': 2} -> '2019H2'."""
    if not period or not period.get("year"):
        return ""
    try:
        return Period(
            int(period["year"]), quarter=period.get("quarter") or None, half=period.get("half") or None
        ).code()
    except (ValueError, TypeError):
        return ""


def period_code_of(value: str | None) -> str:
    """A period code from a code ("2021Q4") or a Vietnamese label ("Quý IV/2021"); "" otherwise."""
    if not value:
        return ""
    try:
        return Period.from_code(value).code()
    except ValueError:
        parsed = Period.parse(value)
        return parsed.code() if parsed else ""


#: The parser's frequency names (and their usual variants) -> Task.recurrence's codes. A weekly
#: rhythm has no code: such a task is followed by its first deadline only.
FREQUENCY_CODES = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "half_yearly": "half_yearly",
    "half-yearly": "half_yearly",
    "halfyearly": "half_yearly",
    "semiannual": "half_yearly",
    "semi-annual": "half_yearly",
    "biannual": "half_yearly",
    "yearly": "yearly",
    "annual": "yearly",
    "annually": "yearly",
}
#: The keys the parser names the month within the period with, per frequency.
_MONTH_KEYS = ("month", "month_of_quarter", "month_of_half")


def recurrence_of(value) -> tuple[str, int, int]:
    """The parser's `recurrence` ({"freq": "yearly", "day": 25, "month": 12}; {"freq":
    "quarterly", "day": 15, "month_of_quarter": 3}; {"freq": "quarterly"}) as (Task.recurrence,
    recurrence_day, recurrence_month); ("", 0, 0) when there is none, or it is one the tracker
    does not follow (weekly) or cannot be (a day or month out of range)."""
    if not isinstance(value, dict):
        return "", 0, 0
    code = FREQUENCY_CODES.get(str(value.get("freq") or value.get("frequency") or "").strip().lower(), "")
    if not code:
        return "", 0, 0
    try:
        day = int(value.get("day") or 0)
        month = next((int(value[k]) for k in _MONTH_KEYS if value.get(k)), 0)
        RecurrenceRule(code, day, month)
    except (TypeError, ValueError):
        return "", 0, 0
    return code, day, month


def reported_text(reported: dict | None) -> str:
    """A contract task's "reported" (a task table's status and progress columns) as the review
    shows it beside the task: {"status": "Đang thực hiện", "progress": 40} -> "Đang thực hiện ·
    40%". Shown, never imported: progress is reported on the saved task, by its lead body."""
    if not isinstance(reported, dict):
        return ""
    parts = [str(reported.get("status") or "").strip()]
    if isinstance(reported.get("progress"), int):
        parts.append(f"{reported['progress']}%")
    return " · ".join(p for p in parts if p)[:500]


def draft_from_contract(data: dict, *, source_text: str = "") -> DirectiveDraft:
    """Build a draft from the parser's JSON contract (corpus/README.md) or a gold annotation."""
    doc = data.get("document") or {}
    period = period_code(data.get("period"))
    title = (doc.get("title") or "").strip() or (source_text.strip().splitlines() or ["(không có trích yếu)"])[0][:500]
    tasks = []
    for item in data.get("tasks") or []:
        text = item.get("text") or item.get("text_start") or ""
        due = _date(item.get("due"))
        recurrence, day, month = recurrence_of(item.get("recurrence")) if due else ("", 0, 0)
        tasks.append(
            TaskDraft(
                ref=str(item.get("ref") or len(tasks) + 1),
                text=text.strip(),
                due=due,
                due_period=period_code_of(item.get("due_period")),
                lead=list(item.get("lead") or []),
                support=list(item.get("support") or []),
                recurrence=recurrence,
                recurrence_day=day,
                recurrence_month=month,
                span=_span(item.get("span"), len(source_text)),
            )
        )
    figures = []
    for fig in data.get("figures") or []:
        total, achieved = _decimal(fig.get("total")), _decimal(fig.get("achieved"))
        if total is None or achieved is None or total < 0 or achieved < 0:
            continue
        label = fig.get("label") or fig.get("unit") or ""
        figures.append(FigureDraft(label=label, total=total, achieved=achieved, unit=fig.get("unit") or ""))
    references = []
    for ref in data.get("references") or []:
        if isinstance(ref, str):
            references.append(ReferenceDraft(number=ref))
        elif ref.get("number"):
            references.append(
                ReferenceDraft(number=ref["number"], kind=ref.get("kind") or "", date=_date(ref.get("date")))
            )
    return DirectiveDraft(
        title=title,
        kind=kind_code(doc.get("kind")),
        number=doc.get("number") or "",
        issuer=doc.get("issuer") or "",
        meeting_date=_date(doc.get("meeting_date")),
        issued_on=_date(doc.get("issued_on")),
        signer=doc.get("signer") or "",
        period=period,
        source_text=source_text,
        tasks=tasks,
        figures=figures,
        references=references,
    )
