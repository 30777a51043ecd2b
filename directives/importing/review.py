"""The review of a draft, as pure logic: the forms' initial data from a draft, the draft as the
reviewer left it, what an update will add, change and retire, and names that read like
sentences. No ORM here: organizations come in as plain objects or ids.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from directives.domain.periods import Period
from directives.importing.drafts import DirectiveDraft, FigureDraft, ReferenceDraft, TaskDraft

# -- from the parser's contract to initial data, and back ---------------------------------------


@dataclass
class ReviewedTask(TaskDraft):
    """A task as the reviewer left it: the parent is chosen, not derived from the ref."""

    parent: str | None = None

    @property
    def parent_ref(self) -> str | None:  # type: ignore[override]
        return self.parent


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def initial_from_draft(draft: DirectiveDraft, match) -> dict:
    """Initial data of the review forms; `match(name) -> org id or None` pre-selects bodies."""

    def pick(names: list[str]) -> tuple[list[str], list[str]]:
        ids, unknown = [], []
        for name in names:
            oid = match(name)
            if oid is None:
                unknown.append(name)
            elif str(oid) not in ids:
                ids.append(str(oid))
        return ids, unknown

    issuer_id = match(draft.issuer) if draft.issuer else None
    meta = {
        "kind": draft.kind,
        "number": draft.number,
        "title": draft.title,
        "issuer": str(issuer_id) if issuer_id else "",
        "issuer_new": "" if issuer_id else draft.issuer,
        "meeting_date": draft.meeting_date,
        "issued_on": draft.issued_on,
        "signer": draft.signer,
        "period": draft.period,
    }
    tasks = []
    for task in draft.tasks:
        leads, unknown_leads = pick(task.lead)
        supports, unknown_supports = pick(task.support)
        tasks.append(
            {
                "include": True,
                "merge": False,
                "ref": task.ref,
                "parent_ref": task.parent_ref or "",
                "text": task.text,
                "due": task.due,
                "due_period": task.due_period,
                "recurrence": task.recurrence,
                "recurrence_day": task.recurrence_day,
                "recurrence_month": task.recurrence_month,
                "lead": leads[0] if leads else "",
                "support": [i for i in leads[1:] + supports if i != (leads[0] if leads else None)],
                "new_bodies": "\n".join(unknown_leads + unknown_supports),
                "create": False,
            }
        )
    figures = [
        {"include": f.include, "label": f.label, "unit": f.unit, "achieved": f.achieved, "total": f.total}
        for f in draft.figures
    ]
    references = [{"include": True, "number": r.number, "kind": r.kind, "date": r.date} for r in draft.references]
    return {"meta": meta, "tasks": tasks, "figures": figures, "references": references}


def _recurrence(data: dict) -> tuple[str, int, int]:
    """(frequency, day, month) of a reviewed row; day and month only with a frequency."""
    code = data.get("recurrence") or ""
    if not code:
        return "", 0, 0
    return code, int(data.get("recurrence_day") or 0), int(data.get("recurrence_month") or 0)


@dataclass
class Reviewed:
    draft: DirectiveDraft
    organizations: dict  # casefolded name -> Organization the reviewer picked
    issuer_id: int | None


def reviewed_draft(meta, tasks, figures, references, *, orgs_by_id, source_text) -> Reviewed:
    """The draft as the reviewer left it, with the organizations picked for its body names.

    Dropped tasks are left out; a task marked "merge" is appended to the previous kept task
    (text and bodies); a parent that was dropped is replaced by its nearest kept ancestor.
    """
    m = meta.cleaned_data
    organizations: dict = {}

    def use(org_id: str) -> str | None:
        org = orgs_by_id.get(int(org_id)) if org_id else None
        if org is None:
            return None
        organizations[org.name.casefold()] = org
        return org.name

    issuer = use(m.get("issuer") or "") or " ".join((m.get("issuer_new") or "").split())
    kept: list[ReviewedTask] = []
    for form in tasks.forms:
        data = form.cleaned_data
        if not data.get("include"):
            continue
        lead = use(data.get("lead") or "")
        support = [n for n in (use(i) for i in data.get("support") or []) if n and n != lead]
        if data.get("create"):
            new = form.new_body_names
            if new and lead is None:
                lead, new = new[0], new[1:]
            support += [n for n in new if n != lead and n not in support]
        if data.get("merge") and kept:
            previous = kept[-1]
            previous.text = f"{previous.text}\n{data['text'].strip()}".strip()
            if lead and not previous.lead:
                previous.lead = [lead]
            elif lead and lead not in previous.lead:
                support = [lead, *support]
            previous.support += [n for n in support if n not in previous.support and n not in previous.lead]
            if data.get("due") and not previous.due:
                previous.due = data["due"]
                if data.get("recurrence") and not previous.recurrence:
                    previous.recurrence, previous.recurrence_day, previous.recurrence_month = _recurrence(data)
            continue
        ref = data["ref"].strip()
        due = data.get("due")
        recurrence, day, month = _recurrence(data) if due else ("", 0, 0)
        kept.append(
            ReviewedTask(
                ref=ref,
                text=data["text"].strip(),
                due=due,
                due_period=(data.get("due_period") or "") if due else "",
                lead=[lead] if lead else [],
                support=support,
                parent=(data.get("parent_ref") or "").strip() or None,
                recurrence=recurrence,
                recurrence_day=day,
                recurrence_month=month,
            )
        )
    seen: set[str] = set()
    for task in kept:
        parent = task.parent
        while parent and parent not in seen:
            parent = parent.rsplit(".", 1)[0] if "." in parent else None
        task.parent = parent
        seen.add(task.ref)
    for task in kept:
        if task.due_period:
            try:
                Period.from_code(task.due_period)
            except ValueError:
                task.due_period = ""
    figure_drafts = [
        FigureDraft(
            label=(f.cleaned_data.get("label") or f.cleaned_data.get("unit") or "").strip(),
            unit=(f.cleaned_data.get("unit") or "").strip(),
            total=f.cleaned_data["total"],
            achieved=f.cleaned_data.get("achieved") or Decimal(0),
        )
        for f in figures.forms
        if f.cleaned_data.get("include")
    ]
    reference_drafts = [
        ReferenceDraft(
            number=r.cleaned_data["number"].strip(),
            kind=(r.cleaned_data.get("kind") or "").strip(),
            date=r.cleaned_data.get("date"),
        )
        for r in references.forms
        if r.cleaned_data.get("include") and (r.cleaned_data.get("number") or "").strip()
    ]
    draft = DirectiveDraft(
        title=m["title"].strip(),
        kind=m["kind"],
        number=(m.get("number") or "").strip(),
        issuer=issuer,
        meeting_date=m.get("meeting_date"),
        issued_on=m.get("issued_on"),
        signer=(m.get("signer") or "").strip(),
        period=m.get("period") or "",
        source_text=source_text,
        tasks=kept,
        figures=figure_drafts,
        references=reference_drafts,
    )
    issuer_org = organizations.get(issuer.casefold()) if issuer else None
    return Reviewed(draft=draft, organizations=organizations, issuer_id=issuer_org.pk if issuer_org else None)


# -- what an update will do ---------------------------------------------------------------------


@dataclass(frozen=True)
class ExistingTask:
    """A task of the directive an update would change, as the plan needs it."""

    path: str
    text: str
    deadline: date | None
    lead_name: str
    retired: bool = False
    recurrence: tuple[str, int, int] = ("", 0, 0)


@dataclass
class ImportPlan:
    """What confirming will do to an existing directive: tasks added, changed (text, deadline,
    lead or recurrence), retired (no longer in the text: kept with their history, out of the rates) and brought
    back (retired before, in the text again)."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    unchanged: int = 0

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed or self.retired or self.restored)


def import_plan(draft: DirectiveDraft, existing: list[ExistingTask]) -> ImportPlan:
    """Compare the reviewed draft with the directive's tasks, by path (the rule of
    `directive_import`)."""
    plan = ImportPlan()
    by_path = {t.path: t for t in existing}
    kept: set[str] = set()
    for item in (t for t in draft.tasks if t.include):
        kept.add(item.ref)
        old = by_path.get(item.ref)
        if old is None:
            plan.added.append(item.ref)
        elif old.retired:
            plan.restored.append(item.ref)
        elif (
            " ".join(old.text.split()) != " ".join(item.text.split())
            or old.deadline != item.due
            or (item.lead[:1] or [""])[0].casefold() != old.lead_name.casefold()
            or old.recurrence != (item.recurrence, item.recurrence_day, item.recurrence_month)
        ):
            plan.changed.append(item.ref)
        else:
            plan.unchanged += 1
    plan.retired = [t.path for t in existing if t.path not in kept and not t.retired]
    return plan


# -- names of bodies that read like sentences ------------------------------------------------------

#: Words that fill a sentence of a directive, never the name of a body, and verbs that start one
#: ("Ban Chỉ đạo …" is a body; "Chỉ đạo các đơn vị …" is a sentence).
_SENTENCE_WORDS = re.compile(r"\b(nhất trí|đồng ý|cơ bản|các đơn vị|trực thuộc|khẩn trương|tổ chức thực hiện)\b", re.I)
_SENTENCE_START = re.compile(r"^(chỉ đạo|giao|đề nghị|yêu cầu|tiếp tục|thực hiện|triển khai|nghiên cứu)\b", re.I)


def sentence_like(name: str) -> bool:
    """True when a proposed body name reads like a sentence ("Ban Bí thư cơ bản nhất trí",
    "Chỉ đạo các đơn vị trực thuộc…"): long, ends with punctuation, or holds a verb of the text."""
    name = " ".join((name or "").split())
    if not name:
        return False
    return (
        len(name.split()) > 12
        or name.endswith(("…", "...", ".", ",", ";", ":"))
        or bool(_SENTENCE_WORDS.search(name) or _SENTENCE_START.search(name))
    )


# -- the source beside the draft ------------------------------------------------------------------


@dataclass(frozen=True)
class SourcePart:
    """A run of the source text: plain (index None) or the span of the draft's task at ``index``."""

    text: str
    index: int | None = None
    ref: str = ""
    on_page: bool = False  # the task's row is on the page shown: the span links back to it


def source_parts(source_text: str, tasks: list[TaskDraft], on_page: range) -> list[SourcePart]:
    """The source text cut at the tasks' spans, in order, for the review to show each span marked.

    A span that runs into the one before it starts where that one ends; a span outside the text,
    or emptied so, is left out (its task is shown without a place in the source).
    """
    spans = sorted(
        ((t.span[0], t.span[1], i, t.ref) for i, t in enumerate(tasks) if t.span), key=lambda s: (s[0], s[2])
    )
    parts: list[SourcePart] = []
    pos = 0
    for start, end, index, ref in spans:
        start, end = max(start, pos), min(end, len(source_text))
        if start >= end:
            continue
        if start > pos:
            parts.append(SourcePart(source_text[pos:start]))
        parts.append(SourcePart(source_text[start:end], index=index, ref=ref, on_page=index in on_page))
        pos = end
    if pos < len(source_text):
        parts.append(SourcePart(source_text[pos:]))
    return parts
