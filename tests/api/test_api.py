"""The REST API reads through the web UI's selectors, writes through its services, and speaks
JSON in Vietnamese."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from directives import models, selectors
from tests.api.conftest import client_for, token_for
from tests.test_csp import INLINE

pytestmark = pytest.mark.django_db


def test_a_token_is_stored_as_the_sha256_of_its_secret_only(api_world):
    secret = token_for(api_world["users"]["viewer"], "read")
    token = models.ApiToken.objects.get()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(models.ApiToken.objects.values_list().get())
    assert token.prefix == secret[:10]


def test_a_request_without_credentials_gets_401_json_in_vietnamese(api_world):
    response = APIClient().get("/api/tasks/")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"].startswith("Cần đăng nhập")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "change,message",
    [
        ({"revoked_at": timezone.now()}, "Mã truy cập đã bị thu hồi."),
        ({"expires_at": timezone.now() - timedelta(seconds=1)}, "Mã truy cập đã hết hạn."),
    ],
)
def test_revoked_and_expired_tokens_are_refused_with_the_reason(api_world, change, message):
    client = client_for(api_world["users"]["viewer"], "read")
    assert client.get("/api/tasks/").status_code == 200
    models.ApiToken.objects.update(**change)
    response = client.get("/api/tasks/")
    assert response.status_code == 401
    assert response.json()["detail"] == message


def test_an_unknown_token_is_refused():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer tdn_not-a-real-token")
    response = client.get("/api/tasks/")
    assert response.status_code == 401
    assert response.json()["detail"] == "Mã truy cập không hợp lệ."


def test_the_task_list_holds_what_the_web_list_holds_and_nothing_of_other_organizations(api_world):
    viewer = api_world["users"]["viewer"]
    body = client_for(viewer, "read").get("/api/tasks/").json()
    ids = {row["id"] for row in body["results"]}
    assert ids == {api_world["led"].pk, api_world["supported"].pk}
    assert ids == set(selectors.task_list(viewer).values_list("pk", flat=True))
    assert api_world["hidden"].pk not in ids


def test_the_task_list_takes_the_web_filters(api_world):
    client = client_for(api_world["users"]["viewer"], "read")
    overdue = client.get("/api/tasks/", {"standing": "overdue", "cutoff": "2022-01-15"}).json()["results"]
    assert [row["id"] for row in overdue] == [api_world["led"].pk]
    assert overdue[0]["standing"] == "overdue"
    assert overdue[0]["standing_label"] == "Quá hạn chưa hoàn thành"
    supported = client.get("/api/tasks/", {"role": "support"}).json()["results"]
    assert [row["id"] for row in supported] == [api_world["supported"].pk]


def test_an_invalid_filter_is_a_400_with_the_field_in_vietnamese(api_world):
    response = client_for(api_world["users"]["viewer"], "read").get("/api/tasks/", {"period": "Q9"})
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Dữ liệu không hợp lệ."
    assert "không phải kỳ hợp lệ" in body["errors"]["period"][0]


def test_pages_follow_a_cursor_without_repeating_or_missing_a_task(api_world):
    client = client_for(api_world["users"]["viewer"], "read")
    page = client.get("/api/tasks/", {"page_size": 1}).json()
    seen = [row["id"] for row in page["results"]]
    while page["next"]:
        page = client.get(page["next"]).json()
        seen += [row["id"] for row in page["results"]]
    assert sorted(seen) == seen and len(seen) == 2 == len(set(seen))
    bad = client.get("/api/tasks/", {"cursor": "garbage"})
    assert bad.status_code == 404 and "cursor" in bad.json()["detail"]


def test_another_organizations_task_answers_404(api_world):
    response = client_for(api_world["users"]["manager"]).get(f"/api/tasks/{api_world['hidden'].pk}/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Không tìm thấy."}


def test_a_reporter_reports_progress_with_evidence_files(api_world):
    led = api_world["led"]
    client = client_for(api_world["users"]["reporter"])
    pdf = io.BytesIO(b"%PDF-1.4 minh chung")
    pdf.name = "bien-ban.pdf"
    response = client.post(
        f"/api/tasks/{led.pk}/reports/",
        {"status": "in_progress", "percent": 60, "note": "Đã họp", "files": [pdf]},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["percent"] == 60 and body["organization"]["id"] == api_world["org"].pk
    assert [f["name"] for f in body["files"]] == ["bien-ban.pdf"]
    led.refresh_from_db()
    assert (led.status, led.progress) == ("in_progress", 60)
    assert led.events.filter(kind="reported").count() == 1  # the same service as the web UI
    listed = client.get(f"/api/tasks/{led.pk}/reports/").json()["results"]
    assert [r["id"] for r in listed] == [body["id"]]


def test_a_report_as_json_works_too_and_done_means_100(api_world):
    led = api_world["led"]
    response = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{led.pk}/reports/", {"status": "done", "percent": 10, "completed_on": "2021-12-20"}, format="json"
    )
    assert response.status_code == 201
    led.refresh_from_db()
    assert (led.status, led.progress, led.completed_on) == ("done", 100, date(2021, 12, 20))


def test_a_file_whose_content_is_not_its_extension_is_refused_and_nothing_is_stored(api_world):
    led = api_world["led"]
    fake = io.BytesIO(b"MZ not a pdf")
    fake.name = "virus.pdf"
    response = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{led.pk}/reports/", {"status": "in_progress", "percent": 5, "files": [fake]}, format="multipart"
    )
    assert response.status_code == 400
    assert "nội dung tệp không đúng" in response.json()["errors"]["files"][0]
    assert not models.ProgressReport.objects.exists()


def test_field_errors_are_in_vietnamese(api_world):
    response = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{api_world['led'].pk}/reports/", {"percent": 101}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["status"] == ["Trường này là bắt buộc."]
    assert errors["percent"] == ["Giá trị lớn hơn mức cho phép."]


def test_a_viewer_may_read_but_not_report(api_world):
    client = client_for(api_world["users"]["viewer"])
    url = f"/api/tasks/{api_world['led'].pk}/reports/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "in_progress", "percent": 5}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không có quyền thực hiện thao tác này."


def test_a_read_only_token_cannot_write_even_for_a_manager(api_world):
    client = client_for(api_world["users"]["manager"], "read")
    response = client.post(
        f"/api/tasks/{api_world['led'].pk}/reports/", {"status": "in_progress", "percent": 5}, format="json"
    )
    assert response.status_code == 403
    assert "Chỉ đọc" in response.json()["detail"]
    assert not models.ProgressReport.objects.exists()


def test_an_extension_is_requested_by_the_lead_and_decided_by_the_issuers_manager(api_world):
    led = api_world["led"]
    response = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{led.pk}/extensions/", {"requested_deadline": "2022-03-31", "reason": "Chờ ý kiến"}, format="json"
    )
    assert response.status_code == 201, response.content
    ext_id = response.json()["id"]
    again = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{led.pk}/extensions/", {"requested_deadline": "2022-04-30", "reason": "Lần hai"}, format="json"
    )
    assert again.status_code == 400 and "đang chờ quyết định" in again.json()["errors"]["non_field_errors"][0]
    refused = client_for(api_world["users"]["reporter"]).post(
        f"/api/extensions/{ext_id}/decide/", {"decision": "approve"}, format="json"
    )
    assert refused.status_code == 403
    pending = client_for(api_world["users"]["manager"]).get("/api/extensions/", {"state": "pending"}).json()
    assert [e["id"] for e in pending["results"]] == [ext_id]
    decided = client_for(api_world["users"]["manager"]).post(
        f"/api/extensions/{ext_id}/decide/", {"decision": "approve", "note": "Đồng ý"}, format="json"
    )
    assert decided.status_code == 200 and decided.json()["state"] == "approved"
    led.refresh_from_db()
    assert led.deadline == date(2022, 3, 31)


def test_a_target_is_updated_through_the_service_and_keeps_a_quarter_snapshot(api_world):
    target = api_world["target"]
    client = client_for(api_world["users"]["reporter"])
    response = client.post(f"/api/targets/{target.pk}/update/", {"achieved": "19", "note": "Quý IV"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["achieved"] == "19.00"
    assert len(response.json()["snapshots"]) == 1
    ids = [t["id"] for t in client.get("/api/targets/").json()["results"]]
    assert ids == [target.pk]  # not the other organization's


def test_the_dashboard_figures_are_the_selectors(api_world):
    viewer = api_world["users"]["viewer"]
    body = client_for(viewer, "read").get("/api/dashboard/", {"cutoff": "2022-01-15"}).json()
    data = selectors.dashboard_data(viewer, selectors.DashboardFilters(cutoff=date(2022, 1, 15)))
    assert body["headline"]["by_standing"] == dict(data.headline.by_standing)
    assert body["headline"]["overdue"] == 1
    assert body["headline"]["completion_rate"] == 0.0
    assert {r["directive_id"] for r in body["by_directive"]} == {api_world["directive"].pk}
    assert client_for(viewer, "read").get("/api/dashboard/", {"cutoff": "15/01"}).status_code == 400


def test_me_tells_the_scope_and_the_roles(api_world):
    body = client_for(api_world["users"]["reporter"], "read").get("/api/me/").json()
    assert body["scope"] == "read"
    assert body["memberships"] == [
        {
            "organization": {"id": api_world["org"].pk, "name": api_world["org"].name, "short_name": ""},
            "role": "reporter",
        }
    ]


def test_the_browser_session_works_and_its_writes_need_the_csrf_token(api_world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(api_world["users"]["reporter"])
    assert client.get("/api/tasks/").status_code == 200
    url = f"/api/tasks/{api_world['led'].pk}/reports/"
    response = client.post(url, {"status": "in_progress", "percent": 5}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    client.get("/api/docs/")  # any page sets the cookie? ask Django's view instead
    page = Client()
    page.force_login(api_world["users"]["reporter"])
    html = page.get("/account/access/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    client.cookies["csrftoken"] = page.cookies["csrftoken"].value
    client.cookies["sessionid"] = page.cookies["sessionid"].value
    response = client.post(url, {"status": "in_progress", "percent": 5}, format="json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_requests_beyond_the_rate_get_429_per_token(api_world, settings):
    settings.API_THROTTLE_RATE = "3/minute"
    first = client_for(api_world["users"]["viewer"], "read")
    for _ in range(3):
        assert first.get("/api/me/").status_code == 200
    response = first.get("/api/me/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Quá nhiều yêu cầu")
    assert client_for(api_world["users"]["viewer"], "read").get("/api/me/").status_code == 200  # another token


def test_the_schema_and_the_docs_are_served_without_a_cdn_or_inline_script(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/tasks/{id}/reports/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    for pattern, what in INLINE:
        assert pattern.search(html) is None, what
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert any("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in s for s in sources)
    script = client.get(next(s for s in sources if "script" in s))
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "Content-Security-Policy" in docs.headers


def test_the_account_page_creates_shows_once_and_revokes_a_token(client, api_world):
    user = api_world["users"]["reporter"]
    client.force_login(user)
    html = client.post("/account/access/", {"name": "QLVB Sở", "scope": "report", "days": "90"}).content.decode()
    secret = re.search(r'<code id="new-token">([^<]+)</code>', html).group(1)
    for pattern, what in INLINE:
        assert pattern.search(html) is None, what
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/me/").json()["scope"] == "report"
    assert secret not in client.get("/account/access/").content.decode()  # shown once
    token = models.ApiToken.objects.get(user=user)
    assert client.post(f"/account/access/tokens/{token.pk}/revoke/").status_code == 302
    assert api.get("/api/me/").status_code == 401


def test_no_one_revokes_another_users_token(client, api_world):
    token_for(api_world["users"]["viewer"])
    token = models.ApiToken.objects.get()
    client.force_login(api_world["users"]["manager"])
    assert client.post(f"/account/access/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_done_report_of_a_directive_that_requires_verification_waits_as_a_claim(api_world):
    directive, led = api_world["directive"], api_world["led"]
    directive.verification = models.Directive.Verification.REQUIRED
    directive.save()
    response = client_for(api_world["users"]["reporter"]).post(
        f"/api/tasks/{led.pk}/reports/", {"status": "done", "percent": 100, "completed_on": "2021-12-20"}, format="json"
    )
    assert response.status_code == 202, response.content
    assert response.json()["state"] == "pending"
    led.refresh_from_db()
    assert led.status != "done"  # the same rule as the task page: the issuer verifies first
    assert models.CompletionClaim.objects.filter(task=led, state="pending").count() == 1
