"""Plain text in the encodings Vietnamese offices still produce, converted to Unicode (NFC).

UTF-8 (with or without BOM) and UTF-16 (with or without BOM) are read as they are. Otherwise the
bytes are read in each of the legacy 8-bit encodings and the reading whose words look Vietnamese
wins: Windows-1258 (combining tone marks), TCVN3 / ABC (TCVN 5712:1993 "VN3", the .VnTime fonts:
one byte per toned lowercase letter) and VNI (VNI-Windows fonts: a base letter followed by a
diacritic byte). The tables below are written from the published charts of TCVN3 and VNI.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata

from .base import DocumentError

# -- TCVN3 (ABC) ---------------------------------------------------------------------------
# Bytes 0xA1-0xFE; ASCII below. Toned capitals have no codes: the ".VnTimeH" fonts draw the
# lowercase codes as capitals, so a word such as "CéNG" (lowercase code between capitals) is
# raised to capitals after conversion.
TCVN3: dict[int, str] = {
    0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ",
    0xA8: "ă", 0xA9: "â", 0xAA: "ê", 0xAB: "ô", 0xAC: "ơ", 0xAD: "ư", 0xAE: "đ",
    0xB5: "à", 0xB6: "ả", 0xB7: "ã", 0xB8: "á", 0xB9: "ạ",
    0xBB: "ằ", 0xBC: "ẳ", 0xBD: "ẵ", 0xBE: "ắ", 0xC6: "ặ",
    0xC7: "ầ", 0xC8: "ẩ", 0xC9: "ẫ", 0xCA: "ấ", 0xCB: "ậ",
    0xCC: "è", 0xCE: "ẻ", 0xCF: "ẽ", 0xD0: "é", 0xD1: "ẹ",
    0xD2: "ề", 0xD3: "ể", 0xD4: "ễ", 0xD5: "ế", 0xD6: "ệ",
    0xD7: "ì", 0xD8: "ỉ", 0xDC: "ĩ", 0xDD: "í", 0xDE: "ị",
    0xDF: "ò", 0xE1: "ỏ", 0xE2: "õ", 0xE3: "ó", 0xE4: "ọ",
    0xE5: "ồ", 0xE6: "ổ", 0xE7: "ỗ", 0xE8: "ố", 0xE9: "ộ",
    0xEA: "ờ", 0xEB: "ở", 0xEC: "ỡ", 0xED: "ớ", 0xEE: "ợ",
    0xEF: "ù", 0xF1: "ủ", 0xF2: "ũ", 0xF3: "ú", 0xF4: "ụ",
    0xF5: "ừ", 0xF6: "ử", 0xF7: "ữ", 0xF8: "ứ", 0xF9: "ự",
    0xFA: "ỳ", 0xFB: "ỷ", 0xFC: "ỹ", 0xFD: "ý", 0xFE: "ỵ",
}  # fmt: skip
_TCVN3_DECODE = {i: chr(i) for i in range(0x80)} | TCVN3
_TCVN3_ENCODE = {v: bytes([k]) for k, v in TCVN3.items()}

# -- VNI (VNI-Windows) ----------------------------------------------------------------------
# Read as Windows-1252 characters: a base letter then one diacritic byte; a few letters have a
# byte of their own (đ ơ ư and the toned i, ỵ).
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "í": "í", "Í": "Í", "ì": "ì", "Ì": "Ì", "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị",
    "î": "ỵ", "Î": "Ỵ",
}  # fmt: skip
# diacritic byte (lower, upper) -> combining marks it adds to a plain vowel
_VNI_TONES = {
    ("ù", "Ù"): "\u0301",
    ("ø", "Ø"): "\u0300",
    ("û", "Û"): "\u0309",
    ("õ", "Õ"): "\u0303",
    ("ï", "Ï"): "\u0323",
}
# after a, e, o: circumflex with tone; after a: breve with tone
_VNI_CIRC = {
    ("â", "Â"): "",
    ("á", "Á"): "\u0301",
    ("à", "À"): "\u0300",
    ("å", "Å"): "\u0309",
    ("ã", "Ã"): "\u0303",
    ("ä", "Ä"): "\u0323",
}
_VNI_BREVE = {
    ("ê", "Ê"): "",
    ("é", "É"): "\u0301",
    ("è", "È"): "\u0300",
    ("ú", "Ú"): "\u0309",
    ("ü", "Ü"): "\u0303",
    ("ë", "Ë"): "\u0323",
}


def _vni_pairs() -> dict[str, str]:
    pairs: dict[str, str] = {}
    for base in "aeouyAEOUY" + "ôöÔÖ":
        plain = _VNI_SINGLE.get(base, base)
        upper = plain.isupper()
        for marks, tone in _VNI_TONES.items():
            pairs[base + marks[1 if upper else 0]] = unicodedata.normalize("NFC", plain + tone)
        if plain.lower() in "aeo":
            for marks, tone in _VNI_CIRC.items():
                pairs[base + marks[1 if upper else 0]] = unicodedata.normalize("NFC", plain + "\u0302" + tone)
        if plain.lower() == "a":
            for marks, tone in _VNI_BREVE.items():
                pairs[base + marks[1 if upper else 0]] = unicodedata.normalize("NFC", plain + "\u0306" + tone)
    # a bare "ô"/"ö" is ơ/ư; "oâ" is ô (pairs above); ơ/ư take tones after their own byte
    return pairs


VNI_PAIRS = _vni_pairs()
_VNI_TABLE = {**_VNI_SINGLE, **VNI_PAIRS}
# one pass, pairs first: a converted letter is never read again
_VNI_RE = re.compile("|".join(sorted(map(re.escape, _VNI_TABLE), key=len, reverse=True)))
_VNI_ENCODE = {v: k for k, v in VNI_PAIRS.items()} | {v: k for k, v in _VNI_SINGLE.items() if k not in "íÍìÌ"}


def decode_tcvn3(data: bytes) -> str:
    text = "".join(_TCVN3_DECODE.get(b, "\ufffd") for b in data)
    # capitals drawn with the ".VnTimeH" font: a line of capitals, or a word of capitals
    return "\n".join(_raise_line(line) for line in text.split("\n"))


def _raise_line(line: str) -> str:
    plain = [c for c in line if c.isalpha() and c not in _TCVN3_LOWER]
    if len(plain) >= 3 and sum(c.isupper() for c in plain) >= 0.9 * len(plain):
        return line.upper()
    line = re.sub(r"\w+", _raise_in_capitals, line)
    # a sentence starts with a capital, which the lowercase code could not carry
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), line)


def _raise_in_capitals(match: re.Match) -> str:
    word = match.group(0)
    plain = [c for c in word if c.isalpha() and c not in _TCVN3_LOWER]
    coded_before_capital = re.search("[" + "".join(_TCVN3_LOWER) + "][A-ZĂÂÊÔƠƯĐ]", word)
    if plain and all(c.isupper() for c in plain) and (len(plain) >= 2 or coded_before_capital):
        return word.upper()
    return word


_TCVN3_LOWER = {v for v in TCVN3.values() if v.islower()}
_SENTENCE_START = re.compile(
    r"(^\s*(?:[-+•]\s*|\d{1,2}[.)]\s*)?|[.!?:]\s+)([" + "".join(sorted(_TCVN3_LOWER)) + r"])(?=\w)"
)


def decode_vni(data: bytes) -> str:
    text = data.decode("cp1252", errors="replace")
    return _VNI_RE.sub(lambda m: _VNI_TABLE[m.group(0)], text)


def encode_tcvn3(text: str) -> bytes:
    """Unicode -> TCVN3 bytes (for tests and for anyone checking the table); capitals with
    tones are written with the lowercase code, as the .VnTimeH fonts expect."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out += ch.encode()
        elif ch in _TCVN3_ENCODE:
            out += _TCVN3_ENCODE[ch]
        elif ch.lower() in _TCVN3_ENCODE:
            out += _TCVN3_ENCODE[ch.lower()]
        else:
            raise ValueError(f"{ch!r} has no TCVN3 code")
    return bytes(out)


def encode_vni(text: str) -> bytes:
    out = []
    for ch in unicodedata.normalize("NFC", text):
        out.append(_VNI_ENCODE.get(ch, ch))
    return "".join(out).encode("cp1252")


# -- which reading is Vietnamese -------------------------------------------------------------
_VN_LETTERS = set("abcdefghijklmnopqrstuvwxyzđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ")
_TONED = set("àáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ")
_WORD = re.compile(r"[^\W\d_]+")


def vietnamese_score(text: str) -> tuple[int, int]:
    """(words that read as Vietnamese, words with a non-ASCII letter), counting only words with
    at least one letter outside ASCII: they are where the encodings differ."""
    good = total = 0
    for word in _WORD.findall(text):
        low = word.lower()
        if low.isascii():
            continue
        total += 1
        if all(c in _VN_LETTERS for c in low) and sum(c in _TONED for c in low) <= 1 and len(low) <= 7:
            good += 1
    return good, total


def _control_ratio(text: str) -> float:
    bad = sum(
        1 for c in text if (unicodedata.category(c) in ("Cc", "Co", "Cn") and c not in "\n\r\t\f") or c == "\ufffd"
    )
    return bad / max(1, len(text))


LEGACY_NAMES = {"cp1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


def decode_text(data: bytes) -> tuple[str, str]:
    """(text in NFC, encoding name); DocumentError with a message naming the encodings tried."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    utf16 = _utf16_without_bom(data)
    if utf16:
        return _strict(data, utf16), utf16
    if b"\x00" in data:
        raise DocumentError("Tệp tải lên là tệp nhị phân, không phải văn bản.")
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    readings: dict[str, str] = {}
    with contextlib.suppress(UnicodeDecodeError):
        readings["cp1258"] = data.decode("cp1258")
    readings["tcvn3"] = decode_tcvn3(data)
    readings["vni"] = decode_vni(data)
    best, best_key = None, None
    for name, text in readings.items():
        text = unicodedata.normalize("NFC", text)
        readings[name] = text
        good, total = vietnamese_score(text)
        key = (good / total if total else 0.0, -_control_ratio(text))
        if _control_ratio(text) < 0.01 and (best_key is None or key > best_key):
            best, best_key = name, key
    if best is None or (best_key[0] < 0.75 and vietnamese_score(readings[best])[1] >= 5):
        raise DocumentError(
            "Không nhận ra bảng mã của tệp văn bản (đã thử UTF-8, UTF-16, Windows-1258, TCVN3 (ABC) và VNI). "
            "Hãy mở tệp bằng Word hoặc Unikey, lưu lại dạng Unicode (UTF-8) rồi tải lên lại."
        )
    return readings[best], best


def _strict(data: bytes, encoding: str) -> str:
    try:
        return unicodedata.normalize("NFC", data.decode(encoding))
    except UnicodeDecodeError:
        raise DocumentError(
            f"Tệp văn bản có dấu hiệu mã {encoding.upper()} nhưng bị hỏng; hãy lưu lại dạng UTF-8 rồi tải lên."
        ) from None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when most of the sample's odd (even) bytes are zero."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        sample = sample[: len(sample) - len(sample) % 2]
    if len(sample) < 4:
        return None
    even_zero = sum(1 for b in sample[0::2] if b == 0)
    odd_zero = sum(1 for b in sample[1::2] if b == 0)
    half = len(sample) // 2
    if odd_zero > 0.3 * half and even_zero < 0.05 * half:
        return "utf-16-le"
    if even_zero > 0.3 * half and odd_zero < 0.05 * half:
        return "utf-16-be"
    return None
