"""The gazetteer normalizes names the grammar found; it is not the only vocabulary."""

from directives.parsing.bodies import extract_bodies
from directives.parsing.gazetteer import known, proper_case
from directives.parsing.metadata import nice_case


def test_known_names_take_their_official_casing():
    assert known("BỘ Y TẾ") == "Bộ Y tế"
    assert proper_case("Bộ tài chính cục thuế") == "Bộ Tài chính Cục Thuế"
    assert nice_case("BỘ CÔNG THƯƠNG") == "Bộ Công Thương"


def test_a_body_the_gazetteer_does_not_list_is_still_a_body():
    lead, support = extract_bodies("Trung tâm Kiểm soát bệnh tật tỉnh chủ trì, phối hợp với bộ công thương kiểm tra.")
    assert lead == ["Trung tâm Kiểm soát bệnh tật tỉnh"]
    assert support == ["Bộ Công Thương"]
