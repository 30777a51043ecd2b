"""Parser speed for `manage.py benchmark`: median ms per text size, and how time grows with size."""

from __future__ import annotations

from directives.parsing.bench import benchmark_parse

SIZES = (5_000, 20_000, 80_000)


def measure() -> dict:
    medians = benchmark_parse(sizes=SIZES, repeat=9)
    result = {f"parse_{size // 1000}kb_ms": round(ms, 1) for size, ms in medians.items()}
    small, large = medians[SIZES[0]], medians[SIZES[-1]]
    # 1.0 means perfectly linear: time per KB at 80 KB equals time per KB at 5 KB.
    result["parse_growth_ratio"] = round((large / SIZES[-1]) / (small / SIZES[0]), 2) if small else None
    return result
