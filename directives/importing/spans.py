"""Where each task of a draft stands in the source text, for the review page's side-by-side view.

Pure functions, no ORM. The parser's task text is the source's text with its line breaks and
runs of spaces joined (and its number or bullet left out), so a task is found by searching its
beginning in the source with whitespace folded, in document order: each search starts where
the previous task was found, so the whole draft costs one pass over the text whatever its size.
A task whose text was rewritten (a table row joined from its cells, say) has no span; the
review then simply has no link for it.
"""

from __future__ import annotations

from bisect import bisect_right

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

NEEDLE = 48  # characters of a task's (folded) text searched for
SHORT_NEEDLE = 20  # a second try with fewer, for a text edited near its end


def _fold(text: str) -> tuple[str, list[int]]:
    """`text` with every run of whitespace made one space, and for each character kept its
    index in `text`."""
    out: list[str] = []
    where: list[int] = []
    space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if not space and out:
                out.append(" ")
                where.append(i)
            space = True
            continue
        space = False
        out.append(ch)
        where.append(i)
    return "".join(out), where


def task_spans(source: str, texts: list[str]) -> list[tuple[int, int] | None]:
    """For each task text, in document order, its (start, end) in `source`, or None."""
    folded, where = _fold(source)
    folded_lower = folded.casefold() if len(folded.casefold()) == len(folded) else folded
    spans: list[tuple[int, int] | None] = []
    pos = 0
    for text in texts:
        needle_text = " ".join((text or "").split())
        if folded_lower is not folded:
            needle_text = needle_text.casefold()
        found = -1
        for size in (NEEDLE, SHORT_NEEDLE):
            needle = needle_text[:size].strip()
            if len(needle) < 8:  # too short to tell one place from another
                break
            found = folded_lower.find(needle, pos)
            if found >= 0:
                break
        if found < 0:
            spans.append(None)
            continue
        end = min(found + len(needle_text), len(folded))
        spans.append((where[found], where[end - 1] + 1))
        pos = found + 1
    # A span never runs into the next one (a task's text may be longer than what the source
    # holds at that place: merged rows, a joined table).
    starts = sorted(s[0] for s in spans if s)
    clipped: list[tuple[int, int] | None] = []
    for span in spans:
        if span is None:
            clipped.append(None)
            continue
        i = bisect_right(starts, span[0])
        clipped.append((span[0], min(span[1], starts[i]) if i < len(starts) else span[1]))
    return clipped


def marked_source(source: str, spans: list[tuple[int, int] | None], labels: list[str]) -> SafeString:
    """The source as HTML (escaped), each span wrapped in <mark id="src-N"> (N: the task's
    index in the draft) with its number as the title."""
    marks = sorted((span[0], span[1], n) for n, span in enumerate(spans) if span)
    out: list[str] = []
    at = 0
    for start, end, n in marks:
        if start < at:  # overlapping (should not happen after clipping): leave unmarked
            continue
        out.append(escape(source[at:start]))
        label = escape(labels[n]) if n < len(labels) else ""
        out.append(f'<mark id="src-{n}" class="src-task" title="{label}">{escape(source[start:end])}</mark>')
        at = end
    out.append(escape(source[at:]))
    return mark_safe("".join(out))
