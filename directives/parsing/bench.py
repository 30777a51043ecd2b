"""Speed of ``parse_directive`` on texts of growing size (reported, not asserted).

python -c "from directives.parsing.bench import benchmark_parse; print(benchmark_parse())"
"""

from __future__ import annotations

import statistics
import time

from . import parse_directive

_SECTION = """{roman}. NHIỆM VỤ TRỌNG TÂM QUÝ IV NĂM 2021

Quý IV/2021, toàn Ngành tiếp tục thực hiện nghiêm chỉ đạo của cấp ủy, tập trung các nhiệm vụ sau:

1. Hoàn thành Chương trình công tác năm 2021 bảo đảm tiến độ, chất lượng

(1) Tập trung nghiên cứu, hoàn thiện các đề án theo Quy định số 24-QĐ/TW, ngày 30/7/2021. \
(2) Tiếp tục hoàn thiện 08 đề án dự kiến báo cáo Bộ Chính trị trong Quý IV/2021.

2. Sở Tài chính chủ trì, phối hợp với Sở Nội vụ và Ủy ban nhân dân các xã rà soát kinh phí, \
hoàn thành trước ngày 30/11/2021; đã giải ngân 45.799/36.875 tỷ đồng (đạt 124,2%).

a) Nhiệm vụ: Giao Sở Xây dựng hướng dẫn thực hiện Quyết định số 28/2002/QĐ-BVHTT.

- Cơ quan chủ trì: Sở Xây dựng.
- Cơ quan phối hợp: Các sở, ngành; UBND các xã, phường.
- Thời gian hoàn thành: Tháng 11 - 12/2021.

Thứ hai, toàn Ngành đã hoàn thành 19/28 đề án (đạt 67,8%) theo Công văn số 3145/BKHĐT-KTĐPLT.
"""

_ROMANS = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def corpus_like_text(size: int) -> str:
    """A directive-like text of about ``size`` characters (header, repeated sections, signature)."""
    head = (
        "VĂN PHÒNG CHÍNH PHỦ\n\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n\n"
        "Số: 623/TB-VPCP\n\nHà Nội, ngày 15 tháng 11 năm 2025\n\nTHÔNG BÁO\n\nKẾT LUẬN CỦA PHÓ THỦ TƯỚNG\n\n"
    )
    tail = "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. BỘ TRƯỞNG, CHỦ NHIỆM\nPHÓ CHỦ NHIỆM\nTrịnh Mạnh Linh\n"
    parts = [head]
    i = 0
    while sum(len(p) for p in parts) < size - len(tail):
        parts.append(_SECTION.format(roman=_ROMANS[i % len(_ROMANS)]))
        i += 1
    return "".join(parts)[: max(size - len(tail), len(head))] + tail


def benchmark_parse(sizes: tuple[int, ...] = (5_000, 20_000, 80_000), repeat: int = 7, text: str | None = None) -> dict:
    """Median milliseconds of ``parse_directive`` per text size; ``text`` is repeated to size when given."""
    result: dict[int, float] = {}
    for size in sizes:
        if text:
            sample = (text * (size // max(len(text), 1) + 1))[:size]
        else:
            sample = corpus_like_text(size)
        parse_directive(sample)  # warm the regex caches
        times = []
        for _ in range(repeat):
            start = time.perf_counter()
            parse_directive(sample)
            times.append((time.perf_counter() - start) * 1000)
        result[size] = round(statistics.median(times), 2)
    return result


if __name__ == "__main__":
    print(benchmark_parse())
