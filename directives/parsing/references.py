"""Cited documents: Party form ("Quy định số 24-QĐ/TW, ngày 30/7/2021"), government form
("Quyết định số 28/2002/QĐ-BVHTT"), office form ("Công văn số 3145/BKHĐT-KTĐPLT") and the short
form ("Chỉ thị 36"). The document's own number is left out; each document is listed once."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .deadlines import date_from_match
from .text import normalize_unicode

KINDS = [
    "Quy định", "Quyết định", "Kết luận", "Nghị quyết", "Chỉ thị", "Hướng dẫn", "Thông báo", "Kế hoạch",
    "Thông tư liên tịch", "Thông tư", "Nghị định", "Công văn", "Chương trình", "Công điện", "Tờ trình", "Báo cáo",
    "Quy chế", "Luật", "Pháp lệnh", "Văn bản", "Đề án", "Thông báo kết luận", "Điều lệ",
]  # fmt: skip
CODE_KINDS = {
    "NQ": "Nghị quyết", "KL": "Kết luận", "CT": "Chỉ thị", "HD": "Hướng dẫn", "TB": "Thông báo", "KH": "Kế hoạch",
    "TT": "Thông tư", "NĐ": "Nghị định", "TTr": "Tờ trình", "BC": "Báo cáo", "CĐ": "Công điện", "QC": "Quy chế",
    "CTr": "Chương trình", "QĐ": "Quyết định",
}  # fmt: skip
NAME_CODES = {
    "quy định": "QĐ", "quyết định": "QĐ", "kết luận": "KL", "nghị quyết": "NQ", "chỉ thị": "CT",
    "hướng dẫn": "HD", "thông báo": "TB", "kế hoạch": "KH", "thông tư": "TT", "nghị định": "NĐ",
    "công văn": "CV", "chương trình": "CTr", "công điện": "CĐ",
}  # fmt: skip
_CODE = r"[A-ZĐ][A-Za-zĐđ0-9]*"
_FULL = re.compile(
    r"(?<![\w/.-])(?:"
    r"(?P<g_n>\d{1,5})\s*/\s*(?P<g_y>(?:19|20)\d{2})\s*/\s*(?P<g_c>" + _CODE + r"(?:-" + _CODE + r")*)"
    r"|(?P<p_n>\d{1,5})\s*-\s*(?P<p_c>" + _CODE + r")\s*/\s*(?P<p_o>" + _CODE + r"(?:-" + _CODE + r")*)"
    r"|(?P<o_n>\d{1,5})\s*/\s*(?P<o_c>" + _CODE + r"(?:-" + _CODE + r")*)"
    r")(?![\w/])"
)
_KIND_WORDS = "|".join(sorted((re.escape(k) for k in KINDS), key=len, reverse=True))
_KIND_BEFORE = re.compile(r"(?P<k>" + _KIND_WORDS + r")(?:\s+[^\s,;.()]+){0,2}?\s*(?:số\s*:?\s*)?$", re.IGNORECASE)
_SHORT = re.compile(
    r"\b(?P<k>Chỉ thị|Nghị quyết|Kết luận|Quyết định|Quy định|Thông báo|Kế hoạch|Hướng dẫn|Công văn|Chương trình"
    r"|Thông tư|Nghị định|Công điện)\s+(?:số\s+)?(?P<n>\d{1,4})(?![\w/.,-]|,\d|\s*-\s*[A-ZĐ]|\s*/)"
)
_DATE_AFTER = re.compile(
    r"^\W{0,3}\s*(?:ngày\s+)(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>\d{4})"
    r"|^\W{0,3}\s*(?:ngày\s+)(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})\s+năm\s+(?P<y2>\d{4})",
    re.IGNORECASE,
)


@dataclass
class Reference:
    number: str
    kind: str | None
    date: dt.date | None

    def to_dict(self) -> dict:
        return {"number": self.number, "kind": self.kind, "date": self.date.isoformat() if self.date else None}


def ref_key(number: str) -> tuple:
    """The same document written two ways gives one key ('66- NQ/TW' = '66-NQ/TW')."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFC", number or ""))
    m = re.search(r"(\d+)/(\d{4})/([A-Za-zĐđ]+)", s)
    if m:
        return (str(int(m.group(1))), m.group(3).upper(), m.group(2))
    m = re.search(r"(\d+)-([A-Za-zĐđ]+)", s)
    if m:
        return (str(int(m.group(1))), m.group(2).upper())
    m = re.search(r"(\d+)/([A-Za-zĐđ]+)", s)
    if m:
        return (str(int(m.group(1))), m.group(2).upper())
    m = re.search(r"^(\D+?)(?:số)?(\d+)$", s, re.IGNORECASE)
    if m:
        words = unicodedata.normalize("NFC", number).casefold()
        for name, code in NAME_CODES.items():
            if words.startswith(name):
                return (str(int(m.group(2))), code)
    return (s.casefold(),)


def code_name(code: str) -> str:
    return CODE_KINDS.get(code, code)


def find_references(text: str, own_number: str | None = None) -> list[Reference]:
    own = ref_key(own_number) if own_number else None
    text = normalize_unicode(text)
    found: dict[tuple, Reference] = {}
    for m in _FULL.finditer(text):
        g = m.groupdict()
        if g["g_n"]:
            number, code = f"{g['g_n']}/{g['g_y']}/{g['g_c']}", g["g_c"].split("-")[0]
        elif g["p_n"]:
            number, code = f"{g['p_n']}-{g['p_c']}/{g['p_o']}", g["p_c"]
        else:
            number, code = f"{g['o_n']}/{g['o_c']}", g["o_c"].split("-")[0]
        before = text[max(0, m.start() - 60) : m.start()]
        km = _KIND_BEFORE.search(before)
        bare = not km and not re.search(r"\bsố\s*:?\s*$", before, re.IGNORECASE) and code not in CODE_KINDS
        if bare and not re.fullmatch(r"[A-ZĐ]{2,}(?:-[A-ZĐ0-9]+)*", number.split("/", 1)[-1]):
            continue  # a bare "12/Ab" with no document word before it is not a citation
        kind = _kind_name(km.group("k")) if km else CODE_KINDS.get(code)
        dm = _DATE_AFTER.match(text[m.end() : m.end() + 40])
        date = date_from_match(dm, None) if dm else None
        _add(found, own, number, kind, date)
    for m in _SHORT.finditer(text):
        n = int(m.group("n"))
        if 1900 <= n <= 2100:
            continue
        kind = _kind_name(m.group("k"))
        _add(found, own, f"{kind} {n}", kind, None)
    return list(found.values())


def _kind_name(word: str) -> str:
    word = word.strip()
    for k in KINDS:
        if k.casefold() == word.casefold():
            return k
    return word[:1].upper() + word[1:].lower()


def _add(found: dict, own: tuple | None, number: str, kind: str | None, date: dt.date | None) -> None:
    key = ref_key(number)
    if own and key == own:
        return
    if key in found:
        if date and not found[key].date:
            found[key].date = date
        if kind and not found[key].kind:
            found[key].kind = kind
        return
    found[key] = Reference(number=number, kind=kind, date=date)
