"""An edXML package (QCVN 102:2016) → the parser's contract, with what the review page shows
beside it. Pure: no ORM.

The header fills the directive's metadata: From → issuer, Code → number, PromulgationInfo →
date (the place is shown: the directive has no field for it), DocumentType/TypeName → kind,
Subject → title, SignerInfo → signer (with the competence "KT."/"TL." and position in
parentheses: "Nguyễn Văn A (KT. BỘ TRƯỞNG, THỨ TRƯỞNG)"). The attachment, read by
`directives.documents` and parsed like any document, gives the tasks, figures and cited
documents, and fills what the header leaves out. Where the header and the attached text
disagree, the header wins and the review says so, field by field. An attached task table
(.xlsx, see `tables`) gives the tasks instead of the text. DueDate (the date by which the
document is to be handled) becomes the deadline of the text's tasks that state none. ToPlaces and
To are listed as candidate bodies on the review (matched to the organization list there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from django.utils.translation import gettext as _

from directives.documents import DocumentError, NeedsOCR, extract
from directives.documents.edxml import Package, edxml_date
from directives.documents.spreadsheet import is_xlsx, read_xlsx
from directives.importing.drafts import kind_code
from directives.importing.matching import fold, name_key

#: "KT.", "TL.", "TM.", "TUQ.", "Q.", "K/T", "T/M": the competence under which a document is signed.
_COMPETENCE = re.compile(r"^(?:KT|TL|TM|TUQ|Q|K/T|T/M|T/L)\.?\s", re.IGNORECASE)


def join_code(number: str, notation: str) -> str:
    """CodeNumber and CodeNotation as the document prints them: a Party document's notation
    starts with its type ("412" + "TB/BTCTW" → "412-TB/BTCTW", Hướng dẫn 36-HD/VPTW); a state
    document's does not ("74" + "VPCP-TTĐT" → "74/VPCP-TTĐT", Nghị định 30/2020/NĐ-CP)."""
    number, notation = (number or "").strip(), (notation or "").strip().lstrip("/-")
    if not notation:
        return number
    if not number or notation.startswith(number):
        return notation
    if number.endswith(("/", "-")):
        return number + notation
    separator = "-" if re.match(r"^[A-ZĐ][A-ZĐa-zđ]*/", notation) else "/"
    return f"{number}{separator}{notation}"


def split_code(full: str) -> tuple[str, str]:
    """The inverse of `join_code`: "412-TB/BTCTW" → ("412", "TB/BTCTW"), "74/VPCP-TTĐT" →
    ("74", "VPCP-TTĐT"), "80/2025/NĐ-CP" → ("80", "2025/NĐ-CP"); a number without one → (it, "")."""
    full = (full or "").strip()
    m = re.match(r"^(\d+[a-zA-Z]?)([-/])(.+)$", full)
    if not m:
        return full, ""
    return m.group(1), m.group(3)


def signer_label(name: str, competence: str = "", position: str = "") -> str:
    """'Nguyễn Văn A', 'KT. BỘ TRƯỞNG', 'THỨ TRƯỞNG' → 'Nguyễn Văn A (KT. BỘ TRƯỞNG, THỨ TRƯỞNG)'."""
    extra = ", ".join(p for p in (competence.strip(), position.strip()) if p)
    name = name.strip()
    if not extra:
        return name
    return f"{name} ({extra})" if name else extra


def signer_parts(signer: str) -> tuple[str, str, str]:
    """The inverse of `signer_label`: (name, competence, position)."""
    m = re.fullmatch(r"(?P<name>.*?)\s*\((?P<extra>[^()]+)\)", (signer or "").strip())
    if not m:
        return (signer or "").strip(), "", ""
    extra = [p.strip() for p in m.group("extra").split(",", 1)]
    if _COMPETENCE.match(extra[0] + " "):
        return m.group("name"), extra[0], extra[1] if len(extra) > 1 else ""
    return m.group("name"), "", m.group("extra").strip()


DOCUMENT_SUFFIXES = (".pdf", ".docx", ".doc", ".txt", ".text", ".md", ".png", ".jpg", ".jpeg", ".tif", ".tiff")


@dataclass
class EdxmlImport:
    contract: dict
    source_text: str
    warnings: list[str] = field(default_factory=list)  # from reading the attachment (OCR, encoding)
    notes: list[str] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    facts: list[tuple[str, str]] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)


def _empty_contract() -> dict:
    return {
        "warnings": [],
        "document": dict.fromkeys(("kind", "number", "title", "issuer", "meeting_date", "issued_on", "signer")),
        "period": {"year": None, "quarter": None},
        "tasks": [],
        "figures": [],
        "references": [],
    }


def _plain(text: str) -> str:
    text = " ".join(fold(text).split())
    text = re.sub(r"^(?:v/v|ve viec|ve)\s+", "", text)
    return re.sub(r"[^\w ]+", "", text).strip()


def _same(field_name: str, header: str, parsed: str) -> bool:
    if field_name == "issuer":
        a, b = name_key(header), name_key(parsed)
        return a == b or (bool(a) and bool(b) and (a in b or b in a))
    if field_name == "number":
        return re.sub(r"\s+", "", header).casefold() == re.sub(r"\s+", "", parsed).casefold()
    if field_name == "kind":
        return kind_code(header) == kind_code(parsed) or "other" in (kind_code(header), kind_code(parsed))
    if field_name == "title":
        a, b = _plain(header), _plain(parsed)
        return a == b or (bool(a) and bool(b) and (a in b or b in a))
    if field_name == "signer":
        return fold(signer_parts(header)[0]).split() == fold(signer_parts(parsed)[0]).split()
    return header == parsed


def _field_labels() -> dict[str, str]:
    return {
        "number": _("Số hiệu"),
        "issuer": _("Cơ quan ban hành"),
        "issued_on": _("Ngày ban hành"),
        "kind": _("Loại văn bản"),
        "title": _("Trích yếu"),
        "signer": _("Người ký"),
    }


def _vi_date(value: str | None) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def _attachment_error(name: str, error: Exception) -> str:
    return _("Tệp đính kèm “%(name)s”: %(error)s") % {"name": name, "error": error}


def edxml_contract(
    package: Package, *, filename: str = "", ocr: bool = False, today: date | None = None
) -> EdxmlImport:
    """The contract of an edXML package (see the module docstring). Attachments that cannot be
    read are noted, not fatal: the header alone still makes a draft."""
    from directives.importing.tables import table_contract
    from directives.parsing import parse_directive

    h = package.header
    result = EdxmlImport(contract=_empty_contract(), source_text="")
    text, read_name, table, table_name = "", "", None, ""
    for attachment in package.attachments:
        suffix = PurePath(attachment.name).suffix.lower()
        if is_xlsx(attachment.data):
            if table is None:
                try:
                    table = table_contract(read_xlsx(attachment.data), filename=attachment.name, today=today)
                    table_name = attachment.name
                except DocumentError as error:
                    result.notes.append(_attachment_error(attachment.name, error))
            continue
        if text:
            continue
        if suffix and suffix not in DOCUMENT_SUFFIXES and not attachment.data.startswith((b"%PDF", b"PK")):
            result.notes.append(
                _("Tệp đính kèm “%(name)s” không phải văn bản đọc được (.pdf, .docx, .doc, .txt); bỏ qua.")
                % {"name": attachment.name}
            )
            continue
        try:
            extracted = extract(attachment.name, attachment.data, ocr=ocr)
        except NeedsOCR:
            result.notes.append(
                _(
                    "Tệp đính kèm “%(name)s” là bản scan, chưa được nhận dạng chữ: nhiệm vụ trong đó chưa được đọc. "
                    "Để lấy nhiệm vụ, hãy tải riêng tệp này lên (nhận dạng chữ chạy nền)."
                )
                % {"name": attachment.name}
            )
            continue
        except DocumentError as error:
            result.notes.append(_attachment_error(attachment.name, error))
            continue
        text, read_name = extracted.text, attachment.name
        result.warnings.extend(extracted.warnings)
    if not package.attachments:
        result.notes.append(_("Gói edXML không có tệp đính kèm: chỉ có thông tin ở tiêu đề, chưa có nhiệm vụ."))

    parsed = parse_directive(text, today=today).to_dict() if text else _empty_contract()
    contract = _empty_contract()
    contract.update({k: parsed[k] for k in ("period", "tasks", "figures", "references")})
    contract["warnings"] = list(parsed.get("warnings") or [])
    doc = dict(parsed["document"])
    issued = edxml_date(h.promulgation_date)
    header_doc = {
        "number": join_code(h.code_number, h.code_notation),
        "issuer": h.sender.name or h.sender.in_charge,
        "issued_on": issued.isoformat() if issued else "",
        "kind": h.type_name,
        "title": h.subject or h.content,
        "signer": signer_label(h.signer_name, h.signer_competence, h.signer_position),
    }
    labels = _field_labels()
    for key, value in header_doc.items():
        if not value:
            continue
        found = doc.get(key) or ""
        if text and found and not _same(key, value, found):
            shown = (_vi_date(value), _vi_date(found)) if key == "issued_on" else (value, found)
            result.disagreements.append(
                _("%(field)s: tiêu đề edXML ghi “%(header)s”, văn bản đính kèm ghi “%(text)s”; đã điền theo tiêu đề.")
                % {"field": labels[key], "header": shown[0][:300], "text": shown[1][:300]}
            )
        doc[key] = value
    if h.promulgation_date and not issued:
        result.notes.append(
            _("Ngày ban hành trong tiêu đề edXML (“%(value)s”) không phải một ngày; đã bỏ qua.")
            % {"value": h.promulgation_date[:40]}
        )
    contract["document"] = doc

    if table is not None:
        contract["tasks"] = table.contract["tasks"]
        result.notes.append(
            _("Nhiệm vụ lấy từ bảng nhiệm vụ đính kèm “%(name)s” (%(count)d dòng).")
            % {"name": table_name, "count": len(contract["tasks"])}
        )
        result.notes.extend(table.notes)
    due = edxml_date(h.due_date)
    if h.due_date and not due:
        result.notes.append(
            _("Hạn xử lý (DueDate) trong tiêu đề edXML (“%(value)s”) không phải một ngày; đã bỏ qua.")
            % {"value": h.due_date[:40]}
        )
    if due and table is None:
        undated = [t for t in contract["tasks"] if not t.get("due")]
        for task in undated:
            task["due"], task["due_period"] = due.isoformat(), None
        if undated:
            result.notes.append(
                _("Hạn xử lý của văn bản (%(date)s) được dùng làm thời hạn cho %(count)d nhiệm vụ không ghi thời hạn.")
                % {"date": due.strftime("%d/%m/%Y"), "count": len(undated)}
            )

    result.contract = contract
    result.source_text = text or _header_text(h, doc)
    result.candidates = _candidates(h)
    result.facts = _facts(h, package, read_name, table_name)
    return result


def _candidates(h) -> list[str]:
    seen: set[str] = set()
    names = []
    for name in [*h.to_places, *(o.name or o.in_charge for o in h.recipients)]:
        key = name_key(name)
        if name and key and key not in seen:
            seen.add(key)
            names.append(name)
    return names


def _header_text(h, doc: dict) -> str:
    """A text of the header, as the directive's source when no attachment could be read."""
    lines = [
        h.sender.name,
        f"Số: {doc.get('number')}" if doc.get("number") else "",
        ", ".join(p for p in (h.place, f"ngày {_vi_date(doc.get('issued_on'))}" if doc.get("issued_on") else "") if p),
        (h.type_name or "").upper(),
        h.subject,
        h.content if h.content != h.subject else "",
        "",
        h.signer_competence,
        h.signer_position,
        h.signer_name,
    ]
    return "\n".join(line for line in lines if line is not None).strip()


def _facts(h, package: Package, read_name: str, table_name: str) -> list[tuple[str, str]]:
    kind = h.type_name + (f" (mã {h.type_code})" if h.type_code else "")
    sender = h.sender.name + (f" — {h.sender.organ_id}" if h.sender.organ_id else "")
    attachments = []
    for attachment in package.attachments:
        mark = ""
        if attachment.name == read_name:
            mark = " ✓ " + _("đã đọc")
        elif attachment.name == table_name:
            mark = " ✓ " + _("bảng nhiệm vụ")
        attachments.append(f"{attachment.name} ({max(1, len(attachment.data) // 1024)} KB){mark}")
    facts = [
        (_("Cơ quan gửi (From)"), sender),
        (_("Số, ký hiệu (Code)"), join_code(h.code_number, h.code_notation)),
        (_("Nơi, ngày ban hành"), ", ".join(p for p in (h.place, h.promulgation_date) if p)),
        (_("Loại văn bản"), kind.strip()),
        (_("Trích yếu (Subject)"), h.subject),
        (_("Người ký"), signer_label(h.signer_name, h.signer_competence, h.signer_position)),
        (_("Hạn xử lý (DueDate)"), h.due_date),
        (_("Loại chỉ đạo (SteeringType)"), h.steering_type),
        (_("Nơi nhận (ToPlaces)"), "; ".join(h.to_places)),
        (_("Đơn vị nhận (To)"), "; ".join(o.name for o in h.recipients if o.name)),
        (_("Tệp đính kèm"), "; ".join(attachments)),
    ]
    return [(label, value) for label, value in facts if value]
