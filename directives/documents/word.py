"""Word files: .docx read from its XML with the zip checked first; .doc through antiword or catdoc.

A .docx is a zip: before anything is decompressed, every entry's declared size and compression
ratio are checked (a 173 KB file that unpacks to 40 MB is refused at once), and Python's zip reader
never inflates past the declared size. The text is then walked in document order; it stops as
soon as it passes the text limit.

Tables: a task table (a header naming the task and its body or deadline) becomes pipe lines
"| TT | Nội dung | Cơ quan chủ trì | … |", which the parser reads row by row; any other table (the
letterhead, a signature block) is written cell by cell, one paragraph a line, as a crawl of the
printed page would give it.
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from pathlib import Path

from .base import MAX_TEXT_CHARS, DocumentError, Extracted, check_text_size, run_tool, tool_path
from .base import check_zip as base_check_zip

#: Every entry together, decompressed.
MAX_DOCX_UNPACKED = 64 * 1024 * 1024
#: The document part itself, decompressed (a 300-page report is a few MB).
MAX_DOCUMENT_XML = 24 * 1024 * 1024
#: A deflated entry larger than 1 MB may not unpack to more than this many times its size.
MAX_RATIO = 100

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(zf: zipfile.ZipFile) -> None:
    base_check_zip(
        zf,
        what="Tệp Word",
        max_unpacked=MAX_DOCX_UNPACKED,
        parts={"word/document.xml": MAX_DOCUMENT_XML},
        max_ratio=MAX_RATIO,
    )


def is_docx(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return "word/document.xml" in zf.namelist()
    except (zipfile.BadZipFile, ValueError):
        return False


def read_docx(data: bytes) -> Extracted:
    from lxml import etree

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise DocumentError("Tệp Word (.docx) bị hỏng hoặc không phải tệp Word.") from None
    with zf:
        if "word/document.xml" not in zf.namelist():
            raise DocumentError("Tệp .docx không có nội dung văn bản Word (thiếu word/document.xml).")
        check_zip(zf)
        try:
            xml = zf.read("word/document.xml")
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
            raise DocumentError("Tệp Word (.docx) bị hỏng: không giải nén được nội dung.") from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        raise DocumentError("Tệp Word (.docx) bị hỏng: nội dung XML không hợp lệ.") from None
    body = root.find(f"{W}body")
    if body is None:
        raise DocumentError("Tệp Word không có nội dung văn bản.")
    writer = _Writer()
    warnings: list[str] = []
    tables = writer.block(body)
    text = "\n".join(writer.lines)
    if not text.strip():
        raise DocumentError("Tệp Word không có nội dung văn bản.")
    if tables:
        warnings.append(f"Có {tables} bảng trong tệp Word; bảng nhiệm vụ được đọc từng dòng.")
    return Extracted(text=check_text_size(text), method="docx", warnings=warnings)


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0

    def add(self, line: str) -> None:
        self.size += len(line) + 1
        if self.size > MAX_TEXT_CHARS:
            check_text_size("x" * self.size)
        self.lines.append(line)

    def block(self, element) -> int:
        """Paragraphs and tables under element, in order; returns the number of task tables."""
        tables = 0
        for child in element:
            if child.tag == f"{W}p":
                self.add(paragraph_text(child))
            elif child.tag == f"{W}tbl":
                tables += self.table(child)
            elif child.tag == f"{W}sdt":  # content control: its content is ordinary blocks
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    tables += self.block(content)
        return tables

    def table(self, tbl) -> int:
        rows = []
        for tr in tbl.iter(f"{W}tr"):
            if _ancestor_table(tr) is not tbl:
                continue
            cells = []
            for tc in tr.findall(f"{W}tc"):
                paragraphs = [paragraph_text(p) for p in tc.iter(f"{W}p")]
                cells.append([p for p in (" ".join(x.split()) for x in paragraphs) if p])
            rows.append(cells)
        rows = [r for r in rows if any(r)]
        if not rows:
            return 0
        header = [" ".join(c) for c in rows[0]]
        if is_task_header(header):
            self.add("")
            if not any(_NUMBER_HEADER.match(h) for h in header):
                header, rows = ["TT", *header], [[[]] + r for r in rows]
            self.add(pipe_row(header))
            for row in rows[1:]:
                self.add(pipe_row([" ".join(c) for c in row]))
            self.add("")
            return 1
        for row in rows:
            for cell in row:
                for line in cell:
                    self.add(line)
                self.add("")
        return 0


def _ancestor_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != f"{W}tbl":
        parent = parent.getparent()
    return parent


_NUMBER_HEADER = re.compile(r"^(?:S[ốo]\s*)?TT$|^STT$|^Số thứ tự$", re.IGNORECASE)
_TASK_HEADER = re.compile(r"nội dung|nhiệm vụ|công việc|giải pháp|hoạt động", re.IGNORECASE)
_DETAIL_HEADER = re.compile(r"chủ trì|phối hợp|thực hiện|thời gian|thời hạn|tiến độ|hoàn thành|sản phẩm", re.IGNORECASE)


def is_task_header(header: list[str]) -> bool:
    return (
        len(header) >= 2
        and any(_TASK_HEADER.search(h) for h in header)
        and any(_DETAIL_HEADER.search(h) for h in header)
    )


def pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


def paragraph_text(p) -> str:
    """A paragraph's text: runs, tabs and breaks (text boxes inside it come after it)."""
    parts: list[str] = []
    for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen", f"{W}sym"):
        tag = node.tag
        if tag == f"{W}t":
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append("\t")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
    return "".join(parts)


# -- .doc (Word 97-2003) -------------------------------------------------------------------------


def read_doc(data: bytes) -> Extracted:
    if data[:8] != b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise DocumentError("Tệp .doc bị hỏng hoặc không phải tệp Word 97-2003.")
    tools = [name for name in ("antiword", "catdoc") if tool_path(name)]
    if not tools:
        raise DocumentError(
            "Máy chủ chưa cài công cụ đọc tệp Word cũ (.doc: antiword hoặc catdoc). "
            "Hãy lưu tệp dạng .docx hoặc PDF rồi tải lên lại."
        )
    with tempfile.TemporaryDirectory(prefix="doc-") as tmp:
        path = Path(tmp) / "input.doc"
        path.write_bytes(data)
        errors = []
        for name in tools:
            if name == "antiword":
                args = [tool_path(name), "-m", "UTF-8.txt", "-w", "0", str(path)]
            else:
                args = [tool_path(name), "-d", "utf-8", "-w", str(path)]
            proc = run_tool(args, timeout=60, max_output=4 * MAX_TEXT_CHARS)
            text = proc.stdout.decode("utf-8", errors="replace")
            if proc.returncode == 0 and text.strip():
                return Extracted(text=check_text_size(_tidy_doc(text)), method="doc")
            errors.append(proc.stderr.decode("utf-8", errors="replace").strip()[:200])
    if any("password" in e.lower() or "encrypt" in e.lower() for e in errors):
        raise DocumentError("Tệp .doc có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.")
    raise DocumentError("Không đọc được tệp .doc (tệp hỏng hoặc không phải Word 97-2003); hãy lưu lại dạng .docx.")


def _tidy_doc(text: str) -> str:
    """antiword writes a table as "|a|b|c|" lines, one per printed line of the row, and images as
    "[pic]": a task table becomes pipe rows (a row's wrapped lines joined), any other table
    (letterhead, signature) its cells' lines, column by column, as `_Writer.table` does."""
    out: list[str] = []
    table: list[list[str]] = []

    def flush() -> None:
        if table:
            out.extend(_doc_table(table))
            table.clear()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = line.strip()
        if stripped == "[pic]":
            continue
        if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
            table.append([c.strip() for c in stripped[1:-1].split("|")])
            continue
        flush()
        out.append(line.rstrip())
    flush()
    return "\n".join(out)


def _doc_table(lines: list[list[str]]) -> list[str]:
    width = max(len(r) for r in lines)
    lines = [r + [""] * (width - len(r)) for r in lines]
    if is_task_header(lines[0]):
        rows: list[list[str]] = []
        for cells in lines:
            # a printed line whose number cell is empty continues the row above (a wrapped cell)
            if rows and not cells[0]:
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], cells, strict=True)]
            else:
                rows.append(cells)
        header = rows[0]
        if not _NUMBER_HEADER.match(header[0]):
            rows = [["TT", *header]] + [["", *r] for r in rows[1:]]
        return ["", *(pipe_row(r) for r in rows), ""]
    out: list[str] = [""]
    cut = next((i for i, r in enumerate(lines) if i and re.match(r"^Số\b", r[0])), len(lines))
    for lo, hi in ((0, cut), (cut, len(lines))):
        for col in range(width):
            cell = [r[col] for r in lines[lo:hi] if r[col]]
            if cell:
                out.extend([*cell, ""])
    return out
