"""Fuzzing every user-facing form: whatever a user (or a script) sends, the answer is a page
with a form error or a normal page (a redirect after a successful POST), never a 500.

Each form is posted by a user of the role that may use it, so the input reaches the form and
the service behind it, not only the permission check. Values mix the plausible (valid choices,
dates in the accepted formats, "19,5") with the hostile (NUL bytes, huge numbers, lone
surrogates' replacements, 5,000 characters, lists where one value is expected).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directives import models
from tests.factories import (
    DirectiveFactory,
    ExtensionRequestFactory,
    MembershipFactory,
    OrganizationFactory,
    TargetFactory,
    TaskFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# -- values -----------------------------------------------------------------------------------

dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
plausible = st.one_of(
    st.sampled_from(["", " ", "0", "100", "-1", "101", "19,5", "19.5", "1e308", "NaN", "Infinity", "on", "off"]),
    st.sampled_from(["done", "in_progress", "not_started", "cancelled", "approve", "refuse", "true", "false"]),
    st.sampled_from(
        ["2021Q4", "2021H2", "2021", "2022-06", "2021Q5", "0000Q1", "9999Q4", "1900Q1", "2200Q4", "Quý IV/2021"]
    ),
    dates.map(lambda d: d.strftime("%d/%m/%Y")),
    dates.map(lambda d: d.isoformat()),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)
hostile = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
    st.just("\x00"),
    st.just("a" * 5000),
    st.just("'; DROP TABLE directives_task; --"),
    st.just("<script>alert(1)</script>"),
)
value = st.one_of(plausible, hostile)
values = st.one_of(value, st.lists(value, min_size=0, max_size=3))


def form_data(fields: list[str]):
    """A dict over a subset of `fields` (plus a stray key now and then)."""
    keys = st.sampled_from(fields + ["unexpected", "csrfmiddlewaretoken"])
    return st.dictionaries(keys, values, max_size=len(fields) + 2)


def assert_no_server_error(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"


# -- the world ---------------------------------------------------------------------------------


@pytest.fixture
def world(org, other_org):
    """`org` leads the task; `other_org` issued the directive. The reporter reports for the lead;
    the manager decides for the issuer."""
    directive = DirectiveFactory(issuer=other_org)
    task = TaskFactory(directive=directive, lead=org, deadline=date(2030, 6, 30))
    task.supporters.add(OrganizationFactory(name="Sở Nội vụ"))
    target = TargetFactory(directive=directive, task=task, total=28, achieved=3)
    reporter = UserFactory(username="fuzz-reporter")
    MembershipFactory(user=reporter, organization=org, role="reporter")
    manager = UserFactory(username="fuzz-manager")
    MembershipFactory(user=manager, organization=other_org, role="manager")
    return {"task": task, "target": target, "directive": directive, "reporter": reporter, "manager": manager}


def logged_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


# -- POST forms ----------------------------------------------------------------------------------


@FUZZ
@given(
    data=form_data(["status", "percent", "completed_on", "note"]),
    with_file=st.booleans(),
    raw=st.binary(max_size=64),
)
def test_the_progress_report_form_never_fails_with_a_500(world, data, with_file, raw):
    client = logged_in(world["reporter"])
    if with_file:
        data = {**data, "files": SimpleUploadedFile("minh-chung.pdf", raw, content_type="application/pdf")}
    reports = models.ProgressReport.objects.count()
    response = client.post(reverse("directives:task_report", args=[world["task"].pk]), data)
    assert_no_server_error(response, f"report {data!r}")
    if response.status_code == 400:  # a refused report stores nothing
        assert models.ProgressReport.objects.count() == reports


@FUZZ
@given(data=form_data(["requested_deadline", "reason"]))
def test_the_extension_request_form_never_fails_with_a_500(world, data):
    response = logged_in(world["reporter"]).post(reverse("directives:task_extension", args=[world["task"].pk]), data)
    assert_no_server_error(response, f"extension {data!r}")


@FUZZ
@given(data=form_data(["decision", "note"]))
def test_the_extension_decision_form_never_fails_with_a_500(world, data):
    task = TaskFactory(directive=world["directive"], lead=world["task"].lead, deadline=date(2030, 6, 30))
    extension = ExtensionRequestFactory(task=task)  # one pending request per task: a fresh task each time
    response = logged_in(world["manager"]).post(reverse("directives:extension_decide", args=[extension.pk]), data)
    assert_no_server_error(response, f"decision {data!r}")


@FUZZ
@given(data=form_data(["achieved", "note"]), own_prefix=st.booleans())
def test_the_target_update_form_never_fails_with_a_500(world, data, own_prefix):
    target = world["target"]
    if own_prefix:
        data = {f"t{target.pk}-{k}": v for k, v in data.items()}
    response = logged_in(world["reporter"]).post(reverse("directives:target_update", args=[target.pk]), data)
    assert_no_server_error(response, f"target {data!r}")
    target.refresh_from_db()
    assert target.achieved >= 0


@FUZZ
@given(
    text=st.one_of(
        st.text(max_size=400),
        st.lists(
            st.sampled_from(
                [
                    "THÔNG BÁO",
                    "Kết luận của Thường trực Ban Bí thư",
                    "I. NHIỆM VỤ",
                    "1. Ban Tổ chức Trung ương chủ trì, phối hợp với Bộ Nội vụ",
                    "(2) Hoàn thành trước ngày 30/6/2022",
                    "- Quý IV/2021: kết nạp 204 đảng viên",
                    "a) ",
                    "\x00",
                    "II.",
                    "",
                ]
            ),
            max_size=12,
        ).map("\n".join),
    ),
    upload=st.one_of(st.none(), st.binary(max_size=200)),
    name=st.sampled_from(["van-ban.txt", "van-ban.docx", "van-ban.exe", "", "a.md"]),
)
def test_the_import_paste_form_never_fails_with_a_500(world, text, upload, name):
    client = logged_in(world["manager"])
    data = {"text": text}
    if upload is not None:
        data["file"] = SimpleUploadedFile(name or "x", upload)
    directives = models.Directive.objects.count()
    response = client.post(reverse("directives:import"), data)
    assert_no_server_error(response, f"import {text[:60]!r}")
    if response.status_code == 302:
        review = client.get(response["Location"])
        assert_no_server_error(review, "import review")
    assert models.Directive.objects.count() == directives  # nothing is written before the confirm step


@settings(FUZZ, max_examples=15)  # a large tasks-TOTAL_FORMS renders up to 3,000 empty rows: seconds each
@given(data=form_data(["meta-number", "meta-title", "meta-issuer", "meta-issued_on", "tasks-TOTAL_FORMS"]))
def test_the_import_review_form_never_fails_with_a_500(world, data):
    client = logged_in(world["manager"])
    client.post(reverse("directives:import"), {"text": "THÔNG BÁO\n1. Bộ Nội vụ chủ trì, hoàn thành năm 2023"})
    response = client.post(reverse("directives:import_review"), data)
    assert_no_server_error(response, f"review {data!r}")


@FUZZ
@given(data=form_data(["email_reminders", "support_digests"]))
def test_the_reminder_preferences_form_never_fails_with_a_500(world, data):
    response = logged_in(world["reporter"]).post(reverse("directives:reminder_preferences"), data)
    assert_no_server_error(response, f"preferences {data!r}")


# -- GET parameters --------------------------------------------------------------------------------

TASK_FILTERS = [
    "directive",
    "org",
    "role",
    "standing",
    "cutoff",
    "period",
    "deadline_after",
    "deadline_before",
    "overdue",
    "issuer",
    "kind",
    "year",
    "q",
    "sort",
    "page",
]


@FUZZ
@given(params=form_data(TASK_FILTERS), export=st.booleans())
def test_the_task_list_filters_never_fail_with_a_500(world, params, export):
    name = "directives:task_list_xlsx" if export else "directives:task_list"
    response = logged_in(world["reporter"]).get(reverse(name), params)
    assert_no_server_error(response, f"task list {params!r}")


@FUZZ
@given(
    params=form_data(["cutoff", "at", "issuer", "kind", "year", "sort", "directives", "quarter"]),
    page=st.sampled_from(["directives:dashboard", "directives:dashboard_xlsx", "directives:quarterly_report"]),
)
def test_the_dashboard_parameters_never_fail_with_a_500(world, params, page):
    response = logged_in(world["manager"]).get(reverse(page), params)
    assert_no_server_error(response, f"{page} {params!r}")


@FUZZ
@given(params=form_data(["q", "page"]))
def test_the_directive_list_search_never_fails_with_a_500(world, params):
    response = logged_in(world["reporter"]).get(reverse("directives:directive_list"), params)
    assert_no_server_error(response, f"directive list {params!r}")
