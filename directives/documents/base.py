"""What every reader shares: the result, the one error class, the limits and a bounded subprocess."""

from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

#: An upload larger than this is refused before it is read (the web form has its own, equal limit).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: The text a file may hold, whatever its format: a directive, even a long plan, is far below it.
MAX_TEXT_CHARS = 2_000_000
#: A scan longer than this is refused rather than tying the worker up for an hour.
MAX_OCR_PAGES = 60
#: A PDF with more pages than this is refused (its text layer is read page by page).
MAX_PDF_PAGES = 400

Progress = Callable[[str], None] | None


class DocumentError(ValueError):
    """The file cannot be turned into text; the message is meant for the user (Vietnamese)."""


@dataclass
class Extracted:
    text: str
    method: str  # "txt", "docx", "doc", "pdf-text", "ocr"
    pages: int | None = None
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None  # for "txt": the encoding the bytes were read in

    def to_dict(self) -> dict:
        return {
            "method": self.method,
            "pages": self.pages,
            "warnings": list(self.warnings),
            "encoding": self.encoding,
            "chars": len(self.text),
        }


def check_text_size(text: str) -> str:
    if len(text) > MAX_TEXT_CHARS:
        raise DocumentError(
            f"Văn bản trong tệp quá dài ({len(text):,} ký tự); giới hạn là {MAX_TEXT_CHARS:,} ký tự. "
            "Hãy tách văn bản hoặc chỉ tải lên phần có nhiệm vụ.".replace(",", ".")
        )
    return text


def check_zip(
    zf: zipfile.ZipFile, *, what: str, max_unpacked: int, parts: dict[str, int] | None = None, max_ratio: int = 100
) -> None:
    """Refuse a zip (.docx, .xlsx) from its declared sizes, before anything is decompressed: an
    entry over 1 MB that unpacks to more than `max_ratio` times its size (a zip bomb), a part of
    `parts` ({name or prefix ending in "/": limit}) larger than its limit, or more than
    `max_unpacked` bytes in all. `what` names the file in the message ("Tệp Word")."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        if info.file_size > 1024 * 1024 and info.file_size > max_ratio * max(1, info.compress_size):
            raise DocumentError(
                f"{what} bị từ chối: một phần của tệp nén với tỉ lệ bất thường "
                f"({info.file_size // max(1, info.compress_size)}:1), dấu hiệu của tệp độc hại (zip bomb)."
            )
        for name, limit in (parts or {}).items():
            hit = info.filename.startswith(name) if name.endswith("/") else info.filename == name
            if hit and info.file_size > limit:
                raise DocumentError(
                    f"{what} quá lớn khi giải nén ({info.file_size / 1048576:.0f} MB nội dung); "
                    f"giới hạn là {limit // 1048576} MB."
                )
    if total > max_unpacked:
        raise DocumentError(
            f"{what} quá lớn khi giải nén ({total / 1048576:.0f} MB); giới hạn là {max_unpacked // 1048576} MB."
        )


def tool_path(name: str) -> str | None:
    """The program's path on PATH (read at call time, so a test can take a tool away)."""
    return shutil.which(name, path=os.environ.get("PATH", os.defpath))


def run_tool(
    args: list[str], *, timeout: float, max_output: int = 64 * 1024 * 1024, stdin: bytes | None = None
) -> subprocess.CompletedProcess:
    """Run a converter with a time limit and a bounded output; DocumentError when it cannot finish."""
    env = {**os.environ, "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT", "1"), "LC_ALL": "C.UTF-8"}
    try:
        proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
    except OSError as exc:
        raise DocumentError(f"Máy chủ không chạy được công cụ {os.path.basename(args[0])}: {exc.strerror}.") from None
    try:
        out, err = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise DocumentError(
            f"Xử lý tệp quá lâu ({os.path.basename(args[0])} vượt {timeout:.0f} giây); tệp có thể bị hỏng."
        ) from None
    if len(out) > max_output:
        raise DocumentError("Văn bản trong tệp quá dài để xử lý.")
    return subprocess.CompletedProcess(args, proc.returncode, out, err)
