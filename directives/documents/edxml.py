"""edXML packages (QCVN 102:2016/BTTTT, the national format for exchanging documents between
e-office systems): read one into its header and attachments, and write one. Pure: no ORM.

What is taken from the standard and what is assumed:

- From the standard (as its published structure and the packages of the national exchange
  platform show it): the namespace ``http://www.mic.gov.vn/TBT/QCVN_102_2016``; an
  ``edXMLEnvelope`` holding ``edXMLHeader/MessageHeader`` and ``edXMLBody``; in the message
  header ``From`` and ``To`` (``OrganId``, ``OrganName``, ``OrganizationInCharge`` …),
  ``DocumentId``, ``Code`` (``CodeNumber``, ``CodeNotation``), ``PromulgationInfo`` (``Place``,
  ``PromulgationDate``), ``DocumentType`` (``Type``, ``TypeDetail``, ``TypeName``), ``Subject``,
  ``Content``, ``SignerInfo`` (``Competence``, ``Position``, ``FullName``), ``DueDate``,
  ``ToPlaces/Place``, ``OtherInfo`` and ``SteeringType``; dates written ``yyyy/MM/dd``.
- Attachments: the packages of the national exchange platform (VXP) list them in
  ``edXMLBody/edXMLManifest/Reference`` and carry them, base64-encoded, in
  ``AttachmentEncoded/Attachment/ContentTransferEncoded`` beside the envelope; other producers put
  ``Attachment`` elements in ``edXMLBody``. Both are read: every ``Attachment`` element with a
  ``ContentTransferEncoded`` child, wherever it is. The writer uses the platform's layout, every
  element in the standard's namespace.
- Assumed, not from the standard: VXP packages often wrap an attachment in a zip
  (``ContentType`` application/zip) holding one file; such a zip is opened (checked like a
  .docx) and its one file read. Elements are found by local name, with or without the namespace
  (producers differ). Numeric codes (``DocumentType/Type``, ``SteeringType``, ``Priority``) are
  kept and shown as written, not interpreted: their code lists are not reproduced here.
- Not done: the XML signature (``Signature``) is neither checked nor written.

Hostile input: the XML is parsed by lxml with entities not resolved, no DTD loaded and no
network; a package that declares a DTD (``<!DOCTYPE``, ``<!ENTITY``: XXE, "billion laughs") is
refused outright, since no edXML producer writes one. At most `MAX_ATTACHMENTS` attachments, each
at most `base.MAX_UPLOAD_BYTES` decoded; broken base64 is refused with the attachment's name.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePath

from .base import MAX_UPLOAD_BYTES, DocumentError, check_zip

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
MAX_ATTACHMENTS = 20
#: A header field longer than this is cut (a subject is a sentence or two; a name a line).
MAX_FIELD = 2000
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass
class Organ:
    organ_id: str = ""
    name: str = ""
    in_charge: str = ""


@dataclass
class Header:
    sender: Organ = field(default_factory=Organ)
    recipients: list[Organ] = field(default_factory=list)
    document_id: str = ""
    code_number: str = ""
    code_notation: str = ""
    place: str = ""
    promulgation_date: str = ""  # as written; see `edxml_date`
    type_code: str = ""
    type_detail: str = ""
    type_name: str = ""
    subject: str = ""
    content: str = ""
    signer_competence: str = ""
    signer_position: str = ""
    signer_name: str = ""
    due_date: str = ""
    steering_type: str = ""
    priority: str = ""
    to_places: list[str] = field(default_factory=list)


@dataclass
class Attachment:
    name: str
    data: bytes
    content_type: str = ""
    description: str = ""


@dataclass
class Package:
    header: Header
    attachments: list[Attachment] = field(default_factory=list)


def looks_like_edxml(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = data[:8192].decode("utf-16", errors="ignore").encode("utf-8")
    return head.startswith(b"<") and (b"QCVN_102_2016" in head or b"edXML" in head)


def edxml_date(value: str) -> date | None:
    """'2019/01/16' (the standard's form), '2019-01-16' or '16/01/2019' -> a date; else None."""
    value = (value or "").strip()
    m = re.fullmatch(r"(\d{4})[/-](\d{1,2})[/-](\d{1,2})(?:[ T][\d:.+Z-]*)?", value)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
        if not m:
            return None
        d, mo, y = (int(g) for g in m.groups())
    try:
        found = date(y, mo, d)
    except ValueError:
        return None
    return found if 1945 <= found.year <= 2100 else None


# -- reading ----------------------------------------------------------------------------------------


def _parse(data: bytes):
    from lxml import etree

    if _DTD.search(data[:65536]):
        raise _dtd_refusal()
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise DocumentError(
            f"Tệp edXML không phải XML hợp lệ (dòng {getattr(error, 'lineno', '?')}); tệp có thể bị hỏng."
        ) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise _dtd_refusal()
    return root


def _dtd_refusal() -> DocumentError:
    return DocumentError(
        "Tệp edXML bị từ chối: tệp có khai báo DOCTYPE/ENTITY, điều mà gói edXML theo QCVN 102:2016 không có "
        "(dấu hiệu của tệp độc hại: thực thể ngoài, “billion laughs”)."
    )


def _local(element) -> str:
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _child(element, name: str):
    if element is None:
        return None
    for child in element:
        if _local(child) == name:
            return child
    return None


def _children(element, name: str) -> list:
    if element is None:
        return []
    return [child for child in element if _local(child) == name]


def _text(element, name: str | None = None, *, limit: int = MAX_FIELD) -> str:
    node = _child(element, name) if name else element
    if node is None:
        return ""
    return " ".join("".join(node.itertext()).split())[:limit]


def _organ(element) -> Organ:
    return Organ(
        organ_id=_text(element, "OrganId", limit=64),
        name=_text(element, "OrganName", limit=255),
        in_charge=_text(element, "OrganizationInCharge", limit=255),
    )


def read_edxml(data: bytes) -> Package:
    """The header and attachments of an edXML package; DocumentError (Vietnamese) otherwise."""
    if not data or not data.strip():
        raise DocumentError("Tệp edXML trống.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(
            f"Tệp edXML quá lớn ({len(data) / 1048576:.1f} MB); giới hạn là {MAX_UPLOAD_BYTES // 1048576} MB."
        )
    root = _parse(data)
    message = next(root.iter("{*}MessageHeader", "MessageHeader"), None)
    if _local(root) not in ("edXML", "edXMLEnvelope") or message is None:
        raise DocumentError(
            "Tệp XML không phải gói edXML (QCVN 102:2016): không có phần edXMLEnvelope/edXMLHeader/MessageHeader."
        )
    code = _child(message, "Code")
    promulgation = _child(message, "PromulgationInfo")
    kind = _child(message, "DocumentType")
    signer = _child(message, "SignerInfo")
    other = _child(message, "OtherInfo")
    header = Header(
        sender=_organ(_child(message, "From")),
        recipients=[_organ(e) for e in _children(message, "To")][:200],
        document_id=_text(message, "DocumentId", limit=255),
        code_number=_text(code, "CodeNumber", limit=64),
        code_notation=_text(code, "CodeNotation", limit=64),
        place=_text(promulgation, "Place", limit=255),
        promulgation_date=_text(promulgation, "PromulgationDate", limit=64),
        type_code=_text(kind, "Type", limit=16),
        type_detail=_text(kind, "TypeDetail", limit=16),
        type_name=_text(kind, "TypeName", limit=255),
        subject=_text(message, "Subject"),
        content=_text(message, "Content"),
        signer_competence=_text(signer, "Competence", limit=255),
        signer_position=_text(signer, "Position", limit=255),
        signer_name=_text(signer, "FullName", limit=255),
        due_date=_text(message, "DueDate", limit=64),
        steering_type=_text(message, "SteeringType", limit=16),
        priority=_text(other, "Priority", limit=16),
        to_places=[p for p in (_text(e, limit=255) for e in _children(_child(message, "ToPlaces"), "Place")) if p][
            :200
        ],
    )
    return Package(header=header, attachments=_attachments(root))


def _manifest_names(root) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for ref in root.iter("{*}Reference", "Reference"):
        cid = _text(ref, "ContentId", limit=255)
        if cid:
            names[cid] = (_text(ref, "AttachmentName", limit=255), _text(ref, "ContentType", limit=255))
    return names


def _attachments(root) -> list[Attachment]:
    manifest = _manifest_names(root)
    found: list[Attachment] = []
    for element in root.iter("{*}Attachment", "Attachment"):
        encoded = _child(element, "ContentTransferEncoded")
        if encoded is None:
            continue
        if len(found) >= MAX_ATTACHMENTS:
            raise DocumentError(f"Gói edXML có hơn {MAX_ATTACHMENTS} tệp đính kèm; giới hạn là {MAX_ATTACHMENTS}.")
        cid = _text(element, "ContentId", limit=255)
        listed_name, listed_type = manifest.get(cid, ("", ""))
        name = _text(element, "AttachmentName", limit=255) or listed_name or _text(element, "Description", limit=255)
        name = PurePath(name.replace("\\", "/")).name or f"tep-dinh-kem-{len(found) + 1}"
        content_type = _text(element, "ContentType", limit=255) or listed_type
        data = _decode(encoded, name)
        name, data = _unwrap_zip(name, content_type, data)
        found.append(
            Attachment(
                name=name, data=data, content_type=content_type, description=_text(element, "Description", limit=255)
            )
        )
    return found


def _decode(element, name: str) -> bytes:
    if len(element):
        raise DocumentError(f"Tệp đính kèm “{name}” trong gói edXML không đúng kiểu: cần nội dung base64.")
    raw = re.sub(r"\s+", "", element.text or "")
    if len(raw) > (MAX_UPLOAD_BYTES * 4) // 3 + 8:
        raise DocumentError(
            f"Tệp đính kèm “{name}” trong gói edXML quá lớn; giới hạn là {MAX_UPLOAD_BYTES // 1048576} MB."
        )
    try:
        data = base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentError(
            f"Tệp đính kèm “{name}” trong gói edXML không giải mã được (nội dung base64 bị hỏng)."
        ) from None
    if not data:
        raise DocumentError(f"Tệp đính kèm “{name}” trong gói edXML trống.")
    return data


def _unwrap_zip(name: str, content_type: str, data: bytes) -> tuple[str, bytes]:
    """A zip that holds one file (as VXP sends attachments) -> that file; .docx and .xlsx, which
    are zips too, are left as they are."""
    if not data.startswith(b"PK\x03\x04"):
        return name, data
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        return name, data
    with zf:
        names = zf.namelist()
        if any(n in names for n in ("word/document.xml", "xl/workbook.xml", "[Content_Types].xml")):
            return name, data
        files = [i for i in zf.infolist() if not i.is_dir()]
        if len(files) != 1:
            raise DocumentError(
                f"Tệp đính kèm “{name}” là tệp nén nhiều tệp; hãy gửi riêng văn bản (.pdf, .docx, .doc, .txt)."
            )
        check_zip(zf, what=f"Tệp đính kèm “{name}”", max_unpacked=MAX_UPLOAD_BYTES)
        try:
            inner = zf.read(files[0])
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise DocumentError(f"Tệp đính kèm “{name}” là tệp nén bị hỏng.") from None
    inner_name = PurePath(files[0].filename.replace("\\", "/")).name
    if PurePath(inner_name).suffix:
        name = inner_name if not PurePath(name).suffix or content_type.endswith("zip") else name
    return name, inner


# -- writing ----------------------------------------------------------------------------------------


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: str) -> str:
    """Text an XML 1.0 document may hold (control characters dropped)."""
    return _NOT_XML.sub("", value or "")


def write_edxml(header: Header, attachments: list[Attachment]) -> bytes:
    """An edXML package: the envelope (header, manifest) and the attachments in base64, in the
    layout of the national exchange platform's packages (see the module docstring). Optional
    fields left empty are left out; the ones the standard's packages always carry are written
    even when empty."""
    from lxml import etree

    def node(parent, name: str):
        return etree.SubElement(parent, f"{{{NS}}}{name}")

    def leaf(parent, name: str, text: str, *, required: bool = False) -> None:
        if text or required:
            node(parent, name).text = _xml_text(text)

    def organ(parent, name: str, o: Organ) -> None:
        element = node(parent, name)
        leaf(element, "OrganId", o.organ_id, required=True)
        leaf(element, "OrganizationInCharge", o.in_charge or o.name)
        leaf(element, "OrganName", o.name, required=True)

    root = etree.Element(f"{{{NS}}}edXML", nsmap={None: NS})
    envelope = node(root, "edXMLEnvelope")
    message = node(node(envelope, "edXMLHeader"), "MessageHeader")
    organ(message, "From", header.sender)
    for recipient in header.recipients:
        organ(message, "To", recipient)
    leaf(message, "DocumentId", header.document_id)
    code = node(message, "Code")
    leaf(code, "CodeNumber", header.code_number, required=True)
    leaf(code, "CodeNotation", header.code_notation, required=True)
    promulgation = node(message, "PromulgationInfo")
    leaf(promulgation, "Place", header.place, required=True)
    leaf(promulgation, "PromulgationDate", header.promulgation_date, required=True)
    kind = node(message, "DocumentType")
    leaf(kind, "Type", header.type_code, required=True)
    leaf(kind, "TypeDetail", header.type_detail)
    leaf(kind, "TypeName", header.type_name, required=True)
    leaf(message, "Subject", header.subject, required=True)
    leaf(message, "Content", header.content)
    signer = node(message, "SignerInfo")
    leaf(signer, "Competence", header.signer_competence)
    leaf(signer, "Position", header.signer_position)
    leaf(signer, "FullName", header.signer_name, required=True)
    leaf(message, "DueDate", header.due_date)
    if header.priority:
        leaf(node(message, "OtherInfo"), "Priority", header.priority)
    leaf(message, "SteeringType", header.steering_type)
    if header.to_places:
        places = node(message, "ToPlaces")
        for place in header.to_places:
            leaf(places, "Place", place, required=True)
    manifest = node(node(envelope, "edXMLBody"), "edXMLManifest")
    manifest.set("version", "1.0")
    ids = [f"cid:{n}" for n in range(1, len(attachments) + 1)]
    for cid, attachment in zip(ids, attachments, strict=True):
        ref = node(manifest, "Reference")
        leaf(ref, "ContentId", cid, required=True)
        leaf(ref, "ContentType", attachment.content_type or "application/octet-stream", required=True)
        leaf(ref, "Description", attachment.description)
        leaf(ref, "AttachmentName", attachment.name, required=True)
    encoded = node(root, "AttachmentEncoded")
    for cid, attachment in zip(ids, attachments, strict=True):
        item = node(encoded, "Attachment")
        leaf(item, "ContentId", cid, required=True)
        leaf(item, "AttachmentName", attachment.name, required=True)
        leaf(item, "Description", attachment.description or attachment.name)
        leaf(item, "ContentType", attachment.content_type or "application/octet-stream", required=True)
        leaf(item, "ContentTransferEncoded", base64.b64encode(attachment.data).decode(), required=True)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
