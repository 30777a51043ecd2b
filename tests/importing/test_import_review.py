"""The review page: bounded work, what an update will do, flagged names, a label on every control."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from directives import models
from directives.importing import services
from directives.importing.drafts import DirectiveDraft, TaskDraft
from directives.importing.review import ExistingTask, import_plan, sentence_like
from tests.factories import DirectiveFactory, MembershipFactory, OrganizationFactory, TaskFactory
from tests.importing.test_import_web import IMPORT, REVIEW, SAMPLE, paste, review_data

pytestmark = pytest.mark.django_db

ITEM = "{i}. Sở Nội vụ chủ trì rà soát, hoàn thiện đề án số {i}, hoàn thành trước ngày 30/6/2022.\n"


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def numbered(n: int, per_section: int = 40) -> str:
    """A directive with `n` numbered items, in sections of `per_section` (I. …, II. …)."""
    parts = ["THÔNG BÁO\nKết luận của Ban Thường vụ\n"]
    for i in range(n):
        if i % per_section == 0:
            parts.append(f"{ROMAN[(i // per_section) % 10]}. NHIỆM VỤ PHẦN {i // per_section + 1}\n")
        parts.append(ITEM.format(i=i % per_section + 1))
    return "".join(parts)


@pytest.fixture
def staff(client):
    from tests.factories import UserFactory

    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


def test_a_text_with_40000_items_is_refused_with_a_message_before_parsing(client, staff, monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the parser must not run on a text above the limit")

    monkeypatch.setattr("directives.parsing.parse_directive", boom)
    response = client.post(IMPORT, {"text": numbered(40000)})
    assert response.status_code == 200
    assert "vượt giới hạn" in response.content.decode()
    assert models.Directive.objects.count() == 0


def test_a_draft_of_more_than_2000_tasks_is_refused_clearly(client, staff, settings):
    settings.IMPORT_MAX_TEXT_CHARS = 10_000_000
    draft = DirectiveDraft(title="x", tasks=[TaskDraft(str(i), "việc") for i in range(services.MAX_TASKS + 1)])
    with pytest.raises(ValidationError, match="vượt giới hạn 2.000"):
        services.directive_import(draft=draft)
    assert models.Directive.objects.count() == 0


def test_the_review_of_a_long_draft_is_paginated_and_confirmed_whole(client, staff):
    paste(client, numbered(120))
    page = client.get(REVIEW)
    assert page.status_code == 200
    total = page.context["tasks"].total_form_count()
    assert total > 100
    assert len(page.context["task_forms"]) == 50  # one page of rows; the rest travel hidden
    html = page.content.decode()
    assert html.count('name="tasks-') > html.count("<textarea")  # hidden rows are posted too
    data = review_data(page)
    data["meta-title"] = "Kết luận dài"
    response = client.post(REVIEW, data)
    assert response.status_code == 302
    assert models.Task.objects.count() == total


def test_moving_to_another_page_keeps_the_edits_and_saves_nothing(client, staff):
    paste(client, numbered(120))
    data = review_data(client.get(REVIEW))
    data.pop("confirm")
    data["tasks-0-text"] = "Đã sửa ở trang 1"
    data["goto"] = "2"
    response = client.post(REVIEW, data)
    assert response.status_code == 200
    assert models.Directive.objects.count() == 0
    assert response.context["page"] == 2
    assert "Đã sửa ở trang 1" in response.content.decode()  # carried in a hidden field


def test_the_review_shows_what_an_update_will_add_change_and_retire(client):
    btctw = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    manager = MembershipFactory(organization=btctw, role="manager").user
    client.force_login(manager)
    directive = DirectiveFactory(number="412-TB/BTCTW", issuer=btctw)
    TaskFactory(directive=directive, path="II.1", text="Nội dung cũ", lead=None, deadline=None)
    TaskFactory(directive=directive, path="IX.9", text="Sẽ thôi theo dõi", lead=None, deadline=None)
    paste(client, SAMPLE)
    page = client.get(REVIEW)
    plan = page.context["plan"]
    assert plan.added == ["II.2", "II.3"] and plan.changed == ["II.1"] and plan.retired == ["IX.9"]
    assert "Thôi theo dõi 1 nhiệm vụ" in page.content.decode()


def test_the_plan_of_an_update_is_pure_and_compares_by_path():
    draft = DirectiveDraft(title="x", tasks=[TaskDraft("1", "a"), TaskDraft("2", "b"), TaskDraft("4", "d")])
    existing = [
        ExistingTask("1", "a", None, ""),
        ExistingTask("2", "B khác", None, ""),
        ExistingTask("3", "c", None, ""),
        ExistingTask("4", "d", None, "", retired=True),
    ]
    plan = import_plan(draft, existing)
    assert (plan.added, plan.changed, plan.retired, plan.restored, plan.unchanged) == ([], ["2"], ["3"], ["4"], 1)


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("Ban Bí thư cơ bản nhất trí", True),
        ("Chỉ đạo các đơn vị trực thuộc…", True),
        ("Ban Chỉ đạo Trung ương về phòng, chống tham nhũng", False),
        ("Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi", False),
    ],
)
def test_names_that_read_like_sentences_are_flagged(name, flagged):
    assert sentence_like(name) is flagged


def test_the_review_page_flags_a_sentence_proposed_as_a_body(client, staff):
    paste(client, "THÔNG BÁO\nII. NHIỆM VỤ\n1. Rà soát quy hoạch cán bộ. Ban Bí thư cơ bản nhất trí chủ trì.\n")
    page = client.get(REVIEW)
    names = page.context["flagged_names"]
    html = page.content.decode()
    assert all(n in html for n in names)


class Controls(HTMLParser):
    """Every input, select and textarea that a user sees, and the labels of the page."""

    def __init__(self):
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.in_label = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if attrs.get("for"):
                self.label_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden", "submit"):
            self.controls.append({**attrs, "_wrapped": self.in_label > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self.in_label -= 1


def test_every_control_of_the_review_page_has_a_label(client, staff):
    OrganizationFactory(name="Bộ Nội vụ")
    paste(client, SAMPLE)
    html = client.get(REVIEW).content.decode()
    parser = Controls()
    parser.feed(html)
    assert parser.controls
    unlabelled = [c.get("name") for c in parser.controls if not (c["_wrapped"] or c.get("id") in parser.label_for)]
    assert unlabelled == []


def test_the_command_refuses_a_user_who_may_not_update(tmp_path):
    btctw = OrganizationFactory(name="Ban Tổ chức Trung ương", short_name="BTCTW")
    directive = DirectiveFactory(number="412-TB/BTCTW", issuer=btctw, title="Bản gốc")
    TaskFactory(directive=directive, path="II.1", lead=btctw)
    outsider = MembershipFactory(role="manager").user
    path = tmp_path / "tb.txt"
    path.write_text(SAMPLE, encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_directive", str(path), "--update", "--user", outsider.username)
    directive.refresh_from_db()
    assert directive.title == "Bản gốc"
