"""The quarterly report in the official form, and one set of numbers.

A clerk signs the .docx: every figure in its text and its tables is read back and compared with
the dashboard's (the selector, the page's cells and its .xlsx) for the same cut-off. The report
about a past quarter says what it would have said at that quarter's end, whatever was reported,
extended or issued since; the current quarter is cut at today.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta

import docx
import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from directives import models, selectors, services
from directives.exports import SYSTEM, quarterly_report_docx
from directives.selectors.dashboard import DashboardFilters
from directives.selectors.standing import STANDING_CHOICES
from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

Q3 = date(2021, 9, 30)
TODAY = date(2026, 11, 30)


def at(d: date, hour: int = 9):
    return timezone.make_aware(datetime.combine(d, datetime.min.time()) + timedelta(hours=hour))


@pytest.fixture
def report_world():
    """35 tasks of three directives of a Party body, with a history of reports and an extension."""
    province = OrganizationFactory(name="Tỉnh ủy Quảng Ngãi", short_name="TU")
    issuer = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi", short_name="BTCTU", parent=province)
    leads = [OrganizationFactory(name=f"Sở Nội vụ {n}") for n in range(4)]
    reporter = UserFactory(username="reporter")
    tasks = []
    for d in range(3):
        directive = DirectiveFactory(
            issuer=issuer, number=f"{336 + d}-TB/TU", issued_on=date(2021, 4, 5 + d), title=f"Kết luận {d}"
        )
        for n in range(12 if d < 2 else 11):
            deadline = None if n == 11 else date(2021, 7, 1) + timedelta(days=9 * n + d)
            tasks.append(
                TaskFactory(
                    directive=directive,
                    lead=leads[n % 4],
                    path=str(n + 1),
                    position=n,
                    deadline=deadline,
                    deadline_period="",
                    text=f"Tham mưu xây dựng đề án số {n + 1} về công tác cán bộ của văn bản {d}, "
                    "báo cáo Ban Thường vụ Tỉnh ủy kết quả thực hiện",
                )
            )
    for i, task in enumerate(tasks):
        if i % 5 == 0 and task.deadline:  # finished before the end of Q3, some late
            done = min(task.deadline + timedelta(days=(i % 3) * 4 - 2), Q3)
            services.task_report_progress(
                task=task,
                author=reporter,
                organization=task.lead,
                status="done",
                percent=100,
                completed_on=done,
                at=at(done),
            )
        elif i % 5 == 1:
            services.task_report_progress(
                task=task,
                author=reporter,
                organization=task.lead,
                status="in_progress",
                percent=40,
                at=at(date(2021, 6, 1)),
            )
        elif i % 7 == 3:
            services.task_report_progress(
                task=task,
                author=reporter,
                organization=task.lead,
                status="cancelled",
                percent=0,
                at=at(date(2021, 8, 1)),
            )
    ext = services.extension_request(
        task=tasks[2], author=reporter, organization=tasks[2].lead, requested_deadline=date(2021, 12, 31), reason="r"
    )
    services.extension_decide(extension=ext, decider=UserFactory(username="boss"), approve=True)
    models.ExtensionRequest.objects.filter(pk=ext.pk).update(decided_at=at(date(2021, 7, 1)))
    models.TaskChange.objects.filter(task=tasks[2], cause="extension").update(made_at=at(date(2021, 7, 1)))
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    return {"tasks": tasks, "issuer": issuer, "admin": admin, "reporter": reporter}


def _report(quarter="2021Q3", today=TODAY, org=None) -> docx.Document:
    from directives.domain.periods import Period

    content = quarterly_report_docx(SYSTEM, Period.from_code(quarter), today=today, organization=org)
    return docx.Document(io.BytesIO(content))


def _body_text(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def _numbers(text: str) -> list[str]:
    """Every figure of a sentence, dates left out: "12", "1.234", "67,8%"."""
    text = re.sub(r"\d{2}/\d{2}/\d{4}", "", text)
    return re.findall(r"\d[\d.]*(?:,\d+)?%?", text)


def _expected_sentences(data, extended):
    from directives.domain.periods import format_percent_vi as pct

    h, p = data.headline, data.previous
    return [
        [h.counted, h.get("cancelled"), h.finished, pct(h.completion_rate), h.on_time, pct(h.on_time_rate), h.late],
        [h.get("in_progress"), h.get("not_started"), h.overdue, h.no_deadline, data.due_soon.get("due_soon"), extended],
        [pct(p.completion_rate), pct(h.completion_rate), p.overdue, h.overdue],
    ]


def test_every_number_of_the_report_is_the_dashboards(report_world, client):
    document = _report()
    data = selectors.dashboard_data(SYSTEM, DashboardFilters(cutoff=Q3))
    extended = selectors.extended_count(SYSTEM, data.filters)
    assert extended == 1 and data.headline.counted > 20
    paragraphs = _body_text(document)
    start = paragraphs.index("I. KẾT QUẢ CHUNG")
    for sentence, want in zip(paragraphs[start + 1 : start + 4], _expected_sentences(data, extended), strict=True):
        assert _numbers(sentence) == [str(x) if isinstance(x, str) else f"{x}" for x in want], sentence

    summary = document.tables[1]  # [0] is the header block
    rows = {r.cells[0].text: r.cells[1].text for r in summary.rows[1:]}
    for code, label in STANDING_CHOICES:
        assert rows[str(label)] == str(data.headline.get(code))
    assert rows["Trong đó: sắp đến hạn"] == str(data.due_soon.get("due_soon"))

    by_directive = document.tables[2]
    for row, r in zip(by_directive.rows[1:], data.by_directive, strict=True):
        cells = [c.text for c in row.cells]
        assert cells[2:5] == [str(r.counts.counted), str(r.counts.finished), str(r.counts.overdue)]

    # The annex lists each counted task once, with the standing the dashboard counts.
    annex = document.tables[4 : 4 + len(data.by_directive)]  # after the header, 2 tables, the signature
    listed = [row.cells[5].text for t in annex for row in t.rows[1:]]
    labels = dict(STANDING_CHOICES)
    for code, _label in STANDING_CHOICES:
        assert listed.count(str(labels[code])) == data.headline.get(code)

    # The page and the .xlsx at the same cut-off say the same.
    client.force_login(report_world["admin"])
    page = client.get(reverse("directives:dashboard"), {"at": "2021Q3"})
    shown = {str(r["label"]): r["cell"].count for r in page.context["standing_rows"]}
    for code, label in STANDING_CHOICES:
        assert shown[str(label)] == data.headline.get(code)
    wb = openpyxl.load_workbook(io.BytesIO(client.get(reverse("directives:dashboard_xlsx"), {"at": "2021Q3"}).content))
    ws = wb["Tổng hợp"]
    xlsx = {r[0]: r[1] for r in ws.iter_rows(values_only=True) if r[0]}
    for code, label in STANDING_CHOICES:
        assert xlsx[str(label)] == data.headline.get(code)


def test_a_report_made_today_about_q3_says_what_it_said_at_the_end_of_q3(report_world):
    before = _numbers(" ".join(_body_text(_report(today=date(2021, 9, 30)))[6:9]))
    tasks, reporter = report_world["tasks"], report_world["reporter"]
    # Since then: reports (a completion dated inside Q3 but reported in October), an extension,
    # a new directive issued in October with tasks due in Q3.
    services.task_report_progress(
        task=tasks[3],
        author=reporter,
        organization=tasks[3].lead,
        status="done",
        percent=100,
        completed_on=date(2021, 9, 20),
        at=at(date(2021, 10, 10)),
    )
    ext = services.extension_request(
        task=tasks[4], author=reporter, organization=tasks[4].lead, requested_deadline=date(2022, 3, 1), reason="r"
    )
    services.extension_decide(extension=ext, decider=report_world["admin"], approve=True)
    late = DirectiveFactory(issuer=report_world["issuer"], number="999-TB/TU", issued_on=date(2021, 10, 13))
    TaskFactory(directive=late, deadline=date(2021, 9, 1), lead=tasks[0].lead)
    after = _numbers(" ".join(_body_text(_report(today=TODAY))[6:9]))
    assert after == before
    # At the end of Q4 the completion reported in October counts, on time (20/09 before its deadline).
    q4 = selectors.dashboard_data(SYSTEM, DashboardFilters(cutoff=date(2021, 12, 31))).headline
    q3 = selectors.dashboard_data(SYSTEM, DashboardFilters(cutoff=Q3)).headline
    assert q4.finished == q3.finished + 1


def test_the_current_quarter_is_cut_at_today_and_nothing_due_later_is_overdue(report_world):
    directive = DirectiveFactory(issuer=report_world["issuer"], number="1-KH/TU", issued_on=date(2026, 10, 1))
    for days in (1, 7, 30):
        TaskFactory(directive=directive, deadline=TODAY + timedelta(days=days), lead=report_world["tasks"][0].lead)
    TaskFactory(directive=directive, deadline=TODAY - timedelta(days=1), lead=report_world["tasks"][0].lead)
    document = _report("2026Q4", today=TODAY)
    text = "\n".join(_body_text(document))
    assert "Số liệu tính đến ngày 30/11/2026" in text and "31/12/2026" not in text
    data = selectors.dashboard_data(SYSTEM, DashboardFilters(cutoff=TODAY))
    recent = [t for t in data.overdue if t.directive_id == directive.pk]
    assert [t.deadline for t in recent] == [TODAY - timedelta(days=1)]
    assert data.due_soon.get("due_soon") == 2  # due tomorrow and in 7 days (7 by default)


def test_a_party_body_reports_in_the_partys_form_and_a_state_body_in_the_states(report_world):
    document = _report(org=report_world["issuer"])
    header = "\n".join(c.text for row in document.tables[0].rows for c in row.cells)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "BAN TỔ CHỨC TỈNH ỦY QUẢNG NGÃI" in header
    assert "TỈNH ỦY QUẢNG NGÃI" in header and "-BC/BTCTU" in header
    assert "Quảng Ngãi, ngày 30 tháng 11 năm 2026" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in header
    state = OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ngãi", short_name="SNV")
    header = "\n".join(c.text for row in _report(org=state).tables[0].rows for c in row.cells)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
    assert "Số:      /BC-SNV" in header and "ĐẢNG CỘNG SẢN" not in header
    text = "\n".join(_body_text(_report(org=state)))
    assert "BÁO CÁO" in text and "Nơi nhận:" in "\n".join(
        c.text for t in _report(org=state).tables for r in t.rows for c in r.cells
    )
    style = _report().styles["Normal"].font
    assert style.name == "Times New Roman" and style.size.pt == 13
