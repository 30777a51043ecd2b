"""Reading speed for `manage.py benchmark`: OCR seconds a scanned page (wall clock and the
tools' CPU time: on a shared machine the first waits for the second), and a text-layer PDF's
milliseconds a page. Uses the committed sample in tests/documents/fixtures."""

from __future__ import annotations

import resource
import time
from pathlib import Path

from django.conf import settings

SAMPLES = Path(settings.BASE_DIR) / "tests" / "documents" / "fixtures"


def measure() -> dict:
    from directives.documents import extract, ocr_missing

    result: dict = {}
    text_pdf = (SAMPLES / "chi-thi.pdf").read_bytes()
    start, cpu_start = time.perf_counter(), time.process_time()
    pages = extract("chi-thi.pdf", text_pdf).pages or 1
    result["pdf_text_page_ms"] = round((time.perf_counter() - start) * 1000 / pages, 1)
    result["pdf_text_page_cpu_ms"] = round((time.process_time() - cpu_start) * 1000 / pages, 1)
    reason = ocr_missing()
    if reason:
        result["ocr_error"] = reason
        return result
    scan = (SAMPLES / "chi-thi.scan.pdf").read_bytes()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start, cpu_start = time.perf_counter(), time.process_time()
    pages = extract("chi-thi.scan.pdf", scan).pages or 1
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cpu += time.process_time() - cpu_start
    result["ocr_page_s"] = round(wall / pages, 2)
    result["ocr_page_cpu_s"] = round(cpu / pages, 2)
    return result
