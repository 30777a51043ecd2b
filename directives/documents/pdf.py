"""PDF -> text: the text layer through pdfminer.six (MIT), pages without one through OCR.

Characters are taken one by one (no pdfminer layout analysis: a Vietnamese letter drawn from a
fallback font sits on its own and would be split off its word), grouped by baseline into lines,
cut into segments at wide gaps, then laid out by `layout.compose`.
"""

from __future__ import annotations

import io
import re
import statistics

from .base import MAX_PDF_PAGES, DocumentError, Progress
from .layout import Segment

# A page with fewer letters than this in its text layer is taken as a scanned page.
MIN_LETTERS_PER_PAGE = 25


def open_pdf(data: bytes):
    """(document, pages) with pdfminer; DocumentError for a corrupt or password-protected file."""
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser, PDFSyntaxError
    from pdfminer.psexceptions import PSException

    try:
        parser = PDFParser(io.BytesIO(data))
        document = PDFDocument(parser)
        pages = list(PDFPage.create_pages(document))
    except PDFPasswordIncorrect:
        raise DocumentError("Tệp PDF có mật khẩu; hãy gỡ mật khẩu (hoặc in ra PDF mới) rồi tải lên lại.") from None
    except PDFEncryptionError:
        raise DocumentError("Tệp PDF được mã hóa theo cách không đọc được; hãy in ra PDF mới rồi tải lại.") from None
    except (PDFSyntaxError, PSException, ValueError, KeyError, TypeError, AttributeError, IndexError, EOFError):
        raise DocumentError("Tệp PDF bị hỏng hoặc không phải tệp PDF.") from None
    except Exception as exc:  # pdfminer raises many kinds on broken files
        if "password" in str(exc).lower() or "encrypt" in str(exc).lower():
            raise DocumentError("Tệp PDF có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.") from None
        raise DocumentError("Tệp PDF bị hỏng hoặc không phải tệp PDF.") from None
    if not pages:
        raise DocumentError("Tệp PDF không có trang nào.")
    if len(pages) > MAX_PDF_PAGES:
        raise DocumentError(f"Tệp PDF có {len(pages)} trang; giới hạn là {MAX_PDF_PAGES} trang.")
    return document, pages


def page_segments(data: bytes, progress: Progress = None) -> tuple[list[list[Segment] | None], list[float]]:
    """For each page, its segments, or None where the page has no usable text layer (a scan)."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager

    _, pages = open_pdf(data)
    manager = PDFResourceManager(caching=True)
    device = PDFPageAggregator(manager, laparams=None)
    interpreter = PDFPageInterpreter(manager, device)
    result: list[list[Segment] | None] = []
    widths: list[float] = []
    for number, page in enumerate(pages, 1):
        if progress and number % 5 == 1:
            progress(f"Đang đọc lớp chữ của trang {number}/{len(pages)}")
        try:
            interpreter.process_page(page)
            layout = device.get_result()
        except Exception:  # a damaged page: read it as a scan if OCR is there
            result.append(None)
            widths.append(595.0)
            continue
        height = layout.height
        widths.append(layout.width)
        chars = list(_chars(layout))
        letters = sum(1 for c in chars if c[4].isalpha())
        cid = sum(1 for c in chars if c[4].startswith("(cid:"))
        if cid > 0.1 * max(1, len(chars)) or (letters < MIN_LETTERS_PER_PAGE and _has_image(layout)):
            result.append(None)  # a scanned page (or glyphs without Unicode): read it with OCR
            continue
        edges = _edges(layout, height)
        tables = _tables(edges)
        segments = _segments(chars, height, [v for v in edges if v[0] == "v"])
        result.append(_with_tables(segments, tables))
    return result, widths


def _has_image(container) -> bool:
    from pdfminer.layout import LTContainer, LTImage

    for item in container:
        if isinstance(item, LTImage) and item.width * item.height > 0.2 * container.width * container.height:
            return True
        if isinstance(item, LTContainer) and not isinstance(item, LTImage) and _has_image(item):
            return True
    return False


def _chars(container):
    from pdfminer.layout import LTChar, LTContainer

    for item in container:
        if isinstance(item, LTChar):
            if not item.upright:
                continue
            text = item.get_text()
            if not text:
                continue
            yield (item.x0, item.x1, item.matrix[5], item.size, text)
        elif isinstance(item, LTContainer):
            yield from _chars(item)


def _edges(layout, height: float) -> list[tuple]:
    """Ruling lines, top-down: ("h", y, x0, x1) and ("v", x, top, bottom)."""
    from pdfminer.layout import LTCurve, LTRect

    out: list[tuple] = []

    def add(x0, y0, x1, y1):
        top, bottom = height - max(y0, y1), height - min(y0, y1)
        if abs(y1 - y0) <= 2.5 and abs(x1 - x0) > 4:
            out.append(("h", (top + bottom) / 2, min(x0, x1), max(x0, x1)))
        elif abs(x1 - x0) <= 2.5 and abs(y1 - y0) > 4:
            out.append(("v", (x0 + x1) / 2, top, bottom))

    def walk(container):
        for item in container:
            if isinstance(item, LTRect):
                x0, y0, x1, y1 = item.bbox
                if x1 - x0 <= 2.5 or y1 - y0 <= 2.5:
                    add(x0, y0, x1, y1)
                else:
                    for a, b, c, d in ((x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)):
                        add(a, b, c, d)
            elif isinstance(item, LTCurve) and len(getattr(item, "pts", [])) == 2:
                (ax, ay), (bx, by) = item.pts
                add(ax, ay, bx, by)
            elif hasattr(item, "__iter__") and not isinstance(item, LTCurve):
                walk(item)

    walk(layout)
    return out[:5000]


def _tables(edges: list[tuple]) -> list[tuple[list[float], list[float]]]:
    """Ruled tables as (column xs, row ys): groups of crossing horizontal and vertical lines."""
    hs = [e for e in edges if e[0] == "h"]
    vs = [e for e in edges if e[0] == "v"]
    if len(hs) < 2 or len(vs) < 2:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = 2.0
    for i, (_, y, x0, x1) in enumerate(hs):
        for j, (_, x, top, bottom) in enumerate(vs):
            if x0 - tol <= x <= x1 + tol and top - tol <= y <= bottom + tol:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, list[int]] = {}
    for i in range(len(parent)):
        groups.setdefault(find(i), []).append(i)
    tables = []
    for members in groups.values():
        ys = _cluster([hs[i][1] for i in members if i < len(hs)])
        xs = _cluster([vs[i - len(hs)][1] for i in members if i >= len(hs)])
        if len(ys) >= 2 and len(xs) >= 3:  # two columns at least: a framed paragraph is no table
            tables.append((xs, ys))
    return tables


def _cluster(values: list[float], tol: float = 2.5) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _with_tables(segments: list[Segment], tables) -> list[Segment]:
    """Segments inside a ruled table replaced by one block segment holding its rows."""
    from .word import is_task_header, pipe_row

    for xs, ys in tables:
        inside, rest = [], []
        for seg in segments:
            cx, cy = (seg.x0 + min(seg.x1, seg.x0 + 6)) / 2, seg.mid
            (inside if xs[0] <= cx <= xs[-1] and ys[0] <= cy <= ys[-1] else rest).append(seg)
        if not inside:
            continue
        grid: dict[tuple[int, int], list[Segment]] = {}
        for seg in inside:
            cx = seg.x0 + 2
            col = max(i for i in range(len(xs) - 1) if xs[i] - 2 <= cx) if cx >= xs[0] - 2 else 0
            row = max(i for i in range(len(ys) - 1) if ys[i] - 2 <= seg.mid) if seg.mid >= ys[0] - 2 else 0
            grid.setdefault((row, min(col, len(xs) - 2)), []).append(seg)
        rows = []
        for r in range(len(ys) - 1):
            cells = []
            for c in range(len(xs) - 1):
                segs = sorted(grid.get((r, c), []), key=lambda s: (round(s.top), s.x0))
                cells.append(" ".join(s.text for s in segs).strip())
            if any(cells):
                rows.append(cells)
        if not rows:
            continue
        if is_task_header(rows[0]):
            if not re.match(r"^(?:S[ốo]\s*)?TT$|^STT$", rows[0][0], re.IGNORECASE):
                rows = [["TT", *rows[0]]] + [["", *r] for r in rows[1:]]
            lines = [pipe_row(r) for r in rows]
        else:
            lines = [cell for r in rows for cell in r if cell]
        size = statistics.median(s.size for s in inside)
        segments = [*rest, Segment(x0=xs[0], x1=xs[-1], top=ys[0], bottom=ys[-1], size=size, text="", block=lines)]
    return segments


def _segments(chars, page_height: float, verticals: list[tuple] = ()) -> list[Segment]:
    if not chars:
        return []
    chars = sorted(chars, key=lambda c: (-c[2], c[0]))
    lines: list[list[tuple]] = []
    for ch in chars:
        if lines:
            line = lines[-1]
            base = line[0][2]
            if abs(ch[2] - base) <= 0.35 * max(ch[3], line[0][3]):
                line.append(ch)
                continue
        lines.append([ch])
    segments: list[Segment] = []
    for line in lines:
        line.sort(key=lambda c: c[0])
        size = (
            statistics.median(c[3] for c in line if not c[4].isspace())
            if any(not c[4].isspace() for c in line)
            else line[0][3]
        )
        baseline = statistics.median(c[2] for c in line)
        current: list[tuple] = []
        for ch in line:
            if current and (
                ch[0] - _right(current) > 1.8 * size or _ruled_between(current[-1], ch, verticals, page_height)
            ):
                segments.append(_segment(current, size, baseline, page_height))
                current = []
            if current and ch[4] == current[-1][4] and abs(ch[0] - current[-1][0]) < 0.3 * size:
                continue  # the same glyph drawn twice (fake bold)
            current.append(ch)
        if current:
            segments.append(_segment(current, size, baseline, page_height))
    return [s for s in segments if s.text]


def _ruled_between(a, b, verticals, page_height: float) -> bool:
    y = page_height - a[2]
    return any(a[1] - 1 <= v[1] <= b[0] + 1 and v[2] - 2 <= y <= v[3] + 2 for v in verticals)


def _right(chars) -> float:
    return max(c[1] for c in chars if not c[4].isspace()) if any(not c[4].isspace() for c in chars) else chars[-1][1]


def _segment(chars, size: float, baseline: float, page_height: float) -> Segment:
    parts: list[str] = []
    prev_x1 = None
    first_word_end = None
    for x0, x1, _y, _s, text in chars:
        if text.isspace():
            if parts and parts[-1] != " ":
                parts.append(" ")
            if first_word_end is None and prev_x1 is not None:
                first_word_end = prev_x1
            continue
        if prev_x1 is not None and x0 - prev_x1 > 0.2 * size and parts and parts[-1] != " ":
            parts.append(" ")
            if first_word_end is None:
                first_word_end = prev_x1
        parts.append(text)
        prev_x1 = x1
    text = re.sub(r"\s+", " ", "".join(parts)).strip()
    visible = [c for c in chars if not c[4].isspace()]
    x0 = visible[0][0] if visible else chars[0][0]
    x1 = max(c[1] for c in visible) if visible else chars[-1][1]
    top = page_height - (baseline + 0.8 * size)
    bottom = page_height - (baseline - 0.2 * size)
    first = (first_word_end if first_word_end is not None else x1) - x0
    return Segment(x0=x0, x1=x1, top=top, bottom=bottom, size=size, text=text, first_word=first)
