"""Reporting periods and the Vietnamese formats used in reports.

A ``Period`` is a year, or a quarter, half year or month of a year. Labels are
the forms written in Vietnamese directives and reports ("Quý IV/2021",
"6 tháng đầu năm 2021", "Tháng 6/2022", "Năm 2023"); they are domain formats,
not UI translations, so they are not passed through gettext.

Choices made here:

- Periods order chronologically by (start, end), so periods of different kinds
  compare too: Q1/2021 < H1/2021 < Năm 2021 < Q2/2021. (A field-wise
  ``order=True`` dataclass would raise ``TypeError`` comparing ``None`` with an
  int for mixed kinds.)
- ``Period.parse`` matches the whole text (surrounding spaces and a trailing
  ``.,;:`` aside) and ignores case and diacritics ("quy iv/2021" is accepted).
  A bare year ("2023") is not a period label; ``from_code`` accepts it.
- ``format_percent_vi`` drops trailing zeros (100 -> "100%", 67.50 -> "67,5%");
  ``format_number_vi`` keeps exactly ``digits`` decimals, so figures in a
  column line up. Both round half up and show "—" for ``None``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import total_ordering

__all__ = [
    "Period",
    "format_date_vi",
    "format_number_vi",
    "format_percent_vi",
    "half_of",
    "last_quarters",
    "quarter_end",
    "quarter_of",
    "year_of",
]

MIN_YEAR = 1900
MAX_YEAR = 2200

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_FROM_ROMAN = {v.casefold(): k for k, v in _ROMAN.items()}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A year, or one quarter, half year or month of it (at most one is set)."""

    year: int
    quarter: int | None = None  # 1..4
    half: int | None = None  # 1..2
    month: int | None = None  # 1..12

    def __post_init__(self) -> None:
        for name in ("year", "quarter", "half", "month"):
            value = getattr(self, name)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
                raise ValueError(f"Period.{name} must be an int, got {value!r}")
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            raise ValueError(f"Period.year must be in {MIN_YEAR}..{MAX_YEAR}, got {self.year}")
        parts = [n for n in ("quarter", "half", "month") if getattr(self, n) is not None]
        if len(parts) > 1:
            raise ValueError(f"a Period has at most one of quarter, half, month; got {', '.join(parts)}")
        for name, top in (("quarter", 4), ("half", 2), ("month", 12)):
            value = getattr(self, name)
            if value is not None and not 1 <= value <= top:
                raise ValueError(f"Period.{name} must be in 1..{top}, got {value}")

    # -- kind and bounds ------------------------------------------------------

    @property
    def kind(self) -> str:
        """One of "quarter", "half", "month", "year"."""
        if self.quarter is not None:
            return "quarter"
        if self.half is not None:
            return "half"
        if self.month is not None:
            return "month"
        return "year"

    def _months(self) -> tuple[int, int]:
        """First and last month (1..12) of the period."""
        if self.quarter is not None:
            return 3 * self.quarter - 2, 3 * self.quarter
        if self.half is not None:
            return 6 * self.half - 5, 6 * self.half
        if self.month is not None:
            return self.month, self.month
        return 1, 12

    @property
    def start(self) -> date:
        return date(self.year, self._months()[0], 1)

    @property
    def end(self) -> date:
        """The last day of the period (inclusive)."""
        last = self._months()[1]
        if last == 12:
            return date(self.year, 12, 31)
        return date(self.year, last + 1, 1) - timedelta(days=1)

    def contains(self, d: date) -> bool:
        return self.start <= d <= self.end

    # -- order ----------------------------------------------------------------

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.start, self.end) < (other.start, other.end)

    # -- labels ---------------------------------------------------------------

    def label(self) -> str:
        """Vietnamese label: "Quý IV/2021", "6 tháng đầu năm 2021", "Tháng 6/2022",
        "Năm 2023"."""
        if self.quarter is not None:
            return f"Quý {_ROMAN[self.quarter]}/{self.year}"
        if self.half is not None:
            side = "đầu" if self.half == 1 else "cuối"
            return f"6 tháng {side} năm {self.year}"
        if self.month is not None:
            return f"Tháng {self.month}/{self.year}"
        return f"Năm {self.year}"

    def label_en(self) -> str:
        """Short English label: "Q4/2021", "H1/2021", "06/2022", "2023"."""
        if self.quarter is not None:
            return f"Q{self.quarter}/{self.year}"
        if self.half is not None:
            return f"H{self.half}/{self.year}"
        if self.month is not None:
            return f"{self.month:02d}/{self.year}"
        return str(self.year)

    def code(self) -> str:
        """URL / CLI form: "2021Q4", "2021H1", "2022-06", "2023"."""
        if self.quarter is not None:
            return f"{self.year}Q{self.quarter}"
        if self.half is not None:
            return f"{self.year}H{self.half}"
        if self.month is not None:
            return f"{self.year}-{self.month:02d}"
        return str(self.year)

    def __str__(self) -> str:
        return self.label()

    # -- neighbours -----------------------------------------------------------

    def _shift(self, step: int) -> Period:
        if self.quarter is not None:
            y, q = divmod(self.year * 4 + self.quarter - 1 + step, 4)
            return Period(y, quarter=q + 1)
        if self.half is not None:
            y, h = divmod(self.year * 2 + self.half - 1 + step, 2)
            return Period(y, half=h + 1)
        if self.month is not None:
            y, m = divmod(self.year * 12 + self.month - 1 + step, 12)
            return Period(y, month=m + 1)
        return Period(self.year + step)

    def previous(self) -> Period:
        """The period of the same kind just before this one."""
        return self._shift(-1)

    def next(self) -> Period:
        """The period of the same kind just after this one."""
        return self._shift(1)

    # -- parsing --------------------------------------------------------------

    @classmethod
    def from_code(cls, s: str) -> Period:
        """Read a code: "2021Q4", "2021-Q4", "2021H2", "2021-H2", "2022-06", "2023".

        Case-insensitive; ``ValueError`` for anything else.
        """
        m = _CODE_RE.fullmatch(s.strip()) if isinstance(s, str) else None
        if m is None:
            raise ValueError(f"not a period code: {s!r} (expected 2021Q4, 2021H2, 2022-06 or 2023)")
        year = int(m["year"])
        if m["q"]:
            return cls(year, quarter=int(m["q"]))
        if m["h"]:
            return cls(year, half=int(m["h"]))
        if m["month"]:
            return cls(year, month=int(m["month"]))
        return cls(year)

    @classmethod
    def parse(cls, text: str) -> Period | None:
        """Read a Vietnamese period label; ``None`` when the text is not one.

        Accepts "Quý IV/2021", "quý 4 năm 2021", "6 tháng đầu năm 2019",
        "6 tháng cuối năm 2019", "tháng 6 năm 2022", "tháng 12/2022",
        "năm 2023", in any case, with or without diacritics.
        """
        if not isinstance(text, str):
            return None
        s = _fold(text)
        try:
            if m := _QUARTER_RE.fullmatch(s):
                q = m["q"]
                return cls(int(m["year"]), quarter=int(q) if q.isdigit() else _FROM_ROMAN[q])
            if m := _HALF_RE.fullmatch(s):
                return cls(int(m["year"]), half=1 if m["side"] == "dau" else 2)
            if m := _MONTH_RE.fullmatch(s):
                return cls(int(m["year"]), month=int(m["month"]))
            if m := _YEAR_RE.fullmatch(s):
                return cls(int(m["year"]))
        except ValueError:  # month 13, year 1800 ...: not a period
            return None
        return None


_CODE_RE = re.compile(
    r"(?P<year>\d{4})(?:-?[Qq](?P<q>\d)|-?[Hh](?P<h>\d)|-(?P<month>\d{1,2}))?",
)
_SEP = r"\s*(?:/|-|\bnam\b)\s*"
_QUARTER_RE = re.compile(rf"quy\s*(?P<q>[1-4]|iv|iii|ii|i){_SEP}(?P<year>\d{{4}})")
_HALF_RE = re.compile(r"(?:6|sau)\s*thang\s*(?P<side>dau|cuoi)\s*(?:nam\s*)?(?P<year>\d{4})")
_MONTH_RE = re.compile(rf"thang\s*(?P<month>\d{{1,2}}){_SEP}(?P<year>\d{{4}})")
_YEAR_RE = re.compile(r"nam\s*(?P<year>\d{4})")


def _fold(text: str) -> str:
    """Casefold, drop diacritics (đ -> d), collapse spaces, trim a trailing .,;:"""
    s = unicodedata.normalize("NFD", unicodedata.normalize("NFC", text).casefold())
    s = "".join(c for c in s if not unicodedata.combining(c)).replace("đ", "d")
    return " ".join(s.split()).rstrip(".,;:").strip()


# -- periods of a date -----------------------------------------------------------


def quarter_of(d: date) -> Period:
    return Period(d.year, quarter=(d.month - 1) // 3 + 1)


def half_of(d: date) -> Period:
    return Period(d.year, half=1 if d.month <= 6 else 2)


def year_of(d: date) -> Period:
    return Period(d.year)


def quarter_end(d: date) -> date:
    """The last day of the quarter containing ``d``."""
    return quarter_of(d).end


def last_quarters(cutoff: date, n: int) -> list[Period]:
    """The ``n`` quarters ending with the one containing ``cutoff``, oldest first."""
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    quarters: list[Period] = []
    q = quarter_of(cutoff)
    for _ in range(n):
        quarters.append(q)
        q = q.previous()
    return quarters[::-1]


# -- Vietnamese formats ------------------------------------------------------------

DASH = "—"


def format_date_vi(d: date | None) -> str:
    """dd/mm/yyyy ("09/05/2003"); "" for ``None``."""
    if d is None:
        return ""
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def _format_decimal(x: float | Decimal, digits: int, *, trim: bool, rounding: str = ROUND_HALF_UP) -> str | None:
    value = x if isinstance(x, Decimal) else Decimal(str(x))
    if not value.is_finite():
        return None
    value = value.quantize(Decimal(1).scaleb(-digits), rounding=rounding)
    if value == 0:
        value = abs(value)  # no "-0"
    text = f"{abs(value):,.{digits}f}"  # "1,234.50"
    integer, _, fraction = text.partition(".")
    if trim:
        fraction = fraction.rstrip("0")
    integer = integer.replace(",", ".")
    sign = "-" if value < 0 else ""
    return f"{sign}{integer},{fraction}" if fraction else f"{sign}{integer}"


def format_percent_vi(x: float | Decimal | None, digits: int = 1) -> str:
    """67.8 -> "67,8%", 100 -> "100%", 1234.5 -> "1.234,5%", None -> "—".

    ``x`` is already a percentage (0..100). Cut (not rounded) to ``digits``
    decimals, trailing zeros dropped, as Vietnamese reports write rates: 19/28 =
    67.857… is "67,8%" (the seed directive's own figure), and a rate is never shown
    as reached before it is (99.96 is "99,9%", not "100%").
    """
    if x is None:
        return DASH
    text = _format_decimal(x, digits, trim=True, rounding=ROUND_DOWN)
    return DASH if text is None else f"{text}%"


def format_number_vi(x: float | Decimal | None, digits: int = 0) -> str:
    """45799 -> "45.799", 12.5 (digits=1) -> "12,5", None -> "—".

    Exactly ``digits`` decimals, rounded half up; "." groups thousands and ","
    marks decimals.
    """
    if x is None:
        return DASH
    text = _format_decimal(x, digits, trim=False)
    return DASH if text is None else text
