"""Vietnamese state and Party bodies by their standard names (after the 2025 reorganization), as data.

Used to confirm and normalize names the grammar finds ("BỘ TÀI CHÍNH" -> "Bộ Tài chính", "Bộ công thương"
-> "Bộ Công Thương"); it is not the parser's vocabulary: a body missing here is still a body.
"""

from __future__ import annotations

import re

from .text import fold

MINISTRIES = [
    "Bộ Quốc phòng",
    "Bộ Công an",
    "Bộ Ngoại giao",
    "Bộ Nội vụ",
    "Bộ Tư pháp",
    "Bộ Tài chính",
    "Bộ Công Thương",
    "Bộ Nông nghiệp và Môi trường",
    "Bộ Xây dựng",
    "Bộ Văn hóa, Thể thao và Du lịch",
    "Bộ Khoa học và Công nghệ",
    "Bộ Giáo dục và Đào tạo",
    "Bộ Y tế",
    "Bộ Dân tộc và Tôn giáo",
    "Thanh tra Chính phủ",
    "Ngân hàng Nhà nước Việt Nam",
    "Văn phòng Chính phủ",
]
GOVERNMENT_AGENCIES = [
    "Đài Truyền hình Việt Nam",
    "Đài Tiếng nói Việt Nam",
    "Thông tấn xã Việt Nam",
    "Bảo hiểm xã hội Việt Nam",
    "Viện Hàn lâm Khoa học và Công nghệ Việt Nam",
    "Viện Hàn lâm Khoa học xã hội Việt Nam",
    "Kiểm toán Nhà nước",
    "Kho bạc Nhà nước",
    "Cục Thuế",
    "Cục Hải quan",
    "Tổng cục Thống kê",
    "Ủy ban Quản lý vốn nhà nước tại doanh nghiệp",
]
PROVINCIAL_DEPARTMENTS = [
    "Sở Nội vụ",
    "Sở Tư pháp",
    "Sở Tài chính",
    "Sở Công Thương",
    "Sở Nông nghiệp và Môi trường",
    "Sở Xây dựng",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Văn hóa và Thể thao",
    "Sở Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Thanh tra thành phố",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Văn phòng Ủy ban nhân dân thành phố",
    "Công an tỉnh",
    "Công an thành phố",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh",
    "Ban Quản lý các khu công nghiệp",
]
PARTY_BODIES = [
    "Ban Chấp hành Trung ương",
    "Bộ Chính trị",
    "Ban Bí thư",
    "Ban Tổ chức Trung ương",
    "Ban Tuyên giáo và Dân vận Trung ương",
    "Ban Nội chính Trung ương",
    "Ban Chính sách, chiến lược Trung ương",
    "Ủy ban Kiểm tra Trung ương",
    "Văn phòng Trung ương Đảng",
    "Đảng ủy Chính phủ",
    "Đảng ủy Quốc hội",
    "Đảng ủy Mặt trận Tổ quốc, các đoàn thể Trung ương",
    "Đảng ủy các cơ quan Đảng Trung ương",
    "Quân ủy Trung ương",
    "Đảng ủy Công an Trung ương",
    "Ban Tổ chức Tỉnh ủy",
    "Ban Tuyên giáo và Dân vận Tỉnh ủy",
    "Ban Nội chính Tỉnh ủy",
    "Ủy ban Kiểm tra Tỉnh ủy",
    "Văn phòng Tỉnh ủy",
    "Ban Thường vụ Tỉnh ủy",
    "Ban Thường vụ Thành ủy",
]
STATE_BODIES = [
    "Quốc hội",
    "Ủy ban Thường vụ Quốc hội",
    "Chính phủ",
    "Thủ tướng Chính phủ",
    "Chủ tịch nước",
    "Văn phòng Quốc hội",
    "Văn phòng Chủ tịch nước",
    "Tòa án nhân dân tối cao",
    "Viện kiểm sát nhân dân tối cao",
    "Ủy ban Trung ương Mặt trận Tổ quốc Việt Nam",
    "Mặt trận Tổ quốc Việt Nam",
    "Hội Chữ thập đỏ Việt Nam",
    "Liên minh Hợp tác xã Việt Nam",
    "Tổng Liên đoàn Lao động Việt Nam",
    "Trung ương Đoàn Thanh niên Cộng sản Hồ Chí Minh",
    "Tập đoàn Điện lực Việt Nam",
    "Tập đoàn Bưu chính Viễn thông Việt Nam",
    "Tập đoàn Công nghiệp - Viễn thông Quân đội",
    "Tập đoàn Dầu khí Việt Nam",
    "Tổng công ty Viễn thông MobiFone",
    "Ngân hàng Chính sách xã hội",
]
ALL = [*MINISTRIES, *GOVERNMENT_AGENCIES, *PROVINCIAL_DEPARTMENTS, *PARTY_BODIES, *STATE_BODIES]
_BY_FOLD = {fold(name): name for name in ALL}
# longest first, so "Bộ Văn hóa, Thể thao và Du lịch" wins over a shorter name inside it
_ANY = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(fold(n)) for n in sorted(ALL, key=len, reverse=True)) + r")(?!\w)")


def known(name: str) -> str | None:
    """The standard form of a body the gazetteer lists, or None."""
    return _BY_FOLD.get(fold(name))


def proper_case(text: str) -> str:
    """Known names inside ``text`` written as they are officially ("bộ công thương" -> "Bộ Công Thương").

    Only the letters' case changes, so the text keeps its length and everything else.
    """
    folded = fold(text)
    if len(folded) != len(text):
        return text
    out = list(text)
    for m in _ANY.finditer(folded):
        proper = _BY_FOLD[m.group(0)]
        if len(proper) == m.end() - m.start():
            out[m.start() : m.end()] = proper
    return "".join(out)
