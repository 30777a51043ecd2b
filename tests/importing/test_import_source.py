"""The review shows the source beside the draft, each task's span marked and linked from its row.

The parser records where each task's text lies in the text it read (pure); the draft keeps it; the
review page cuts the source at those spans, server-side and escaped, with no script.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from directives.importing.drafts import TaskDraft, draft_from_contract
from directives.importing.review import SourcePart, source_parts
from directives.parsing import parse_directive
from directives.parsing.spans import locate
from tests.importing.test_import_review import numbered
from tests.importing.test_import_web import paste, review_data

REVIEW = reverse("directives:import_review")

PLAN = """**ỦY BAN NHÂN DÂN TỈNH**

KẾ HOẠCH
Phòng, chống thiên tai năm 2025

**II. NHIỆM VỤ**

**1.** Sở Nông nghiệp và Môi trường chủ trì rà soát phương án ứng phó
với bão, hoàn thành trước ngày 30/6/2025.

2. Sở Xây dựng:
- Kiểm tra an toàn công trình¹ trước mùa mưa bão;
- Hướng dẫn gia cố nhà ở.

¹ Công trình công cộng và nhà chung cư.

3. Công an tỉnh bảo đảm an ninh trật tự <tại> các điểm sơ tán:
(1) Lập danh sách điểm sơ tán. (2) Báo cáo Ủy ban nhân dân tỉnh.
"""


def spans_of(text):
    parsed = parse_directive(text)
    return [(t.ref, t.text, t.span) for t in parsed.tasks]


def test_the_parser_records_where_each_task_lies_in_the_text_it_read():
    tasks = spans_of(PLAN)
    assert [ref for ref, _, _ in tasks] == ["II.1", "II.2", "II.2.1", "II.2.2", "II.3", "II.3.(1)", "II.3.(2)"]
    shown = {ref: PLAN[span[0] : span[1]] for ref, _, span in tasks}
    assert shown["II.1"] == (
        "**1.** Sở Nông nghiệp và Môi trường chủ trì rà soát phương án ứng phó\n"
        "với bão, hoàn thành trước ngày 30/6/2025"
    )
    assert shown["II.2"] == "2. Sở Xây dựng"
    assert shown["II.2.1"] == "- Kiểm tra an toàn công trình¹ trước mùa mưa bão"
    assert shown["II.3"] == "3. Công an tỉnh bảo đảm an ninh trật tự <tại> các điểm sơ tán"
    assert shown["II.3.(2)"] == "(2) Báo cáo Ủy ban nhân dân tỉnh"  # an item inside a paragraph, its number too


def test_spans_follow_the_document_and_never_overlap():
    spans = [span for _, _, span in spans_of(PLAN)]
    assert all(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_a_heading_inside_the_task_before_it_is_not_taken_for_the_heading():
    text = "II. NHIỆM VỤ\n1. Sở Tài chính: phối hợp với Sở Y tế bố trí kinh phí.\n2. Sở Y tế\na) Cấp thuốc.\n"
    shown = {ref: text[a:b] for ref, _, (a, b) in spans_of(text)}
    assert shown["II.2"] == "2. Sở Y tế"
    assert shown["II.1"] == "1. Sở Tài chính: phối hợp với Sở Y tế bố trí kinh phí"


def test_a_task_the_text_no_longer_holds_has_no_span():
    assert locate("1. Rà soát quy hoạch.\n", ["Rà soát quy hoạch.", "Một việc không có trong văn bản"]) == [
        (0, 20),
        None,
    ]


def test_the_json_contract_carries_each_span():
    task = parse_directive(PLAN).to_dict()["tasks"][0]
    assert task["span"] == list(parse_directive(PLAN).tasks[0].span)


@pytest.mark.parametrize(
    ("span", "kept"),
    [
        ([3, 10], (3, 10)),
        ([10, 3], None),
        ([-1, 4], None),
        ([0, 999], None),
        ([True, 4], None),
        ("0-4", None),
        (None, None),
    ],
)
def test_the_draft_keeps_a_span_only_when_it_lies_in_the_source(span, kept):
    draft = draft_from_contract({"tasks": [{"ref": "1", "text": "Rà soát", "span": span}]}, source_text="x" * 20)
    assert draft.tasks[0].span == kept


def test_the_source_is_cut_at_the_spans_and_nothing_is_lost():
    source = "Mở đầu. 1. Việc một. 2. Việc hai. Kết."
    tasks = [TaskDraft("1", "Việc một", span=(8, 19)), TaskDraft("2", "Việc hai", span=(15, 33)), TaskDraft("3", "x")]
    parts = source_parts(source, tasks, on_page=range(0, 1))
    assert "".join(p.text for p in parts) == source
    assert parts[1] == SourcePart("1. Việc một", index=0, ref="1", on_page=True)
    # the second span began inside the first: it starts where the first ends
    assert parts[2] == SourcePart(source[19:33], index=1, ref="2", on_page=False)
    assert [p.index for p in parts] == [None, 0, 1, None]


@pytest.fixture
def staff(client):
    from tests.factories import UserFactory

    user = UserFactory(username="clerk", is_staff=True)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_the_review_shows_the_source_beside_the_draft_with_each_span_marked_and_linked(client, staff):
    paste(client, PLAN)
    response = client.get(REVIEW)
    html = response.content.decode()
    panel = html[html.index('class="card source-panel"') :]
    assert '<mark id="src-0"><a class="src-ref" href="#task-0">II.1' in panel
    assert '<tr id="task-0">' in html and 'href="#src-0"' in html
    assert html.count("<mark id=") == 7
    assert "&lt;tại&gt;" in panel and "<tại>" not in html  # the source is escaped
    text = re.sub(r"<[^>]+>", "", panel[panel.index("<pre") : panel.index("</pre>") + 6])
    assert "Kiểm tra an toàn công trình¹ trước mùa mưa bão" in text


@pytest.mark.django_db
def test_the_review_page_has_no_inline_script_or_style(client, staff):
    paste(client, PLAN)
    html = client.get(REVIEW).content.decode()
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert " style=" not in html and "<style" not in html and " on" + "click=" not in html


@pytest.mark.django_db
def test_a_paged_review_links_only_the_rows_on_its_page_and_marks_every_task(client, staff):
    paste(client, numbered(120))
    first = client.get(REVIEW)
    html = first.content.decode()
    total = first.context["tasks"].total_form_count()
    assert html.count("<mark id=") == total
    assert 'href="#src-49"' in html and 'href="#src-50"' not in html
    assert '<a class="src-ref" href="#task-49">' in html and '<span class="src-ref">' in html
    data = review_data(first)
    data.pop("confirm")
    data["goto"] = "2"
    second = client.post(REVIEW, data).content.decode()
    assert '<tr id="task-50">' in second and 'href="#src-50"' in second and 'href="#src-0"' not in second
    assert '<mark id="src-0"><span class="src-ref">' in second
