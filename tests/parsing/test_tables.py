"""Task tables crawled one cell per line between lines holding only "|" (an example written for the test)."""

import datetime as dt

from directives.parsing import parse_directive

TABLE = """ỦY BAN NHÂN DÂN
TỈNH LẠNG SƠN
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Số: 45/KH-UBND
Lạng Sơn, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
PHÒNG, CHỐNG SỐT XUẤT HUYẾT NĂM 2026
I. NHIỆM VỤ
1. Tuyên truyền phòng bệnh cho người dân.
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Hoàng Văn Nam
PHỤ LỤC
|
**STT**
|
**Nhiệm vụ**
|
**Đơn vị chủ trì**
|
**Đơn vị phối hợp**
|
**Thời hạn hoàn
thành**
|
|
1
|
Phun hóa chất diệt muỗi tại các ổ dịch
|
Sở Y tế
|
UBND các xã, phường
|
Quý II/2026
|
|
2
|
Kiểm tra, giám sát công tác phòng
bệnh tại trường học
|
Sở Giáo dục và Đào tạo
|
|
Trước ngày
30/9/2026
|
|
123
|
Tổng kết công tác phòng, chống dịch
|
Sở Y tế
|
Các sở, ngành
|
Tháng 12 hằng năm
|
"""


def test_each_row_becomes_a_task_with_its_lead_support_and_deadline():
    draft = parse_directive(TABLE, today=dt.date(2026, 3, 5)).to_dict()
    rows = {t["text"].split("\n")[0]: t for t in draft["tasks"]}
    spray = rows["Phun hóa chất diệt muỗi tại các ổ dịch"]
    assert spray["lead"] == ["Sở Y tế"] and spray["support"] == ["UBND các xã, phường"]
    assert spray["due"] == "2026-06-30"
    school = rows["Kiểm tra, giám sát công tác phòng bệnh tại trường học"]
    assert school["lead"] == ["Sở Giáo dục và Đào tạo"] and school["support"] == []
    assert school["due"] == "2026-09-30"
    review = rows["Tổng kết công tác phòng, chống dịch"]
    assert review["ref"].endswith("123")
    assert review["due"] == "2026-12-31"
    assert review["recurrence"] == {"freq": "yearly", "month": 12}
    assert not [t for t in draft["tasks"] if t["text"] in ("|", "STT", "Nhiệm vụ")]
