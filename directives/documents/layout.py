"""Positioned text (a PDF's characters, OCR's lines) -> text read the way the page is read.

The pieces arrive as segments: a run of text on one baseline with no wide gap inside. Rows are
segments at the same height. Where a row holds several segments (the two-column letterhead:
issuer on the left, "CỘNG HÒA …" on the right; the signature block: "Nơi nhận" left, signer right)
the rows that follow and keep to the same two sides form a region, which is written left column
first, then right; in the letterhead the line "Số: …" starts a second pair of cells, so the
order is issuer, national motto, number, place and date: the order a crawl of the page gives.
Lines of running text that were wrapped by the page are joined back into their paragraph: a line
is a wrap when the next line's first word would not have fitted in what is left of it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass


@dataclass
class Segment:
    x0: float
    x1: float
    top: float  # distance from the top of the page (grows downwards)
    bottom: float
    size: float  # font size (PDF) or line height (OCR), in points
    text: str
    first_word: float = 0.0  # width of the first word, in points
    block: list[str] | None = None  # a ruled table, already written as lines

    @property
    def mid(self) -> float:
        return (self.top + self.bottom) / 2


# An OCR'd number keeps its line too when its period was read as a comma or lost its space ("2,",
# "3.Ưu"), or its letter came out as another glyph ("ø)"): `ocr_fixes` reads them back later.
_MARKER = re.compile(
    r"^(?:\d{1,3}(?:\.\d{1,3})*[.)](?:\s|$)|\d{1,2}(?:\.\d{1,2})*[.,;:](?=[A-ZĐÀ-ỸẠ-Ỹ])|\d{1,2}[,;:](?:\s+[A-ZĐÀ-ỸẠ-Ỹ]|$)"
    r"|[IVXLC]{1,6}[.)]\s|[a-zđ][.)]\s|[^\s\da-zA-Z(]\)\s|\(\d{1,3}\)|\([a-zđ]\)|\([ivx]{1,5}\)"
    r"|[-+•–—*]\s|Điều\s+\d|Chương\s+[IVXLC\d]|Mục\s+\d|Phần\s+[IVXLC\d]|[¹²³⁴⁵⁶⁷⁸⁹⁰]|\[\d)"
)
_PAGE_NUMBER = re.compile(r"^(?:-\s*)?\d{1,3}(?:\s*-)?$|^Trang\s+\d{1,3}(?:\s*/\s*\d{1,3})?$", re.IGNORECASE)
_NUMBER_LINE = re.compile(r"^(?:Số|S[ốo]\s*:|Số\s*:)", re.IGNORECASE)


def rows_of(segments: list[Segment]) -> list[list[Segment]]:
    """Segments grouped by height, top to bottom, each row left to right."""
    rows: list[list[Segment]] = []
    for seg in sorted(segments, key=lambda s: (s.mid, s.x0)):
        if rows:
            row = rows[-1]
            ref = statistics.median(s.mid for s in row)
            tol = 0.45 * max(seg.size, max(s.size for s in row))
            if abs(seg.mid - ref) <= tol:
                row.append(seg)
                continue
        rows.append([seg])
    return [sorted(r, key=lambda s: s.x0) for r in rows]


def _fits(row: list[Segment], split: float) -> bool:
    return all(s.x1 <= split or s.x0 >= split for s in row)


def _region(rows: list[list[Segment]], start: int) -> tuple[int, float] | None:
    """(end, split) of the longest two-sided region starting at rows[start], or None."""
    row = rows[start]
    if len(row) < 2 or any(s.block is not None for s in row):
        return None
    best: tuple[int, float] | None = None
    for a, b in zip(row, row[1:], strict=False):
        if b.x0 - a.x1 <= 0:
            continue
        split = (a.x1 + b.x0) / 2
        end = start + 1
        while end < len(rows) and _fits(rows[end], split) and not any(s.block is not None for s in rows[end]):
            end += 1
        if best is None or end > best[0]:
            best = (end, split)
    return best


def compose(pages: list[list[Segment]], widths: list[float]) -> str:
    """The text of the pages: columns unfolded, wrapped lines joined, page numbers dropped."""
    out: list[str] = []  # lines; "" marks a paragraph break
    last: tuple[Segment, float] | None = None  # the previous running-text line and its page's margin
    for page_no, segments in enumerate(pages):
        rows = [r for r in rows_of(segments) if r]
        rows = _drop_page_numbers(rows)
        body = [s for r in rows if len(r) == 1 for s in r]
        right = max((s.x1 for s in body), default=widths[page_no] if page_no < len(widths) else 0.0)
        pitch = _pitch(rows)
        i = 0
        prev_bottom: float | None = None
        while i < len(rows):
            row = rows[i]
            blocks = [s for s in row if s.block is not None]
            if blocks:
                for seg in blocks:
                    out.extend(["", *seg.block, ""])
                last = None
                prev_bottom = max(s.bottom for s in row)
                i += 1
                continue
            region = _region(rows, i)
            if region is not None:
                end, split = region
                out.append("")
                out.extend(_unfold(rows[i:end], split, first_page=page_no == 0))
                out.append("")
                last = None
                prev_bottom = rows[end - 1][-1].bottom
                i = end
                continue
            seg = row[0]
            gap = seg.top - prev_bottom if prev_bottom is not None else 0.0
            if last is not None and _continues(last[0], last[1], seg, gap, pitch, same_page=prev_bottom is not None):
                out[-1] = _join(out[-1], seg.text)
            else:
                if prev_bottom is not None and gap > pitch + 0.5 * seg.size:
                    out.append("")
                out.append(seg.text)
            last = (seg, right)
            prev_bottom = seg.bottom
            i += 1
    text = "\n".join(out)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _pitch(rows: list[list[Segment]]) -> float:
    """The usual gap between two lines of a paragraph (top of one to bottom of the previous)."""
    gaps = [rows[i][0].top - rows[i - 1][0].bottom for i in range(1, len(rows))]
    gaps = [g for g in gaps if g > -5]
    if not gaps:
        return 4.0
    return max(1.0, statistics.quantiles(gaps, n=4)[0] if len(gaps) >= 4 else min(gaps))


def _drop_page_numbers(rows: list[list[Segment]]) -> list[list[Segment]]:
    if not rows:
        return rows
    out = list(rows)
    for idx in (0, -1):
        if out and len(out[idx]) == 1 and _PAGE_NUMBER.match(out[idx][0].text.strip()):
            out.pop(idx)
    return out


def _continues(prev: Segment, margin: float, seg: Segment, gap: float, pitch: float, *, same_page: bool) -> bool:
    if _MARKER.match(seg.text):
        return False
    if abs(prev.size - seg.size) > 0.2 * max(prev.size, seg.size):
        return False
    if same_page and gap > pitch + 0.5 * seg.size:
        return False
    room = margin - prev.x1
    space = 0.25 * seg.size
    return room < seg.first_word + space + 0.6 * seg.size  # slack: a scan's margin is never straight


def _join(prev: str, nxt: str) -> str:
    if re.search(r"\w-$", prev) and not prev.endswith(" -"):
        return prev + nxt
    return prev.rstrip() + " " + nxt.lstrip()


def _unfold(rows: list[list[Segment]], split: float, *, first_page: bool) -> list[str]:
    left = [(r, [s for s in row if s.x1 <= split]) for r, row in enumerate(rows)]
    right = [(r, [s for s in row if s.x0 >= split]) for r, row in enumerate(rows)]
    cut = len(rows)
    if first_page:
        for r, segs in left:
            if r > 0 and segs and _NUMBER_LINE.match(segs[0].text.strip()):
                cut = r
                break
    out: list[str] = []
    for lo, hi in ((0, cut), (cut, len(rows))):
        for side in (left, right):
            lines = [" ".join(s.text for s in segs) for r, segs in side if lo <= r < hi and segs]
            if lines:
                out.extend(lines)
                out.append("")
    return out
