"""`manage.py parse_directive` and `manage.py import_directive`."""

# ruff: noqa: E501 - the sample directive keeps its real line lengths

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from directives import models
from directives.parsing import parse_directive
from tests.factories import OrganizationFactory

SEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "corpus" / "seeds"

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


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "412.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    return path


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_parse_directive_json_prints_exactly_the_contract(sample):
    out = run("parse_directive", str(sample), "--json")
    assert out.strip() == json.dumps(parse_directive(SAMPLE).to_dict(), ensure_ascii=False)
    data = json.loads(out)
    assert {"document", "period", "tasks", "figures", "references"} <= set(data)
    assert {"ref", "text", "due", "lead", "support"} <= set(data["tasks"][0])
    assert data["document"]["number"] == "412-TB/BTCTW"


def test_parse_directive_json_works_on_every_seed_text():
    for path in sorted(SEEDS.glob("*.txt")):
        data = json.loads(run("parse_directive", str(path), "--json"))
        assert set(data) >= {"document", "tasks"}, path.name


def test_parse_directive_reads_utf16_files(tmp_path):
    path = tmp_path / "utf16.txt"
    path.write_bytes(SAMPLE.encode("utf-16"))
    data = json.loads(run("parse_directive", str(path), "--json"))
    assert data["document"]["number"] == "412-TB/BTCTW"


def test_parse_directive_without_json_prints_an_outline(sample):
    out = run("parse_directive", str(sample))
    assert "412-TB/BTCTW" in out
    assert "II.1 Hoàn thiện đề án" in out
    assert "hạn 30/06/2022" in out
    assert "phối hợp: Bộ Nội vụ" in out
    assert not out.lstrip().startswith("{")


def test_parse_directive_refuses_a_missing_file():
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run("parse_directive", "/no/such/file.txt", "--json")


def test_parse_directive_refuses_an_empty_or_binary_file(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 10)
    for path in (empty, binary):
        with pytest.raises(CommandError):
            run("parse_directive", str(path), "--json")


@pytest.mark.django_db
def test_import_directive_writes_the_directive_and_creates_unknown_bodies(sample):
    bnv = OrganizationFactory(name="Bộ Nội vụ", short_name="BNV")
    out = run("import_directive", str(sample), "--activate")
    directive = models.Directive.objects.get(number="412-TB/BTCTW")
    assert directive.status == models.Directive.Status.ACTIVE
    assert "3 nhiệm vụ" in out and "412-TB/BTCTW" in out
    tasks = {t.path: t for t in directive.tasks.all()}
    assert set(tasks) == {"II.1", "II.2", "II.3"}
    assert list(tasks["II.1"].supporters.all()) == [bnv]
    assert tasks["II.2"].lead.name == "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi"
    assert tasks["II.2"].deadline_period == "2022Q3"
    assert directive.targets.get().total == 28
    assert directive.citations.get().number == "24-QĐ/TW"


@pytest.mark.django_db
def test_import_directive_refuses_an_existing_number_unless_update(sample):
    run("import_directive", str(sample))
    with pytest.raises(CommandError, match="--update"):
        run("import_directive", str(sample))
    assert models.Directive.objects.filter(number="412-TB/BTCTW").count() == 1
    out = run("import_directive", str(sample), "--update")
    assert "Đã cập nhật" in out
    assert models.Directive.objects.filter(number="412-TB/BTCTW").count() == 1
    assert models.Task.objects.filter(directive__number="412-TB/BTCTW").count() == 3


@pytest.mark.django_db
def test_import_directive_imports_a_text_without_tasks(tmp_path):
    path = tmp_path / "news.txt"
    path.write_text("Hôm nay trời đẹp. Hội nghị đã diễn ra thành công tốt đẹp.\n", encoding="utf-8")
    out = run("import_directive", str(path))
    assert "Không nhận ra nhiệm vụ nào" in out
    assert models.Directive.objects.count() == 1
    assert models.Task.objects.count() == 0
