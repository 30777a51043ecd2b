"""Which system a body belongs to, guessed from its name: Party, state or mass organization.

The system decides the form of the body's reports: Party bodies write in the Party's form
(Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM" at the top right), state bodies and the
Fatherland Front and mass organizations in the state's (Nghị định 30/2020/NĐ-CP: the national
title and motto at the top right). It is stored on each organization (`Organization.system`)
and edited by staff; this guess only fills it where nobody has said: the data migration that
added the field, an organization created by an import, the demo data.

The guess reads the body's name, then its parents' names, and stops at the first that says:

1. a Party body by its form of name (Đảng ủy …, Đảng đoàn …, Ban cán sự đảng …, Chi bộ …);
2. the Fatherland Front and mass organizations (Mặt trận, Đoàn Thanh niên, Hội Liên hiệp Phụ nữ,
   Hội Nông dân, Hội Cựu chiến binh, Công đoàn);
3. state bodies (Bộ, Sở, Ủy ban nhân dân, Chính phủ, Tổng cục, Cục, Hội đồng nhân dân, …);
4. Party bodies (Tỉnh ủy, Thành ủy, Huyện ủy, Trung ương, Đảng …).

Nothing said: Party, the bodies this product was first made for (organizing commissions).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

__all__ = ["MASS", "PARTY", "STATE", "SYSTEMS", "guess_system"]

PARTY = "party"
STATE = "state"
MASS = "mass"
SYSTEMS = (PARTY, STATE, MASS)

PARTY_PREFIXES = ("đảng ủy", "đảng đoàn", "ban cán sự đảng", "đảng bộ", "chi bộ")
MASS_WORDS = (
    "mặt trận",
    "mttq",
    "đoàn thanh niên",
    "đoàn tncs",
    "tỉnh đoàn",
    "thành đoàn",
    "huyện đoàn",
    "trung ương đoàn",
    "hội liên hiệp phụ nữ",
    "hội lhpn",
    "hội nông dân",
    "hội cựu chiến binh",
    "công đoàn",
    "liên đoàn lao động",
)
STATE_WORDS = (
    " bộ ",
    " sở ",
    "ủy ban nhân dân",
    "ubnd",
    "chính phủ",
    "tổng cục",
    " cục ",
    "chi cục",
    "hội đồng nhân dân",
    "hđnd",
    "quốc hội",
    "công an",
    "thanh tra",
    "kho bạc",
    "tòa án",
    "viện kiểm sát",
)
PARTY_WORDS = (" đảng", "tỉnh ủy", "thành ủy", "huyện ủy", "quận ủy", "thị ủy", "trung ương", "tw ")


def _normal(name: str) -> str:
    # "Tỉnh uỷ" and "Tỉnh ủy" (two placements of the tone mark) read alike.
    text = unicodedata.normalize("NFC", name).casefold().replace("uỷ", "ủy")
    return " " + " ".join(text.split()) + " "


def system_of_name(name: str) -> str | None:
    """The system the name alone says (rules 1-4 of the module docstring), else None."""
    n = _normal(name)
    if n.lstrip().startswith(PARTY_PREFIXES):
        return PARTY
    if any(w in n for w in MASS_WORDS):
        return MASS
    if any(w in n for w in STATE_WORDS):
        return STATE
    if any(w in n for w in PARTY_WORDS):
        return PARTY
    return None


def guess_system(names: Iterable[str]) -> str:
    """The system of a body from its name and then its parents' names (nearest first): the
    first that says, else Party."""
    for name in names:
        system = system_of_name(name or "")
        if system is not None:
            return system
    return PARTY
