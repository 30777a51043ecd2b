"""Ratio figures: "19/28 đề án … (đạt 67,8%)", "137/137 đồng chí (đạt tỷ lệ 100%)", "45.799/36.875 tỷ đồng".

Numbers use a thousands dot and a decimal comma. Dates ("ngày 30/9", "28/12,"), document numbers
("24/2021/NĐ-CP", "336-BS/VPTU"), month/year pairs ("tháng 12/2025") and term ranges
("2020 - 2025") are not figures: a figure is followed by its unit, a lower-case word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_RATIO = re.compile(
    r"(?<![\w/.,-])(?P<a>" + _NUM + r")\s*/\s*(?P<t>" + _NUM + r")(?![\w/.-]|,\d)(?=\s+(?P<rest>[^\n]{0,200}))"
)
_BEFORE_STOP = re.compile(
    r"(?:ngày|tháng|số|hôm|chiều|sáng|tối|trưa|đêm|lúc|quý|từ|đến|năm|khoản|điều|điểm|mục|giờ)\s*$", re.IGNORECASE
)
_UNIT_STOP = {
    "năm", "tháng", "ngày", "của", "về", "và", "tại", "theo", "trong", "đến", "là", "thì", "với", "so", "hoặc",
    "đã", "được", "có", "nhưng", "từ", "để", "cho", "như", "này", "đó", "các", "những", "gồm",
}  # fmt: skip
_COMPOUND = {
    "đề", "dự", "đồng", "đảng", "chỉ", "nhiệm", "cơ", "đơn", "văn", "hồ", "thủ", "tập", "cá", "chi", "tổ", "hộ",
    "tỷ", "triệu", "nghìn", "ngàn", "học", "giáo", "cán", "công", "doanh", "sản", "hợp", "lượt", "phòng", "trường",
    "xã", "thôn", "km", "ha",
}  # fmt: skip
_PERCENT = re.compile(r"(?P<p>\d+(?:,\d+)?)\s*%")


@dataclass
class Figure:
    label: str
    achieved: float
    total: float
    unit: str
    percent: float | None

    def to_dict(self) -> dict:
        return {
            "label": self.label,
            "achieved": _plain(self.achieved),
            "total": _plain(self.total),
            "unit": self.unit,
            "percent": self.percent,
        }


def _plain(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def to_number(s: str) -> float:
    return float(s.replace(".", "").replace(",", "."))


def find_figures(text: str) -> list[Figure]:
    out: list[Figure] = []
    seen: set[tuple[float, float]] = set()
    for m in _RATIO.finditer(text):
        if _BEFORE_STOP.search(text[max(0, m.start() - 12) : m.start()]):
            continue
        a, t = to_number(m.group("a")), to_number(m.group("t"))
        if t <= 0 or (1900 <= t <= 2100 and a <= 12 and "." not in m.group("t")):
            continue  # month/year
        words = m.group("rest").split()
        if not words:
            continue
        first = words[0].strip(",.;:()")
        if not first or not first[0].isalpha() or not first[0].islower() or first in _UNIT_STOP:
            continue
        unit_words = [first]
        if first in _COMPOUND and len(words) > 1:
            second = words[1].strip(",.;:()")
            if second and second[0].isalpha() and second[0].islower() and second not in _UNIT_STOP:
                unit_words.append(second)
        unit = " ".join(unit_words)
        sentence = re.split(r"(?<=[.;])\s", m.group("rest"), maxsplit=1)[0]
        label = re.split(r"\s*[(;.]|\s(?:đạt|bảo đảm|bằng)\s", sentence, maxsplit=1)[0].strip(" ,")
        pm = _PERCENT.search(sentence[:160])
        percent = to_number(pm.group("p")) if pm else round(a / t * 100, 1)
        key = (a, t)
        if key in seen:
            continue
        seen.add(key)
        out.append(Figure(label=label[:200], achieved=a, total=t, unit=unit, percent=percent))
    return out
