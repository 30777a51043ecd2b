"""Uploaded bytes -> text: UTF-8 (with or without BOM), UTF-16 (BOM), Windows-1258 / legacy fallback,
and .docx (paragraphs and tables, in document order)."""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile

MAX_UPLOAD_BYTES = 10 * 1024 * 1024


class ParseInputError(ValueError):
    """The upload cannot be read as a directive; the message is meant for the user (Vietnamese)."""


def decode_upload(data: bytes, filename: str = "") -> str:
    if data is None or len(data) == 0:
        raise ParseInputError("Tệp tải lên trống, không có nội dung để phân tích.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ParseInputError(
            f"Tệp tải lên quá lớn ({len(data) / 1024 / 1024:.1f} MB); "
            f"giới hạn là {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    if filename.lower().endswith(".docx") or (data[:4] == b"PK\x03\x04" and _is_docx(data)):
        return docx_to_text(data)
    if data[:4] == b"PK\x03\x04" or data[:5] == b"%PDF-" or filename.lower().endswith((".doc", ".pdf", ".xls")):
        raise ParseInputError("Không đọc được tệp này: hãy tải lên văn bản thuần (.txt) hoặc tệp Word (.docx).")
    text: str | None = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = _try(data[3:], "utf-8")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try(data, "utf-16")
    else:
        if b"\x00" in data:
            raise ParseInputError("Tệp tải lên là tệp nhị phân, không phải văn bản.")
        text = _try(data, "utf-8")
        if text is None:
            text = _try(data, "cp1258")
    if text is None:
        raise ParseInputError("Không giải mã được tệp tải lên: hãy lưu văn bản dạng UTF-8 rồi tải lại.")
    text = unicodedata.normalize("NFC", text)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise ParseInputError("Tệp tải lên là tệp nhị phân, không phải văn bản.")
    if not text.strip():
        raise ParseInputError("Tệp tải lên trống, không có nội dung để phân tích.")
    return text


def _try(data: bytes, encoding: str) -> str | None:
    try:
        return data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def _is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except zipfile.BadZipFile:
        return False


_HEADER_ROLES = {
    "marker": re.compile(r"^(?:stt|tt|số\s*tt|số thứ tự)$", re.I),
    "content": re.compile(r"nội dung|nhiệm vụ|công việc|tên", re.I),
}


def docx_to_text(data: bytes) -> str:
    """Text of a .docx: paragraphs and tables in order; a table row becomes one item line
    ("1. Nội dung") followed by "- Header: value" lines, so task tables parse like text."""
    try:
        import docx  # python-docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph
    except ImportError as exc:  # pragma: no cover
        raise ParseInputError("Máy chủ thiếu thư viện đọc tệp Word (python-docx).") from exc
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:
        raise ParseInputError("Tệp Word (.docx) bị hỏng hoặc không đọc được.") from exc
    lines: list[str] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            lines.extend(_table_lines(Table(child, document)))
            lines.append("")
    text = "\n".join(lines)
    if not text.strip():
        raise ParseInputError("Tệp Word không có nội dung văn bản.")
    return unicodedata.normalize("NFC", text)


def _row_cells(row) -> list[str]:
    cells: list[str] = []
    prev = None
    for cell in row.cells:
        if prev is not None and cell._tc is prev:
            continue  # a merged cell repeats itself
        prev = cell._tc
        cells.append(" ".join(p.text.strip() for p in cell.paragraphs if p.text.strip()))
    return cells


def _table_lines(table) -> list[str]:
    rows = [_row_cells(r) for r in table.rows]
    if not rows:
        return []
    header = rows[0]
    marker_col = next((i for i, h in enumerate(header) if _HEADER_ROLES["marker"].match(h.strip())), None)
    content_col = next(
        (i for i, h in enumerate(header) if i != marker_col and _HEADER_ROLES["content"].search(h)), None
    )
    if content_col is None:
        return [" | ".join(c for c in row if c) for row in rows if any(rows)]
    out: list[str] = []
    for row in rows[1:]:
        if not any(row):
            continue
        marker = row[marker_col].strip() if marker_col is not None and marker_col < len(row) else ""
        content = row[content_col] if content_col < len(row) else ""
        if marker and re.fullmatch(r"[IVX]+|\d+(?:\.\d+)*|[a-zđ]", marker):
            sep = ")" if re.fullmatch(r"[a-zđ]", marker) else "."
            out.append(f"{marker}{sep} {content}".strip())
        else:
            out.append(content)
        for i, value in enumerate(row):
            if i in (marker_col, content_col) or not value or i >= len(header) or not header[i]:
                continue
            out.append(f"- {header[i].strip().rstrip(':')}: {value}")
        out.append("")
    return out
