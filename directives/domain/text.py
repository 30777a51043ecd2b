"""Accent- and case-insensitive text: "Kế hoạch ĐẢNG" and "ke hoach dang" fold to the same string."""

from __future__ import annotations

import unicodedata
from itertools import chain

__all__ = ["fold_text"]


def _build_fold_map() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in chain(range(0xC0, 0x250), range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = unicodedata.normalize("NFD", ch.lower())[0]
        if base.isascii() and base.isalpha() and base != ch.lower():
            table[cp] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "d"
    return table


_FOLD_MAP = _build_fold_map()


def fold_text(text: str | None) -> str:
    """Lowercase without diacritics: "Kế hoạch ĐẢNG" -> "ke hoach dang"."""
    if text is None:
        return ""
    return unicodedata.normalize("NFC", text).lower().translate(_FOLD_MAP)
