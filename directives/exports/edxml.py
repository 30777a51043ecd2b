"""A directive as an edXML package (QCVN 102:2016), for another e-office system.

The header carries the directive's metadata (the inverse of `importing.edxml`): issuer → From,
number → Code (number and notation split as printed), issue date → PromulgationInfo (the place
from the source text's date line, "Hà Nội, ngày …", when it has one: the directive keeps no
place), kind → DocumentType/TypeName, title → Subject, signer → SignerInfo (competence and
position from the parentheses `importing.edxml.signer_label` writes), the bodies of its tasks →
ToPlaces. Two attachments: the source text (.txt, UTF-8), which the receiver's parser reads, and
the task table (.xlsx, `workbooks.task_table_workbook`), from which this system's import takes
the tasks as they are now (edited or not).

Not written, for want of the data: the bodies' national codes (From/OrganId is left empty),
the numeric type code (DocumentType/Type left empty), SteeringType, DueDate, and the XML
signature. The layout is in `directives.documents.edxml`.
"""

from __future__ import annotations

import re
from datetime import date

from django.utils import translation

from directives.documents.edxml import Attachment, Header, Organ, write_edxml
from directives.exports.workbooks import XLSX, file_stem
from directives.importing.edxml import signer_parts, split_code

EDXML_CONTENT_TYPE = "application/xml"

_PLACE_LINE = re.compile(r"^\s*(?P<place>[^\d,\n:]{2,40}?),\s*ngày\s+\d", re.MULTILINE | re.IGNORECASE)


def place_of(source_text: str) -> str:
    """'Quảng Ngãi' from the line "Quảng Ngãi, ngày 10 tháng 5 năm 2025" near the top; else ""."""
    head = "\n".join((source_text or "").splitlines()[:40])
    m = _PLACE_LINE.search(head)
    return " ".join(m.group("place").split()) if m else ""


def directive_edxml(directive, tasks, *, table: bytes) -> bytes:
    """The package of `directive` with its `tasks` (`selectors.task_list` rows, the ones the user
    may read) and their task table `table` (.xlsx bytes)."""
    number, notation = split_code(directive.number)
    name, competence, position = signer_parts(directive.signer)
    with translation.override("vi"):
        kind = str(directive.get_kind_display()) if directive.kind != "other" else ""
    places: list[str] = []
    for task in tasks:
        for body in [task.lead, *task.supporters.all()]:
            if body is not None and body.name not in places:
                places.append(body.name)
    issued: date | None = directive.issued_on
    header = Header(
        sender=Organ(name=directive.issuer.name if directive.issuer_id else ""),
        code_number=number,
        code_notation=notation,
        place=place_of(directive.source_text),
        promulgation_date=issued.strftime("%Y/%m/%d") if issued else "",
        type_name=kind,
        subject=" ".join(directive.title.split()),
        signer_competence=competence,
        signer_position=position,
        signer_name=name,
        to_places=places,
    )
    stem = file_stem(directive)
    attachments = []
    if directive.source_text.strip():
        attachments.append(
            Attachment(
                name=f"{stem}.txt",
                data=directive.source_text.encode("utf-8"),
                content_type="text/plain; charset=utf-8",
                description="Văn bản gốc",
            )
        )
    attachments.append(
        Attachment(name=f"{stem}-nhiem-vu.xlsx", data=table, content_type=XLSX, description="Danh mục nhiệm vụ")
    )
    return write_edxml(header, attachments)
