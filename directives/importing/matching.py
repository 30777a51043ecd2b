"""Match a body's name as written in a directive to an organization of the list.

Pure Python, no ORM: candidates are ``(id, name, short_name)`` tuples. Two names match when
their *keys* are equal; a key ignores case, accents (``đ`` → ``d``), the placement of tone
marks ("Uỷ"/"Ủy"), punctuation, and the common abbreviations of Vietnamese body names, which
are expanded on both sides ("UBND tỉnh" ≡ "Ủy ban nhân dân tỉnh", "BTCTW" ≡ "Ban Tổ chức
Trung ương"). A name that matches more than one candidate is ambiguous: no match.
"""

from __future__ import annotations

import re
import unicodedata

# Abbreviation (as a key: ascii, lower case) -> its expansion (as a key).
ABBREVIATIONS: dict[str, str] = {
    "btc": "ban to chuc",
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "khdt": "ke hoach va dau tu",
    "kh&dt": "ke hoach va dau tu",
    "tw": "trung uong",
    "tu": "tinh uy",
    "tp": "thanh pho",
    "mttq": "mat tran to quoc",
    "bch": "ban chap hanh",
    "bct": "bo chinh tri",
    "bbt": "ban bi thu",
    "vptw": "van phong trung uong",
    "ubkt": "uy ban kiem tra",
    "bnv": "bo noi vu",
    "ldtbxh": "lao dong thuong binh va xa hoi",
    "gddt": "giao duc va dao tao",
    "tnmt": "tai nguyen va moi truong",
    "gtvt": "giao thong van tai",
    "vhttdl": "van hoa the thao va du lich",
    "tttt": "thong tin va truyen thong",
    "khcn": "khoa hoc va cong nghe",
    "nnptnt": "nong nghiep va phat trien nong thon",
    "hcm": "ho chi minh",
}
# Abbreviations that may be glued together in a short name ("BTCTW", "UBNDTP").
_GLUED = sorted((a for a in ABBREVIATIONS if "&" not in a), key=len, reverse=True)
# Abbreviations that are only expanded inside a glued short name, never alone ("TU" alone is too
# often a plain word after accents are stripped: "tu" = "từ", "tư").
_ONLY_GLUED = {"tu"}

_WORD = re.compile(r"[a-z0-9&]+")


def fold(text: str) -> str:
    """Lower case, no accents, ``đ`` → ``d``; tone placement no longer matters."""
    text = unicodedata.normalize("NFC", text or "").casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _split_glued(word: str) -> list[str] | None:
    """'btctw' -> ['btc', 'tw'] when the word is made of known abbreviations only."""
    if not word:
        return []
    for abbr in _GLUED:
        if word.startswith(abbr):
            rest = _split_glued(word[len(abbr) :])
            if rest is not None:
                return [abbr, *rest]
    return None


def name_key(name: str) -> str:
    """The comparison key of a body's name: folded words, abbreviations expanded."""
    folded = fold(name)
    # "KH&ĐT", "KH & ĐT", "KH-ĐT" are one abbreviation.
    folded = re.sub(r"\b([a-z]{1,4})\s*[&-]\s*([a-z]{1,4})\b", r"\1&\2", folded)
    words: list[str] = []
    for word in _WORD.findall(folded):
        if word in ABBREVIATIONS and word not in _ONLY_GLUED:
            words.extend(ABBREVIATIONS[word].split())
            continue
        plain = word.replace("&", "")
        if plain in ABBREVIATIONS and plain not in _ONLY_GLUED and "&" in word:
            words.extend(ABBREVIATIONS[plain].split())
            continue
        parts = _split_glued(plain) if len(plain) > 3 else None
        if parts and len(parts) > 1:
            for part in parts:
                words.extend(ABBREVIATIONS[part].split())
            continue
        words.extend(w for w in word.split("&") if w)
    return " ".join(words)


def match_body(name: str, candidates: list[tuple[int, str, str]]) -> int | None:
    """The id of the one candidate whose name or short name matches `name`, else None."""
    key = name_key(name)
    if not key:
        return None
    found = {cid for cid, cname, short in candidates if key == name_key(cname) or (short and key == name_key(short))}
    return found.pop() if len(found) == 1 else None


class BodyMatcher:
    """`match_body` over a fixed list, with the candidates' keys computed once."""

    def __init__(self, candidates: list[tuple[int, str, str]]):
        self._by_key: dict[str, set[int]] = {}
        for cid, cname, short in candidates:
            for text in (cname, short):
                key = name_key(text) if text else ""
                if key:
                    self._by_key.setdefault(key, set()).add(cid)

    def match(self, name: str) -> int | None:
        found = self._by_key.get(name_key(name), set())
        return next(iter(found)) if len(found) == 1 else None


def match_names(names: list[str], candidates: list[tuple[int, str, str]]) -> dict[str, int]:
    """{name as written: candidate id} for the names that match exactly one candidate."""
    matcher = BodyMatcher(candidates)
    found = {}
    for name in names:
        oid = matcher.match(name)
        if oid is not None:
            found[name] = oid
    return found
