"""The review page of a 1,000-task draft, for `manage.py benchmark`: median ms of the view (the
forms of 1,000 rows, 50 shown and the rest as hidden fields, with every organization of the
bench as choices). The target is under 2 s."""

from __future__ import annotations

import statistics
import time
from importlib import import_module

from django.conf import settings
from django.contrib.messages.storage.fallback import FallbackStorage
from django.test import RequestFactory

ITEM = "{i}. Sở Nội vụ chủ trì rà soát, hoàn thiện đề án số {i}, hoàn thành trước ngày 30/6/2022.\n"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def draft_text(n: int, per_section: int = 40) -> str:
    parts = ["THÔNG BÁO\nKết luận của Ban Thường vụ\n"]
    for i in range(n):
        if i % per_section == 0:
            parts.append(f"{ROMAN[(i // per_section) % 10]}. NHIỆM VỤ PHẦN {i // per_section + 1}\n")
        parts.append(ITEM.format(i=i % per_section + 1))
    return "".join(parts)


def measure(user, n_tasks: int = 1000, repeat: int = 2) -> dict:
    from directives.parsing import parse_directive
    from directives.views.imports import SESSION_KEY, import_review

    text = draft_text(n_tasks)
    contract = parse_directive(text).to_dict()
    timings, cpu = [], []
    for _ in range(repeat):
        request = RequestFactory().get("/import/review/")
        request.user = user
        request.session = import_module(settings.SESSION_ENGINE).SessionStore()
        request.session[SESSION_KEY] = {"contract": contract, "source_text": text}
        request._messages = FallbackStorage(request)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = import_review(request)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"review page answered {response.status_code}")
    return {
        "import_review_tasks": len(contract.get("tasks") or []),
        "import_review_ms": round(statistics.median(timings), 1),
        "import_review_cpu_ms": round(statistics.median(cpu), 1),  # the figure on a shared machine
    }
