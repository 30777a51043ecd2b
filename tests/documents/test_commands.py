"""`parse_directive` and `import_directive` take every supported file, and refuse bad ones clearly."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directives import models

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["chi-thi.pdf", "chi-thi.docx", "chi-thi.doc"])
def test_parse_directive_reads_pdf_docx_and_doc_alike(name):
    out = StringIO()
    call_command("parse_directive", str(FIXTURES / name), "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert data["document"]["number"] == "015/CT-UBND"
    assert data["tasks"][0]["lead"] == ["Công an tỉnh"]


def test_parse_directive_refuses_a_scan_with_no_ocr_and_a_locked_pdf_with_their_reasons():
    with pytest.raises(CommandError, match="OCR"):
        call_command("parse_directive", str(FIXTURES / "chi-thi.scan.pdf"), "--no-ocr", stdout=StringIO())
    with pytest.raises(CommandError, match="mật khẩu"):
        call_command("parse_directive", str(FIXTURES / "encrypted.pdf"), stdout=StringIO())


@pytest.mark.django_db
def test_import_directive_imports_a_pdf():
    out = StringIO()
    call_command("import_directive", str(FIXTURES / "chi-thi.pdf"), stdout=out, stderr=StringIO())
    directive = models.Directive.objects.get(number="015/CT-UBND")
    assert directive.tasks.count() >= 2
    assert "Đã tạo" in out.getvalue()
