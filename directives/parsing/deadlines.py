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
    r"|xong(?:\s+(?:trước|trong))?|(?:thời\s+)?hạn(?:\s+\w+){0,2}\s*:\s*(?:trước|trong|vào)?"
    r"|thời\s+gian(?:\s+\w+){0,2}\s*:\s*(?:trước|trong|vào)?"
    r"|vào\s+(?=ngày\s+\d))\s*(?:ngày\s*)?",
    re.IGNORECASE,
)
DEADLINE_DATE_RE = re.compile(_DATE_TRIGGER.pattern + r"(?:" + _DAY_MONTH_YEAR + r")", re.IGNORECASE)
_TRIGGER_WORDS = (
    r"(?P<trig>trước|trong|hoàn\s+thành(?:\s+trong)?|xong(?:\s+trong)?|cuối|đến\s+hết|đến|vào"
    r"|vào\s+(?:kỳ|dịp|đợt|phiên)(?:\s+[^\s\d.,;:]+){0,3})\s+"
)
_LABEL_BEFORE = re.compile(r"(?:thời\s+gian|thời\s+hạn)[^:.;]{0,30}:\s*(?:trong\s+)?$", re.IGNORECASE)
MONTH_RE = re.compile(
    r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:-|–|đến|và)\s*(?:tháng\s+)?(?P<m_end>\d{1,2}))?\s*(?:/|năm)\s*(?P<y>\d{4})",
    re.IGNORECASE,
)
QUARTER_RE = re.compile(r"quý\s+(?P<q>iv|i{1,3}|[1-4])\s*(?:/|năm|-)\s*(?P<y>\d{4})", re.IGNORECASE)
HALF_RE = re.compile(r"6\s+tháng\s+(?P<h>đầu|cuối)\s+năm(?:\s+(?P<y>\d{4}))?", re.IGNORECASE)
YEAR_RE = re.compile(r"năm\s+(?P<y>\d{4})", re.IGNORECASE)
_YEAR_DEADLINE = re.compile(
    r"(?:hoàn\s+thành|xong)(?:[^.;:()\n]{0,240}?\btrong|\s+trước|\s+vào|\s+trong)?\s+năm\s+(?P<y>\d{4})",
    re.IGNORECASE,
)
# "Thời gian hoàn thành: 2025" (a table cell or a labelled line holding only a year)
_LABEL_YEAR = re.compile(
    r"(?:thời\s+gian|thời\s+hạn|hạn)(?:\s+[^\s:]+){0,3}\s*:\s*(?:trong\s+)?(?:năm\s+)?(?P<y>\d{4})\s*(?:$|[.;\n])",
    re.IGNORECASE,
)
# "trong tuần đầu tháng 10/2025": the end of that week
_WEEK_RE = re.compile(
    r"tuần\s+(?P<w>đầu(?:\s+tiên)?|thứ\s+nhất|thứ\s+hai|thứ\s+ba|thứ\s+tư|cuối(?:\s+cùng)?)\s+(?:của\s+)?"
    r"tháng\s+(?P<m>\d{1,2})(?:\s*(?:/|năm)\s*(?P<y>\d{4}))?",
    re.IGNORECASE,
)
_WEEK_END = {"đầu": 7, "thứ nhất": 7, "thứ hai": 14, "thứ ba": 21, "thứ tư": 28}
# "trong tháng 12", "đến hết năm": a month or the year without its number is the context year's
_BARE_MONTH = re.compile(
    r"(?:trong|cuối|đến\s+hết|hết|trước)\s+tháng\s+(?P<m>\d{1,2})(?![\d/]|\s*năm\s+\d|\s*hằng|\s*hàng)", re.I
)
_BARE_YEAR_END = re.compile(r"(?:đến\s+hết|trước\s+hết|trong|cuối)\s+năm(?!\s+(?:\d|học|tài|nay|sau|trước|tới))", re.I)
# Recurring: "trước ngày 25/12 hàng năm", "ngày 20 hằng tháng", "tháng 12 hằng năm", "trước ngày 15 tháng cuối quý"
_EVERY = r"(?:hàng|hằng)\s+(?P<f>tháng|quý|năm|tuần)"
_RECUR_DAY = re.compile(
    r"ngày\s+(?P<d>\d{1,2})(?:\s*(?:/|-|\s+tháng\s+)(?P<m>\d{1,2}))?\s*(?:,\s*)?(?:của\s+)?" + _EVERY, re.I
)
_RECUR_QUARTER_DAY = re.compile(
    r"ngày\s+(?P<d>\d{1,2})\s+(?:của\s+)?tháng\s+(?P<which>cuối|đầu)\s+(?:mỗi\s+|của\s+)?quý", re.I
)
_RECUR_MONTH = re.compile(r"tháng\s+(?P<m>\d{1,2})\s+" + _EVERY.replace("(?P<f>tháng|quý|năm|tuần)", "năm"), re.I)
_RECUR_BARE = re.compile(
    r"(?:(?:định\s+kỳ|báo\s+cáo|tổng\s+hợp|thời\s+gian[^:\n]{0,25}:|thời\s+hạn[^:\n]{0,25}:)[^.;\n]{0,40}?"
    r"|^\s*)" + _EVERY + r"(?!\s*\d)",
    re.I | re.MULTILINE,
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
    recurrence: tuple | None = None  # (("freq", "yearly"), ("day", 25), ("month", 12)) for a recurring deadline

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


def _next_on(day: int, month: int, after: dt.date) -> dt.date | None:
    for year in (after.year, after.year + 1):
        date = make_date(min(day, calendar.monthrange(year, month)[1]) if 1 <= month <= 12 else day, month, year)
        if date and date >= after:
            return date
    return None


def _recurring(text: str, after: dt.date) -> list[Deadline]:
    """Recurring deadlines with their next occurrence on or after ``after``."""
    out: list[Deadline] = []
    taken: list[tuple[int, int]] = []
    for m in _RECUR_DAY.finditer(text):
        day, freq = int(m.group("d")), m.group("f").lower()
        month = int(m.group("m")) if m.group("m") else None
        if not 1 <= day <= 31:
            continue
        if freq == "năm" and month:
            date, rec = _next_on(day, month, after), (("freq", "yearly"), ("day", day), ("month", month))
        elif freq == "tháng":
            date = _next_on(day, after.month, after) if day >= after.day else None
            if date is None:
                nxt = after.replace(day=1) + dt.timedelta(days=32)
                date = make_date(min(day, calendar.monthrange(nxt.year, nxt.month)[1]), nxt.month, nxt.year)
            rec = (("freq", "monthly"), ("day", day))
        elif freq == "quý":
            date, rec = _next_quarter_day(day, 1, after), (("freq", "quarterly"), ("day", day), ("month_of_quarter", 1))
        else:
            continue
        if date:
            out.append(Deadline(date, m.start(), None, rec))
            taken.append((m.start(), m.end()))
    for m in _RECUR_QUARTER_DAY.finditer(text):
        day, which = int(m.group("d")), 3 if m.group("which").lower() == "cuối" else 1
        date = _next_quarter_day(day, which, after)
        if date:
            rec = (("freq", "quarterly"), ("day", day), ("month_of_quarter", which))
            out.append(Deadline(date, m.start(), None, rec))
            taken.append((m.start(), m.end()))
    for m in _RECUR_MONTH.finditer(text):
        if any(a <= m.start() < b for a, b in taken):
            continue
        month = int(m.group("m"))
        if 1 <= month <= 12:
            last = calendar.monthrange(after.year, month)[1]
            date = _next_on(last, month, after)
            if date:
                date = dt.date(date.year, month, calendar.monthrange(date.year, month)[1])
                out.append(Deadline(date, m.start(), None, (("freq", "yearly"), ("month", month))))
                taken.append((m.start(), m.end()))
    for m in _RECUR_BARE.finditer(text):
        if any(a <= m.start("f") < b for a, b in taken):
            continue
        freq = m.group("f").lower()
        if freq == "tháng":
            date = dt.date(after.year, after.month, calendar.monthrange(after.year, after.month)[1])
            rec = (("freq", "monthly"),)
        elif freq == "quý":
            q_month = ((after.month - 1) // 3 + 1) * 3
            date, rec = (
                dt.date(after.year, q_month, calendar.monthrange(after.year, q_month)[1]),
                (("freq", "quarterly"),),
            )
        elif freq == "năm":
            date, rec = dt.date(after.year, 12, 31), (("freq", "yearly"),)
        else:
            date, rec = after + dt.timedelta(days=(6 - after.weekday()) % 7), (("freq", "weekly"),)
        out.append(Deadline(date, m.start("f"), None, rec))
    return out


def _next_quarter_day(day: int, month_of_quarter: int, after: dt.date) -> dt.date | None:
    q = (after.month - 1) // 3
    for k in range(0, 5):
        qq = q + k
        year, month = after.year + qq // 4, (qq % 4) * 3 + month_of_quarter
        date = make_date(min(day, calendar.monthrange(year, month)[1]), month, year)
        if date and date >= after:
            return date
    return None


def find_deadlines(text: str, context_year: int | None = None, *, issued: dt.date | None = None) -> list[Deadline]:
    """Every deadline stated in ``text``, in reading order.

    ``issued`` (the document's date) dates recurring deadlines from it and drops dates more than a
    year before it (a condition or a past event, not a deadline).
    """
    found: list[Deadline] = []
    after = issued or (dt.date(context_year, 1, 1) if context_year else dt.date.today())
    recurring = _recurring(text, after)
    spans = [(d.start, d.start + 40) for d in recurring]
    found.extend(recurring)
    for m in DEADLINE_DATE_RE.finditer(text):
        if _ongoing(text, m.end()) or any(a <= m.end() <= b + 20 and m.start() >= a - 30 for a, b in spans):
            continue
        if m.group(0).lower().startswith("vào") and issued is None:
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
    for m in _LABEL_YEAR.finditer(text):
        year = int(m.group("y"))
        if _valid_year(year):
            found.append(Deadline(Period(year).end, m.start(), Period(year)))
    for m in _WEEK_RE.finditer(text):
        ok, _ = _triggered(text, m.start())
        year = int(m.group("y")) if m.group("y") else context_year
        month = int(m.group("m"))
        if not ok or not year or not _valid_year(year) or not 1 <= month <= 12:
            continue
        w = re.sub(r"\s+", " ", m.group("w").lower()).replace(" tiên", "").replace(" cùng", "")
        day = _WEEK_END.get(w, calendar.monthrange(year, month)[1])
        found.append(Deadline(dt.date(year, month, day), m.start()))
    if context_year and _valid_year(context_year):
        for m in _BARE_MONTH.finditer(text):
            month = int(m.group("m"))
            if 1 <= month <= 12 and not any(d.start <= m.start() <= d.start + 30 for d in found):
                if m.group(0).lower().startswith("trước"):
                    continue
                period = Period(context_year, month=month)
                found.append(Deadline(period.end, m.start(), period))
        for m in _BARE_YEAR_END.finditer(text):
            if re.match(r"(?:đến\s+hết|trước\s+hết)", m.group(0), re.I) or re.search(
                r"(?:hoàn\s+thành|xong)[^.;\n]{0,120}$", text[max(0, m.start() - 120) : m.start()], re.I
            ):
                period = Period(context_year)
                found.append(Deadline(period.end, m.start(), period))
    for m in YEAR_RE.finditer(text):
        ok, trig = _triggered(text, m.start())
        if ok and trig in ("", "trong", "đến hết", "cuối") and not _ongoing(text, m.end()):
            before = text[max(0, m.start() - 40) : m.start()]
            if trig == "" or re.search(r"(?:thời\s+gian|thời\s+hạn|hoàn\s+thành)[^.;]{0,30}$", before, re.I):
                year = int(m.group("y"))
                if _valid_year(year):
                    found.append(Deadline(Period(year).end, m.start(), Period(year)))
    if issued:
        oldest = issued - dt.timedelta(days=366)
        found = [d for d in found if d.date >= oldest]
    found.sort(key=lambda d: d.start)
    return found


def find_deadline(text: str, context_year: int | None = None, *, issued: dt.date | None = None) -> Deadline | None:
    """The first deadline stated in ``text`` (a task naming several keeps its first)."""
    found = find_deadlines(text, context_year, issued=issued)
    return found[0] if found else None


_DEADLINE_WORDS = re.compile(
    r"\b(?:thời\s+gian|thời\s+hạn|hạn\s+chót|hạn|hoàn\s+thành|thực\s+hiện|xong|dự\s+kiến|chậm\s+nhất|là|trước|trong"
    r"|vào|đến|hết|cuối|ngày|tháng|quý|năm|muộn\s+nhất|tiến\s+độ)\b",
    re.IGNORECASE,
)


def is_deadline_only(text: str, context_year: int | None = None) -> bool:
    """Whether ``text`` says nothing but when: "Hoàn thành trước 30/9/2025.", "Thời hạn: Quý IV/2025",
    "Trước ngày 15/10/2025". Such a line under a heading gives the heading its deadline; it is no task."""
    if len(text) > 120 or not find_deadline(text, context_year or 2000):
        return False
    rest = text
    for rx in (DATE_RE, MONTH_RE, QUARTER_RE, HALF_RE, YEAR_RE):
        rest = rx.sub(" ", rest)
    rest = _DEADLINE_WORDS.sub(" ", rest)
    return sum(c.isalpha() for c in rest) == 0


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
