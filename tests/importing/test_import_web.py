"""The web import flow: paste or upload → review → confirm; nothing is written before confirming."""

# ruff: noqa: E501 - the sample directive keeps its real line lengths

from __future__ import annotations

import io
import unicodedata
from datetime import date

import docx
import pytest
from django.urls import reverse

from directives import models
from tests.factories import MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

SAMPLE = """BAN TỔ CHỨC TRUNG ƯƠNG
Số 412-TB/BTCTW
Hà Nội, ngày 15 tháng 3 năm 2022

THÔNG BÁO
Kết luận Hội nghị giao ban công tác tổ chức xây dựng Đảng Quý I năm 2022

I. KẾT QUẢ
Đã hoàn thành 19/28 đề án trình Bộ Chính trị, đạt 67,8%. Thực hiện Quy định số 24-QĐ/TW, ngày 30/7/2021 của Ban Chấp hành Trung ương.

II. NHIỆM VỤ TRỌNG TÂM
1. Hoàn thiện đề án sắp xếp tổ chức bộ máy, hoàn thành trước ngày 30/6/2022. Vụ Tổ chức - Điều lệ chủ trì, phối hợp với Bộ Nội vụ thực hiện.
2. Tổng kết công tác bảo vệ chính trị nội bộ, hoàn thành trong Quý III/2022. Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi chủ trì.
3. Rà soát quy hoạch cán bộ lãnh đạo, quản lý nhiệm kỳ 2025 - 2030, hoàn thành trong năm 2022.

Nơi nhận:
- Như trên,
- Lưu VP.
K/T TRƯỞNG BAN
PHÓ TRƯỞNG BAN
Mai Văn Chính
"""

IMPORT = reverse("directives:import")
REVIEW = reverse("directives:import_review")


@pytest.fixture
def staff(client):
    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


@pytest.fixture
def bodies():
    return {
        "btctw": OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW"),
        "bnv": OrganizationFactory(name="Bộ Nội vụ", short_name="BNV"),
        "tcdl": OrganizationFactory(name="Vụ Tổ chức - Điều lệ"),
    }


def _value(bound):
    value = bound.value()
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if value is None:
        return ""
    return value


def review_data(response) -> dict:
    """The review page's forms as the browser would post them unchanged."""
    data: dict = {"confirm": "1"}
    ctx = response.context
    forms = [ctx["meta"]]
    for name in ("tasks", "figures", "references"):
        formset = ctx[name]
        for field in formset.management_form:
            data[field.html_name] = _value(field)
        forms += list(formset.forms)
    for form in forms:
        for bound in form:
            value = _value(bound)
            if isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            else:
                data[bound.html_name] = value
    return data


def paste(client, text=SAMPLE):
    return client.post(IMPORT, {"text": text})


def test_pasted_text_goes_to_review_and_is_written_only_on_confirm(client, staff, bodies):
    response = paste(client)
    assert response.status_code == 302 and response.url == REVIEW
    assert models.Directive.objects.count() == 0

    review = client.get(REVIEW)
    assert review.status_code == 200
    assert models.Directive.objects.count() == 0
    data = review_data(review)
    assert data["meta-number"] == "412-TB/BTCTW"
    assert data["tasks-TOTAL_FORMS"] == 3
    assert data["tasks-0-support"] == [str(bodies["bnv"].pk)]  # matched by name
    assert data["tasks-1-new_bodies"] == "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi"  # unknown: offered

    data["meta-issuer"] = str(bodies["btctw"].pk)
    data["tasks-0-text"] = "Hoàn thiện đề án sắp xếp tổ chức bộ máy (đã sửa)."
    data["tasks-0-lead"] = str(bodies["tcdl"].pk)
    data["tasks-0-due"] = "15/07/2022"
    data.pop("tasks-2-include")  # drop the third task
    response = client.post(REVIEW, data)
    assert response.status_code == 302, response.context and response.context["meta"].errors

    directive = models.Directive.objects.get(number="412-TB/BTCTW")
    assert directive.issuer == bodies["btctw"]
    assert directive.created_by == staff
    assert directive.source_text == SAMPLE.strip()
    assert response.url in {
        f"/directives/{directive.pk}/",
        reverse("admin:directives_directive_change", args=[directive.pk]),
    }
    tasks = {t.path: t for t in directive.tasks.all()}
    assert set(tasks) == {"II.1", "II.2"}
    assert tasks["II.1"].text.endswith("(đã sửa).")
    assert tasks["II.1"].lead == bodies["tcdl"]
    assert tasks["II.1"].deadline == date(2022, 7, 15)
    assert list(tasks["II.1"].supporters.all()) == [bodies["bnv"]]
    assert tasks["II.2"].lead is None  # the unknown body was not ticked for creation
    assert not models.Organization.objects.filter(name__icontains="Kế hoạch và Đầu tư").exists()
    assert directive.targets.get().total == 28
    assert directive.citations.get().number == "24-QĐ/TW"
    assert client.get(REVIEW).status_code == 302  # the draft is gone from the session


def test_an_unknown_body_is_created_when_ticked(client, staff, bodies):
    paste(client)
    data = review_data(client.get(REVIEW))
    data["tasks-1-create"] = "on"
    assert client.post(REVIEW, data).status_code == 302
    task = models.Task.objects.get(path="II.2")
    assert task.lead.name == "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi"


def test_a_task_can_be_merged_into_the_previous_one_and_reparented(client, staff, bodies):
    paste(client)
    data = review_data(client.get(REVIEW))
    data["tasks-2-merge"] = "on"
    data["tasks-1-parent_ref"] = "II.1"
    assert client.post(REVIEW, data).status_code == 302
    tasks = {t.path: t for t in models.Task.objects.all()}
    assert set(tasks) == {"II.1", "II.2"}
    assert "Rà soát quy hoạch cán bộ" in tasks["II.2"].text
    assert tasks["II.2"].parent == tasks["II.1"]


def test_negative_or_non_numeric_figures_are_form_errors_and_nothing_is_written(client, staff, bodies):
    paste(client)
    data = review_data(client.get(REVIEW))
    data["figures-0-achieved"] = "-3"
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert "achieved" in response.context["figures"].forms[0].errors
    data["figures-0-achieved"] = "19"
    data["figures-0-total"] = "hai mươi"
    response = client.post(REVIEW, data)
    assert "total" in response.context["figures"].forms[0].errors
    assert models.Directive.objects.count() == 0


def test_a_bad_date_or_period_is_a_form_error(client, staff, bodies):
    paste(client)
    data = review_data(client.get(REVIEW))
    data["tasks-0-due"] = "31/02/2022"
    data["meta-period"] = "Quý 5"
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert "due" in response.context["tasks"].forms[0].errors
    assert "period" in response.context["meta"].errors
    assert models.Directive.objects.count() == 0


def test_an_existing_number_is_flagged_and_updated_instead_of_duplicated(client, staff, bodies):
    # Only a user who may edit the directive (a manager of its issuer) may update it (issue 10).
    MembershipFactory(user=staff, organization=bodies["btctw"], role=models.Membership.Role.MANAGER)
    existing = models.Directive.objects.create(number="412-TB/BTCTW", issuer=bodies["btctw"], title="Bản cũ")
    old_task = models.Task.objects.create(directive=existing, path="II.1", text="Nội dung cũ", position=1)
    models.Task.objects.create(directive=existing, path="IX.9", text="Sẽ bị thay", position=2)
    paste(client)
    data = review_data(client.get(REVIEW))
    data["meta-issuer"] = str(bodies["btctw"].pk)

    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert response.context["existing"] == existing
    assert "update_existing" in response.context["meta"].errors
    assert "Xem văn bản đã có" in response.content.decode()

    data["meta-update_existing"] = "on"
    assert client.post(REVIEW, data).status_code == 302
    assert models.Directive.objects.filter(number="412-TB/BTCTW").count() == 1
    existing.refresh_from_db()
    assert existing.title.startswith("Kết luận Hội nghị giao ban")
    # A task missing from the new text is retired, never deleted (issue 10).
    assert set(existing.tasks.filter(retired_on=None).values_list("path", flat=True)) == {"II.1", "II.2", "II.3"}
    assert existing.tasks.get(path="IX.9").retired_on is not None
    assert existing.tasks.get(path="II.1").pk == old_task.pk  # same path: same task, history kept


def test_the_review_page_warns_about_an_existing_number_up_front(client, bodies):
    # Only among the directives the user may see (issue 10): here, his organization's, which is
    # the default issuer of a manager's import.
    manager = MembershipFactory(organization=bodies["btctw"], role=models.Membership.Role.MANAGER).user
    client.force_login(manager)
    models.Directive.objects.create(number="412-TB/BTCTW", issuer=bodies["btctw"], title="Bản cũ")
    paste(client)
    response = client.get(REVIEW)
    assert response.context["existing"] is not None


def test_a_text_without_tasks_gives_an_empty_draft_and_a_message(client, staff):
    response = paste(client, "Hội nghị đã diễn ra thành công tốt đẹp. Các đại biểu phát biểu ý kiến.")
    assert response.status_code == 302
    review = client.get(REVIEW)
    assert "Không nhận ra nhiệm vụ nào" in review.content.decode()
    data = review_data(review)
    assert data["tasks-TOTAL_FORMS"] == 0
    assert client.post(REVIEW, data).status_code == 302
    assert models.Directive.objects.count() == 1
    assert models.Task.objects.count() == 0


def test_cancel_discards_the_draft(client, staff):
    paste(client)
    response = client.post(REVIEW, {"cancel": "1"})
    assert response.status_code == 302 and response.url == IMPORT
    assert client.get(REVIEW).status_code == 302
    assert models.Directive.objects.count() == 0


def upload(client, data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def test_nothing_at_all_is_refused(client, staff):
    response = client.post(IMPORT, {"text": "   "})
    assert response.status_code == 200
    assert "Hãy dán nội dung" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"", "empty.txt"),
        (bytes(range(256)) * 20, "blob.txt"),
        (b"%PDF-1.4 binary", "scan.pdf"),
    ],
)
def test_empty_or_binary_files_are_refused_clearly(client, staff, data, name):
    response = upload(client, data, name)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert models.Directive.objects.count() == 0


def test_a_file_over_the_limit_is_refused(client, staff, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    response = upload(client, SAMPLE.encode("utf-8") * 3, "big.txt")
    assert response.status_code == 200
    assert "quá lớn" in response.content.decode()


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as legacy Vietnamese Word saves it: base letters plus combining tone marks."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            base, *marks = unicodedata.normalize("NFD", char)
            letter = [m for m in marks if m in "\u0302\u0306\u031b"]  # circumflex, breve, horn: letters in cp1258
            base = unicodedata.normalize("NFC", base + "".join(letter))
            marks = [m for m in marks if m not in letter]
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1258", "utf-8-sig"])
def test_utf16_and_legacy_encodings_are_decoded(client, staff, encoding):
    data = to_cp1258(SAMPLE) if encoding == "cp1258" else SAMPLE.encode(encoding)
    response = upload(client, data, "tb.txt")
    assert response.status_code == 302
    data = review_data(client.get(REVIEW))
    assert data["meta-number"] == "412-TB/BTCTW"
    assert data["tasks-TOTAL_FORMS"] == 3


def test_a_docx_with_a_table_of_tasks_is_read_end_to_end(client, staff):
    home_affairs = OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ngãi", short_name="Sở Nội vụ")
    document = docx.Document()
    for line in [
        "ỦY BAN NHÂN DÂN TỈNH QUẢNG NGÃI",
        "Số: 1627/KH-UBND",
        "Quảng Ngãi, ngày 10 tháng 5 năm 2025",
        "KẾ HOẠCH",
        "Triển khai thực hiện chuyển đổi số năm 2025",
        "II. NHIỆM VỤ",
    ]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=4)
    for cell, head in zip(
        table.rows[0].cells, ["STT", "Nội dung", "Cơ quan chủ trì", "Thời gian hoàn thành"], strict=True
    ):
        cell.text = head
    for row in [
        ("1", "Xây dựng cơ sở dữ liệu cán bộ, công chức", "Sở Nội vụ", "Quý III/2025"),
        ("2", "Nâng cấp cổng dịch vụ công của tỉnh", "Sở Thông tin và Truyền thông", "30/11/2025"),
    ]:
        for cell, value in zip(table.add_row().cells, row, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)

    assert upload(client, buffer.getvalue(), "ke-hoach.docx").status_code == 302
    data = review_data(client.get(REVIEW))
    assert data["tasks-TOTAL_FORMS"] == 2
    assert data["tasks-0-lead"] == str(home_affairs.pk)  # matched by short name
    assert client.post(REVIEW, data).status_code == 302
    directive = models.Directive.objects.get(number="1627/KH-UBND")
    first, second = directive.tasks.order_by("position")
    assert "cơ sở dữ liệu cán bộ" in first.text
    assert first.lead == home_affairs
    assert first.deadline == date(2025, 9, 30)
    assert first.deadline_period == "2025Q3"
    assert second.deadline == date(2025, 11, 30)


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(IMPORT)
    assert response.status_code == 302 and "login" in response.url


def test_users_who_are_neither_staff_nor_managers_get_403(client):
    viewer = MembershipFactory(role=models.Membership.Role.REPORTER).user
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    assert client.post(IMPORT, {"text": SAMPLE}).status_code == 403
    assert client.get(REVIEW).status_code == 403


def test_managers_may_import(client):
    manager = MembershipFactory(role=models.Membership.Role.MANAGER).user
    client.force_login(manager)
    assert client.get(IMPORT).status_code == 200
    assert paste(client).status_code == 302


def test_the_admin_directive_list_links_to_the_import(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.get(reverse("admin:directives_directive_changelist"))
    assert IMPORT in response.content.decode()


def test_a_forged_row_count_is_refused_without_building_the_forms(client, staff, bodies):
    page = paste(client)
    data = review_data(client.get(REVIEW))
    data["tasks-TOTAL_FORMS"] = "99999"
    response = client.post(REVIEW, data)
    assert response.status_code == 400
    assert models.Directive.objects.count() == 0
    assert page.status_code == 302
