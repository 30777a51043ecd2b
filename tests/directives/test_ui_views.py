"""The staff web UI: home, task list and its query contract, task page, reporting progress,
extensions, targets, directive pages, sign-in."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from directives import models
from tests.factories import (
    DirectiveFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today_is_15_march_2022():
    with time_machine.travel(date(2022, 3, 15), tick=False):
        yield


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def member(org, role="reporter", username=None):
    user = UserFactory(username=username) if username else UserFactory()
    MembershipFactory(user=user, organization=org, role=role)
    return user


@pytest.fixture
def reporter(org):
    return member(org, "reporter", "reporter")


@pytest.fixture
def client_of(client):
    def login(user):
        client.force_login(user)
        return client

    return login


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(reverse("directives:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_sign_in_page_signs_a_user_in(client, reporter):
    page = client.get(reverse("login"))
    assert "Đăng nhập" in page.content.decode()
    response = client.post(reverse("login"), {"username": "reporter", "password": "pass-for-tests-1"})
    assert response.status_code == 302
    assert client.get(reverse("directives:home")).status_code == 200


def test_the_password_change_page_renders(client_of, reporter):
    assert client_of(reporter).get(reverse("password_change")).status_code == 200


def test_home_groups_the_units_tasks_by_standing_with_overdue_first(client_of, org, other_org, reporter):
    late = TaskFactory(lead=org, deadline=date(2022, 1, 31), text="Việc đã quá hạn")
    soon = TaskFactory(lead=other_org, deadline=date(2022, 4, 30), text="Việc phối hợp sắp đến hạn")
    soon.supporters.add(org)
    TaskFactory(lead=other_org, text="Việc của đơn vị khác")
    body = client_of(reporter).get(reverse("directives:home")).content.decode()
    assert "Việc đã quá hạn" in body and "Việc phối hợp sắp đến hạn" in body
    assert "Việc của đơn vị khác" not in body
    assert body.index('id="g-overdue"') < body.index('id="g-not_started"')
    assert late.text in body


def test_the_task_list_filters_by_standing_org_and_role(client_of, org, other_org, reporter):
    overdue = TaskFactory(lead=org, deadline=date(2022, 1, 31), text="Quá hạn của đơn vị")
    TaskFactory(lead=org, deadline=date(2022, 12, 31), text="Còn hạn của đơn vị")
    supported = TaskFactory(lead=other_org, deadline=date(2022, 1, 1), text="Phối hợp quá hạn")
    supported.supporters.add(org)
    c = client_of(reporter)
    url = reverse("directives:task_list")
    body = c.get(url, {"standing": "overdue"}).content.decode()
    assert overdue.text in body and "Phối hợp quá hạn" in body and "Còn hạn" not in body
    body = c.get(url, {"overdue": "1", "role": "lead"}).content.decode()
    assert overdue.text in body and "Phối hợp quá hạn" not in body
    body = c.get(url, {"org": org.pk, "role": "support"}).content.decode()
    assert "Phối hợp quá hạn" in body and overdue.text not in body


def test_the_task_list_computes_standing_at_the_cutoff_and_filters_by_period(client_of, org, reporter):
    TaskFactory(lead=org, deadline=date(2021, 12, 31), text="Hạn quý bốn")
    TaskFactory(lead=org, deadline=date(2022, 6, 30), text="Hạn giữa năm")
    c = client_of(reporter)
    url = reverse("directives:task_list")
    body = c.get(url, {"standing": "overdue", "cutoff": "30/11/2021"}).content.decode()
    assert "Hạn quý bốn" not in body
    body = c.get(url, {"period": "2021Q4"}).content.decode()
    assert "Hạn quý bốn" in body and "Hạn giữa năm" not in body
    body = c.get(
        url, {"year": "2022", "deadline_after": "2022-01-01", "deadline_before": "31/12/2022"}
    ).content.decode()
    assert "Hạn giữa năm" in body and "Hạn quý bốn" not in body


def test_searching_ignores_accents(client_of, org, reporter):
    TaskFactory(lead=org, text="Xây dựng Kế hoạch tổng kết ĐẢNG bộ")
    TaskFactory(lead=org, text="Việc khác hẳn")
    body = client_of(reporter).get(reverse("directives:task_list"), {"q": "ke hoach dang"}).content.decode()
    assert "Kế hoạch tổng kết" in body and "Việc khác hẳn" not in body


@pytest.mark.parametrize(
    "params",
    [{"cutoff": "31/02/2022"}, {"period": "2021Q5"}, {"standing": "nonsense"}, {"year": "abc"}, {"org": "999999"}],
)
def test_invalid_filter_parameters_show_a_message_not_an_error(client_of, org, reporter, params):
    TaskFactory(lead=org, text="Vẫn hiện khi lọc sai")
    response = client_of(reporter).get(reverse("directives:task_list"), params)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="filter-errors"' in body
    assert "Vẫn hiện khi lọc sai" in body


def test_the_list_exports_to_xlsx_with_a_header_and_dates(client_of, org, reporter):
    TaskFactory(lead=org, deadline=date(2022, 1, 31), text="Việc xuất Excel")
    response = client_of(reporter).get(reverse("directives:task_list_xlsx"), {"standing": "overdue"})
    assert response.status_code == 200
    ws = load_workbook(
        io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
    ).active
    h = ws[ws.auto_filter.ref.split(":")[0]].row  # title rows first (whose, which filters, cut-off)
    assert ws.cell(1, 1).value == "Danh sách nhiệm vụ"
    assert any("Quá hạn chưa hoàn thành" in str(ws.cell(r, 1).value) for r in range(1, h))
    rows = list(ws.iter_rows(min_row=h, values_only=True))
    assert rows[0][0] == "Văn bản"
    assert rows[1][2] == "Việc xuất Excel"
    assert rows[1][5].date() == date(2022, 1, 31)
    assert ws.cell(row=h + 1, column=6).number_format.lower() == "dd/mm/yyyy"


def test_the_task_page_shows_place_period_label_and_timeline(client_of, org, reporter):
    parent = TaskFactory(lead=org, path="II", text="Phần hai")
    task = TaskFactory(lead=org, directive=parent.directive, parent=parent, path="II.1", deadline_period="2021Q4")
    TaskFactory(lead=org, directive=parent.directive, parent=task, path="II.1.(1)", text="Việc con")
    models.Notification.objects.create(
        task=task, kind="overdue", window="w", recipient="btc@qn.example.vn", planned_for=date(2022, 1, 5)
    )
    body = client_of(reporter).get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert "Quý IV/2021" in body
    assert "II.1.(1)" in body and "Việc con" in body  # its child
    assert reverse("directives:task_detail", args=[parent.pk]) in body  # its parent
    assert "btc@qn.example.vn" in body
    assert "Quá hạn chưa hoàn thành" in body


def test_a_reporter_reports_progress_with_an_evidence_file(client_of, org, reporter):
    task = TaskFactory(lead=org)
    c = client_of(reporter)
    upload = SimpleUploadedFile("Báo cáo quý 1 (bản cuối).pdf", PDF, content_type="application/pdf")
    response = c.post(
        reverse("directives:task_report", args=[task.pk]),
        {"status": "in_progress", "percent": "40", "note": "Đã trình dự thảo", "files": [upload]},
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.progress) == ("in_progress", 40)
    evidence = models.EvidenceFile.objects.get(report__task=task)
    assert "/" not in evidence.original_name and " " not in evidence.original_name
    download = c.get(reverse("directives:evidence_download", args=[evidence.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_an_htmx_report_returns_the_page_for_an_in_place_swap(client_of, org, reporter):
    task = TaskFactory(lead=org)
    response = client_of(reporter).post(
        reverse("directives:task_report", args=[task.pk]),
        {"status": "in_progress", "percent": "150"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert 'id="task-live"' in response.content.decode()
    task.refresh_from_db()
    assert task.progress == 0


@pytest.mark.parametrize(
    "name,content",
    [("virus.exe", b"MZ\x90\x00"), ("fake.pdf", b"MZ\x90\x00 not a pdf"), ("photo.png", PDF)],
)
def test_evidence_of_a_wrong_type_is_refused_and_nothing_is_stored(client_of, org, reporter, name, content):
    task = TaskFactory(lead=org)
    response = client_of(reporter).post(
        reverse("directives:task_report", args=[task.pk]),
        {"status": "in_progress", "percent": "10", "files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 400
    assert "chỉ nhận tệp" in response.content.decode() or "không đúng" in response.content.decode()
    assert not models.ProgressReport.objects.filter(task=task).exists()


def test_evidence_above_the_size_limit_is_refused(client_of, org, reporter, settings):
    settings.UPLOAD_MAX_BYTES = 100
    task = TaskFactory(lead=org)
    response = client_of(reporter).post(
        reverse("directives:task_report", args=[task.pk]),
        {"status": "in_progress", "percent": "10", "files": [SimpleUploadedFile("big.txt", b"a" * 200)]},
    )
    assert response.status_code == 400
    assert not models.ProgressReport.objects.exists()


def test_a_supporting_units_report_keeps_the_leads_status(client_of, org, other_org):
    task = TaskFactory(lead=other_org)
    task.supporters.add(org)
    supporter = member(org, "reporter")
    response = client_of(supporter).post(
        reverse("directives:task_report", args=[task.pk]), {"status": "done", "percent": "100"}
    )
    assert response.status_code == 302
    report = models.ProgressReport.objects.get(task=task)
    assert report.organization == org
    task.refresh_from_db()
    assert task.status == "not_started"


def test_a_viewer_may_read_but_not_report(client_of, org):
    task = TaskFactory(lead=org)
    viewer = member(org, "viewer")
    c = client_of(viewer)
    assert c.get(reverse("directives:task_detail", args=[task.pk])).status_code == 200
    response = c.post(reverse("directives:task_report", args=[task.pk]), {"status": "done", "percent": "100"})
    assert response.status_code == 403


def test_the_lead_asks_for_an_extension_and_the_issuers_manager_approves_it(client, org, other_org, reporter):
    directive = DirectiveFactory(issuer=other_org)
    task = TaskFactory(lead=org, directive=directive, deadline=date(2022, 3, 31))
    client.force_login(reporter)
    response = client.post(
        reverse("directives:task_extension", args=[task.pk]),
        {"requested_deadline": "30/06/2022", "reason": "Chờ số liệu"},
    )
    assert response.status_code == 302
    extension = models.ExtensionRequest.objects.get(task=task)
    refused = client.post(reverse("directives:extension_decide", args=[extension.pk]), {"decision": "approve"})
    assert refused.status_code == 403
    manager = member(other_org, "manager")
    client.force_login(manager)
    response = client.post(
        reverse("directives:extension_decide", args=[extension.pk]), {"decision": "approve", "note": "Đồng ý"}
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.deadline == date(2022, 6, 30)
    body = client.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert "Đã chấp thuận" in body and "Chờ số liệu" in body


def test_a_refused_extension_leaves_the_deadline(client_of, org, other_org):
    directive = DirectiveFactory(issuer=other_org)
    extension = ExtensionRequestFactory(task=TaskFactory(lead=org, directive=directive))
    manager = member(other_org, "manager")
    client_of(manager).post(reverse("directives:extension_decide", args=[extension.pk]), {"decision": "refuse"})
    extension.refresh_from_db()
    extension.task.refresh_from_db()
    assert extension.state == "refused"
    assert extension.task.deadline == date(2021, 12, 31)


def test_a_bad_extension_date_is_a_form_error(client_of, org, reporter):
    task = TaskFactory(lead=org, deadline=date(2022, 3, 31))
    response = client_of(reporter).post(
        reverse("directives:task_extension", args=[task.pk]), {"requested_deadline": "31/13/2022", "reason": "x"}
    )
    assert response.status_code == 400
    assert not models.ExtensionRequest.objects.exists()


def test_a_reporter_updates_a_target_and_sees_it_by_quarter(client_of, org, reporter):
    task = TaskFactory(lead=org)
    target = TargetFactory(directive=task.directive, task=task, total=28)
    c = client_of(reporter)
    response = c.post(reverse("directives:target_update", args=[target.pk]), {f"t{target.pk}-achieved": "19"})
    assert response.status_code == 302
    body = c.get(reverse("directives:task_detail", args=[task.pk])).content.decode()
    assert "19/28 đề án (67,8%)" in body
    assert "Quý I/2022" in body


@pytest.mark.parametrize("value", ["-3", "abc"])
def test_a_bad_target_value_is_a_form_error(client_of, org, reporter, value):
    task = TaskFactory(lead=org)
    target = TargetFactory(directive=task.directive, task=task, total=28, achieved=5)
    response = client_of(reporter).post(
        reverse("directives:target_update", args=[target.pk]), {f"t{target.pk}-achieved": value}
    )
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.achieved == 5


def test_the_directive_page_shows_metadata_citations_tasks_and_rates(client_of, org, reporter):
    cited = DirectiveFactory(issuer=org, number="24-QĐ/TW")
    directive = DirectiveFactory(issuer=org, issued_on=date(2021, 10, 13))
    models.Citation.objects.create(directive=directive, number="24-QĐ/TW", kind="Quy định", cited_directive=cited)
    TaskFactory(directive=directive, lead=org, status="done", completed_on=date(2021, 12, 1), progress=100)
    TaskFactory(directive=directive, lead=org, deadline=date(2022, 1, 31))
    body = client_of(reporter).get(reverse("directives:directive_detail", args=[directive.pk])).content.decode()
    assert "13/10/2021" in body
    assert reverse("directives:directive_detail", args=[cited.pk]) in body
    assert "50%" in body
    listing = client_of(reporter).get(reverse("directives:directive_list")).content.decode()
    assert directive.number in listing


def test_the_language_switch_turns_the_ui_to_english(client_of, reporter):
    c = client_of(reporter)
    response = c.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert c.get(reverse("directives:home")).status_code == 200


def test_the_task_list_sorts_by_a_column_header_and_reverses_on_a_second_click(client):
    from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

    org = OrganizationFactory(name="Sở Nội vụ")
    user = UserFactory(username="sorter")
    MembershipFactory(user=user, organization=org, role="viewer")
    directive = DirectiveFactory(issuer=org)
    TaskFactory(directive=directive, lead=org, path="1", deadline=date(2021, 10, 1))
    TaskFactory(directive=directive, lead=org, path="2", deadline=date(2021, 12, 1))
    client.force_login(user)
    page = client.get(reverse("directives:task_list"), {"standing": "overdue"})
    link = page.context["sort_links"]["deadline"]
    assert link["aria"] == "ascending" and "sort=-deadline" in link["url"] and "standing=overdue" in link["url"]
    assert [t.path for t in page.context["tasks"]] == ["1", "2"]
    reverse_page = client.get(reverse("directives:task_list") + link["url"])
    assert [t.path for t in reverse_page.context["tasks"]] == ["2", "1"]
    assert reverse_page.context["sort_links"]["deadline"]["aria"] == "descending"
    by_path = client.get(reverse("directives:task_list") + page.context["sort_links"]["path"]["url"])
    assert by_path.context["sort_links"]["path"]["aria"] == "ascending"


def test_the_filter_offers_only_organizations_the_user_meets():
    from django.test import RequestFactory

    from directives.filters import TaskFilter
    from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory, UserFactory

    mine = OrganizationFactory(name="Sở Nội vụ")
    partner = OrganizationFactory(name="Sở Tài chính")
    stranger = OrganizationFactory(name="Tỉnh ủy Nghệ An")
    user = UserFactory(username="scoped")
    MembershipFactory(user=user, organization=mine, role="viewer")
    task = TaskFactory(directive=DirectiveFactory(issuer=partner), lead=mine)
    task.supporters.add(OrganizationFactory(name="Sở Kế hoạch và Đầu tư"))
    TaskFactory(directive=DirectiveFactory(issuer=stranger), lead=stranger)
    request = RequestFactory().get("/tasks/")
    request.user = user
    form = TaskFilter({}, request=request).form
    # "mine" (Đơn vị tôi) is the one-click choice of the user's own organizations
    offered = {label for _value, label in form.fields["org"].choices if _value and _value != "mine"}
    assert offered == {"Sở Nội vụ", "Sở Tài chính", "Sở Kế hoạch và Đầu tư"}
    issuers = {label for _value, label in form.fields["issuer"].choices if _value}
    assert issuers == {"Sở Tài chính"}
