"""Task tables from Excel (.xlsx): columns found by their headers, the same review and service as
every import, refusals of hostile workbooks, and an exported table that re-imports to the same
tasks (issue 16)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from directives import models
from directives.documents import DocumentError
from directives.documents.spreadsheet import read_xlsx
from directives.importing import services
from directives.importing.drafts import draft_from_contract
from directives.importing.sources import read_source
from directives.importing.tables import (
    TABLE_HEADERS,
    column_role,
    read_deadline,
    read_progress,
    split_bodies,
    table_contract,
)
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory
from tests.importing.test_import_web import IMPORT, REVIEW, review_data

pytestmark = pytest.mark.django_db


def workbook(rows: list[list], *, title: str = "Phụ lục", before=None) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    if before:
        before(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


#: A plan's annex as a province keeps it: title rows, a two-level header, a row numbering the
#: columns, sections in Roman numerals, dates, periods and phrases as deadlines.
PLAN_ROWS = [
    ["ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI"],
    ["DANH MỤC NHIỆM VỤ"],
    ["(Kèm theo Kế hoạch số 1627/KH-UBND ngày 10/5/2025 của Ủy ban nhân dân tỉnh Quảng Ngãi)"],
    [],
    [
        "STT",
        "Nội dung nhiệm vụ",
        "Cơ quan thực hiện",
        None,
        "Thời gian hoàn thành",
        "Tình hình thực hiện",
        "Tiến độ (%)",
    ],
    [None, None, "Chủ trì", "Phối hợp"],
    ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)"],
    ["I", "CHUYỂN ĐỔI SỐ"],
    [
        1,
        "Xây dựng cơ sở dữ liệu cán bộ, công chức",
        "Sở Nội vụ",
        "Sở Tài chính, Sở Khoa học và Công nghệ",
        "Quý IV/2025",
        "Đang thực hiện",
        "40%",
    ],
    [2, "Nâng cấp cổng dịch vụ công của tỉnh", "Sở Khoa học và Công nghệ", None, datetime(2025, 11, 30), None, 50],
    [None, "Đào tạo kỹ năng số cho cán bộ cấp xã", "UBND các huyện, thị xã, thành phố", None, "Thường xuyên"],
    ["II. CẢI CÁCH HÀNH CHÍNH"],
    ["1", "Rà soát, đơn giản hóa thủ tục hành chính", "Văn phòng UBND tỉnh", "Sở Nội vụ\nSở Tư pháp", "30/06/2025"],
    ["a)", "Rà soát thủ tục lĩnh vực đất đai", "Sở Nông nghiệp và Môi trường", None, "trước ngày 15/8/2025"],
    ["Ghi chú: các cơ quan báo cáo kết quả trước ngày 20 hằng tháng."],
]


def plan_contract() -> dict:
    return table_contract(read_xlsx(workbook(PLAN_ROWS)), filename="phu-luc.xlsx", today=date(2025, 6, 1)).contract


# -- mapping ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "role"),
    [
        ("TT", "number"),
        ("S.TT", "number"),
        ("Số thứ tự", "number"),
        ("NHIỆM VỤ", "task"),
        ("Nội dung công việc", "task"),
        ("noi dung", "task"),
        ("Cơ quan chủ trì", "lead"),
        ("Đơn vị chủ trì", "lead"),
        ("Đơn vị thực hiện", "lead"),
        ("CƠ QUAN PHỐI HỢP", "support"),
        ("Thời hạn", "deadline"),
        ("Thời gian hoàn thành", "deadline"),
        ("Trạng thái", "status"),
        ("Tình hình thực hiện", "status"),
        ("Tiến độ (%)", "progress"),
        ("Tỷ lệ hoàn thành", "progress"),
        ("Sản phẩm", None),
        ("Ghi chú", None),
    ],
)
def test_columns_are_found_by_their_vietnamese_headers_whatever_the_case_and_accents(header, role):
    assert column_role(header) == role


def test_a_plan_annex_maps_to_the_parsers_contract():
    contract = plan_contract()
    assert contract["document"]["number"] == "1627/KH-UBND"
    assert contract["document"]["kind"] == "Kế hoạch"
    assert contract["document"]["issuer"] == "Ủy ban nhân dân tỉnh Quảng Ngãi"
    assert contract["document"]["issued_on"] == "2025-05-10"
    assert "DANH MỤC NHIỆM VỤ" in contract["document"]["title"]
    tasks = {t["ref"]: t for t in contract["tasks"]}
    assert list(tasks) == ["I", "I.1", "I.2", "I.2.1", "II", "II.1", "II.1.a"]
    first = tasks["I.1"]
    assert first["text"] == "Xây dựng cơ sở dữ liệu cán bộ, công chức"
    assert first["lead"] == ["Sở Nội vụ"]
    assert first["support"] == ["Sở Tài chính", "Sở Khoa học và Công nghệ"]  # split at commas between names
    assert (first["due"], first["due_period"]) == ("2025-12-31", "Quý IV/2025")
    assert first["reported"] == {"status": "Đang thực hiện", "progress": 40}
    assert tasks["I.2"]["due"] == "2025-11-30" and tasks["I.2"]["reported"] == {"status": "", "progress": 50}
    assert tasks["I.2.1"]["lead"] == ["UBND các huyện, thị xã, thành phố"]  # a name with commas kept whole
    assert tasks["I.2.1"]["due"] is None  # "Thường xuyên": no deadline
    assert tasks["II"]["text"] == "CẢI CÁCH HÀNH CHÍNH"  # a heading written in the number cell
    assert tasks["II.1"]["support"] == ["Sở Nội vụ", "Sở Tư pháp"]
    assert tasks["II.1"]["due"] == "2025-06-30"
    assert tasks["II.1.a"]["due"] == "2025-08-15"
    draft = draft_from_contract(contract)  # the draft the review and the service take
    assert [t.parent_ref for t in draft.tasks] == [None, "I", "I", "I.2", None, "II", "II.1"]
    assert draft.tasks[1].due_period == "2025Q4"


def test_the_header_row_is_found_below_title_rows_and_in_any_column_order():
    data = workbook(
        [
            ["BẢNG THEO DÕI"],
            [],
            [None, "Thời hạn", "Đơn vị chủ trì", "Nhiệm vụ"],
            [None, "năm 2026", "Sở Tài chính", "Lập dự toán"],
        ]
    )
    contract = table_contract(read_xlsx(data)).contract
    (task,) = contract["tasks"]
    assert (task["ref"], task["text"], task["lead"], task["due"]) == (
        "1",
        "Lập dự toán",
        ["Sở Tài chính"],
        "2026-12-31",
    )


def test_a_workbook_without_a_task_table_is_refused_clearly():
    with pytest.raises(DocumentError, match="Không tìm thấy bảng nhiệm vụ"):
        table_contract(read_xlsx(workbook([["Họ tên", "Ngày sinh"], ["Nguyễn Văn A", "1/1/1990"]])))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime(2025, 3, 31), (date(2025, 3, 31), "")),
        ("31/03/2025", (date(2025, 3, 31), "")),
        ("2025-03-31", (date(2025, 3, 31), "")),
        ("Quý IV/2025", (date(2025, 12, 31), "Quý IV/2025")),
        ("6 tháng đầu năm 2025", (date(2025, 6, 30), "6 tháng đầu năm 2025")),
        (2026, (date(2026, 12, 31), "Năm 2026")),
        ("trước ngày 15/8/2025", (date(2025, 8, 15), "")),
        ("31/02/2025", (None, "")),
        ("Thường xuyên", (None, "")),
    ],
)
def test_deadline_cells_are_read_as_dates_periods_or_phrases(value, expected):
    due, label, _understood = read_deadline(value, context_year=2025)
    assert (due, label) == expected


def test_progress_and_bodies_are_read_from_their_cells():
    assert [read_progress(v) for v in (40, "40%", "40,5 %", 0.4, 140, "xong", None)] == [
        40,
        40,
        40,
        40,
        None,
        None,
        None,
    ]
    assert split_bodies("- Sở Nội vụ;\n- Sở Tài chính") == ["Sở Nội vụ", "Sở Tài chính"]
    assert split_bodies("Các sở, ban, ngành") == ["Các sở, ban, ngành"]


def test_a_percentage_cell_is_read_as_the_sheet_shows_it():
    def percent(ws):
        ws["C2"].number_format = "0%"

    data = workbook([["Nhiệm vụ", "Thời hạn", "Tiến độ"], ["Việc A", "30/6/2025", 0.75]], before=percent)
    (task,) = table_contract(read_xlsx(data)).contract["tasks"]
    assert task["reported"]["progress"] == 75


# -- hostile or wrong files -------------------------------------------------------------------------


def test_a_zip_bomb_is_refused_before_openpyxl_sees_it(monkeypatch):
    data = workbook([["Nhiệm vụ", "Thời hạn"], ["Việc", "30/6/2025"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            bomb.writestr(info, source.read(info))
        bomb.writestr("xl/media/padding.xml", b"<a>" + b" " * 40_000_000 + b"</a>")

    def no_openpyxl(*args, **kwargs):
        raise AssertionError("opened before the sizes were checked")

    monkeypatch.setattr("openpyxl.load_workbook", no_openpyxl)
    with pytest.raises(DocumentError, match="zip bomb"):
        read_xlsx(out.getvalue())


def test_a_workbook_whose_xml_declares_entities_is_refused():
    data = workbook([["Nhiệm vụ", "Thời hạn"], ["Việc", "30/6/2025"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as evil:
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                doctype = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                head, _, rest = part.partition(b"?>") if part.startswith(b"<?xml") else (b"", b"", part)
                part = head + _ + doctype + rest
            evil.writestr(info, part)
    with pytest.raises(DocumentError, match="DOCTYPE/ENTITY"):
        read_xlsx(out.getvalue())


def test_a_sheet_longer_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr("directives.documents.spreadsheet.MAX_ROWS", 50)
    data = workbook([["Nhiệm vụ", "Thời hạn"], *([f"Việc {i}", "30/6/2025"] for i in range(60))])
    with pytest.raises(DocumentError, match="hơn 50 dòng"):
        read_xlsx(data)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        ("hong.xlsx", b"PK\x03\x04 not really a zip", "bị hỏng"),
        ("rong.xlsx", b"", "trống"),
    ],
)
def test_old_broken_or_empty_workbooks_get_a_clear_message(name, data, message):
    with pytest.raises(DocumentError, match=message):
        read_source(name, data)


# -- export and round trip ---------------------------------------------------------------------------


@pytest.fixture
def staff(client):
    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def directive(db):
    home = OrganizationFactory(name="Sở Nội vụ")
    finance = OrganizationFactory(name="Sở Tài chính")
    justice = OrganizationFactory(name="Sở Tư pháp")
    plan = DirectiveFactory(
        kind=models.Directive.Kind.KE_HOACH,
        number="1627/KH-UBND",
        title="Triển khai chuyển đổi số năm 2025",
        issuer=OrganizationFactory(name="Ủy ban nhân dân tỉnh Quảng Ngãi"),
        issued_on=date(2025, 5, 10),
    )
    section = TaskFactory(
        directive=plan, path="I", position=1, text="CHUYỂN ĐỔI SỐ", lead=None, deadline=None, deadline_period=""
    )
    first = TaskFactory(
        directive=plan,
        path="I.1",
        position=2,
        parent=section,
        text="=Xây dựng CSDL cán bộ\n(giai đoạn 1)",
        lead=home,
        deadline=date(2025, 12, 31),
        deadline_period="2025Q4",
        progress=40,
    )
    first.supporters.set([finance, justice])
    TaskFactory(
        directive=plan,
        path="I.1.(2)",
        position=3,
        parent=first,
        text="Số hóa hồ sơ",
        lead=finance,
        deadline=date(2025, 11, 30),
        deadline_period="",
    )
    TaskFactory(
        directive=plan,
        path="a",
        position=4,
        text="Việc không có thời hạn",
        lead=justice,
        deadline=None,
        deadline_period="",
    )
    return plan


@pytest.fixture
def reader(client, directive):
    """A member of the issuing organization: he may read the directive and its tasks."""
    user = MembershipFactory(organization=directive.issuer, role=models.Membership.Role.MANAGER).user
    client.force_login(user)
    return user


def task_shape(directive) -> list[tuple]:
    return [
        (
            t.path,
            t.text,
            t.parent.path if t.parent else None,
            t.lead.name if t.lead else None,
            sorted(o.name for o in t.supporters.all()),
            t.deadline,
            t.deadline_period,
        )
        for t in directive.tasks.order_by("position")
    ]


def test_the_exported_table_has_exactly_the_interchange_columns(client, reader, directive):
    response = client.get(reverse("directives:directive_tasks_xlsx", args=[directive.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('1627-KH-UBND-nhiem-vu.xlsx"')
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    header_row = next(i for i, r in enumerate(rows) if r[0] == "TT")
    assert rows[header_row] == list(TABLE_HEADERS.values())
    assert ws.freeze_panes == f"A{header_row + 2}" and ws.page_setup.orientation == "landscape"  # the shared styling
    data = {r[0]: r for r in rows[header_row + 1 :]}
    assert data["I.1"][4] == "Quý IV/2025"  # a period stays a period
    assert data["I.1.(2)"][4] == datetime(2025, 11, 30)
    assert data["I.1"][3] == "Sở Tài chính; Sở Tư pháp" and data["I.1"][6] == 40
    first = next(i for i, r in enumerate(rows) if r[0] == "I.1") + 1
    assert ws.cell(first, 2).value.startswith("=") and ws.cell(first, 2).quotePrefix  # text, never a formula


def test_a_directive_another_body_cannot_see_is_not_exported(client, directive):
    client.force_login(MembershipFactory(role=models.Membership.Role.MANAGER).user)
    assert client.get(reverse("directives:directive_tasks_xlsx", args=[directive.pk])).status_code == 404


def test_an_exported_table_reimports_to_the_same_tasks(client, reader, directive):
    content = client.get(reverse("directives:directive_tasks_xlsx", args=[directive.pk])).content
    models.Directive.objects.filter(pk=directive.pk).update(number="1627-cu/KH-UBND")  # room for the copy
    source = read_source("bang.xlsx", content)
    draft = draft_from_contract(source.contract, source_text=source.source_text)
    assert (draft.number, draft.issued_on, draft.kind) == ("1627/KH-UBND", date(2025, 5, 10), "ke_hoach")
    assert draft.title == "Triển khai chuyển đổi số năm 2025"
    copy = services.directive_import(
        draft=draft, actor=reader, organizations=services.draft_organizations(draft), create_missing_bodies=False
    ).directive
    assert copy.pk != directive.pk and copy.issuer == directive.issuer
    assert task_shape(copy) == task_shape(directive)


# -- the web upload and the commands -------------------------------------------------------------------


def upload(client, data: bytes, name: str):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_an_uploaded_table_goes_through_the_same_review_and_is_written_on_confirm(client, staff):
    home = OrganizationFactory(name="Sở Nội vụ")
    response = upload(client, workbook(PLAN_ROWS), "phu-luc.xlsx")
    assert response.status_code == 302 and response.url == REVIEW
    assert models.Directive.objects.count() == 0
    review = client.get(REVIEW)
    html = review.content.decode()
    assert "Bảng nhiệm vụ từ tệp Excel" in html and "Phụ lục" in html  # the sheet it was read from
    assert "Trong tệp (không nhập):" in html and "Đang thực hiện · 40%" in html
    assert "không được nhập" in html  # the note on status and progress
    data = review_data(review)
    assert data["meta-number"] == "1627/KH-UBND"
    assert data["tasks-TOTAL_FORMS"] == 7
    assert data["tasks-1-lead"] == str(home.pk)
    assert client.post(REVIEW, data).status_code == 302
    directive = models.Directive.objects.get(number="1627/KH-UBND")
    task = directive.tasks.get(path="I.1")
    assert (task.lead, task.deadline, task.deadline_period) == (home, date(2025, 12, 31), "2025Q4")
    assert (task.status, task.progress) == (models.Task.Status.NOT_STARTED, 0)  # shown, not imported
    assert "| 1 | Xây dựng cơ sở dữ liệu cán bộ" in directive.source_text


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bang.xlsx", b"PK\x03\x04 hong", "bị hỏng"),
        ("cu.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
    ],
)
def test_a_bad_workbook_upload_is_refused_on_the_form_and_nothing_is_stored(client, staff, name, data, message):
    response = upload(client, data, name)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].non_field_errors())
    assert client.get(REVIEW).status_code == 302  # no draft
    assert models.Directive.objects.count() == 0


def test_a_table_upload_keeps_the_import_services_refusals(client):
    own = OrganizationFactory(name="Sở Nội vụ")
    other = OrganizationFactory(name="Ủy ban nhân dân tỉnh Quảng Ngãi")
    reporter = MembershipFactory(organization=own, role=models.Membership.Role.REPORTER).user
    client.force_login(reporter)
    assert upload(client, workbook(PLAN_ROWS), "phu-luc.xlsx").status_code == 403
    manager = MembershipFactory(organization=own, role=models.Membership.Role.MANAGER).user
    client.force_login(manager)
    assert upload(client, workbook(PLAN_ROWS), "phu-luc.xlsx").status_code == 302
    data = review_data(client.get(REVIEW))
    data["meta-issuer"] = str(other.pk)  # not an organization he manages
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert "Cơ quan ban hành phải là đơn vị bạn quản lý." in response.content.decode()
    assert models.Directive.objects.count() == 0


def test_parse_directive_prints_a_tables_contract_and_import_directive_writes_it(tmp_path, db):
    path = tmp_path / "phu-luc.xlsx"
    path.write_bytes(workbook(PLAN_ROWS))
    out, err = StringIO(), StringIO()
    call_command("parse_directive", str(path), "--json", stdout=out, stderr=err)
    data = json.loads(out.getvalue())
    assert data["document"]["number"] == "1627/KH-UBND" and len(data["tasks"]) == 7
    assert "Thường xuyên" in err.getvalue()  # the unread deadline, noted on stderr
    call_command("import_directive", str(path), stdout=StringIO(), stderr=StringIO())
    directive = models.Directive.objects.get(number="1627/KH-UBND")
    assert directive.tasks.count() == 7
    assert directive.tasks.get(path="II.1").supporters.count() == 2
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 hong")
    with pytest.raises(CommandError, match="bị hỏng"):
        call_command("import_directive", str(broken), stdout=StringIO(), stderr=StringIO())
