"""Excel workbooks (.xlsx): the rows of each sheet, bounded, for the import of a task table.

Nothing is handed to openpyxl before the file is checked:

1. the zip's declared sizes (`base.check_zip`: ratios that betray a zip bomb, each part, the
   whole), before anything is decompressed;
2. every XML part, read within those limits: a part that declares a DTD (`<!DOCTYPE`,
   `<!ENTITY`) is refused, so no entity expansion or external entity reaches an XML parser
   (a spreadsheet program never writes one);
3. openpyxl then reads in read-only mode, cached values only (`data_only`: a formula's last
   computed value, never the formula), at most `MAX_SHEETS` sheets, `MAX_ROWS` rows and
   `MAX_COLUMNS` columns each; a sheet with more rows than that is refused.

Cell values come back as Python values: text (NFC, trimmed), int (an integral number), float,
`date` (a date cell; a date-time at midnight too), `datetime`, bool; a number shown as a
percentage comes back as text "40%", as the sheet shows it.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import datetime

from .base import DocumentError, check_zip

#: Every part together, decompressed.
MAX_XLSX_UNPACKED = 64 * 1024 * 1024
#: One worksheet or the shared strings, decompressed.
MAX_XLSX_PART = 32 * 1024 * 1024
MAX_SHEETS = 20
MAX_ROWS = 5000
MAX_COLUMNS = 60

_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass
class SheetRows:
    name: str
    rows: list[list[object]] = field(default_factory=list)


def is_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "xl/workbook.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def _refuse_dtd(zf: zipfile.ZipFile) -> None:
    for info in zf.infolist():
        if not info.filename.endswith((".xml", ".rels", ".vml")):
            continue
        try:
            with zf.open(info) as part:
                head = part.read(4096)
                if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head[:64]:
                    # UTF-16: search the decoded text (parts are within the checked limits)
                    text = (head + part.read()).decode("utf-16", errors="replace").encode("utf-8")
                    found = _DTD.search(text)
                else:
                    found = _DTD.search(head)
                    tail = head[-64:]
                    while not found:
                        chunk = part.read(1024 * 1024)
                        if not chunk:
                            break
                        found = _DTD.search(tail + chunk)
                        tail = chunk[-64:]
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise DocumentError("Tệp Excel (.xlsx) bị hỏng: không giải nén được nội dung.") from None
        if found:
            raise DocumentError(
                "Tệp Excel bị từ chối: phần XML của tệp có khai báo DOCTYPE/ENTITY, điều mà Excel không bao giờ "
                "ghi (dấu hiệu của tệp độc hại)."
            )


def read_xlsx(data: bytes) -> list[SheetRows]:
    """The rows of the workbook's sheets (see the module docstring); DocumentError otherwise."""
    if data.startswith(OLE_MAGIC):
        raise DocumentError(
            "Tệp Excel 97-2003 (.xls) hoặc tệp Excel có mật khẩu chưa đọc được: hãy mở bằng Excel, "
            "bỏ mật khẩu nếu có và lưu dạng .xlsx rồi tải lên lại."
        )
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise DocumentError("Tệp Excel (.xlsx) bị hỏng hoặc không phải tệp Excel.") from None
    with zf:
        if "xl/workbook.xml" not in zf.namelist():
            raise DocumentError("Tệp .xlsx không phải bảng tính Excel (thiếu xl/workbook.xml).")
        check_zip(
            zf,
            what="Tệp Excel",
            max_unpacked=MAX_XLSX_UNPACKED,
            parts={"xl/worksheets/": MAX_XLSX_PART, "xl/sharedStrings.xml": MAX_XLSX_PART},
        )
        _refuse_dtd(zf)
    return _read_checked(data)


def _read_checked(data: bytes) -> list[SheetRows]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds on a broken workbook
        raise DocumentError("Tệp Excel (.xlsx) bị hỏng: không đọc được bảng tính.") from None
    sheets: list[SheetRows] = []
    try:
        for ws in wb.worksheets[:MAX_SHEETS]:
            sheet = SheetRows(name=str(ws.title))
            try:
                for index, row in enumerate(ws.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS), start=1):
                    values = [_value(cell) for cell in row]
                    while values and values[-1] is None:
                        values.pop()
                    if index > MAX_ROWS and values:
                        raise DocumentError(
                            f"Trang tính “{sheet.name}” có hơn {MAX_ROWS:,} dòng; giới hạn của một lần nhập là "
                            f"{MAX_ROWS:,} dòng. Hãy tách bảng thành nhiều tệp.".replace(",", ".")
                        )
                    sheet.rows.append(values)
            except DocumentError:
                raise
            except Exception:
                raise DocumentError(f"Tệp Excel bị hỏng: không đọc được trang tính “{sheet.name}”.") from None
            while sheet.rows and not sheet.rows[-1]:
                sheet.rows.pop()
            sheets.append(sheet)
    finally:
        wb.close()
    if not any(s.rows for s in sheets):
        raise DocumentError("Tệp Excel trống, không có dòng nào để đọc.")
    return sheets


def _value(cell) -> object:
    value = getattr(cell, "value", None)
    if value is None:
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
        text = text.replace("_x000D_", "").strip()
        return text or None
    if isinstance(value, bool):
        return value
    if isinstance(value, datetime):
        return value.date() if (value.hour, value.minute, value.second) == (0, 0, 0) else value
    if isinstance(value, (int, float)):
        if "%" in (getattr(cell, "number_format", "") or ""):
            shown = round(value * 100, 2)
            return f"{int(shown) if shown == int(shown) else shown}%"
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value
    return value  # date, time, timedelta
