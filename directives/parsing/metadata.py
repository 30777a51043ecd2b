"""Header and closing metadata: issuer, number, place and date, kind and title, meeting date, signer.

Official layout: issuer lines above the national motto ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" or
"ĐẢNG CỘNG SẢN VIỆT NAM"), "Số: 2257/VPCP-VX" / "Số 336-BS/VPTU", "Hà Nội, ngày 09 tháng 5 năm 2003",
the kind ("THÔNG BÁO") and its title lines (or "V/v …"), and at the end a signature block
("K/T", "KT.", "TM.", "Đã ký: …") and the "Nơi nhận" list. A "SAO LỤC" copy carries the copying
office's number and date; the issuer and signer stay those of the original. News reports give a
headline next to a timestamp and the organizer of the meeting in the first sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .deadlines import find_dates, make_date
from .gazetteer import proper_case
from .text import VN_UPPER, is_upper_line, modern_tones

KIND_WORDS = [
    "THÔNG BÁO KẾT LUẬN", "THÔNG BÁO", "CHỈ THỊ", "KẾ HOẠCH", "CÔNG ĐIỆN", "KẾT LUẬN", "QUYẾT ĐỊNH", "NGHỊ QUYẾT",
    "CÔNG VĂN", "BÁO CÁO", "HƯỚNG DẪN", "TỜ TRÌNH", "QUY ĐỊNH", "CHƯƠNG TRÌNH", "THÔNG TƯ", "NGHỊ ĐỊNH", "ĐỀ ÁN",
    "QUY CHẾ", "THÔNG TRI", "LUẬT",
]  # fmt: skip
_MOTTO = re.compile(r"CỘNG\s*HÒA|CỘNG\s*HOÀ|ĐẢNG\s+CỘNG\s+SẢN|CỘNG\s+SẢN\s+VIỆT\s+NAM|Độc lập", re.IGNORECASE)
# "Số: 170/2025/NĐ-CP", "Số 36-HD/VPTW", "CHÍNH PHỦ____ Số: …" (a one-line header); [ \t] keeps it linear
_NUMBER = re.compile(
    r"(?:^|\n|_{2,}|\|)[ \t]*Số[ \t]*:?[ \t]*\n?[ \t]*(?P<n>\d[\w./\-Đđ]*(?:[ \t]*[/-][ \t]*[A-ZĐ][\w\-Đđ]*)*)"
)
_PLACE_DATE = re.compile(
    r"(?:^|\n)[^\n,]{2,40},\s*ngày\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})\s+năm\s+(?P<y>\d{4})", re.IGNORECASE
)
_TIMESTAMP = re.compile(
    r"(?:cập nhật(?: lúc)?|đăng(?: lúc| ngày)?|ngày đăng)?\s*:?\s*"
    r"(?:(?P<h1>\d{1,2}:\d{2})\s*,?\s*)?(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})(?:\s+(?P<h2>\d{1,2}:\d{2}))?\s*$",
    re.IGNORECASE,
)
_SIGN_TITLE = re.compile(r"^(?:K/T|KT\.?|TM\.?|T/M|TL\.?|TUQ\.?|Q\.)\s*[A-ZĐ" + VN_UPPER + r"]")
_NAME = re.compile(r"^(?:[" + VN_UPPER + r"][a-zà-ỹđ]+)(?:\s+[" + VN_UPPER + r"][a-zà-ỹđ]+){1,4}$")
_SIGNED = re.compile(r"Đã ký\s*:?\s*(?P<n>[^\n]+)")
_ORGANIZER = re.compile(
    r"(?P<org>(?:Ban|Bộ|Sở|Văn phòng|Ủy ban|Uỷ ban|UBND|Tỉnh ủy|Thành ủy|Đảng ủy|Chính phủ|Hội đồng)"
    r"(?:\s+[^\s,.;]+){0,6}?)\s+(?:đã\s+)?tổ chức\s+(?:hội nghị|Hội nghị|tổng kết|giao ban|cuộc họp|buổi)",
)
_MEETING_WORDS = re.compile(r"họp|hội nghị|làm việc|giao ban|tổng kết|sơ kết|hội thảo|buổi", re.IGNORECASE)
_MEETING_DATE_START = re.compile(
    r"^(?:(?:Sáng|Chiều|Tối|Trưa)\s+)?(?:nay\s*)?(?:ngày\s+)?\(?(?P<date>\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{4})?"
    r"|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)\)?",
    re.IGNORECASE,
)
_MEETING_AFTER = re.compile(
    r"(?:phiên họp|cuộc họp|hội nghị|buổi làm việc)\s+(?:\S+\s+){0,3}?ngày\s+(?P<date>\d{1,2}\s*/\s*\d{1,2}"
    r"(?:\s*/\s*\d{4})?|\d{1,2}\s+tháng\s+\d{1,2}(?:\s+năm\s+\d{4})?)",
    re.IGNORECASE,
)

_PROPER = {
    "chính phủ": "Chính phủ", "trung ương": "Trung ương", "quốc hội": "Quốc hội", "bộ chính trị": "Bộ Chính trị",
    "ban bí thư": "Ban Bí thư", "thủ tướng": "Thủ tướng", "ban chấp hành": "Ban Chấp hành", "đảng": "Đảng",
    "việt nam": "Việt Nam", "tỉnh ủy": "Tỉnh ủy", "thành ủy": "Thành ủy", "ban tổ chức": "Ban Tổ chức",
    "ủy ban nhân dân": "Ủy ban nhân dân", "văn phòng": "Văn phòng", "hội đồng nhân dân": "Hội đồng nhân dân",
    "phó thủ tướng": "Phó Thủ tướng", "luật": "Luật", "nghị quyết": "Nghị quyết", "quyết định": "Quyết định",
}  # fmt: skip
_PLACE_PREFIX = re.compile(r"\b(tỉnh|thành phố|huyện|quận|xã|phường|thị xã|thị trấn)\s+((?:\S+\s*){1,3})$")


@dataclass
class DocumentMeta:
    kind: str | None = None
    number: str | None = None
    title: str | None = None
    issuer: str | None = None
    meeting_date: dt.date | None = None
    issued_on: dt.date | None = None
    signer: str | None = None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "number": self.number,
            "title": self.title,
            "issuer": self.issuer,
            "meeting_date": self.meeting_date.isoformat() if self.meeting_date else None,
            "issued_on": self.issued_on.isoformat() if self.issued_on else None,
            "signer": self.signer,
        }


def nice_case(text: str, *, place: bool = True) -> str:
    """'ỦY BAN NHÂN DÂN TỈNH ĐẮK LẮK' -> 'Ủy ban nhân dân tỉnh Đắk Lắk' (codes and numbers kept)."""
    words = []
    for w in modern_tones(text).split():
        keep = any(c.isdigit() for c in w) or re.fullmatch(r"[IVX]{2,}[,.;:]?|UBND|HĐND|PPP|KPI|COVID-19|TP", w)
        words.append(w if keep else w.lower())
    out = " ".join(words)
    for low, proper in _PROPER.items():
        out = re.sub(r"(?<![\w])" + re.escape(low) + r"(?![\w])", proper, out)
    if place:
        m = _PLACE_PREFIX.search(out)
        if m:
            out = out[: m.start(2)] + " ".join(p[:1].upper() + p[1:] for p in m.group(2).split())
    out = proper_case(out)
    return out[:1].upper() + out[1:]


def _header_issuer(lines: list[str]) -> str | None:
    top = lines[:40]
    for i, line in enumerate(top):
        if line and _MOTTO.search(line):
            # a one-line header: "CHÍNH PHỦ____ Số: 170/2025/NĐ-CP | CỘNG HÒA …"
            head = re.split(r"_{2,}|\||\s+Số\s*:?\s*\d", line[: _MOTTO.search(line).start()])[0].strip(" -_|*")
            if head and is_upper_line(head):
                return nice_case(head)
            block: list[str] = []
            j = i - 1
            # the motto may itself be split over lines ("ĐẢNG" / "CỘNG SẢN VIỆT NAM")
            while j >= 0 and top[j] and is_upper_line(top[j]) and _MOTTO.search(top[j] + " " + line):
                j -= 1
            # the Party layout puts the number ("Số 09-CT/TU") and a "*" under the issuer, above the motto
            while j >= 0 and (not top[j] or re.match(r"^Số\s*:?\s*\d", top[j])):
                j -= 1
            while j >= 0 and top[j] and is_upper_line(top[j]):
                block.insert(0, top[j])
                j -= 1
            if block:
                issuer = " ".join(block)
                if issuer.strip() in KIND_WORDS:
                    return None
                m = re.match(
                    r"^((?:TỈNH|THÀNH|HUYỆN|QUẬN|THỊ|ĐẢNG)\s*[UỦ][YỶ]\s+.+?)\s+"
                    r"(BAN\s+\S.*|VĂN PHÒNG|[UỦ][YỶ] BAN KIỂM TRA)$",
                    issuer,
                )
                if m:
                    issuer = f"{m.group(2)} {m.group(1)}"
                return nice_case(issuer)
            return None
    return None


def _title_line(line: str) -> bool:
    """An upper-case title line; a short one too ("VỀ" on its own line)."""
    return is_upper_line(line) or (line == line.upper() and any(c.isalpha() for c in line) and len(line) <= 8)


def _kind_and_title(lines: list[str]) -> tuple[str | None, str | None, int]:
    for i, line in enumerate(lines[:80]):
        stripped = line.strip()
        if stripped.endswith(":") or stripped != stripped.upper():
            continue
        word = stripped
        if word in KIND_WORDS:
            kind = nice_case(word, place=False)
            j = i + 1
            while j < len(lines) and not lines[j]:
                j += 1
            title_lines: list[str] = []
            if j < len(lines) and _title_line(lines[j]):
                while j < len(lines) and lines[j] and _title_line(lines[j]) and not _MOTTO.search(lines[j]):
                    title_lines.append(lines[j])
                    j += 1
                # "CHỈ THỊ / CỦA BAN THƯỜNG VỤ TỈNH ỦY / VỀ …": the issuer line is not the title
                if len(title_lines) > 1 and title_lines[0].startswith("CỦA ") and title_lines[1].startswith("VỀ "):
                    title_lines = title_lines[1:]
                title = nice_case(" ".join(title_lines), place=True) if title_lines else None
            elif j < len(lines):
                first = lines[j]
                bad = re.match(r"^(?:Ngày|Chiều|Sáng|Căn cứ|Thực hiện|Kính gửi|Số)\b", first)
                title = first if len(first) < 400 and not first.endswith(".") and not bad else None
            else:
                title = None
            if title:
                title = re.sub(r"^(?:V/v|Về việc)\s*:?\s*", "Về việc ", title, flags=re.IGNORECASE).strip()
            return kind, title, i
    for line in lines[:60]:
        m = re.match(r"^V/v\s*:?\s*(.+)$", line, re.IGNORECASE)
        if m:
            return "Công văn", m.group(1).strip(), -1
    return None, None, -1


def _news_title_and_date(lines: list[str]) -> tuple[str | None, dt.date | None]:
    for i, line in enumerate(lines[:40]):
        m = _TIMESTAMP.search(line)
        if not m or len(line) > 60 or not (m.group("h1") or m.group("h2") or re.search(r"cập nhật|đăng", line, re.I)):
            continue
        date = make_date(int(m.group("d")), int(m.group("m")), int(m.group("y")))
        title = None
        for cand in (_next_nonblank(lines, i, 1), _next_nonblank(lines, i, -1)):
            if cand and 15 <= len(cand) <= 250 and not cand.endswith(".") and cand[:1].isupper():
                title = cand
                break
        return title, date
    return None, None


def _next_nonblank(lines: list[str], i: int, step: int) -> str | None:
    j = i + step
    while 0 <= j < len(lines) and not lines[j]:
        j += step
    return lines[j] if 0 <= j < len(lines) else None


def _signer(lines: list[str]) -> str | None:
    text = "\n".join(lines)
    m = _SIGNED.search(text)
    if m:
        return m.group("n").strip(" .")
    for pattern in (_SIGN_TITLE, _OFFICE_TITLE):
        for i, line in enumerate(lines):
            if pattern.match(line):
                name = _name_after(lines, i)
                if name:
                    return name
    return None


# A signature under the office alone ("THỦ TƯỚNG", "BỘ TRƯỞNG", "PHÓ CHỦ TỊCH").
_OFFICE_TITLE = re.compile(
    r"^(?:PHÓ\s+)?(?:THỦ TƯỚNG|BỘ TRƯỞNG|CHỦ TỊCH|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|BÍ THƯ|CHÁNH VĂN PHÒNG|TRƯỞNG BAN"
    r"|VIỆN TRƯỞNG|CỤC TRƯỞNG|TỔNG CỤC TRƯỞNG|CHÁNH ÁN|TỔNG KIỂM TOÁN NHÀ NƯỚC|THỐNG ĐỐC)(?:\s+CHÍNH PHỦ)?$"
)


def _name_after(lines: list[str], i: int) -> str | None:
    """The signer's name in the lines under a signature title, also when a hard break cuts it."""
    window = lines[i + 1 : i + 8]
    for k, cand in enumerate(window):
        if not cand or is_upper_line(cand):
            continue
        if _NAME.match(cand):
            nxt = window[k + 1] if k + 1 < len(window) else ""
            joined = f"{cand} {nxt}"
            if nxt and _NAME.match(joined) and len(cand.split()) < 3:
                return joined
            return cand
        words = cand.split()
        if len(words) == 1 and re.match(r"^[" + VN_UPPER + r"][a-zà-ỹđ]+$", cand):
            nxt = window[k + 1] if k + 1 < len(window) else ""
            if nxt and _NAME.match(f"{cand} {nxt}"):
                return f"{cand} {nxt}"
    return None


def _yearless(day: int, month: int, issued: dt.date | None, period_year: int | None, whole_year: bool, today: dt.date):
    if issued:
        date = make_date(day, month, issued.year)
        if date and date > issued:
            date = make_date(day, month, issued.year - 1)
        return date
    if period_year:
        year = period_year - 1 if whole_year and month >= 10 else period_year
        return make_date(day, month, year)
    return make_date(day, month, today.year)


def _to_date(s: str, issued, period_year, whole_year, today) -> dt.date | None:
    nums = [int(x) for x in re.findall(r"\d+", s)]
    if len(nums) >= 3:
        return make_date(nums[0], nums[1], nums[2])
    if len(nums) == 2:
        return _yearless(nums[0], nums[1], issued, period_year, whole_year, today)
    return None


def extract_metadata(
    lines: list[str], paragraphs: list[str], *, period_year: int | None, whole_year: bool, today: dt.date
) -> DocumentMeta:
    meta = DocumentMeta()
    text = "\n".join(lines)
    m = _NUMBER.search(text)
    if m:
        meta.number = re.sub(r"\s+", "", m.group("n")).rstrip(".,")
    m = _PLACE_DATE.search(text)
    if m:
        meta.issued_on = make_date(int(m.group("d")), int(m.group("m")), int(m.group("y")))
    meta.kind, meta.title, _ = _kind_and_title(lines)
    meta.issuer = _header_issuer(lines)
    if not meta.kind:
        title, date = _news_title_and_date(lines)
        meta.title = meta.title or title
        meta.issued_on = meta.issued_on or date
    meta.signer = _signer(lines)
    # meeting date and organizer: the opening sentences of the body
    for para in [*paragraphs[:40], *lines[:60]]:
        if not para or is_upper_line(para):
            continue
        for sent in re.split(r"(?<=[.;])\s+", para):
            if not _MEETING_WORDS.search(sent):
                continue
            mm = _MEETING_DATE_START.match(sent) or _MEETING_AFTER.search(sent)
            if mm and not meta.meeting_date:
                meta.meeting_date = _to_date(mm.group("date"), meta.issued_on, period_year, whole_year, today)
            if not meta.issuer:
                om = _ORGANIZER.search(sent)
                if om:
                    meta.issuer = om.group("org").strip()
            if meta.meeting_date and meta.issuer:
                break
        if meta.meeting_date and meta.issuer:
            break
    return meta


__all__ = ["DocumentMeta", "extract_metadata", "find_dates", "nice_case"]
