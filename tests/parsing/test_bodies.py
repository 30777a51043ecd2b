import pytest

from directives.parsing import parse_directive
from directives.parsing.bodies import extract_bodies


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


# Examples written for these rules (not corpus sentences).
@pytest.mark.parametrize(
    ("text", "lead", "support"),
    [
        (
            "Phòng Nội vụ huyện chủ trì, phối hợp với Phòng Văn hóa và Thông tin huyện kiểm tra.",
            ["Phòng Nội vụ huyện"],
            ["Phòng Văn hóa và Thông tin huyện"],
        ),
        (
            "Giao Bệnh viện Đa khoa tỉnh chủ trì, phối hợp với Tỉnh đoàn tổ chức khám.",
            ["Bệnh viện Đa khoa tỉnh"],
            ["Tỉnh đoàn"],
        ),
        ("Bộ trưởng Bộ Quốc phòng chỉ đạo các đơn vị hỗ trợ nhân dân.", ["Bộ Quốc phòng"], []),
        ("Thống đốc Ngân hàng Nhà nước Việt Nam chỉ đạo các ngân hàng giãn nợ.", ["Ngân hàng Nhà nước Việt Nam"], []),
        (
            "Thành phố Hà Nội và các tỉnh Bắc Ninh, Gia Lai chủ động bố trí kinh phí.",
            ["Thành phố Hà Nội", "Tỉnh Bắc Ninh", "Tỉnh Gia Lai"],
            [],
        ),
        (
            "Bộ Công Thương chỉ đạo các tập đoàn, tổng công ty: Dầu khí Việt Nam, Hóa chất - Khoáng sản Miền Bắc"
            " bảo đảm nguồn cung.",
            ["Bộ Công Thương", "Tập đoàn Dầu khí Việt Nam", "Tập đoàn Hóa chất - Khoáng sản Miền Bắc"],
            [],
        ),
        (
            "Ủy ban Mặt trận Tổ quốc tỉnh và các tổ chức chính trị - xã hội vận động nhân dân.",
            ["Ủy ban Mặt trận Tổ quốc tỉnh", "Các tổ chức chính trị - xã hội"],
            [],
        ),
    ],
)
def test_bodies_by_their_slot_in_the_sentence(text, lead, support):
    assert extract_bodies(text) == (lead, support)


def test_a_body_that_only_agrees_is_not_a_lead():
    lead, _ = extract_bodies("Bộ Chính trị, Ban Bí thư cơ bản nhất trí với báo cáo của Ban cán sự đảng.")
    assert lead == []


def test_under_a_body_heading_chu_tri_items_keep_the_heading_as_lead():
    text = (
        "II. TỔ CHỨC THỰC HIỆN\n5. Sở Xây dựng:\n"
        "a) Chủ trì, phối hợp Sở Nông nghiệp và Môi trường, Sở Công Thương rà soát các tuyến đường.\n"
        "b) Hướng dẫn các xã lập hồ sơ."
    )
    tasks = {t.ref: t for t in parse_directive(text).tasks}
    assert tasks["II.5.a"].lead == ["Sở Xây dựng"]
    assert tasks["II.5.a"].support == ["Sở Nông nghiệp và Môi trường", "Sở Công Thương"]
    assert tasks["II.5.b"].lead == ["Sở Xây dựng"]
