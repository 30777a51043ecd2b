"""The review page shows the source beside the draft, each task's passage marked and linked
from its row. Texts here are examples written for the test."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directives.importing.spans import marked_source, task_spans

SOURCE = """KẾ HOẠCH
Triển khai công tác năm 2026

1. Sở Nội vụ chủ trì, phối hợp với các sở, ngành
rà soát, sắp xếp tổ chức bộ máy; hoàn thành trước 30/6/2026.
2. Sở Tài chính bảo đảm kinh phí <thực hiện> kế hoạch.
3. Sở Nội vụ chủ trì, phối hợp với các sở, ngành tổng kết.
"""


def test_each_task_is_found_in_order_across_line_breaks():
    texts = [
        "Sở Nội vụ chủ trì, phối hợp với các sở, ngành rà soát, sắp xếp tổ chức bộ máy; hoàn thành trước 30/6/2026.",
        "Sở Tài chính bảo đảm kinh phí <thực hiện> kế hoạch.",
        "Sở Nội vụ chủ trì, phối hợp với các sở, ngành tổng kết.",
        "Một nhiệm vụ không có trong văn bản này.",
    ]
    spans = task_spans(SOURCE, texts)
    first, second, third, missing = spans
    assert SOURCE[first[0] : first[1]].startswith("Sở Nội vụ chủ trì") and "rà soát" in SOURCE[first[0] : first[1]]
    assert SOURCE[second[0] : second[1]] == "Sở Tài chính bảo đảm kinh phí <thực hiện> kế hoạch."
    # the third starts like the first: found after it, not at it
    assert third[0] > second[0] and SOURCE[third[0] : third[1]].endswith("tổng kết.")
    assert missing is None
    html = marked_source(SOURCE, spans, ["1", "2", "3", "4"])
    assert '<mark id="src-1" class="src-task" title="2">' in html
    assert "&lt;thực hiện&gt;" in html and "<thực hiện>" not in html  # escaped
    assert 'id="src-3"' not in html


@pytest.mark.django_db
def test_the_review_links_each_row_to_its_passage(client, org):
    from tests.factories import UserFactory

    staff = UserFactory(is_staff=True)
    client.force_login(staff)
    text = (
        "UBND TỈNH QUẢNG NGÃI\nSố: 12/KH-UBND\nQuảng Ngãi, ngày 05 tháng 01 năm 2026\n\nKẾ HOẠCH\n"
        "Rà soát tổ chức bộ máy\n\n1. Giao Sở Nội vụ chủ trì rà soát, sắp xếp tổ chức bộ máy các cơ quan, "
        "hoàn thành trước ngày 30/6/2026.\n2. Sở Tài chính bảo đảm kinh phí thực hiện kế hoạch này.\n"
    )
    response = client.post(reverse("directives:import"), {"text": text}, follow=True)
    html = response.content.decode()
    assert 'class="review-split"' in html
    assert '<a class="help src-link" href="#src-0">' in html and '<mark id="src-0" class="src-task"' in html
    assert '<a class="help src-link" href="#src-1">' in html and '<mark id="src-1" class="src-task"' in html
