"""An organization's system (Đảng / Nhà nước / Mặt trận, đoàn thể) is a field, and the field, not
the name, decides the form of its quarterly report. The name only fills the field where nobody
has said: the migration that added it, a body created by an import."""

from __future__ import annotations

import importlib
import io
from datetime import date

import docx
import pytest
from django.apps import apps
from django.urls import reverse

from directives import models, services
from directives.domain.bodies import MASS, PARTY, STATE, guess_system
from directives.domain.periods import Period
from directives.exports import SYSTEM, quarterly_report_docx
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

System = models.Organization.System


def _header(org) -> str:
    content = quarterly_report_docx(SYSTEM, Period.from_code("2021Q3"), today=date(2021, 10, 5), organization=org)
    document = docx.Document(io.BytesIO(content))
    return "\n".join(c.text for row in document.tables[0].rows for c in row.cells)


def test_a_body_set_to_the_party_reports_in_the_partys_form_whatever_its_name_says():
    org = OrganizationFactory(name="Sở Nội vụ tỉnh Quảng Ngãi", short_name="SNV", system=System.PARTY)
    header = _header(org)
    assert "ĐẢNG CỘNG SẢN VIỆT NAM" in header and "Số      -BC/SNV" in header
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in header


def test_a_body_set_to_the_state_reports_in_the_states_form_whatever_its_name_says():
    org = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Bắc Ninh", short_name="BTCTU", system=System.STATE)
    header = _header(org)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "Độc lập - Tự do - Hạnh phúc" in header
    assert "Số:      /BC-BTCTU" in header and "ĐẢNG CỘNG SẢN" not in header


def test_the_front_and_mass_organizations_report_under_the_national_title():
    org = OrganizationFactory(name="Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Nghệ An", system=System.MASS)
    header = _header(org)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header and "ĐẢNG CỘNG SẢN" not in header


@pytest.mark.parametrize(
    ("names", "system"),
    [
        (["Ban Tổ chức Tỉnh ủy Quảng Ngãi"], PARTY),
        (["Ban Tổ chức Trung ương"], PARTY),
        (["Đảng ủy Khối các cơ quan tỉnh"], PARTY),
        (["Đảng đoàn Mặt trận Tổ quốc tỉnh"], PARTY),  # a Party body, whatever follows
        (["Tỉnh uỷ Nghệ An"], PARTY),  # the other placement of the tone mark
        (["Bộ Nội vụ"], STATE),
        (["Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi"], STATE),
        (["UBND tỉnh Nghệ An"], STATE),
        (["Cục Thuế tỉnh Bắc Ninh"], STATE),
        (["Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"], MASS),
        (["Tỉnh đoàn Quảng Ngãi"], MASS),
        (["Hội Liên hiệp Phụ nữ tỉnh"], MASS),
        (["Văn phòng", "Ủy ban nhân dân tỉnh Quảng Ngãi"], STATE),  # the parent says
        (["Vụ Địa phương I", "Ban Tổ chức Trung ương"], PARTY),
        (["Phòng Tổng hợp"], PARTY),  # nothing says: the Party's, as before the field
    ],
)
def test_the_guess_reads_the_name_then_the_parents(names, system):
    assert guess_system(names) == system


def test_the_migration_fills_the_field_from_the_names_of_existing_bodies():
    migration = importlib.import_module("directives.migrations.0015_organization_system")
    committee = OrganizationFactory(name="Ủy ban nhân dân tỉnh Quảng Ngãi", system=PARTY)
    office = OrganizationFactory(name="Văn phòng", parent=committee, system=PARTY)
    front = OrganizationFactory(name="Ủy ban Mặt trận Tổ quốc tỉnh Quảng Ngãi", system=PARTY)
    board = OrganizationFactory(name="Ban Tổ chức Tỉnh ủy Quảng Ngãi", system=PARTY)
    migration.fill_system(apps, None)
    got = dict(models.Organization.objects.values_list("name", "system"))
    assert got[committee.name] == STATE and got[office.name] == STATE
    assert got[front.name] == MASS and got[board.name] == PARTY


def test_a_body_created_by_an_import_gets_the_guessed_system_and_a_given_one_wins():
    assert services.organization_get_or_create(name="Sở Tài chính tỉnh Quảng Ngãi").system == STATE
    assert services.organization_get_or_create(name="Huyện ủy Sơn Tịnh").system == PARTY
    assert services.organization_get_or_create(name="Trung tâm Lưu trữ", system=STATE).system == STATE


def test_staff_set_the_system_in_the_admin(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    org = OrganizationFactory(name="Trung tâm Lưu trữ tỉnh", system=PARTY)
    url = reverse("admin:directives_organization_change", args=[org.pk])
    assert 'name="system"' in client.get(url).content.decode()
    data = {
        "name": org.name,
        "short_name": "",
        "kind": org.kind,
        "system": STATE,
        "contact_emails": "",
        "is_active": "on",
        "due_soon_days": "7",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.system == STATE
