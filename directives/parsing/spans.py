"""Where each task's text lies in the source text: (start, end) character offsets, for the review.

A task's text is made from the source's own words, but on the way the parser drops markdown marks,
footnote marks and page chrome, joins hard-wrapped lines and writes Unicode in one form. So the task
is found by its letters and digits only, without diacritics or case (its "skeleton"), which every
one of those steps leaves alone; the offsets are then those of the original characters.

Tasks are found in document order, each after the start of the one before. A task's span runs from
its first words (moved back over its item number when that stands at the start of the line) to the
last of its paragraphs found before the next task begins: a heading's labelled lines that come after
its items are part of its text, but not of its span, so that spans never overlap. A task that cannot
be found (text edited beyond recognition) has no span.
"""

from __future__ import annotations

import re
import unicodedata

KEY = 40  # skeleton characters that identify a paragraph's beginning or end
SHORT_KEY = 12
_SUPERSCRIPT_DIGITS = set("¹²³⁴⁵⁶⁷⁸⁹⁰")
_BRACKET_NOTE = re.compile(r"(?<=\S)\[\d{1,3}\]")  # a footnote mark "[3]", which the parser drops too
# What may stand before a task's text on its line: the item number, bullets, markdown, spaces.
_ITEM_NUMBER = r"(?:[IVXLC]{1,6}[.)]|\d{1,3}(?:\.\d{1,3})*[.)]?|\(\w{1,4}\)|\w\)|[-–—+•·])"
_MARKER_BEFORE = re.compile(r"^[\s*#>|]*" + _ITEM_NUMBER + r"?[\s*]*$")


def _fold_char(ch: str) -> str:
    """A character's skeleton: its base letters or digits, lower case, no diacritics ('' for the rest)."""
    if ch in _SUPERSCRIPT_DIGITS:
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.combining(part):
            continue
        if part in "đĐ":
            part = "d"
        if part.isalnum() and part not in _SUPERSCRIPT_DIGITS:
            out.append(part.lower())
    return "".join(out)


def skeleton(text: str) -> tuple[str, list[int]]:
    """The skeleton of ``text`` and, for each of its characters, the offset of the character it came from."""
    chars: list[str] = []
    offsets: list[int] = []
    notes = {i for m in _BRACKET_NOTE.finditer(text) for i in range(m.start(), m.end())}
    for i, ch in enumerate(text):
        if i in notes:
            continue
        if ch.isascii():
            if ch.isalnum():
                chars.append(ch.lower())
                offsets.append(i)
            continue
        for part in _fold_char(ch):
            chars.append(part)
            offsets.append(i)
    return "".join(chars), offsets


def _skel(text: str) -> str:
    return skeleton(text)[0]


def locate(source: str, texts: list[str]) -> list[tuple[int, int] | None]:
    """For each task text, in document order, its (start, end) in ``source``, or None."""
    skel, offsets = skeleton(source)
    starts: list[int | None] = []
    cursor = 0
    for text in texts:
        first = _skel(text.split("\n", 1)[0])
        pos = _find_item(source, skel, offsets, first, cursor)
        starts.append(pos)
        if pos is not None:
            cursor = pos + 1
    spans: list[tuple[int, int] | None] = []
    for k, (text, pos) in enumerate(zip(texts, starts, strict=True)):
        if pos is None:
            spans.append(None)
            continue
        limit = next((s for s in starts[k + 1 :] if s is not None and s > pos), len(skel))
        end = pos
        for n, paragraph in enumerate(p for p in text.split("\n") if p.strip()):
            para = _skel(paragraph)
            at = pos if n == 0 else _find(skel, para, end, limit)
            if at is None or not para:
                continue
            run = _common(skel, at, para, limit)
            stop = at + run
            if run < len(para):  # cut by a footnote block or a page break: on to its last words
                tail = para[-KEY:]
                found = skel.find(tail, stop, limit)
                if found >= 0:
                    stop = found + len(tail)
            end = max(end, stop)
        start = _marker_start(source, offsets[pos])
        spans.append((start, offsets[end - 1] + 1 if end > pos else offsets[pos] + 1))
    return spans


_OPENS_ITEM = re.compile(r"(?:(?:^|\n)[\s*#>|]*(?:" + _ITEM_NUMBER + r")?|[.;:!?)”\"]\s+" + _ITEM_NUMBER + r")[\s*]*$")


def _find_item(source: str, skel: str, offsets: list[int], para: str, start: int) -> int | None:
    """Where a task begins: the first place its first words stand as an item does (at the start of a
    line, or after an item number), else simply their first place. "Sở Y tế" as a heading is not the
    "Sở Y tế" named inside the task before it."""
    first = _find(skel, para, start)
    if first is None:
        return None
    key = para[:KEY] if skel.startswith(para[:KEY], first) else para[:SHORT_KEY]
    at, tries = first, 0
    while at >= 0 and tries < 64:
        i = offsets[at]
        if _OPENS_ITEM.search(source[max(0, i - 24) : i]):
            return at
        at, tries = skel.find(key, at + 1), tries + 1
    return first


def _find(skel: str, para: str, start: int, limit: int | None = None) -> int | None:
    if not para:
        return None
    stop = len(skel) if limit is None else limit
    for key in (para[:KEY], para[:SHORT_KEY]):
        at = skel.find(key, start, stop)
        if at >= 0:
            return at
    return None


def _common(skel: str, at: int, para: str, limit: int) -> int:
    """How many skeleton characters of ``para`` run on from ``at`` (before ``limit``)."""
    if skel.startswith(para, at, limit):
        return len(para)
    n = 0
    while n < len(para) and at + n < limit and skel[at + n] == para[n]:
        n += 1
    return n


_INLINE_NUMBER = re.compile(r"(?:\(\w{1,4}\)|\d{1,3}[.)])[\s*]*$")


def _marker_start(source: str, start: int) -> int:
    """Back over the item number ("1.", "a)", "- ", "**II.**") that opens the task's line, or over the
    "(2)" just before a task that starts inside a paragraph."""
    line_start = source.rfind("\n", 0, start) + 1
    if _MARKER_BEFORE.match(source[line_start:start]):
        while line_start < start and source[line_start] in " \t":
            line_start += 1
        return line_start
    m = _INLINE_NUMBER.search(source, max(line_start, start - 12), start)
    return m.start() if m else start
