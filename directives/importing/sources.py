"""Any uploaded file → the parser's contract, the source text and what the review shows beside
the draft: one door for the web upload and the `parse_directive` / `import_directive` commands.

- A document (.txt, .docx, .doc, .pdf, scans) is read by `directives.documents` and parsed.
- A task table (.xlsx) is mapped by its column headers (`tables`).
- An edXML package (.edxml, .xml) is read by its header and attachments (`edxml`).

Every refusal is a `DocumentError` with a message for the user (a `NeedsOCR` for a scan read
without OCR). Pure: no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.utils.translation import gettext as _

from directives.documents import ACCEPT, EXTENSIONS, MAX_UPLOAD_BYTES, DocumentError, extract

TABLE_EXTENSIONS = (".xlsx",)
EDXML_EXTENSIONS = (".edxml", ".xml")
#: Every extension the upload takes (a .xls is taken to be refused with its own message), and the
#: <input accept=…> of its upload field.
SOURCE_EXTENSIONS = (*EXTENSIONS, *TABLE_EXTENSIONS, ".xls", *EDXML_EXTENSIONS)
SOURCE_ACCEPT = (
    ACCEPT
    + ","
    + ",".join((*TABLE_EXTENSIONS, *EDXML_EXTENSIONS))
    + ",application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,application/xml,text/xml"
)


@dataclass
class Source:
    """What the review needs: the contract, the source text, warnings (shown once, as messages)
    and, for a table or an edXML package, `review`: {"format", "facts": [[label, value]],
    "notes": [...], "disagreements": [...], "candidates": [body names]} (plain data: it waits
    in the session)."""

    contract: dict
    source_text: str
    warnings: list[str] = field(default_factory=list)
    review: dict | None = None


def structured_format(filename: str, data: bytes) -> str | None:
    """'xlsx' or 'edxml' when the file is a task table or an edXML package; None for a document."""
    from directives.documents.edxml import looks_like_edxml
    from directives.documents.spreadsheet import is_xlsx

    suffix = PurePath(filename or "").suffix.lower()
    if suffix in (*TABLE_EXTENSIONS, ".xls") or is_xlsx(data):
        return "xlsx"
    if suffix in EDXML_EXTENSIONS or (data and looks_like_edxml(data)):
        return "edxml"
    return None


def _check_size(data: bytes) -> None:
    if not data:
        raise DocumentError(_("Tệp tải lên trống, không có nội dung để phân tích."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(
            _("Tệp tải lên quá lớn (%(size).1f MB); giới hạn là %(limit)d MB.")
            % {"size": len(data) / 1048576, "limit": MAX_UPLOAD_BYTES // 1048576}
        )


def read_structured(filename: str, data: bytes, *, ocr: bool = False, today: date | None = None) -> Source:
    """A task table or an edXML package → a Source; DocumentError when it cannot be read."""
    from directives.documents.base import check_text_size

    _check_size(data)
    kind = structured_format(filename, data)
    if kind == "xlsx":
        from directives.documents.spreadsheet import read_xlsx
        from directives.importing.tables import table_contract

        found = table_contract(read_xlsx(data), filename=PurePath(filename or "").name, today=today)
        review = {
            "format": "xlsx",
            "facts": [list(f) for f in found.facts],
            "notes": found.notes,
            "disagreements": [],
            "candidates": [],
        }
        return Source(contract=found.contract, source_text=check_text_size(found.source_text), review=review)
    if kind == "edxml":
        from directives.documents.edxml import read_edxml
        from directives.importing.edxml import edxml_contract

        found = edxml_contract(read_edxml(data), filename=filename, ocr=ocr, today=today)
        review = {
            "format": "edxml",
            "facts": [list(f) for f in found.facts],
            "notes": found.notes,
            "disagreements": found.disagreements,
            "candidates": found.candidates,
        }
        return Source(
            contract=found.contract,
            source_text=check_text_size(found.source_text),
            warnings=found.warnings,
            review=review,
        )
    raise DocumentError(_("Tệp không phải bảng nhiệm vụ Excel hay gói edXML."))


def read_source(filename: str, data: bytes, *, ocr: bool = True, today: date | None = None, progress=None) -> Source:
    """Any file the import takes → a Source (a document is read and parsed; `progress`, a
    callable taking a message, hears the OCR's pages)."""
    from directives.parsing import parse_directive

    if structured_format(filename, data):
        return read_structured(filename, data, ocr=ocr, today=today)
    extracted = extract(filename, data, ocr=ocr, progress=progress)
    return Source(
        contract=parse_directive(extracted.text, today=today).to_dict(),
        source_text=extracted.text,
        warnings=list(extracted.warnings),
    )
