"""Directive text -> draft: document metadata, period, numbered tasks (bodies, deadlines), figures, references.

Pure Python, no Django. Entry points::

    parsed = parse_directive(text, today=None)   # never raises on odd text; zero tasks when none
    parsed.to_dict()                             # the JSON contract of corpus/README.md (+ "due_period",
                                                 # and each task's "span": [start, end) in ``text``)
    decode_upload(data, filename)                # bytes -> text, ParseInputError with a Vietnamese message
    docx_to_text(data)

Choices worth knowing: a task without its own deadline inherits its parent's, then the period of its
section ("II. … QUÝ IV NĂM 2021" or an intro paragraph "Năm 2015, …"), then the document's period;
a task without a lead inherits its parent's lead. ``due_period`` names the period a deadline came from.
Deadlines also go up, where the text says so: an item that says only when ("- Hoàn thành trước
30/9/2025." under "5. Sở Xây dựng: chủ trì …") is the heading's deadline, not a task, and the heading's
other items inherit it; a heading with no deadline at all whose items all name their own is due with
the last of them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .bodies import extract_bodies
from .deadlines import Period, find_deadline, find_period, is_deadline_only
from .decode import MAX_UPLOAD_BYTES, ParseInputError, decode_upload, docx_to_text
from .figures import Figure, find_figures
from .metadata import DocumentMeta, extract_metadata
from .page import split_page
from .references import Reference, find_references
from .spans import locate
from .structure import Node, build_outline
from .text import clean_lines, split_paragraphs

__all__ = [
    "MAX_UPLOAD_BYTES",
    "DocumentMeta",
    "Figure",
    "ParseInputError",
    "ParsedDirective",
    "ParsedTask",
    "Period",
    "Reference",
    "NORMATIVE_WARNING",
    "decode_upload",
    "docx_to_text",
    "parse_directive",
]


@dataclass
class ParsedTask:
    ref: str
    text: str
    due: dt.date | None = None
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    parent_ref: str | None = None
    due_period: str | None = None
    recurrence: dict | None = None  # {"freq": "yearly", "day": 25, "month": 12} for "trước ngày 25/12 hàng năm"
    # where the deadline came from: "own" text, its "parent", its "section" or the "document" period, or its
    # "items" (every item of the heading dated); internal, not part of the JSON contract
    due_source: str | None = field(default=None, repr=False, compare=False)
    span: tuple[int, int] | None = None  # where the task's text lies in the text parsed: [start, end)

    def to_dict(self) -> dict:
        out = {
            "ref": self.ref,
            "text": self.text,
            "due": self.due.isoformat() if self.due else None,
            "lead": list(self.lead),
            "support": list(self.support),
            "due_period": self.due_period,
            "span": list(self.span) if self.span else None,
        }
        if self.recurrence:
            out["recurrence"] = dict(self.recurrence)
        return out


@dataclass
class ParsedDirective:
    document: DocumentMeta
    period: Period | None
    tasks: list[ParsedTask]
    figures: list[Figure]
    references: list[Reference]
    warnings: list[str] = field(default_factory=list)
    normative: bool = False

    def to_dict(self) -> dict:
        return {
            "warnings": list(self.warnings),
            "document": self.document.to_dict(),
            "period": self.period.to_dict() if self.period else {"year": None, "quarter": None},
            "tasks": [t.to_dict() for t in self.tasks],
            "figures": [f.to_dict() for f in self.figures],
            "references": [r.to_dict() for r in self.references],
        }


_TASK_PERIOD = re.compile(
    r"(?:phương hướng,?\s*(?:các\s+)?nhiệm vụ|triển khai\s+(?:các\s+)?nhiệm vụ|nhiệm vụ trọng tâm)"
    r"(?P<tail>[^.;:!?]{0,90})",
    re.IGNORECASE,
)


def _document_period(texts: list[str]) -> Period | None:
    for text in texts:
        for m in _TASK_PERIOD.finditer(text):
            found = find_period(m.group("tail"))
            if found:
                return found[0]
    return None


NORMATIVE_WARNING = "Văn bản quy phạm, không phải văn bản giao nhiệm vụ"
_NORMATIVE_KINDS = re.compile(r"^(?:Luật|Bộ luật|Pháp lệnh|Nghị định|Thông tư|Thông tư liên tịch)$", re.IGNORECASE)
# A legal normative document carries its year in its number ("304/2025/NĐ-CP", "80/2025/NQ-HĐND").
_NORMATIVE_NUMBER = re.compile(r"^\d+(?:\.\d+)?/(?:19|20)\d\d/[A-ZĐ]")
_ARTICLE_LINE = re.compile(r"^Điều\s+\d{1,3}\s*[.:]", re.MULTILINE)
# "Quyết định ban hành Quy định …", "… công bố thủ tục hành chính", "sửa đổi, bổ sung một số điều …": rules, not tasks.
_NORMATIVE_TITLE = re.compile(
    r"^(?:Về\s+)?(?:việc\s+)?(?:(?:ban hành|công bố)\s+(?:kèm theo\s+)?(?:các\s+)?(?:quy định|quy chế|điều lệ|quy trình"
    r"|(?:danh mục\s+)?(?:các\s+)?thủ tục hành chính|bộ tiêu chí|định mức|đơn giá|bảng giá|tiêu chuẩn|chế độ)"
    r"|quy định (?:chức năng|chi tiết|mức|về|nội dung)|sửa đổi, bổ sung (?:một số )?điều)",
    re.IGNORECASE,
)
_LEGISLATURE_NUMBER = re.compile(r"/(?:\d{4}/)?(?:QH\d*|NQ-UBTVQH\d*|UBTVQH\d*)$")
_CHAPTER_LINE = re.compile(r"^(?:Chương|CHƯƠNG)\s+(?:[IVXLC]+|\d+)\b", re.MULTILINE)


def is_normative(meta: DocumentMeta, paragraphs: list[str]) -> bool:
    """A law, decree, circular or regulation: articles of rules, not tasks assigned to bodies."""
    if meta.kind and _NORMATIVE_KINDS.match(meta.kind):
        return True
    articles = sum(1 for p in paragraphs if _ARTICLE_LINE.match(p))
    if articles >= 2 and meta.title and _NORMATIVE_TITLE.match(meta.title):
        return True
    if meta.number and _LEGISLATURE_NUMBER.search(meta.number):
        return True
    if meta.number and _NORMATIVE_NUMBER.match(meta.number) and articles >= 2:
        return True
    chapters = sum(1 for p in paragraphs if _CHAPTER_LINE.match(p))
    return articles >= 12 or (articles >= 6 and chapters >= 1)


def parse_directive(text: str, *, today: dt.date | None = None) -> ParsedDirective:
    today = today or dt.date.today()
    source = text or ""
    page = split_page(source)
    text = page.text
    lines = clean_lines(text)
    split = split_paragraphs(text, lines)
    paragraphs = split.paragraphs
    outline = build_outline(paragraphs)

    doc_period = _document_period(paragraphs)
    fallback_period = doc_period or (outline.intro_periods[-1] if outline.intro_periods else None)
    meta = extract_metadata(
        lines,
        paragraphs,
        period_year=fallback_period.year if fallback_period else None,
        whole_year=bool(fallback_period and not fallback_period.quarter and not fallback_period.half),
        today=today,
    )
    _site_fallback(meta, page.site)
    context_year = (doc_period.year if doc_period else None) or (meta.issued_on.year if meta.issued_on else None)

    normative = is_normative(meta, paragraphs)
    tasks: list[ParsedTask] = []
    resolved: dict[int, ParsedTask] = {}
    for node in outline.nodes:
        if not node.is_task or normative:
            continue
        task = _task(node, resolved, doc_period, context_year or today.year, meta.issued_on)
        resolved[id(node)] = task
        tasks.append(task)
    _date_headings_from_items(outline.nodes, resolved)
    for task, span in zip(tasks, locate(source, [t.text for t in tasks]), strict=True):
        task.span = span

    body_text = "\n".join(paragraphs)
    references = find_references("\n".join([body_text, *split.footnotes]), own_number=meta.number)
    period = doc_period or (tasks and _first_period(outline.nodes)) or None
    if not period and tasks and meta.title:
        # "Kế hoạch … năm 2026": a plan names the period its tasks are for in its title.
        in_title = find_period(meta.title)
        period = in_title[0] if in_title else None
    return ParsedDirective(
        document=meta,
        period=period if isinstance(period, Period) else None,
        tasks=tasks,
        figures=find_figures(body_text),
        references=references,
        warnings=[NORMATIVE_WARNING] if normative else [],
        normative=normative,
    )


_NO_SUBJECT = re.compile(r"^(?:Chủ trì|Phối hợp|Tham mưu|Hướng dẫn|Theo dõi)\b", re.IGNORECASE)


def _site_fallback(meta: DocumentMeta, site: dict) -> None:
    """Fields the header did not yield, from the legal-text site's particulars of the document."""
    for key in ("kind", "number", "signer", "issued_on", "title"):
        if not getattr(meta, key) and site.get(key):
            setattr(meta, key, site[key])
    if not meta.issuer and isinstance(site.get("issuer"), str):
        meta.issuer = site["issuer"]


def _first_period(nodes: list[Node]) -> Period | None:
    for n in nodes:
        if n.is_task and n.period:
            return n.period
    return None


def _task(
    node: Node, resolved: dict[int, ParsedTask], doc_period: Period | None, year: int, issued: dt.date | None
) -> ParsedTask:
    parent = node.task_parent()
    parent_task = resolved.get(id(parent)) if parent is not None else None
    own_text = node.full_text
    section_year = node.period.year if node.period else year
    deadline = find_deadline(own_text, section_year, issued=issued)
    due, due_period, recurrence, source = None, None, None, None
    if deadline:
        due, due_period, source = deadline.date, deadline.label, "own"
        recurrence = dict(deadline.recurrence) if deadline.recurrence else None
    elif parent_task and parent_task.due:
        due, due_period, recurrence = parent_task.due, parent_task.due_period, parent_task.recurrence
        source = "parent"
    elif node.period:
        due, due_period, source = node.period.end, node.period.label, "section"
    elif doc_period:
        due, due_period, source = doc_period.end, doc_period.label, "document"
    # a line that says only when ("Thời hạn: Quý IV/2025.") names no body and leaves a heading a heading
    extra = [e for e in node.extra if not is_deadline_only(e)]
    heading = len(node.text.split()) <= 14 and not extra and not node.text.rstrip().endswith(".")
    lead, support = extract_bodies("\n".join([node.text, *extra]).strip(), heading=heading)
    if parent_task and parent_task.lead and _NO_SUBJECT.match(own_text):
        # under "5. Sở Xây dựng:", "a) Chủ trì, phối hợp với Sở Tài chính …": the heading's body leads
        support = [b for b in [*lead, *support] if b not in parent_task.lead]
        lead = []
    if not lead and parent_task:
        lead = list(parent_task.lead)
    return ParsedTask(
        ref=node.path,
        text=own_text,
        due=due,
        lead=lead,
        support=support,
        parent_ref=parent_task.ref if parent_task else None,
        due_period=due_period,
        recurrence=recurrence,
        due_source=source,
    )


def _date_headings_from_items(nodes: list[Node], resolved: dict[int, ParsedTask]) -> None:
    """A heading that names no deadline, and inherits none, is due when the last of its items is, where
    every item names its own ("5. Sở Xây dựng:" then "a) … trước 30/6/2025", "b) … trước 30/9/2025": the
    heading's work is done on 30/9/2025). Where one item is undated, or recurs, the heading's end is
    unknown and stays empty. Deepest headings first, so a heading of headings counts its sub-headings' dates."""
    depth = {id(n): _depth(n) for n in nodes}
    for node in sorted((n for n in nodes if id(n) in resolved), key=lambda n: -depth[id(n)]):
        task = resolved[id(node)]
        items = [resolved[id(c)] for c in node.children if id(c) in resolved]
        # a recurring item ("trước ngày 30/11 hằng năm") is never done once and for all: no end to carry
        if (
            task.due
            or not items
            or not all(t.due and t.due_source in ("own", "items") and not t.recurrence for t in items)
        ):
            continue
        last = max(items, key=lambda t: t.due)
        task.due, task.due_period, task.due_source = last.due, last.due_period, "items"


def _depth(node: Node) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth
