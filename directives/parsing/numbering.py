"""Item markers: I./II. sections, 1./1.1. tasks, (1) sub-items, (i), a), "-"/"+" bullets, ordinals."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import VN_UPPER

ORDINALS = [
    ("trước hết", 1), ("trước tiên", 1), ("thứ nhất", 1), ("thứ hai", 2), ("thứ ba", 3), ("thứ tư", 4),
    ("thứ năm", 5), ("thứ sáu", 6), ("thứ bảy", 7), ("thứ tám", 8), ("thứ chín", 9), ("thứ mười", 10),
    ("một là", 1), ("hai là", 2), ("ba là", 3), ("bốn là", 4), ("năm là", 5), ("sáu là", 6), ("bảy là", 7),
    ("tám là", 8), ("chín là", 9), ("mười là", 10),
]  # fmt: skip
_ORDINAL = re.compile(
    r"^(?:[-–•+]\s*)?(" + "|".join(re.escape(o) for o, _ in ORDINALS) + r")\s*[,:.]\s*", re.IGNORECASE
)
_ROMAN = re.compile(r"^(?P<n>[IVX]{1,5})[.)]\s*(?=\S)")
_ARTICLE = re.compile(r"^Điều\s+(?P<n>\d{1,3})\s*[.:]\s*")
_ARABIC = re.compile(r"^(?P<n>\d{1,2}(?:\.\d{1,3}){0,3}|\d{3}(?=[.)]))(?P<end>[.)]?)\s*(?=[\"“(" + VN_UPPER + r"])")
_PAREN = re.compile(r"^\((?P<n>\d{1,3})\)\s*")
_RPAREN = re.compile(r"^\((?P<n>[ivx]{1,5})\)\s*")
_LPAREN = re.compile(r"^\((?P<n>[a-zđ])\)\s*")
_LETTER = re.compile(r"^(?P<n>[a-zđ])\)\s*|^(?P<n2>[a-zđ])\.\s+(?=[" + VN_UPPER + r"])")
_DASH = re.compile(r"^[-–—]\s*(?=\S)")
_PLUS = re.compile(r"^[+•·]\s*(?=\S)")
_VALID_ROMAN = re.compile(r"^(?:X{0,3})(?:IX|IV|V?I{0,3})$")


@dataclass(frozen=True)
class Marker:
    kind: str  # roman, article, arabic, paren, rparen, letter, dash, plus, ordinal
    label: str  # as printed: "II", "2.1", "(1)", "(i)", "a"; bullets and ordinals get a counter later
    depth: int = 1  # arabic only: "1." -> 1, "1.1." -> 2
    ordinal: int = 0

    @property
    def key(self) -> str:
        return f"arabic{self.depth}" if self.kind == "arabic" else self.kind


def parse_marker(para: str, *, ordinals: bool = True) -> tuple[Marker | None, str]:
    """The leading marker of a paragraph and the text after it."""
    if ordinals:
        m = _ORDINAL.match(para)
        if m:
            number = dict(ORDINALS)[m.group(1).lower()]
            return Marker("ordinal", str(number), ordinal=number), para  # ordinals stay in the text
    m = _ROMAN.match(para)
    if m and _VALID_ROMAN.match(m.group("n")):
        return Marker("roman", m.group("n")), para[m.end() :].strip()
    m = _ARTICLE.match(para)
    if m:
        return Marker("article", m.group("n")), para[m.end() :].strip()
    m = _ARABIC.match(para)
    if m and (m.group("end") or "." in m.group("n")):
        number = m.group("n")
        return Marker("arabic", number, depth=number.count(".") + 1), para[m.end() :].strip()
    for kind, rx in (("paren", _PAREN), ("rparen", _RPAREN), ("letter", _LPAREN)):
        m = rx.match(para)
        if m:
            label = m.group("n") if kind != "paren" else f"({m.group('n')})"
            if kind == "rparen":
                label = f"({m.group('n')})"
            return Marker(kind, label), para[m.end() :].strip()
    m = _LETTER.match(para)
    if m:
        return Marker("letter", m.group("n") or m.group("n2")), para[m.end() :].strip()
    m = _DASH.match(para)
    if m:
        return Marker("dash", ""), para[m.end() :].strip()
    m = _PLUS.match(para)
    if m:
        return Marker("plus", ""), para[m.end() :].strip()
    return None, para


_INLINE_PAREN = re.compile(r"(?:(?<=[.;:!?])|(?<=[.;:!?][”\"]))\s+\((\d{1,2})\)\s+(?=[\"“" + VN_UPPER + r"])")


def split_inline_items(para: str, expected: int) -> tuple[list[str], int]:
    """Split "(1) … . (2) … . (3) …" written in one paragraph into one paragraph per item.

    Only a run counting up from ``expected`` is split, so "(2)" quoted in prose stays.
    Returns the pieces and the next number expected.
    """
    m = _PAREN.match(para)
    if m:
        expected = int(m.group("n")) + 1
    pieces, last = [], 0
    for hit in _INLINE_PAREN.finditer(para):
        if int(hit.group(1)) != expected:
            continue
        pieces.append(para[last : hit.start()].strip())
        last = hit.start()
        expected += 1
    pieces.append(para[last:].strip())
    return [p for p in pieces if p], expected
