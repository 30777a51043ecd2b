"""The benchmark's synthetic data (`directives.bench.data`): built chunk by chunk, the same data
as the first (all in memory) builder made, so figures taken before and after stay comparable."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from directives import models
from directives.bench import data
from directives.domain.text import fold_text


def _content() -> dict:
    """Every bench row by natural keys (directive number, task path, organization name): ids
    depend on what the tables held before."""
    tasks = models.Task.objects.filter(directive__number__startswith="BENCH-")
    key = ("directive__number", "path")
    return {
        "tasks": list(
            tasks.order_by(*key).values_list(
                *key, "text", "search_text", "lead__name", "deadline", "status", "completed_on", "progress"
            )
        ),
        "completion_deadlines": list(tasks.order_by(*key).values_list("completion_deadline", flat=True)),
        "links": sorted(
            models.Task.supporters.through.objects.values_list(
                "task__directive__number", "task__path", "organization__name"
            )
        ),
        "reports": list(
            models.ProgressReport.objects.order_by("task__directive__number", "task__path", "id").values_list(
                "task__directive__number", "task__path", "organization__name", "status", "percent", "completed_on"
            )
        ),
        "changes": list(
            models.TaskChange.objects.order_by("task__directive__number", "task__path", "made_at").values_list(
                "task__path", "made_at", "previous_at", "cause", "status", "progress", "completed_on", "deadline"
            )
        ),
        "extensions": sorted(
            models.ExtensionRequest.objects.values_list(
                "task__directive__number", "task__path", "previous_deadline", "requested_deadline", "decided_at"
            )
        ),
        "snapshots": sorted(
            models.TargetSnapshot.objects.values_list(
                "target__directive__number", "target__label", "year", "quarter", "achieved", "total"
            )
        ),
        "targets": sorted(models.Target.objects.values_list("directive__number", "label", "total", "achieved")),
    }


def test_the_benchmark_data_are_written_chunk_by_chunk_and_do_not_depend_on_the_chunk(db, monkeypatch):
    written: dict[str, int] = {}
    write = data._Rows.write

    def recording_write(self, rows):
        name = self.model.__name__
        written[name] = max(written.get(name, 0), len(rows))
        return write(self, rows)

    monkeypatch.setattr(data._Rows, "write", recording_write)
    monkeypatch.setattr(data, "CHUNK", 70)  # 300 tasks: 5 chunks, the last one partial
    assert data.bench_build(300, fresh=True, log=lambda message: None)
    assert written["Task"] == 70 and written["ProgressReport"] == 70 * data.REPORTS_PER_TASK
    chunked = _content()

    monkeypatch.setattr(data, "CHUNK", 10_000)  # all in one chunk
    assert data.bench_build(300, fresh=True, log=lambda message: None)
    assert _content() == chunked


def test_the_benchmark_data_are_those_the_first_builder_made(db):
    """Figures the first builder (every row in memory, one phase after the other) gave at 300
    tasks: the streamed builder draws the same random numbers for the same rows."""
    assert data.bench_build(300, fresh=True, log=lambda message: None)
    tasks = models.Task.objects.filter(directive__number__startswith="BENCH-")
    assert tasks.count() == 300
    assert models.Task.supporters.through.objects.count() == 304
    assert models.ProgressReport.objects.count() == 1500
    assert models.TaskChange.objects.count() == 545
    assert models.ExtensionRequest.objects.count() == 21
    assert tasks.filter(status=models.Task.Status.DONE).count() == 137
    assert tasks.filter(deadline=None).count() == 16
    assert tasks.exclude(completion_deadline=None).count() == 3
    assert tasks.aggregate(total=Sum("progress"))["total"] == 17573
    assert models.Target.objects.aggregate(total=Sum("achieved"))["total"] == 117
    assert models.TargetSnapshot.objects.aggregate(total=Sum("achieved"))["total"] == 527
    # Rows get what Task.save() would have stored.
    task = tasks.get(directive__number="BENCH-00002", path="1")
    assert task.search_text == fold_text(f"{task.path} {task.text}") != ""


def test_the_peak_memory_is_read_in_megabytes():
    assert 1 < data.peak_rss_mb() < 10_000  # MB, not KB or bytes


def test_the_peak_memory_can_start_again_so_the_web_figure_leaves_the_build_out():
    block = bytearray(150 * 1024 * 1024)
    block[::4096] = b"x" * len(block[::4096])  # touched: resident
    high = data.peak_rss_mb()
    del block
    if not data.reset_peak_rss():
        pytest.skip("no /proc/self/clear_refs here: web_rss_mb is then the process's peak")
    assert data.peak_rss_mb() < high - 100
