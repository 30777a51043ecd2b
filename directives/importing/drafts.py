"""Plain data for a directive about to be imported: what the parser (or a gold annotation,
or the review form) produces, and what `services.directive_import` writes.

No ORM here: bodies are names, dates are dates, periods are codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from directives.domain.periods import Period

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


def draft_from_contract(data: dict, *, source_text: str = "") -> DirectiveDraft:
    """Build a draft from the parser's JSON contract (corpus/README.md) or a gold annotation."""
    doc = data.get("document") or {}
    period = period_code(data.get("period"))
    title = (doc.get("title") or "").strip() or (source_text.strip().splitlines() or ["(không có trích yếu)"])[0][:500]
    tasks = []
    for item in data.get("tasks") or []:
        text = item.get("text") or item.get("text_start") or ""
        due = _date(item.get("due"))
        tasks.append(
            TaskDraft(
                ref=str(item.get("ref") or len(tasks) + 1),
                text=text.strip(),
                due=due,
                due_period=period_code_of(item.get("due_period")),
                lead=list(item.get("lead") or []),
                support=list(item.get("support") or []),
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
