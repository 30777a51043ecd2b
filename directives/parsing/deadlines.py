"""Dates, periods and deadlines as Vietnamese directives write them.

A deadline is a date ("trước ngày 30/6/2022", "trước ngày 20 tháng 5 năm 2003", "trước ngày 15.8")
or a period that ends on a date ("trong Quý IV/2021" -> 2021-12-31, "trong tháng 6 năm 2022" ->
2022-06-30, "hoàn thành trong năm 2023" -> 2023-12-31, "6 tháng cuối năm 2019" -> 2019-12-31).
The start of ongoing work ("năm 2025 và các năm tiếp theo", "từ tháng 11/2025") is no deadline,
nor is a recurring day ("trước ngày 20 hằng tháng").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

ROMAN_QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
QUARTER_NAMES = {1: "I", 2: "II", 3: "III", 4: "IV"}

_DAY_MONTH_YEAR = (
    r"(?P<d>\d{1,2})\s*(?:/|-)\s*(?P<m>\d{1,2})(?:\s*(?:/|-)\s*(?P<y>\d{4}))?(?![\d/])"
    r"|(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s*(?:năm|/)\s*(?P<y2>\d{4}))?"
    r"|(?P<d3>\d{1,2})\.(?P<m3>\d{1,2})(?:\.(?P<y3>\d{4}))?(?![\d.,])"
)
DATE_RE = re.compile(_DAY_MONTH_YEAR, re.IGNORECASE)
_ONGOING_TAIL = re.compile(
    r"^\s*(?:và\s+(?:các|những)\s+năm\s+(?:tiếp\s+theo|sau)|trở\s+đi|đến\s+(?:khi|nay|hết)|hằng|hàng)",
    re.IGNORECASE,
)
_DATE_TRIGGER = re.compile(
    r"(?:trước|chậm\s+nhất(?:\s+là)?(?:\s+vào)?|hạn\s+chót(?:\s+là)?|đến|hoàn\s+thành(?:\s+(?:trong|trước|vào))?"
    r"|xong(?:\s+(?:trước|trong))?|thời\s+hạn(?:\s+\w+){0,2}\s*:\s*(?:trước)?"
    r"|thời\s+gian\s+hoàn\s+thành\s*:\s*(?:trước)?)\s*(?:ngày\s*)?",
    re.IGNORECASE,
)
DEADLINE_DATE_RE = re.compile(_DATE_TRIGGER.pattern + r"(?:" + _DAY_MONTH_YEAR + r")", re.IGNORECASE)
_TRIGGER_WORDS = r"(?P<trig>trước|trong|hoàn\s+thành(?:\s+trong)?|xong(?:\s+trong)?|cuối|đến\s+hết|đến|vào)\s+"
_LABEL_BEFORE = re.compile(r"(?:thời\s+gian|thời\s+hạn)[^:.;]{0,30}:\s*(?:trong\s+)?$", re.IGNORECASE)
MONTH_RE = re.compile(
    r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:-|–|đến|và)\s*(?:tháng\s+)?(?P<m_end>\d{1,2}))?\s*(?:/|năm)\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
QUARTER_RE = re.compile(r"quý\s+(?P<q>iv|i{1,3}|[1-4])\s*(?:/|năm|-)\s*(?P<y>\d{4})", re.IGNORECASE)
HALF_RE = re.compile(r"6\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?", re.IGNORECASE)
YEAR_RE = re.compile(r"năm\s+(?P<y>\d{4})", re.IGNORECASE)
_YEAR_DEADLINE = re.compile(
    r"(?:hoàn\s+thành|xong)(?:[^.;:()\n]{0,60}?\btrong|\s+trước|\s+vào|\s+trong)?\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)


_NOT_BARE_QUARTER = re.compile(
    r"(?:từ|so\s+với|kết\s+quả|đánh\s+giá|sơ\s+kết|tổng\s+kết|cùng\s+kỳ|của|sau)[^.;:]{0,25}$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None
    half: int | None = None
    month: int | None = None

    @property
    def end(self) -> dt.date:
        if self.month:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        if self.quarter:
            month = self.quarter * 3
            return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])
        if self.half:
            return dt.date(self.year, 6, 30) if self.half == 1 else dt.date(self.year, 12, 31)
        return dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        if self.month:
            return f"Tháng {self.month}/{self.year}"
        if self.quarter:
            return f"Quý {QUARTER_NAMES[self.quarter]}/{self.year}"
        if self.half:
            return f"6 tháng {'đầu' if self.half == 1 else 'cuối'} năm {self.year}"
        return f"Năm {self.year}"

    def to_dict(self) -> dict:
        out: dict = {"year": self.year, "quarter": self.quarter}
        if self.half:
            out["half"] = self.half
        return out


@dataclass(frozen=True)
class Deadline:
    date: dt.date
    start: int
    period: Period | None = None  # set when the deadline is the end of a period

    @property
    def label(self) -> str | None:
        return self.period.label if self.period else None


def _valid_year(y: int) -> bool:
    return 1945 <= y <= 2100


def make_date(day: int, month: int, year: int | None) -> dt.date | None:
    if year is None or not _valid_year(year) or not 1 <= month <= 12:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_match(m: re.Match[str], context_year: int | None) -> dt.date | None:
    g = m.groupdict()
    for d, mo, y in (("d", "m", "y"), ("d2", "m2", "y2"), ("d3", "m3", "y3")):
        if g.get(d):
            year = int(g[y]) if g.get(y) else context_year
            return make_date(int(g[d]), int(g[mo]), year)
    return None


def _ongoing(text: str, end: int) -> bool:
    return bool(_ONGOING_TAIL.match(text[end : end + 40]))


def _triggered(text: str, start: int) -> tuple[bool, str]:
    before = text[max(0, start - 40) : start]
    m = re.search(_TRIGGER_WORDS + r"$", before, re.IGNORECASE)
    if m:
        return True, m.group("trig").lower()
    if _LABEL_BEFORE.search(before):
        return True, ""
    return False, ""


def find_deadlines(text: str, context_year: int | None = None) -> list[Deadline]:
    """Every deadline stated in ``text``, in reading order."""
    found: list[Deadline] = []
    for m in DEADLINE_DATE_RE.finditer(text):
        if _ongoing(text, m.end()):
            continue
        date = date_from_match(m, context_year)
        if date:
            found.append(Deadline(date, m.start()))
    for m in MONTH_RE.finditer(text):
        ok, trig = _triggered(text, m.start())
        if not ok or _ongoing(text, m.end()):
            continue
        year, month = int(m.group("y")), int(m.group("m_end") or m.group("m"))
        if not (_valid_year(year) and 1 <= month <= 12):
            continue
        if trig == "trước":
            first = dt.date(year, month, 1) - dt.timedelta(days=1)
            period = Period(first.year, month=first.month)
        else:
            period = Period(year, month=month)
        found.append(Deadline(period.end, m.start(), period))
    for m in QUARTER_RE.finditer(text):
        ok, trig = _triggered(text, m.start())
        if not ok:  # a bare quarter is a deadline unless it names past work or a starting point
            ok = not _NOT_BARE_QUARTER.search(text[max(0, m.start() - 30) : m.start()])
        if not ok or _ongoing(text, m.end()):
            continue
        year, quarter = int(m.group("y")), ROMAN_QUARTERS[m.group("q").lower()]
        if not _valid_year(year):
            continue
        if trig == "trước":
            quarter, year = (quarter - 1, year) if quarter > 1 else (4, year - 1)
        period = Period(year, quarter=quarter)
        found.append(Deadline(period.end, m.start(), period))
    for m in HALF_RE.finditer(text):
        ok, _ = _triggered(text, m.start())
        year = int(m.group("y")) if m.group("y") else context_year
        if not ok or year is None or not _valid_year(year) or _ongoing(text, m.end()):
            continue
        period = Period(year, half=1 if m.group("h").lower() == "đầu" else 2)
        found.append(Deadline(period.end, m.start(), period))
    for m in _YEAR_DEADLINE.finditer(text):
        year = int(m.group("y"))
        if _valid_year(year) and not _ongoing(text, m.end()):
            found.append(Deadline(Period(year).end, m.start(), Period(year)))
    for m in YEAR_RE.finditer(text):
        ok, trig = _triggered(text, m.start())
        if ok and trig in ("", "trong", "đến hết", "cuối") and not _ongoing(text, m.end()):
            before = text[max(0, m.start() - 40) : m.start()]
            if trig == "" or re.search(r"(?:thời\s+gian|thời\s+hạn|hoàn\s+thành)[^.;]{0,30}$", before, re.I):
                year = int(m.group("y"))
                if _valid_year(year):
                    found.append(Deadline(Period(year).end, m.start(), Period(year)))
    found.sort(key=lambda d: d.start)
    return found


def find_deadline(text: str, context_year: int | None = None) -> Deadline | None:
    """The first deadline stated in ``text`` (a task naming several keeps its first)."""
    found = find_deadlines(text, context_year)
    return found[0] if found else None


def find_period(text: str, context_year: int | None = None) -> tuple[Period, int] | None:
    """The first period named in ``text`` (a heading, an intro): quarter, half-year or year."""
    best: tuple[Period, int] | None = None
    candidates: list[tuple[int, Period]] = []
    for m in QUARTER_RE.finditer(text):
        if not _ongoing(text, m.end()) and _valid_year(int(m.group("y"))):
            candidates.append((m.start(), Period(int(m.group("y")), quarter=ROMAN_QUARTERS[m.group("q").lower()])))
    for m in HALF_RE.finditer(text):
        year = int(m.group("y")) if m.group("y") else context_year
        if year and _valid_year(year) and not _ongoing(text, m.end()):
            candidates.append((m.start(), Period(year, half=1 if m.group("h").lower() == "đầu" else 2)))
    for m in YEAR_RE.finditer(text):
        if not _ongoing(text, m.end()) and _valid_year(int(m.group("y"))):
            candidates.append((m.start(), Period(int(m.group("y")))))
    if candidates:
        start, period = min(candidates, key=lambda c: c[0])
        best = (period, start)
    return best


def find_dates(text: str, context_year: int | None = None) -> list[tuple[int, dt.date]]:
    """Every calendar date written in ``text`` with its offset ("ngày 30/9/2021", "09 tháng 11 năm 2025")."""
    out = []
    for m in DATE_RE.finditer(text):
        if m.group("d3"):
            continue  # a dotted pair is a date only after a deadline word
        date = date_from_match(m, context_year)
        if date:
            out.append((m.start(), date))
    return out
