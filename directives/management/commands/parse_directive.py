"""`manage.py parse_directive PATH [--json]`: what the parser reads in a directive's text.

With --json, stdout holds exactly the parser's JSON contract (corpus/README.md) and nothing
else; without, a readable outline. Errors go to stderr with exit code 1.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def read_directive_source(path: str, *, ocr: bool = True, stderr=None):
    """Any file the import takes, read (`importing.sources.read_source`): a document's text
    parsed, a task table (.xlsx) or an edXML package mapped to the same contract. CommandError with
    a clear message otherwise; warnings and the review's notes go to stderr when it is given."""
    from directives.documents import DocumentError
    from directives.importing.sources import read_source

    file = Path(path)
    if not file.is_file():
        raise CommandError(f"Không tìm thấy tệp: {path}")
    try:
        data = file.read_bytes()
    except OSError as error:
        raise CommandError(f"Không đọc được tệp {path}: {error.strerror or error}") from None
    try:
        progress = (lambda message: stderr.write(message)) if stderr is not None else None
        source = read_source(file.name, data, ocr=ocr, progress=progress)
    except DocumentError as error:
        raise CommandError(f"{path}: {error}") from None
    if stderr is not None:
        review = source.review or {}
        for message in [*source.warnings, *review.get("disagreements", []), *review.get("notes", [])]:
            stderr.write(f"{path}: {message}")
    return source


def _date_vi(value: str | None) -> str:
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def outline(data: dict) -> list[str]:
    """The contract as indented lines: document, period, tasks (ref, due, lead/support), figures, refs."""
    doc = data.get("document") or {}
    lines = []
    head = " ".join(str(v) for v in (doc.get("kind"), doc.get("number")) if v)
    lines.append(head or "(không rõ loại, số hiệu)")
    if doc.get("title"):
        lines.append(f"  Trích yếu: {doc['title']}")
    if doc.get("issuer"):
        lines.append(f"  Cơ quan ban hành: {doc['issuer']}")
    for key, label in (("meeting_date", "Ngày họp"), ("issued_on", "Ngày ban hành")):
        if doc.get(key):
            lines.append(f"  {label}: {_date_vi(doc[key])}")
    if doc.get("signer"):
        lines.append(f"  Người ký: {doc['signer']}")
    period = data.get("period") or {}
    if period.get("year"):
        part = ""
        if period.get("quarter"):
            part = f"Quý {('I', 'II', 'III', 'IV')[int(period['quarter']) - 1]}/"
        elif period.get("half"):
            part = "6 tháng đầu năm " if int(period["half"]) == 1 else "6 tháng cuối năm "
        lines.append(f"  Kỳ: {part}{period['year']}")
    tasks = data.get("tasks") or []
    lines.append("")
    lines.append(f"Nhiệm vụ ({len(tasks)}):" if tasks else "Không nhận ra nhiệm vụ nào.")
    for task in tasks:
        ref = str(task.get("ref") or "")
        indent = "  " * (ref.count(".") + 1)
        text = " ".join((task.get("text") or "").split())
        lines.append(f"{indent}{ref} {text[:160]}{'…' if len(text) > 160 else ''}")
        details = []
        if task.get("due"):
            details.append(f"hạn {_date_vi(task['due'])}")
        if task.get("lead"):
            details.append("chủ trì: " + ", ".join(task["lead"]))
        if task.get("support"):
            details.append("phối hợp: " + ", ".join(task["support"]))
        if details:
            lines.append(f"{indent}    [{'; '.join(details)}]")
    figures = data.get("figures") or []
    if figures:
        lines.append("")
        lines.append(f"Chỉ tiêu ({len(figures)}):")
        for fig in figures:
            percent = f" ({str(fig['percent']).replace('.', ',')}%)" if fig.get("percent") is not None else ""
            lines.append(
                f"  {fig.get('achieved')}/{fig.get('total')} {fig.get('unit') or ''}{percent} {fig.get('label') or ''}"
            )
    references = data.get("references") or []
    if references:
        lines.append("")
        lines.append(f"Văn bản được dẫn ({len(references)}):")
        for ref in references:
            when = f", {_date_vi(ref['date'])}" if ref.get("date") else ""
            lines.append(f"  {ref.get('kind') or ''} {ref.get('number')}{when}".rstrip())
    return lines


class Command(BaseCommand):
    help = (
        "Parse a directive (.txt, .docx, .doc, .pdf, or a scan .png/.jpg/.tif read with OCR; a task table .xlsx; "
        "an edXML package) and print its tasks; --json prints the parser's JSON contract."
    )
    # Pure parsing: no system checks, so that the scorer's output never depends on the URLconf.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            help="a .txt (UTF-8, UTF-16, Windows-1258, TCVN3, VNI), .docx, .doc, .pdf, .png, .jpg or .tif file, "
            "a task table (.xlsx) or an edXML package (.edxml, .xml)",
        )
        parser.add_argument("--json", action="store_true", help="print the JSON contract and nothing else")
        parser.add_argument("--no-ocr", action="store_true", help="refuse scans instead of reading them with OCR")

    def handle(self, *args, path: str, json: bool = False, no_ocr: bool = False, **options):
        quiet = options.get("verbosity", 1) == 0
        data = read_directive_source(path, ocr=not no_ocr, stderr=None if quiet else self.stderr).contract
        if json:
            self.stdout.write(_dumps(data))
        else:
            self.stdout.write("\n".join(outline(data)))


def _dumps(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False)
