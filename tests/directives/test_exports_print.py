"""Each export printed: rendered to PDF with LibreOffice headless, its pages counted.

The 35-task quarterly report fits in a few pages (text in portrait, the task annex in
landscape); the task list and the dashboard's sheets print one page wide, in landscape.
Each run has its own LibreOffice profile folder, so parallel runs do not clash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from directives.domain.periods import Period
from directives.exports import SYSTEM, quarterly_report_docx
from tests.directives.test_report_numbers import TODAY, report_world  # noqa: F401 - the shared fixture

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def _pdf(tmp_path: Path, name: str, content: bytes) -> list[tuple[float, float]]:
    """Render `content` (a .docx or .xlsx named `name`) and return each page's (width, height)."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdfinfo") is None:
        pytest.skip("LibreOffice (soffice) and poppler-utils (pdfinfo) are needed")
    source = tmp_path / name
    source.write_bytes(content)
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    pdf = source.with_suffix(".pdf")
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], check=True, capture_output=True, text=True
    ).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]


def test_the_35_task_quarterly_report_fits_in_a_few_pages(report_world, tmp_path):  # noqa: F811
    content = quarterly_report_docx(
        SYSTEM, Period.from_code("2021Q3"), today=TODAY, organization=report_world["issuer"]
    )
    pages = _pdf(tmp_path, "report.docx", content)
    assert 3 <= len(pages) <= 7, len(pages)
    assert pages[0][0] < pages[0][1]  # the report itself: portrait A4
    assert pages[-1][0] > pages[-1][1]  # the annex of tasks: landscape


@pytest.mark.parametrize("url", ["directives:task_list_xlsx", "directives:dashboard_xlsx"])
def test_each_workbook_prints_one_page_wide_in_landscape(report_world, client, tmp_path, url):  # noqa: F811
    client.force_login(report_world["admin"])
    response = client.get(reverse(url), {"cutoff": "2021-09-30"})
    pages = _pdf(tmp_path, "export.xlsx", response.content)
    assert pages and all(w > h for w, h in pages)
    # One page wide: the 35 tasks (or the six dashboard sheets) take few pages, not a grid of them.
    assert len(pages) <= (4 if url == "directives:task_list_xlsx" else 8), len(pages)
