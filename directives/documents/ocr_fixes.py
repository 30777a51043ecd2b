"""Item numbers as OCR misreads them, read back the way a clerk reads them. OCR text only.

Tesseract reads running text well but stumbles on what a directive's structure hangs on: a
section or item number standing alone at the start of a line, often in bold, with no words around
it to lean on. What it gets wrong, and what a clerk reading the scan would write instead:

- a roman section number: "I." read as "L", "L." or "l."; "II." as "IL" or "II" (the period lost);
  "III." as "IIL"; "VIII" as "VIH" (two strokes read as an H). A token made only of such strokes
  (I, l, |, L, V, X, H), standing first on the line before a capital letter, is read as the
  roman numeral it spells (`fix_line`);
- an arabic item number with its period read as a comma, colon or semicolon ("2," "11;" "1:"), or
  run into its first word ("3.Ưu tiên");
- a footnote mark (a raised small digit) read as a digit or "?" of normal size: handled where the
  glyph's size is known (`ocr.segments_from_tsv`);
- in a numbered sequence (`fix_numbering`):
  - a roman section repeated or going back where the next one is due ("II." after "II." read for
    "III.": a stroke lost) is the next one;
  - an item whose number came out as a stray glyph ("Ả." or "A." for "4.", "ø)" for "g)", "¡)" for
    "i)") between its two neighbours is the number between them;
  - an item whose number was lost altogether, between 4. and 6., is the one paragraph there that
    starts like an item (after a blank line, with a capital), when there is exactly one.

Every rule looks only at the start of a line and at the numbers around it, never at the words of a
particular document. Text with a text layer is never passed through here: it needs none of this.
"""

from __future__ import annotations

import re

VN_UPPER = "A-ZĐÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_VALID_ROMAN = re.compile(r"^(?=[IVX])(?:X{0,3})(?:IX|IV|V?I{0,3})$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}

# A token of roman strokes as OCR leaves them, then its punctuation (or none), then the heading.
_ROMAN_LIKE = re.compile(
    r"^(?P<tok>[IVXLHl|]{1,5})(?P<punct>[.,:;]?)(?:\s+|(?<=[.,:;])(?=[" + VN_UPPER + r"])|$)"
    r"(?P<rest>(?=[" + VN_UPPER + r"]|$).*)$"
)
# "2," "11;" "1.2:" before a capital or alone; "3.Ưu" with the space lost.
_ARABIC_PUNCT = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})[,;:](?=\s+[\"“(" + VN_UPPER + r"]|\s*$)")
_ARABIC_TIGHT = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,3}\.)(?=[" + VN_UPPER + r"][a-zà-ỹđ])")


def _roman_value(numeral: str) -> int:
    total = 0
    for i, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(numeral) and _ROMAN_VALUES[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def _to_roman(value: int) -> str:
    out = []
    for number, letters in ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _read_strokes(token: str) -> str | None:
    """The roman numeral a token of strokes spells, or None.

    A final "L" is an "I" whose period merged into its foot ("L" for "I.", "IIL" for "III.");
    "l" and "|" are an I; "H" inside a numeral is two I's ("VIH" for "VIII").
    """
    if token.endswith("L"):
        token = token[:-1] + "I"
    numeral = token.replace("l", "I").replace("|", "I")
    if "H" in numeral:
        if len(numeral) == 1:
            return None
        numeral = numeral.replace("H", "II")
    if "L" in numeral or not _VALID_ROMAN.match(numeral) or _roman_value(numeral) > 30:
        return None
    return numeral


def fix_line(line: str) -> str:
    """One OCR'd line with its leading item number read as a clerk would read it."""
    m = _ROMAN_LIKE.match(line)
    if m:
        token, punct, rest = m.group("tok"), m.group("punct"), m.group("rest")
        numeral = _read_strokes(token)
        # a lone "l" or "|" is as likely a stray mark as a numeral: it needs its period or a heading;
        # "III, IV và …" is a list of numerals, not a heading
        if punct in (",", ":", ";") and rest and not _is_upper(rest):
            numeral = None
        if numeral and (punct or rest or token not in ("l", "|")):
            return f"{numeral}. {rest}".rstrip()
    m = _ARABIC_PUNCT.match(line)
    if m:
        return m.group("n") + "." + line[m.end() :]
    m = _ARABIC_TIGHT.match(line)
    if m:
        return m.group("n") + " " + line[m.end() :]
    return line


# --- sequences --------------------------------------------------------------------------------

_ROMAN_HEAD = re.compile(r"^(?P<n>[IVX]{1,5})\.\s*(?=\S|$)")
_ARABIC_HEAD = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,2}){0,3})\.(?:\s|$)")
_LETTER_HEAD = re.compile(r"^(?P<n>[a-zđ])\)(?:\s|$)")
_BULLET = re.compile(r"^[-–—+•*]")
# A stray glyph where an item number should be: one or two characters, then the number's period.
_STRAY_ARABIC = re.compile(r"^(?P<tok>[^\s\d(\-–—+•*]{1,2})[.,;:](?:\s+(?=[\"“(" + VN_UPPER + r"])|\s*$)")
_STRAY_LETTER = re.compile(r"^(?P<tok>[^\s\da-zA-Zđ(\[])\)(?=\s|$)")
# A labelled line describes the item above it ("Cơ quan chủ trì: …"); it does not open one.
_LABEL = re.compile(
    r"^(?:Cơ quan|Đơn vị|Thời gian|Thời hạn|Sản phẩm|Chủ trì|Phối hợp|Kinh phí|Nội dung|Kết quả|Hình thức"
    r"|Địa điểm|Thành phần|Lãnh đạo)\b[^:]{0,30}:",
    re.IGNORECASE,
)
# A line holding only an item's number: its text follows on the next line.
_NUMBER_ONLY = re.compile(r"^(?:[IVX]{1,5}\.|\d{1,2}(?:\.\d{1,2}){0,3}\.|[a-zđ]\)|\(\d{1,2}\))$")
LETTERS = "abcdđeghiklmnopqrstuvxy"
# A new document part starts its numbering again (the plan attached to a decision, an appendix).
_PART = re.compile(
    r"^(?:THÔNG BÁO|CHỈ THỊ|KẾ HOẠCH|CÔNG ĐIỆN|KẾT LUẬN|QUYẾT ĐỊNH|NGHỊ QUYẾT|CHƯƠNG TRÌNH|ĐỀ ÁN|QUY CHẾ|PHỤ LỤC)\b"
)


def _is_upper(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and text == text.upper()


def _is_head(line: str) -> bool:
    return bool(_ROMAN_HEAD.match(line) or _ARABIC_HEAD.match(line) or _LETTER_HEAD.match(line))


def _after_break(lines: list[str], i: int) -> bool:
    """Line i opens a paragraph: the text before it (past blank lines) ends a sentence, or there is none."""
    prev = _prev_text(lines, i)
    return not prev or (prev.endswith((".", ";", ":", "!", "?")) and not _NUMBER_ONLY.match(prev.strip()))


# Glyphs Tesseract returns for plain ones: the fraction and division slashes in "1⁄7" and "30∕6".
_LOOKALIKES = str.maketrans({"⁄": "/", "∕": "/"})
# A short word OCR wrote in capitals because its vowel carries a stacked mark ("SỞ Y tế", "VỀ phía",
# "ĐỂ nâng cao", "HỢp"): in running text, with no capitals around it, it is the word in lower case.
_ACCENTED_CAPITAL = "ÀÁẢÃẠÂẦẤẨẪẬĂẰẮẲẴẶÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
_SHOUTED_WORD = re.compile(
    r"(?<![\w])(?P<w>[A-ZĐ]?["
    + _ACCENTED_CAPITAL
    + r"][A-Z]?)(?P<tail>[a-zà-ỹđ]*)(?=[,;:]?\s+(?:[a-zà-ỹđ]|[A-ZĐ]\b|[-–]))"
)
# Words Vietnamese does not have, that OCR makes of common ones by a mark misread.
_MISREAD_WORDS = [
    (re.compile(r"\b([Đđ])ể án\b"), r"\1ề án"),  # "để án" for "đề án"
    (re.compile(r"\bỬy ban\b"), "Ủy ban"),
    (re.compile(r"\bnhần dân\b"), "nhân dân"),
]


def fix_words(line: str) -> str:
    """Look-alike glyphs, capitals a stacked mark caused, and a few words a mark misread, in one line."""
    line = line.translate(_LOOKALIKES)
    if not _is_upper(line):
        line = _SHOUTED_WORD.sub(lambda m: m.group("w")[0] + m.group("w")[1:].lower() + m.group("tail"), line)
    for rx, good in _MISREAD_WORDS:
        line = rx.sub(good, line)
    return line


def fix_numbering(text: str) -> str:
    """Whole OCR'd text: each line's glyphs and words (`fix_words`) and leading number (`fix_line`),
    then numbers read in sequence."""
    lines = [fix_line(fix_words(line)) for line in text.split("\n")]
    for start, end in _parts(lines):
        _fix_romans(lines, start, end)
    for start, end in _sections(lines):
        _fix_arabic(lines, start, end)
    _fix_letters(lines)
    return "\n".join(_join_numbers(lines))


def _join_numbers(lines: list[str]) -> list[str]:
    """A number alone on its line, then a blank line (the scan's spacing), then its text: one line."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if _NUMBER_ONLY.match(line.strip()) and j < len(lines) and j - i <= 3 and not _is_head(lines[j]):
            out.append(f"{line.strip()} {lines[j].lstrip()}")
            i = j + 1
            continue
        out.append(line)
        i += 1
    return out


def _parts(lines: list[str]) -> list[tuple[int, int]]:
    bounds = [0, *(i for i, line in enumerate(lines) if _PART.match(line) and _is_upper(line)), len(lines)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _sections(lines: list[str]) -> list[tuple[int, int]]:
    cuts = [i for i, line in enumerate(lines) if _ROMAN_HEAD.match(line) or (_PART.match(line) and _is_upper(line))]
    bounds = [0, *cuts, len(lines)]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _roman_heads(lines: list[str], start: int, end: int) -> list[tuple[int, int]]:
    heads = []
    for i in range(start, end):
        m = _ROMAN_HEAD.match(lines[i])
        if m and _VALID_ROMAN.match(m.group("n")):
            heads.append((i, _roman_value(m.group("n"))))
    return heads


def _renumber(line: str, head: re.Pattern, number: str) -> str:
    return f"{number}. " + line[head.match(line).end() :].lstrip()


def _next_text(lines: list[str], i: int, end: int) -> int | None:
    j = i + 1
    while j < end and not lines[j].strip():
        j += 1
    return j if j < end else None


def _restarted_sections(lines: list[str], start: int, end: int) -> None:
    """A heading in capitals after which the items count from 1 again, in a document numbered with
    roman sections, is a section whose number was lost: the next one ("CÁC NHIỆM VỤ" between "I."
    with its items 1., 2. and "1. Về an sinh" is "II."). Kept only where the section after it agrees
    (it is the next number, or the next number with a stroke lost), or there is none."""
    heads = _roman_heads(lines, start, end)
    if not heads:
        return
    current, counted = 0, 0
    for i in range(start, end):
        line = lines[i]
        m = _ROMAN_HEAD.match(line)
        if m and _VALID_ROMAN.match(m.group("n")):
            current, counted = _roman_value(m.group("n")), 0
            continue
        m = _ARABIC_HEAD.match(line)
        if m:
            counted = int(m.group("n").split(".")[0])
            continue
        if not (counted and current and _is_upper(line) and _after_break(lines, i) and not _is_head(line)):
            continue
        if re.match(r"^[A-ZĐ][.)]\s", line):  # "A. NHIỆM VỤ CHUNG": a part of the section, lettered
            continue
        j = _next_text(lines, i, end)
        while j is not None and _is_upper(lines[j]) and not _is_head(lines[j]) and j - i <= 3:
            j = _next_text(lines, j, end)  # the heading's second line
        if j is None or not re.match(r"^1\.(?:\s|$)", lines[j]):
            continue
        due = current + 1
        after = next((v for k, v in heads if k > i), None)
        printed_after = next((_ROMAN_HEAD.match(lines[k]).group("n") for k, _ in heads if k > i), None)
        if after is not None and after != due + 1 and not _lost_strokes(_to_roman(due + 1), printed_after):
            continue
        lines[i] = f"{_to_roman(due)}. {line}"
        current, counted = due, 0


def _fix_romans(lines: list[str], start: int, end: int) -> None:
    _restarted_sections(lines, start, end)
    # "II." where III. is due (a stroke lost), when what follows agrees
    heads = _roman_heads(lines, start, end)
    prev = 0
    for k, (i, value) in enumerate(heads):
        due = prev + 1
        printed = _ROMAN_HEAD.match(lines[i]).group("n")
        following = heads[k + 1][1] if k + 1 < len(heads) else None
        if value <= prev and _lost_strokes(_to_roman(due), printed) and following in (None, due + 1):
            lines[i] = _renumber(lines[i], _ROMAN_HEAD, _to_roman(due))
            value = due
        prev = value
    # a section whose number came out as something else, or not at all, between its two neighbours:
    # the one heading in capitals there that opens a paragraph
    heads = _roman_heads(lines, start, end)
    for (a, va), (b, vb) in zip(heads, heads[1:], strict=False):
        if vb - va != 2:
            continue
        # a stray mark on its own line just before a heading in capitals ("HỆ" for "III.")
        marks = [
            i
            for i in range(a + 1, b - 1)
            if 0 < len(lines[i].strip()) <= 3
            and not re.search(r"\d", lines[i])
            and _is_upper(lines[i + 1])
            and _after_break(lines, i)
        ]
        if len(marks) == 1:
            lines[marks[0]] = f"{_to_roman(va + 1)}."
            continue
        found = [
            i for i in range(a + 1, b) if _is_upper(lines[i]) and not _is_head(lines[i]) and _after_break(lines, i)
        ]
        if len(found) == 1:
            lines[found[0]] = f"{_to_roman(va + 1)}. {lines[found[0]]}"


def _lost_strokes(due: str, printed: str) -> bool:
    """'II' for 'III', 'I' for 'II', 'VI' for 'VII' or 'VIII', 'V' for 'VI': strokes lost, none added."""
    return due.startswith(printed) and set(due[len(printed) :]) == {"I"} and len(due) - len(printed) <= 2


def _arabic_items(lines: list[str], start: int, end: int) -> dict[str, list[tuple[int, int]]]:
    """{prefix: [(line, last number)]}: "2.3." is item 3 under prefix "2"."""
    items: dict[str, list[tuple[int, int]]] = {}
    for i in range(start, end):
        m = _ARABIC_HEAD.match(lines[i])
        if m:
            *prefix, last = m.group("n").split(".")
            items.setdefault(".".join(prefix), []).append((i, int(last)))
    return items


def _own_text(lines: list[str], i: int) -> str:
    """An item's first line without its number; the next line's when the number stands alone."""
    rest = _ARABIC_HEAD.sub("", lines[i], count=1).strip()
    j = i + 1
    while not rest and j < len(lines) and j <= i + 3:
        rest = lines[j].strip()
        j += 1
    return rest


def _shape(text: str) -> tuple[bool, bool]:
    """(ends with a colon, short): a body heading "Sở Y tế:" against a sentence."""
    return text.rstrip().endswith(":"), len(text.split()) <= 10


def _prev_text(lines: list[str], i: int) -> str:
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return lines[j].rstrip() if j >= 0 else ""


def _fix_arabic(lines: list[str], start: int, end: int) -> None:
    """Items 1., 2., … (and 1.1., 1.2., …) within a section: a number between two neighbours.

    First a stray glyph where a number should be ("Ả." between "3." and "5."), taken in order;
    then, where exactly one number is still missing, the one paragraph between the two neighbours
    that opens the way its siblings do (after a finished sentence, with a capital, shaped like
    them: a short "Sở Y tế:" among body headings).
    """
    _implied_parents(lines, start, end)
    _repeated_numbers(lines, start, end)
    for prefix, seq in _arabic_items(lines, start, end).items():
        # after the last item, only a glyph standing alone on its line, as "3." does
        last, value = seq[-1]
        alone = [
            i
            for i in range(last + 1, end)
            if _STRAY_ARABIC.match(lines[i].strip() + " ") and len(lines[i].strip()) <= 3
        ]
        if len(alone) == 1:
            seq = [*seq, (end, value + 2)]
        for (a, va), (b, vb) in zip(seq, seq[1:], strict=False):
            stray = [i for i in range(a + 1, b) if _STRAY_ARABIC.match(lines[i])]
            if stray and len(stray) <= vb - va - 1:
                for n, i in enumerate(stray, va + 1):
                    number = f"{prefix}.{n}" if prefix else str(n)
                    lines[i] = (f"{number}. " + lines[i][_STRAY_ARABIC.match(lines[i]).end() :].lstrip()).rstrip()
    for prefix, seq in _arabic_items(lines, start, end).items():
        shapes = [_shape(_own_text(lines, i)) for i, _ in seq]
        wanted = [
            sum(1 for sh in shapes if sh[k]) * 3 >= 2 * len(shapes) if len(shapes) >= 3 else False for k in (0, 1)
        ]
        for (a, va), (b, vb) in zip(seq, seq[1:], strict=False):
            if vb - va != 2:
                continue
            found = []
            for i in range(a + 1, b):
                line = lines[i]
                # a paragraph opens with a capital; one that opens in lower case after a blank line and a
                # finished sentence lost its first word with its number ("3. Ưu" gone from "tiên phát triển")
                lost_start = line[:1].islower() and i > 0 and not lines[i - 1].strip()
                if (
                    not (re.match(r"[" + VN_UPPER + r"]", line) or lost_start)
                    or _is_head(line)
                    or _is_upper(line)
                    or _LABEL.match(line)
                ):
                    continue
                # after a finished sentence; a paragraph after "…:" is what that line announces
                prev = _prev_text(lines, i)
                if not prev.endswith((".", ";", "!", "?")) or _NUMBER_ONLY.match(prev):
                    continue
                shape = _shape(line)
                if all(shape[k] for k in (0, 1) if wanted[k]):
                    found.append(i)
            if len(found) == 1:
                number = f"{prefix}.{va + 1}" if prefix else str(va + 1)
                line = lines[found[0]]
                lines[found[0]] = f"{number}. {line[:1].upper()}{line[1:]}"  # an item opens with a capital


def _implied_parents(lines: list[str], start: int, end: int) -> None:
    """ "3.1." with no "3." before it: item 3 lost its number. It is the paragraph that opens the way an
    item does between item 2 (or the section's start) and "3.1.", when there is exactly one."""
    items = _arabic_items(lines, start, end)
    for prefix, seq in items.items():
        first_child = seq[0][0]
        if not prefix.isdigit() or any(v == int(prefix) and i < first_child for i, v in items.get("", [])):
            continue
        before = [i for i, v in items.get("", []) if i < first_child and v == int(prefix) - 1]
        lo = before[-1] if before else start
        found = [
            i
            for i in range(lo + 1, first_child)
            if re.match(r"[" + VN_UPPER + r"]", lines[i])
            and not _is_head(lines[i])
            and not _is_upper(lines[i])
            and not _LABEL.match(lines[i])
            and _after_break(lines, i)
        ]
        if len(found) == 1 and (before or int(prefix) == 1):
            lines[found[0]] = f"{prefix}. {lines[found[0]]}"


def _repeated_numbers(lines: list[str], start: int, end: int) -> None:
    """Item numbers only go up: a number that repeats the one before ("3." after "3.") where the next
    one is further on ("6.") is the one due ("4."), as a 4 read for a 3 would be."""
    for prefix, seq in _arabic_items(lines, start, end).items():
        for (_, va), (i, vb), (_, vc) in zip(seq, seq[1:], seq[2:], strict=False):
            if vb == va and vc > va + 1:
                number = f"{prefix}.{va + 1}" if prefix else str(va + 1)
                lines[i] = _renumber(lines[i], _ARABIC_HEAD, number)


def _fix_letters(lines: list[str]) -> None:
    """a), b), …: a stray glyph before ")" where the next letter is due is that letter ("ø)" for "g)")."""
    last: str | None = None
    for i, line in enumerate(lines):
        if _ROMAN_HEAD.match(line) or _ARABIC_HEAD.match(line):
            last = None
            continue
        m = _LETTER_HEAD.match(line)
        if m:
            last = m.group("n")
            continue
        m = _STRAY_LETTER.match(line)
        if m and last and last in LETTERS[:-1]:
            last = LETTERS[LETTERS.index(last) + 1]
            lines[i] = last + line[len(m.group("tok")) :]
