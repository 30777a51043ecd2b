"""A web page pasted whole: the legal-text site's metadata block, summary and footer around the document.

Legal-text sites print, before the document, a table of its particulars ("Số hiệu:", "Loại văn bản:",
"Nơi ban hành:", "Người ký:", "Ngày ban hành:" …), sometimes a news summary of it, and after it the
"Văn bản liên quan" list, comparison help, contact details, a data-protection notice and login text.
None of that is the document: the particulars are kept as metadata (they are the site's reading of
the header), the rest is dropped. The document itself runs from its letterhead (the issuer lines over
the national motto) to the last line before the page's footer.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

# "Số hiệu:" and its value on the same line or on the next line that holds text.
_LABELS = {
    "number": r"Số hiệu|Số ký hiệu|Ký hiệu",
    "kind": r"Loại văn bản|Hình thức văn bản",
    "issuer": r"Nơi ban hành|Cơ quan ban hành",
    "signer": r"Người ký|Người ký duyệt",
    "issued_on": r"Ngày ban hành",
    "title": r"Trích yếu",
    "other": r"Ngày hiệu lực|Ngày công báo|Số công báo|Tình trạng|Lĩnh vực|Ngày hết hiệu lực|Áp dụng",
}
_LABEL = re.compile(
    r"^\s*(?P<label>" + "|".join(f"(?P<{k}>{v})" for k, v in _LABELS.items()) + r")\s*:\s*(?P<value>.*)$",
    re.IGNORECASE,
)
_MARKUP = re.compile(r"[*#|]+")
_MOTTO = re.compile(r"CỘNG\s*H[OÒ][AÀ]\s+XÃ\s+HỘI|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|CỘNG\s*H[OÒ][AÀ]\s+XÃ", re.I)
# Lines that only a website prints: its footer, login and account text, comparison help, notices.
_CHROME = re.compile(
    r"^(?:Văn bản liên quan|Văn bản này chưa cập nhật|FILE ĐƯỢC ĐÍNH KÈM|FILE ATTACHED|Click (?:phải|trái|vào)"
    r"|Double click|Tắt so sánh|Rà chuột|Lược đồ|Đang tải văn bản|Cảm ơn đã (?:dùng|sử dụng)"
    r"|Bạn vừa bị Đăng xuất|Quý khách (?:Đăng nhập|vui lòng)|Thưa Quý khách|Tài khoản (?:hiện|của)|Đăng nhập\b"
    r"|Đăng xuất\b|Mã số thuế\s*:|Hotline\b|Bản dịch này thuộc quyền|Bản quyền\b|Copyright\b|©"
    r"|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN|CÁC NỘI DUNG ĐƯỢC SỬA ĐỔI|Tải (?:văn bản|về)\b|In văn bản\b"
    r"|Theo dõi hiệu lực|Xem chi tiết nội dung tại)",
    re.IGNORECASE,
)
# The footer begins at its first line; these only count once the document's body has ended.
_FOOTER = re.compile(
    r"^(?:Văn bản liên quan|Văn bản này chưa cập nhật|FILE ĐƯỢC ĐÍNH KÈM|NỘI DUNG SỬA ĐỔI, HƯỚNG DẪN"
    r"|Cảm ơn đã (?:dùng|sử dụng)|Bạn vừa bị Đăng xuất|Mã số thuế\s*:|Địa chỉ\s*:$|Điện thoại\s*:$|E-?mail\s*:$"
    r"|Click (?:phải|trái)|Thưa Quý khách)",
    re.IGNORECASE,
)


@dataclass
class PageParts:
    text: str
    site: dict[str, object] = field(default_factory=dict)
    offset: int = 0  # where ``text`` starts in the text received
    chrome: bool = False


def _plain(line: str) -> str:
    if len(line) <= 2:
        return _MARKUP.sub("", line).strip()
    return re.sub(r"\s+", " ", _MARKUP.sub(" ", unicodedata.normalize("NFC", line))).strip()


def _site_date(value: str) -> dt.date | None:
    m = re.search(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


def _read_block(lines: list[str], limit: int) -> tuple[dict[str, object], int]:
    """The site's particulars among the first ``limit`` lines, and the index of the line after them."""
    site: dict[str, object] = {}
    found = 0
    end = -1
    i = 0
    pending: str | None = None
    while i < min(len(lines), limit):
        plain = _plain(lines[i])
        if found and plain and i - end > 3:
            break  # the block is over: later "Tình trạng:" lines belong to the related-documents list
        # a label split over two lines ("**\nNgày hiệu lực:**")
        m = _LABEL.match(plain) if plain else None
        if m:
            key = next(k for k in _LABELS if m.group(k))
            value = m.group("value").strip()
            found += 1
            end = i
            if value:
                _keep(site, key, value)
                pending = None
            else:
                pending = key
        elif plain and pending:
            _keep(site, pending, plain)
            end = i
            pending = None
        i += 1
    if found < 3:
        return {}, -1
    return site, end + 1


def _keep(site: dict[str, object], key: str, value: str) -> None:
    if key == "other" or key in site or re.match(r"^(?:Đang cập nhật|Đã biết|Không xác định)$", value, re.I):
        return
    if key == "issued_on":
        date = _site_date(value)
        if date:
            site[key] = date
        return
    site[key] = value


def _letterhead_start(lines: list[str], start: int) -> int | None:
    """The first line of the issuer block standing over the national motto, after ``start``."""
    for i in range(start, len(lines)):
        if _MOTTO.search(lines[i]):
            j = i
            # the motto's own line may carry the issuer ("CHÍNH PHỦ____ Số: … | CỘNG HÒA …")
            k = i - 1
            while k >= start:
                plain = _plain(lines[k])
                if not plain or re.fullmatch(r"[-_=~.\s]+", plain) or (plain == plain.upper() and len(plain) < 120):
                    if plain and not re.fullmatch(r"[-_=~.\s]+", plain):
                        j = k
                    k -= 1
                    continue
                break
            return j
    return None


def split_page(text: str) -> PageParts:
    """The document inside a pasted page; the text unchanged when it carries no site chrome."""
    lines = text.split("\n")
    site, after = _read_block(lines, 400)
    chrome_lines = sum(1 for line in lines if _CHROME.match(_plain(line)))
    if not site and chrome_lines < 2:
        return PageParts(text=text)
    start = 0
    if site:
        head = _letterhead_start(lines, after)
        start = head if head is not None else after
    # the footer: from its first line (after the document's start) to the end
    end = len(lines)
    for i in range(start, len(lines)):
        if _FOOTER.match(_plain(lines[i])):
            end = i
            break
    kept = [line if not _CHROME.match(_plain(line)) else "" for line in lines[start:end]]
    number = site.get("number")
    if isinstance(number, str):
        # the site's caption of the document ("Công điện 227/CĐ-TTg năm 2025 …") after its signature
        caption = re.compile(r"^\S+(?:\s+\S+){0,3}\s+" + re.escape(number) + r"\s+(?:năm|ngày)\b", re.IGNORECASE)
        kept = [line if not caption.match(_plain(line)) else "" for line in kept]
    offset = sum(len(line) + 1 for line in lines[:start])
    return PageParts(text="\n".join(kept), site=site, offset=offset, chrome=True)
