"""The dashboard page, its links to the task list, the .xlsx and .docx files and the commands."""

import io
import json
from datetime import date

import docx
import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from directives import models
from tests.directives.test_dashboard_figures import world  # noqa: F401 - the shared fixture
from tests.factories import DirectiveFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


@pytest.fixture
def admin_client(client, world):  # noqa: F811
    client.force_login(world["admin"])
    return client


def every_cell(context):
    """(where, Cell) for every number on the page that links to the task list."""
    for f in context["headline"]:
        yield f"headline {f['label']}", f["cell"]
        yield f"headline previous {f['label']}", f["previous"]
    for r in context["standing_rows"]:
        yield f"standing {r['label']}", r["cell"]
    keys = ["tasks", "on_time", "late", "within", "overdue", "no_deadline", "completion", "on_time_rate"]
    for name in ("directives", "lead_rows", "support_rows", "quarters"):
        for row in context[name]:
            for key in keys:
                yield f"{name} {row['row']} {key}", row[key]


def test_every_figure_equals_the_length_of_the_task_list_it_links_to(admin_client):
    for query in ("?cutoff=2021-10-01", "?at=2021", "?at=2021Q3&year=2021"):
        page = admin_client.get(URL + query)
        assert page.status_code == 200
        cells = list(every_cell(page.context))
        assert len(cells) > 50
        for where, cell in cells:
            assert cell.url.startswith(reverse("directives:task_list") + "?")
            listing = admin_client.get(cell.url)
            assert listing.status_code == 200, where
            assert listing.context["page"].paginator.count == cell.count, f"{query} {where}: {cell.url}"


def test_the_page_shows_the_figures_the_targets_and_the_charts(admin_client):
    page = admin_client.get(URL + "?cutoff=2021-10-01")
    html = page.content.decode()
    assert "19/28 đề án (67,8%)" in html
    assert html.count("<svg") >= 3  # the standing bars, the quarter columns, a sparkline
    assert "40%" in html and "50%" in html  # completion and on-time rates
    assert "Sở Nội vụ" in html and "Văn phòng Tỉnh ủy" in html


def test_the_ranking_is_sorted_on_the_server(admin_client):
    def names(sort):
        return [r["row"].name for r in admin_client.get(URL + f"?cutoff=2021-12-31&sort={sort}").context["lead_rows"]]

    assert names("-tasks") == ["Sở Nội vụ", "Sở Tài chính"]  # 3 tasks, then 2
    assert names("tasks") == ["Sở Tài chính", "Sở Nội vụ"]
    assert names("-overdue") == ["Sở Nội vụ", "Sở Tài chính"]  # 1 each: ties by name


def test_bad_cutoff_period_and_year_give_a_message_not_an_error(admin_client):
    page = admin_client.get(URL + "?cutoff=31-31-2021&at=2021Q7&year=abc&issuer=x&kind=zzz")
    assert page.status_code == 200
    html = page.content.decode()
    assert "không hợp lệ" in html or "Nhập" in html
    assert set(page.context["form"].errors) >= {"cutoff", "at", "year"}


def test_an_empty_database_gives_an_empty_friendly_dashboard(client):
    client.force_login(UserFactory(username="lonely", is_superuser=True))
    page = client.get(URL)
    assert page.status_code == 200
    assert "Chưa có nhiệm vụ nào" in page.content.decode()


def test_the_dashboard_needs_a_login(client):
    assert client.get(URL).status_code == 302


def header_row(ws) -> int:
    """The row of the table's header: where the filter starts (title rows come before it)."""
    return ws[ws.auto_filter.ref.split(":")[0]].row


def test_the_xlsx_export_has_title_rows_bold_frozen_headers_rates_and_dates(admin_client):
    response = admin_client.get(reverse("directives:dashboard_xlsx") + "?cutoff=2021-12-31")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Theo đơn vị"]
    h = header_row(ws)
    titles = [ws.cell(r, 1).value for r in range(1, h)]
    assert "Số liệu tính đến ngày 31/12/2021" in titles and "Phạm vi: toàn bộ nhiệm vụ" in titles
    assert ws.cell(h, 1).font.bold and ws.freeze_panes == f"A{h + 1}"
    assert ws.print_title_rows == f"${h}:${h}" or ws.print_title_rows == f"{h}:{h}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.cell(h, 1).border.left.style == "thin"
    rows = {(r[0], r[1]): r for r in ws.iter_rows(min_row=h + 1, values_only=True)}
    noi_vu = rows[("Sở Nội vụ", "Chủ trì")]
    assert noi_vu[2:7] == (3, 1, 1, 0, 1)
    assert ws.cell(h + 1, 9).number_format == "0.0%"
    # Headers are whole and once: the summary lists each standing once.
    summary = wb["Tổng hợp"]
    labels = [r[0] for r in summary.iter_rows(min_row=header_row(summary) + 1, values_only=True)]
    assert len(labels) == len(set(labels)) and "Quá hạn chưa hoàn thành" in labels
    overdue = wb["Quá hạn"]
    h = header_row(overdue)
    assert overdue.cell(h + 1, 1).number_format == "dd/mm/yyyy"
    assert overdue.cell(h + 1, 1).value.date() == date(2021, 8, 31)


def test_rates_are_numbers_cut_to_one_decimal_as_on_screen(admin_client):
    from directives.exports.workbooks import percent_value

    assert percent_value(19 * 100 / 28) == 0.678  # 67,857…% shows "67,8%", as the page does
    assert percent_value(99.96) == 0.999 and percent_value(100.0) == 1.0 and percent_value(None) is None


def test_the_quarterly_report_is_a_docx_with_figures_directives_overdue_tasks_and_targets(admin_client):
    response = admin_client.get(reverse("directives:quarterly_report") + "?quarter=2021Q3")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Kết quả thực hiện nhiệm vụ Quý III/2021" in text
    assert "30/09/2021" in text
    assert "19/28 đề án (67,8%)" in text
    cells = {c.text for table in document.tables for row in table.rows for c in row.cells}
    assert "Văn phòng Tỉnh ủy" in cells  # the supporting body of the overdue task
    assert "31/08/2021" in cells


def test_a_bad_quarter_is_a_400_with_a_message(admin_client):
    response = admin_client.get(reverse("directives:quarterly_report") + "?quarter=2021Q9")
    assert response.status_code == 400
    assert "2021Q9" in response.content.decode()


def test_the_quarterly_report_command_writes_the_file(world, tmp_path):  # noqa: F811
    out = tmp_path / "q3.docx"
    call_command("quarterly_report", quarter="2021Q3", out=str(out), stdout=io.StringIO())
    text = "\n".join(p.text for p in docx.Document(str(out)).paragraphs)
    assert "Quý III/2021" in text


@pytest.mark.parametrize("quarter", ["2021Q5", "2021", "abc"])
def test_the_quarterly_report_command_refuses_a_bad_quarter(db, tmp_path, quarter):
    with pytest.raises(CommandError):
        call_command("quarterly_report", quarter=quarter, out=str(tmp_path / "x.docx"))


def test_the_benchmark_command_prints_one_json_line_with_the_keys(db):
    out = io.StringIO()
    call_command("benchmark", tasks=200, json=True, keep=True, stdout=out)
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    for key in [
        "dashboard_ms",
        "dashboard_queries",
        "dashboard_sql_floor_ms",
        "past_quarter_report_ms",
        "past_quarter_report_queries",
        "past_quarter_report_sql_floor_ms",
        "task_list_ms",
        "task_list_queries",
        "parse_20kb_ms",
        "parse_growth_ratio",
        "reminders_plan_s",
        "digests_per_s",
        "build_peak_rss_mb",
        "web_rss_mb",
    ]:
        assert key in result
    assert result["build_peak_rss_mb"] > 0 and result["web_rss_mb"] > 0
    assert not [key for key in result if key.endswith("_error")], result
    # 11: the figures, plus the completions waiting for verification (issue 13) since the merge.
    assert result["tasks"] == 200 and result["dashboard_queries"] <= 11
    again = io.StringIO()
    call_command("benchmark", tasks=200, json=True, skip="parser,reminders", stdout=again)
    assert json.loads(again.getvalue().strip().splitlines()[-1])["data_built"] is False
    # Without --keep it tidies up after itself.
    assert not models.Directive.objects.exists() and not models.Organization.objects.exists()
    assert not models.TaskChange.objects.exists() and not models.ProgressReport.objects.exists()


def test_the_benchmark_refuses_a_database_with_real_data(db):
    DirectiveFactory(number="336-BS/VPTU")
    with pytest.raises(CommandError, match="not the benchmark's"):
        call_command("benchmark", tasks=10, json=True, skip="parser,reminders", stdout=io.StringIO())
    assert models.Directive.objects.count() == 1  # nothing written, nothing deleted
