def test_an_auxiliary_verb_ends_a_body_name():
    from directives.parsing.bodies import extract_bodies

    lead, _support = extract_bodies("Ban Tổ chức Trung ương sẽ chủ trì rà soát quy hoạch cán bộ.")
    assert lead == ["Ban Tổ chức Trung ương"]


def test_bodies_listed_as_addressees_are_not_leads():
    from directives.parsing.bodies import extract_bodies

    lead, _support = extract_bodies(
        "Tiếp tục hoàn thiện 08 đề án dự kiến báo cáo Bộ Chính trị, Ban Bí thư trong Quý IV/2021."
    )
    assert lead == []
    lead, _support = extract_bodies("Trên cơ sở kết quả rà soát, Bộ Tài chính khẩn trương tổng hợp, báo cáo.")
    assert lead == ["Bộ Tài chính"]
