"""edXML packages (QCVN 102:2016): the header onto the directive's metadata, the attachment through
the document readers and the parser, disagreements shown on the review, hostile packages refused
with nothing stored, and a directive written back out as edXML that re-imports (issue 16).

The packages are built here from the standard's published structure (namespace, envelope,
header, body, base64 attachments), not with the writer under test.
"""

# ruff: noqa: E501 - the test packages keep an element of the standard on one line

from __future__ import annotations

import base64
import io
import zipfile
from datetime import date
from io import StringIO
from xml.sax.saxutils import escape

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from directives import models
from directives.documents import DocumentError
from directives.documents.edxml import read_edxml
from directives.importing import services
from directives.importing.drafts import draft_from_contract
from directives.importing.edxml import join_code, signer_label, signer_parts, split_code
from directives.importing.sources import read_source
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.importing.test_import_web import IMPORT, REVIEW, SAMPLE, review_data

pytestmark = pytest.mark.django_db

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"


def attachment_xml(name: str, data: bytes, content_type: str = "application/octet-stream", cid: str = "cid:1") -> str:
    return (
        f"<Attachment><ContentId>{cid}</ContentId><AttachmentName>{escape(name)}</AttachmentName>"
        f"<ContentType>{content_type}</ContentType>"
        f"<ContentTransferEncoded>{base64.b64encode(data).decode()}</ContentTransferEncoded></Attachment>"
    )


def package(
    *,
    attachments: list[str] = (),
    in_body: bool = False,
    number: str = "412",
    notation: str = "TB/BTCTW",
    date_: str = "2022/03/15",
    subject: str = "Kết luận Hội nghị giao ban công tác tổ chức xây dựng Đảng Quý I năm 2022",
    sender: str = "Ban Tổ chức Trung ương",
    type_name: str = "Thông báo",
    due: str = "",
    prolog: str = "",
) -> bytes:
    """An edXML package as the standard lays it out; attachments in edXMLBody (`in_body`) or in
    AttachmentEncoded beside the envelope (as the national exchange platform sends them)."""
    body_attachments = "".join(attachments) if in_body else ""
    outer = "" if in_body else f"<AttachmentEncoded>{''.join(attachments)}</AttachmentEncoded>"
    return f"""<?xml version="1.0" encoding="UTF-8"?>{prolog}
<edXML xmlns="{NS}">
 <edXML:edXMLEnvelope xmlns:edXML="{NS}">
  <edXML:edXMLHeader>
   <edXML:MessageHeader>
    <edXML:From><edXML:OrganId>000.00.01.A05</edXML:OrganId><edXML:OrganName>{sender}</edXML:OrganName></edXML:From>
    <edXML:To><edXML:OrganId>000.00.12.H48</edXML:OrganId><edXML:OrganName>Bộ Nội vụ</edXML:OrganName></edXML:To>
    <edXML:DocumentId>000.00.01.A05,2022/03/15,412-TB/BTCTW</edXML:DocumentId>
    <edXML:Code><edXML:CodeNumber>{number}</edXML:CodeNumber><edXML:CodeNotation>{notation}</edXML:CodeNotation></edXML:Code>
    <edXML:PromulgationInfo><edXML:Place>Hà Nội</edXML:Place><edXML:PromulgationDate>{date_}</edXML:PromulgationDate></edXML:PromulgationInfo>
    <edXML:DocumentType><edXML:Type>1</edXML:Type><edXML:TypeName>{type_name}</edXML:TypeName></edXML:DocumentType>
    <edXML:Subject>{subject}</edXML:Subject>
    <edXML:Content>{subject}</edXML:Content>
    <edXML:SignerInfo><edXML:Competence>KT. TRƯỞNG BAN</edXML:Competence><edXML:Position>PHÓ TRƯỞNG BAN</edXML:Position><edXML:FullName>Mai Văn Chính</edXML:FullName></edXML:SignerInfo>
    {f"<edXML:DueDate>{due}</edXML:DueDate>" if due else ""}
    <edXML:SteeringType>1</edXML:SteeringType>
    <edXML:ToPlaces><edXML:Place>Bộ Nội vụ</edXML:Place><edXML:Place>Tỉnh ủy Quảng Ngãi</edXML:Place></edXML:ToPlaces>
   </edXML:MessageHeader>
  </edXML:edXMLHeader>
  <edXML:edXMLBody>
   <edXML:edXMLManifest version="1.0"><edXML:Reference><edXML:ContentId>cid:1</edXML:ContentId><edXML:AttachmentName>tb-412.txt</edXML:AttachmentName></edXML:Reference></edXML:edXMLManifest>
   {body_attachments}
  </edXML:edXMLBody>
 </edXML:edXMLEnvelope>
 {outer}
</edXML>""".encode()


def sample_text_attachment(text: str = SAMPLE, name: str = "tb-412.txt") -> str:
    return attachment_xml(name, text.encode("utf-8"), "text/plain")


# -- the header and the attachment -> the contract -------------------------------------------------


def test_code_and_signer_are_joined_as_printed_and_split_back():
    assert join_code("412", "TB/BTCTW") == "412-TB/BTCTW"  # a Party document
    assert join_code("74", "VPCP-TTĐT") == "74/VPCP-TTĐT"  # a state document
    assert join_code("80", "2025/NĐ-CP") == "80/2025/NĐ-CP"
    for full in ("412-TB/BTCTW", "74/VPCP-TTĐT", "80/2025/NĐ-CP", "1627/KH-UBND"):
        assert join_code(*split_code(full)) == full
    label = signer_label("Mai Văn Chính", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    assert label == "Mai Văn Chính (KT. TRƯỞNG BAN, PHÓ TRƯỞNG BAN)"
    assert signer_parts(label) == ("Mai Văn Chính", "KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN")
    assert signer_parts("Nguyễn Văn An") == ("Nguyễn Văn An", "", "")


@pytest.mark.parametrize("in_body", [False, True])
def test_the_header_fills_the_metadata_and_the_attachment_gives_the_tasks(in_body):
    source = read_source("tb.edxml", package(attachments=[sample_text_attachment()], in_body=in_body))
    doc = source.contract["document"]
    assert doc["number"] == "412-TB/BTCTW"
    assert doc["issuer"] == "Ban Tổ chức Trung ương"
    assert doc["issued_on"] == "2022-03-15"
    assert doc["kind"] == "Thông báo"
    assert doc["signer"] == "Mai Văn Chính (KT. TRƯỞNG BAN, PHÓ TRƯỞNG BAN)"
    assert [t["ref"] for t in source.contract["tasks"]] == ["II.1", "II.2", "II.3"]  # parsed from the attachment
    assert source.contract["references"] and source.contract["figures"]
    assert source.source_text.startswith("BAN TỔ CHỨC TRUNG ƯƠNG")
    review = source.review
    assert review["format"] == "edxml" and review["disagreements"] == []
    facts = dict(map(tuple, review["facts"]))
    assert facts["Nơi, ngày ban hành"] == "Hà Nội, 2022/03/15"
    assert facts["Loại chỉ đạo (SteeringType)"] == "1"
    assert "tb-412.txt" in facts["Tệp đính kèm"]
    assert review["candidates"] == ["Bộ Nội vụ", "Tỉnh ủy Quảng Ngãi"]
    draft = draft_from_contract(source.contract, source_text=source.source_text)
    assert (draft.kind, draft.number, draft.issued_on) == ("thong_bao", "412-TB/BTCTW", date(2022, 3, 15))


def test_where_header_and_text_disagree_the_header_wins_and_the_review_says_so():
    source = read_source(
        "tb.edxml",
        package(attachments=[sample_text_attachment()], number="413", date_="2022/03/16", subject="Một trích yếu khác"),
    )
    assert source.contract["document"]["number"] == "413-TB/BTCTW"
    disagreements = " ".join(source.review["disagreements"])
    assert "Số hiệu: tiêu đề edXML ghi “413-TB/BTCTW”, văn bản đính kèm ghi “412-TB/BTCTW”" in disagreements
    assert "Ngày ban hành: tiêu đề edXML ghi “16/03/2022”, văn bản đính kèm ghi “15/03/2022”" in disagreements
    assert "Trích yếu" in disagreements
    assert "Cơ quan ban hành" not in disagreements  # "Ban Tổ chức Trung ương" both ways


def docx_bytes(lines: list[str]) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_docx_attachment_zipped_as_the_exchange_platform_sends_it_is_read():
    inner = docx_bytes(SAMPLE.splitlines())
    wrapped = io.BytesIO()
    with zipfile.ZipFile(wrapped, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("3f1c2a.docx", inner)
    source = read_source(
        "tb.edxml", package(attachments=[attachment_xml("tb-412.docx", wrapped.getvalue(), "application/zip")])
    )
    assert len(source.contract["tasks"]) == 3


def test_the_due_date_becomes_the_deadline_of_tasks_that_state_none():
    text = SAMPLE.replace(", hoàn thành trong năm 2022", "")
    source = read_source("tb.edxml", package(attachments=[sample_text_attachment(text)], due="2022/12/15"))
    tasks = {t["ref"]: t for t in source.contract["tasks"]}
    assert tasks["II.1"]["due"] == "2022-06-30"  # its own deadline is kept
    assert tasks["II.3"]["due"] == "2022-12-15"
    assert any("15/12/2022" in note for note in source.review["notes"])


def test_a_package_without_a_readable_attachment_still_gives_a_draft_from_its_header():
    source = read_source("tb.edxml", package(attachments=[attachment_xml("anh.exe", b"MZ\x90\x00binary")]))
    assert source.contract["document"]["number"] == "412-TB/BTCTW"
    assert source.contract["tasks"] == []
    assert any("anh.exe" in note for note in source.review["notes"])
    assert "Số: 412-TB/BTCTW" in source.source_text  # the header as the source text


def test_a_header_date_that_is_not_a_date_is_noted_and_left_out():
    source = read_source("tb.edxml", package(attachments=[sample_text_attachment()], date_="ba mươi tháng hai"))
    assert source.contract["document"]["issued_on"] == "2022-03-15"  # from the text
    assert any("không phải một ngày" in note for note in source.review["notes"])


# -- hostile packages ---------------------------------------------------------------------------------

XXE = '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
LAUGHS = (
    '<!DOCTYPE edXML [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (package(prolog=XXE, subject="&xxe;"), "DOCTYPE/ENTITY"),
        (package(prolog=LAUGHS, subject="&d;"), "DOCTYPE/ENTITY"),
        (package(prolog=XXE).decode().encode("utf-16"), "DOCTYPE/ENTITY"),  # past a byte scan
        (
            package(
                attachments=[
                    "<Attachment><ContentId>cid:1</ContentId><AttachmentName>x.pdf</AttachmentName>"
                    "<ContentTransferEncoded>@@@ không phải base64 @@@</ContentTransferEncoded></Attachment>"
                ]
            ),
            "base64 bị hỏng",
        ),
        (
            package(
                attachments=[
                    "<Attachment><AttachmentName>x.pdf</AttachmentName>"
                    "<ContentTransferEncoded><b>QUJD</b></ContentTransferEncoded></Attachment>"
                ]
            ),
            "không đúng kiểu",
        ),
        (b"<?xml version='1.0'?><rss><channel><title>Tin</title></channel></rss>", "không phải gói edXML"),
        (b"<edXML><chua-dong>", "không phải XML hợp lệ"),
    ],
)
def test_hostile_or_wrong_packages_are_refused_with_a_clear_message(data, message):
    with pytest.raises(DocumentError, match=message):
        read_source("goi.edxml", data)


def test_a_huge_base64_attachment_is_refused_before_it_is_decoded(monkeypatch):
    monkeypatch.setattr("directives.documents.edxml.MAX_UPLOAD_BYTES", 30_000)

    def no_decode(*args, **kwargs):
        raise AssertionError("decoded before its size was checked")

    data = package(attachments=[attachment_xml("lon.pdf", b"%PDF-1.4 " + b"x" * 60_000)])
    monkeypatch.setattr("base64.b64decode", no_decode)
    with pytest.raises(DocumentError, match="quá lớn"):
        read_edxml(data)


def test_a_zipped_attachment_that_is_a_bomb_is_refused():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("van-ban.txt", b"a" * 30_000_000)
    with pytest.raises(DocumentError, match="zip bomb"):
        read_edxml(package(attachments=[attachment_xml("van-ban.zip", bomb.getvalue(), "application/zip")]))


# -- the web upload and the commands -------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


def upload(client, data: bytes, name: str = "tb-412.edxml"):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_an_uploaded_package_is_reviewed_with_its_header_and_written_on_confirm(client, staff):
    btctw = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    home = OrganizationFactory(name="Bộ Nội vụ")
    data = package(attachments=[sample_text_attachment()], number="413")
    response = upload(client, data)
    assert response.status_code == 302 and response.url == REVIEW
    assert models.Directive.objects.count() == 0
    review = client.get(REVIEW)
    html = review.content.decode()
    assert "Thông tin từ gói edXML (QCVN 102:2016)" in html
    assert "tiêu đề edXML ghi “413-TB/BTCTW”" in html  # the disagreement, above the form
    assert "có trong danh sách: Bộ Nội vụ" in html and "Tỉnh ủy Quảng Ngãi — chưa có trong danh sách" in html
    data = review_data(review)
    assert data["meta-number"] == "413-TB/BTCTW"
    assert data["meta-issuer"] == str(btctw.pk)
    assert data["meta-signer"] == "Mai Văn Chính (KT. TRƯỞNG BAN, PHÓ TRƯỞNG BAN)"
    assert client.post(REVIEW, data).status_code == 302
    directive = models.Directive.objects.get(number="413-TB/BTCTW")
    assert (directive.issuer, directive.issued_on, directive.kind) == (btctw, date(2022, 3, 15), "thong_bao")
    assert directive.tasks.count() == 3
    assert list(directive.tasks.get(path="II.1").supporters.all()) == [home]
    assert directive.source_text.startswith("BAN TỔ CHỨC TRUNG ƯƠNG")


@pytest.mark.parametrize("data", [package(prolog=XXE, subject="&xxe;"), package(prolog=LAUGHS, subject="&d;")])
def test_a_hostile_upload_is_refused_on_the_form_and_nothing_is_stored(client, staff, data):
    response = upload(client, data)
    assert response.status_code == 200
    assert "DOCTYPE/ENTITY" in " ".join(response.context["form"].non_field_errors())
    assert "root:" not in response.content.decode()  # nothing of /etc/passwd
    assert client.get(REVIEW).status_code == 302  # no draft in the session
    assert models.Directive.objects.count() == 0


def test_a_scanned_attachment_is_noted_on_the_web_instead_of_blocking_the_request(client, staff, monkeypatch):
    from directives.documents import NeedsOCR

    def scan(filename, data, *, ocr=True, progress=None):
        raise NeedsOCR("bản scan")

    monkeypatch.setattr("directives.importing.edxml.extract", scan)
    assert upload(client, package(attachments=[attachment_xml("scan.pdf", b"%PDF-1.4 scan")])).status_code == 302
    html = client.get(REVIEW).content.decode()
    assert "scan.pdf" in html and "chưa được nhận dạng chữ" in html


def test_a_package_upload_keeps_the_import_services_refusals(client):
    reporter = MembershipFactory(role=models.Membership.Role.REPORTER).user
    client.force_login(reporter)
    assert upload(client, package(attachments=[sample_text_attachment()])).status_code == 403


def test_parse_directive_and_import_directive_take_a_package(tmp_path):
    path = tmp_path / "tb-412.edxml"
    path.write_bytes(package(attachments=[sample_text_attachment()], number="413"))
    out, err = StringIO(), StringIO()
    call_command("parse_directive", str(path), "--json", stdout=out, stderr=err)
    assert '"413-TB/BTCTW"' in out.getvalue()
    assert "tiêu đề edXML ghi" in err.getvalue()
    call_command("import_directive", str(path), stdout=StringIO(), stderr=StringIO())
    assert models.Directive.objects.get(number="413-TB/BTCTW").tasks.count() == 3
    evil = tmp_path / "evil.xml"
    evil.write_bytes(package(prolog=XXE, subject="&xxe;"))
    with pytest.raises(CommandError, match="DOCTYPE/ENTITY"):
        call_command("import_directive", str(evil), stdout=StringIO(), stderr=StringIO())
    assert models.Directive.objects.count() == 1


# -- export and round trip -------------------------------------------------------------------------------


@pytest.fixture
def directive(db):
    issuer = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    home = OrganizationFactory(name="Bộ Nội vụ")
    province = OrganizationFactory(name="Tỉnh ủy Quảng Ngãi")
    text = SAMPLE.replace("Hà Nội, ngày 15", "Hà Nội, ngày 15")
    plan = DirectiveFactory(
        kind=models.Directive.Kind.THONG_BAO,
        number="412-TB/BTCTW",
        title="Kết luận Hội nghị giao ban công tác tổ chức xây dựng Đảng Quý I năm 2022",
        issuer=issuer,
        issued_on=date(2022, 3, 15),
        signer="Mai Văn Chính (KT. TRƯỞNG BAN, PHÓ TRƯỞNG BAN)",
        source_text=text,
    )
    first = TaskFactory(
        directive=plan,
        path="II.1",
        position=1,
        text="Hoàn thiện đề án (đã sửa sau khi nhập)",
        lead=home,
        deadline=date(2022, 7, 15),
        deadline_period="",
    )
    first.supporters.set([province])
    TaskFactory(
        directive=plan,
        path="II.2",
        position=2,
        text="Tổng kết công tác bảo vệ chính trị nội bộ",
        lead=province,
        deadline=date(2022, 9, 30),
        deadline_period="2022Q3",
    )
    return plan


def test_a_directive_is_written_out_as_edxml_with_its_header_and_attachments(client, directive):
    client.force_login(MembershipFactory(organization=directive.issuer, role=models.Membership.Role.REPORTER).user)
    response = client.get(reverse("directives:directive_edxml", args=[directive.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('412-TB-BTCTW.edxml"')
    package_ = read_edxml(response.content)
    h = package_.header
    assert (h.code_number, h.code_notation) == ("412", "TB/BTCTW")
    assert (h.place, h.promulgation_date) == ("Hà Nội", "2022/03/15")
    assert (h.sender.name, h.type_name, h.subject) == ("Ban Tổ chức Trung ương", "Thông báo", directive.title)
    assert (h.signer_competence, h.signer_position, h.signer_name) == (
        "KT. TRƯỞNG BAN",
        "PHÓ TRƯỞNG BAN",
        "Mai Văn Chính",
    )
    assert h.to_places == ["Bộ Nội vụ", "Tỉnh ủy Quảng Ngãi"]
    names = [a.name for a in package_.attachments]
    assert names == ["412-TB-BTCTW.txt", "412-TB-BTCTW-nhiem-vu.xlsx"]
    assert package_.attachments[0].data.decode("utf-8") == directive.source_text
    assert f'xmlns="{NS}"'.encode() in response.content
    other = MembershipFactory(role=models.Membership.Role.MANAGER).user  # another body: not his to read
    client.force_login(other)
    assert client.get(reverse("directives:directive_edxml", args=[directive.pk])).status_code == 404


def test_an_exported_package_reimports_to_the_same_directive_and_tasks(client, directive):
    reader = MembershipFactory(organization=directive.issuer, role=models.Membership.Role.MANAGER).user
    client.force_login(reader)
    content = client.get(reverse("directives:directive_edxml", args=[directive.pk])).content
    models.Directive.objects.filter(pk=directive.pk).update(number="412-cu/BTCTW")  # room for the copy
    source = read_source("412.edxml", content)
    assert source.review["disagreements"] == []
    draft = draft_from_contract(source.contract, source_text=source.source_text)
    copy = services.directive_import(
        draft=draft, actor=reader, organizations=services.draft_organizations(draft), create_missing_bodies=False
    ).directive
    fields = ("kind", "title", "issuer_id", "issued_on", "signer", "source_text")
    assert [getattr(copy, f) for f in fields] == [getattr(directive, f) for f in fields]
    assert copy.number == "412-TB/BTCTW"

    def shape(d):
        return [
            (t.path, t.text, t.lead_id, sorted(o.pk for o in t.supporters.all()), t.deadline, t.deadline_period)
            for t in d.tasks.order_by("position")
        ]

    assert shape(copy) == shape(directive)  # from the attached task table, edits included
