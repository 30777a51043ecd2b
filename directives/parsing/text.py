"""Text normalization: turn a scraped or crawled directive into clean lines and paragraphs.

Handles: Unicode NFC, Cyrillic look-alike letters in document codes, web residue ("+ aa -",
"leftcenterrightdel", bare counters), markdown marks (``**``, ``*``, heading ``#``), lines holding
only ``|`` or rules (``-----``), hard line breaks in mid-sentence, footnote marks (¹, [1]) and
footnote blocks that interrupt a paragraph mid-sentence.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

# Cyrillic letters that look like Latin ones (seen in document codes such as "BТС-PTHT").
_CYRILLIC = str.maketrans(
    {
        "А": "A", "В": "B", "С": "C", "Е": "E", "Н": "H", "К": "K", "М": "M", "О": "O",
        "Р": "P", "Т": "T", "Х": "X", "У": "Y", "а": "a", "с": "c", "е": "e", "о": "o",
        "р": "p", "х": "x", "у": "y",
    }
)  # fmt: skip
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_INVISIBLE = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
VN_UPPER = "A-ZĐÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_SUP_INLINE = re.compile(r"(?<=\S)[" + SUPERSCRIPTS + r"]+")
_BRACKET_NOTE_INLINE = re.compile(r"(?<=\S)\[\d{1,3}\]")
FOOTNOTE_START = re.compile(r"^(?:[" + SUPERSCRIPTS + r"]+|\[\d{1,3}\])\s*")
_RULE_LINE = re.compile(r"^(?:[|\s]*|[-_=~.·•\s]{3,})$")
_CRAWL_COMMENT = re.compile(r"^#\s*(?:source|retrieved)\b", re.IGNORECASE)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_RESIDUE_LINE = re.compile(
    r"^(?:\+\s*aa\s*-|leftcenterrightdel|xem thêm(?: sự kiện)?|sự kiện liên quan|in bài viết|chia sẻ|bình luận)$",
    re.IGNORECASE,
)
_RESIDUE_INLINE = re.compile(r"leftcenterrightdel", re.IGNORECASE)
# A line that opens a new item (kept in sync with numbering.MARKER_START, but looser).
_MARKER_START = re.compile(
    r"^(?:[IVX]{1,5}\.\s|\d{1,2}(?:\.\d{1,3}){0,3}[.)]?(?:\s|$)|\d{3}[.)]\s|\(\d{1,3}\)|\([ivx]{1,5}\)|\([a-zđ]\)|[a-zđ]\)"
    r"|[-–—+•]\s*\S|Điều\s+\d+)"
)
_ORDINAL_START = re.compile(
    r"^(?:[-–•+]\s*)?(?:Trước hết|Trước tiên|Thứ nhất|Thứ hai|Thứ ba|Thứ tư|Thứ năm|Thứ sáu|Thứ bảy|Thứ tám"
    r"|Thứ chín|Thứ mười|Một là|Hai là|Ba là|Bốn là|Năm là|Sáu là|Bảy là|Tám là|Chín là|Mười là)\s*[,:.]"
)
_MARKER_ONLY = re.compile(
    r"^[-–+•]$|^(?:[IVX]{1,5}|\d{1,3}(?:\.\d{1,3}){0,3}|Điều\s+\d+)[.)]?$|^[a-zđ]\)$|^\(\d{1,3}\)$"
)
_SENTENCE_END = re.compile(r"(?:[.!?;:]|\./\.|[.!?][”\")]+)$")
# Opening lines of blocks that end the body of a directive (signature, recipients, copies).
BLOCK_OPENERS = re.compile(
    r"^(?:Nơi nhận|Kính gửi|K/T\b|KT\.|KT\s|TM\.|T/M\b|TL\.|TUQ\.|Q\.\s?[A-ZĐ]|Đã ký|SAO LỤC|SAO Y)",
)


def is_upper_line(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 3 and line == line.upper()


def normalize_unicode(text: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    if _HAS_CYRILLIC.search(text):
        text = text.translate(_CYRILLIC)
    text = _INVISIBLE.sub("", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ").replace("\u00a0", " ")
    return text


def clean_line(line: str) -> str:
    """One raw line without markdown marks, inline footnote marks and doubled spaces."""
    bare = line.strip()
    if len(bare) <= 1:
        return "" if bare == "*" else bare
    line = line.replace("**", "").replace("*", "")
    line = _RESIDUE_INLINE.sub("", line)
    line = _SUP_INLINE.sub("", line)
    line = _BRACKET_NOTE_INLINE.sub("", line)
    line = _SPACES.sub(" ", line).strip()
    return line


_SPACES = re.compile(r"\s+")


_TABLE_NUMBER = re.compile(r"^(?:S[ốo]\s*)?TT$|^STT$|^Số thứ tự$", re.IGNORECASE)
_TABLE_SEPARATOR = re.compile(r"^[|:\-\s]+$")


def _cells(line: str) -> list[str] | None:
    """The cells of a table row written with pipes ("| 1 | Nội dung | … |" or "TT | Nội dung | …")."""
    if line.count("|") < 2:
        return None
    cells = [c.strip() for c in line.split("|")]
    if cells and not cells[0]:
        cells = cells[1:]
    if cells and not cells[-1]:
        cells = cells[:-1]
    return cells if len(cells) >= 3 else None


def _column_label(header: str) -> str | None:
    """How a column reads as a labelled line: None for the number and the task's own text."""
    low = header.casefold()
    if _TABLE_NUMBER.match(header) or re.match(r"^(?:nội dung|nhiệm vụ|tên nhiệm vụ|công việc)", low):
        return None
    if "chủ trì" in low or "thực hiện" in low and "thời" not in low:
        return "Cơ quan chủ trì"
    if "phối hợp" in low:
        return "Cơ quan phối hợp"
    if re.match(r"^(?:thời gian|thời hạn)", low):
        return header
    if re.search(r"tiến độ|hoàn thành", low):
        return "Thời gian hoàn thành"
    return header


def _table_row_lines(cells: list[str], header: list[str]) -> list[str]:
    """A task table's row as the lines a plan writes out: "1. Nội dung", "Cơ quan chủ trì: …", …"""
    out: list[str] = []
    number = ""
    text_parts: list[str] = []
    labelled: list[str] = []
    for i, cell in enumerate(cells):
        head = header[i] if i < len(header) else ""
        if not cell:
            continue
        if i < len(header) and _TABLE_NUMBER.match(head):
            number = cell.rstrip(".")
            continue
        label = _column_label(head) if head else None
        if label is None:
            text_parts.append(cell)
        else:
            labelled.append(f"{label}: {cell}")
    text = " ".join(text_parts)
    if number and text:
        out.append(f"{number}. {text}")
    elif text:
        out.append(text)
    for line in labelled:
        out.extend(["", line])
    out.append("")
    return out


_CELL_BREAK = re.compile(r"^\s*\|\s*$")
_ROW_NUMBER = re.compile(r"^(?:\d{1,3}|[IVXLC]{1,6})\.?$")


def _cell_runs(raw: list[str], start: int) -> tuple[list[str], int]:
    """Cells written one per line run between lines holding only "|", from ``start``; and where they stop.

    Consecutive "|" lines leave an empty cell between them (an empty cell or the end of a row).
    """
    cells: list[str] = []
    cur: list[str] = []
    i = start
    n = len(raw)
    while i < n:
        line = raw[i]
        if _CELL_BREAK.match(line):
            cells.append(" ".join(cur))
            cur = []
            i += 1
            continue
        if len(cur) >= 40:  # no "|" for 40 lines: the table is over
            i -= len(cur)
            cur = []
            break
        cur.append(clean_line(_MD_HEADING.sub("", line.strip())))
        i += 1
    if cur:
        i -= len(cur)
    return cells, i


def _one_cell_tables(raw: list[str]) -> list[str]:
    """Tables crawled one cell per line between "|" lines, rewritten as pipe rows ("| 1 | Nội dung | … |").

    The header row is the run of cells starting with "TT"/"STT" that names a task column ("Cơ quan chủ
    trì", "Thời gian hoàn thành" …); each later row starts with its number after an empty cell, and its
    cells are placed by position (an empty cell keeps its place).
    """
    if sum(1 for line in raw if _CELL_BREAK.match(line)) < 8:
        return raw
    out: list[str] = []
    i = 0
    n = len(raw)
    while i < n:
        line = raw[i]
        if not (i + 1 < n and "T" in line.upper() and _CELL_BREAK.match(raw[i + 1])):
            out.append(line)
            i += 1
            continue
        head = clean_line(line.strip())
        if not _TABLE_NUMBER.match(head):
            out.append(line)
            i += 1
            continue
        cells, end = _cell_runs(raw, i)
        header: list[str] = []
        for c in cells:
            if not c:
                break
            header.append(c)
        if len(header) < 3 or not any(_column_label(h) for h in header[1:]):
            out.append(line)
            i += 1
            continue
        rows: list[list[str]] = []
        row: list[str] | None = None
        prev_empty = True
        for c in cells[len(header) :]:
            if _ROW_NUMBER.match(c) and prev_empty and (row is None or len(row) >= 2):
                row = [c.rstrip(".")]
                rows.append(row)
            elif row is not None:
                row.append(c)
            prev_empty = not c
        out.append("| " + " | ".join(header) + " |")
        for r in rows:
            cells_ = (r + [""] * len(header))[: len(header)]
            if sum(1 for c in cells_ if c) >= 2:
                out.append("| " + " | ".join(cells_) + " |")
        out.append("")
        i = end
    return out


def clean_lines(text: str) -> list[str]:
    """Lines with markup and residue removed; blank strings mark breaks (kept for metadata).

    A task table written with pipes ("| TT | Nội dung | Cơ quan chủ trì | … |") becomes, row by row,
    the numbered item and its labelled lines ("Cơ quan chủ trì: …").
    """
    out: list[str] = []
    header: list[str] | None = None
    for raw in _one_cell_tables(normalize_unicode(text).split("\n")):
        if _CRAWL_COMMENT.match(raw.strip()):
            continue
        raw = _MD_HEADING.sub("", raw.strip())
        line = clean_line(raw)
        cells = _cells(line)
        if cells and _TABLE_NUMBER.match(cells[0]) and any(_column_label(c) for c in cells[1:]):
            header = cells
            out.append("")
            continue
        if header is not None:
            if line and _TABLE_SEPARATOR.match(line):
                continue
            if cells:
                out.extend(_table_row_lines(cells, header))
                continue
            header = None
        if _RULE_LINE.match(line) or _RESIDUE_LINE.match(line) or re.fullmatch(r"\d{1,6}", line):
            out.append("")
            continue
        out.append(line)
    return out


@dataclass
class Paragraphs:
    paragraphs: list[str] = field(default_factory=list)
    footnotes: list[str] = field(default_factory=list)


def _starts_new(prev: str, line: str) -> bool:
    if _MARKER_START.match(line) or _ORDINAL_START.match(line) or FOOTNOTE_START.match(line):
        return True
    if BLOCK_OPENERS.match(line) or BLOCK_OPENERS.match(prev):
        return True
    if prev.endswith("./.") or prev.endswith(":"):
        return True
    return bool(is_upper_line(prev) != is_upper_line(line) and not _MARKER_ONLY.match(prev))


def split_paragraphs(text: str, lines: list[str] | None = None) -> Paragraphs:
    """Join hard-wrapped lines into paragraphs, lift footnote blocks out, re-join split sentences."""
    lines = clean_lines(text) if lines is None else lines
    paras: list[str] = []
    kinds: list[str] = []  # "p" or "fn"
    cur: list[str] = []
    cur_kind = "p"

    def flush() -> None:
        nonlocal cur
        if cur:
            paras.append(" ".join(cur))
            kinds.append(cur_kind)
        cur = []

    for line in lines:
        if not line:
            flush()
            continue
        if cur and _MARKER_ONLY.match(cur[-1]) and len(cur) == 1:
            cur.append(line)
            continue
        if not cur or _starts_new(cur[-1], line):
            flush()
            cur_kind = "fn" if FOOTNOTE_START.match(line) else "p"
            cur.append(line)
        else:
            cur.append(line)
    flush()

    result = Paragraphs()
    body: list[str] = []
    after_note = False
    for para, kind in zip(paras, kinds, strict=True):
        if kind == "fn":
            result.footnotes.append(FOOTNOTE_START.sub("", para, count=1))
            after_note = True
            continue
        # A paragraph cut by a page break or a footnote block continues in lower case.
        continues = bool(body) and para[:1].islower() and not _MARKER_START.match(para)
        if continues and (after_note or not _SENTENCE_END.search(body[-1])):
            body[-1] = body[-1] + " " + para
        else:
            body.append(para)
        after_note = False
    result.paragraphs = body
    return result


_OLD_TONES = {
    "oà": "òa", "oá": "óa", "oả": "ỏa", "oã": "õa", "oạ": "ọa", "oè": "òe", "oé": "óe", "oẻ": "ỏe",
    "oẽ": "õe", "oẹ": "ọe", "uỳ": "ùy", "uý": "úy", "uỷ": "ủy", "uỹ": "ũy", "uỵ": "ụy",
}  # fmt: skip
_OLD_TONE = re.compile(r"(?<![qQ])(" + "|".join(_OLD_TONES) + r")(?![a-zđàáảãạâầấẩẫậăằắẳẵặ])", re.IGNORECASE)


def modern_tones(text: str) -> str:
    """'Uỷ ban' -> 'Ủy ban': the two tone placements are the same word."""

    def repl(m: re.Match[str]) -> str:
        s = m.group(1)
        new = _OLD_TONES[s.lower()]
        return "".join(n.upper() if o.isupper() else n for o, n in zip(s, new, strict=True))

    return _OLD_TONE.sub(repl, text)


def fold(text: str) -> str:
    """Comparable form: NFC, modern tones, casefold, single spaces."""
    text = modern_tones(unicodedata.normalize("NFC", text or ""))
    return re.sub(r"\s+", " ", text).strip().casefold()


def sentences(text: str) -> list[str]:
    """Split into sentences at '.', ';' or ':' followed by a capital letter (rough but safe)."""
    parts = re.split(r"(?<=[.;:!?])\s+(?=[\"“(]?[" + VN_UPPER + "])", text)
    return [p.strip() for p in parts if p.strip()]
