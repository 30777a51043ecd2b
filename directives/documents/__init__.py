"""An uploaded file -> the text the directive parser reads. Pure Python and external tools; no ORM.

    extracted = extract("ke-hoach.pdf", data, ocr=True, progress=print)
    extracted.text, extracted.method, extracted.pages, extracted.warnings

Formats: .txt (UTF-8, UTF-16, Windows-1258, TCVN3/ABC, VNI: see `encodings`), .docx (its Word
tables included, zip checked before it is opened: see `word`), .doc (antiword, else catdoc), .pdf
(text layer through pdfminer.six; pages without one through OCR: see `pdf`, `layout`), and images
.png/.jpg/.tif through Tesseract's Vietnamese model (`ocr`). Every refusal is a `DocumentError`
whose message is for the user, in Vietnamese; `NeedsOCR` (a DocumentError) says the file could be
read with OCR when the caller asked for none (the web form then hands it to the worker).
"""

from __future__ import annotations

import unicodedata
from pathlib import PurePath

from .base import MAX_TEXT_CHARS, MAX_UPLOAD_BYTES, DocumentError, Extracted, Progress, check_text_size
from .encodings import LEGACY_NAMES, decode_text
from .ocr import ocr_missing

__all__ = [
    "ACCEPT",
    "EXTENSIONS",
    "MAX_TEXT_CHARS",
    "MAX_UPLOAD_BYTES",
    "DocumentError",
    "Extracted",
    "NeedsOCR",
    "extract",
    "needs_ocr",
    "ocr_missing",
]

TEXT_EXTENSIONS = (".txt", ".text", ".md")
IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".tif", ".tiff")
EXTENSIONS = (*TEXT_EXTENSIONS, ".docx", ".doc", ".pdf", *IMAGE_EXTENSIONS)
#: For an <input type=file accept=…>.
ACCEPT = ",".join(EXTENSIONS) + ",text/plain,application/pdf,image/png,image/jpeg,image/tiff"


class NeedsOCR(DocumentError):
    """The file holds page images only; extract(..., ocr=True) (in the worker) can read it."""


def extract(filename: str, data: bytes, *, ocr: bool = True, progress: Progress = None) -> Extracted:
    """The text of an uploaded file; DocumentError (message in Vietnamese) when it has none."""
    if data is None or len(data) == 0:
        raise DocumentError("Tệp tải lên trống, không có nội dung để phân tích.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise DocumentError(
            f"Tệp tải lên quá lớn ({len(data) / 1024 / 1024:.1f} MB); "
            f"giới hạn là {MAX_UPLOAD_BYTES // 1024 // 1024} MB."
        )
    kind = _kind(filename, data)
    if kind == "docx":
        from .word import read_docx

        result = read_docx(data)
    elif kind == "doc":
        from .word import read_doc

        result = read_doc(data)
    elif kind == "pdf":
        result = _pdf(data, ocr=ocr, progress=progress)
    elif kind == "image":
        result = _image(filename, data, ocr=ocr, progress=progress)
    elif kind == "text":
        text, encoding = decode_text(data)
        result = Extracted(text=text, method="txt", encoding=encoding)
        if encoding in LEGACY_NAMES:
            result.warnings.append(f"Tệp dùng bảng mã {LEGACY_NAMES[encoding]}; đã chuyển sang Unicode.")
        _refuse_binary(text)
    else:
        raise DocumentError(kind)
    text = unicodedata.normalize("NFC", result.text).replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        raise DocumentError("Tệp tải lên trống, không có nội dung để phân tích.")
    result.text = check_text_size(text)
    return result


def needs_ocr(filename: str, data: bytes) -> bool:
    """Whether reading this file will need OCR (an image, or a PDF with pages without text)."""
    try:
        extract(filename, data, ocr=False)
    except NeedsOCR:
        return True
    except DocumentError:
        return False
    return False


def _kind(filename: str, data: bytes) -> str:
    """'text', 'docx', 'doc', 'pdf' or 'image'; otherwise the refusal's message."""
    suffix = PurePath(filename or "").suffix.lower()
    head = data[:1024]
    if head.startswith(b"PK\x03\x04"):
        from .word import is_docx

        if is_docx(data):
            return "docx"
        if suffix in (".docx", ".doc"):
            raise DocumentError("Tệp Word (.docx) bị hỏng hoặc không phải tệp Word.")
        return _unsupported(suffix or ".zip")
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if suffix in (".xls", ".ppt", ".msg"):
            return _unsupported(suffix)
        return "doc"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        return "image"
    if head.startswith(b"{\\rtf"):
        raise DocumentError("Tệp RTF chưa được hỗ trợ; hãy mở bằng Word và lưu dạng .docx rồi tải lên lại.")
    if suffix in (".pdf", ".docx", ".doc", *IMAGE_EXTENSIONS):
        raise DocumentError(f"Tệp {suffix} bị hỏng hoặc không đúng định dạng {suffix}.")
    if suffix and suffix not in TEXT_EXTENSIONS:
        return _unsupported(suffix)
    return "text"


def _unsupported(suffix: str) -> str:
    raise DocumentError(
        f"Không đọc được tệp {suffix}: hãy tải lên văn bản (.txt), Word (.docx, .doc), PDF "
        "hoặc ảnh scan (.png, .jpg, .tif)."
    )


def _refuse_binary(text: str) -> None:
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t\f")
    if "\x00" in text or controls > max(8, len(text) // 100):
        raise DocumentError("Tệp tải lên là tệp nhị phân, không phải văn bản.")


def _pdf(data: bytes, *, ocr: bool, progress: Progress) -> Extracted:
    from .layout import compose
    from .pdf import page_segments

    pages, widths = page_segments(data, progress)
    scanned = [i for i, p in enumerate(pages) if p is None]
    warnings: list[str] = []
    method = "pdf-text"
    if scanned:
        if not ocr:
            raise NeedsOCR(
                "Tệp PDF là bản scan (không có lớp chữ): cần nhận dạng chữ (OCR), việc này chạy nền và mất "
                "vài giây mỗi trang."
            )
        reason = ocr_missing()
        if reason:
            if len(scanned) == len(pages):
                raise DocumentError("Tệp PDF là bản scan, không có lớp chữ. " + reason)
            warnings.append(f"{len(scanned)} trang scan không đọc được vì máy chủ thiếu OCR.")
        else:
            from .ocr import ocr_pdf_pages

            read = ocr_pdf_pages(data, scanned, len(pages), progress)
            for index, segments in read.items():
                pages[index] = segments
            method = "ocr" if len(scanned) == len(pages) else "pdf-text+ocr"
            empty = [i + 1 for i in scanned if not read.get(i)]
            if len(empty) == len(pages):
                raise DocumentError(
                    "Không tìm thấy chữ trong tệp PDF scan (ảnh không có văn bản, hoặc quá mờ để nhận dạng). "
                    "Hãy quét lại ở 300 dpi."
                )
            if empty:
                warnings.append("Không nhận dạng được chữ ở trang " + ", ".join(map(str, empty)) + ".")
            warnings.append(
                f"Đã nhận dạng chữ (OCR) {len(scanned)} trang scan; hãy đối chiếu kỹ số liệu, tên cơ quan và thời hạn."
            )
    text = compose([p or [] for p in pages], widths)
    if method != "pdf-text":
        from .ocr_fixes import fix_numbering

        text = fix_numbering(text)
    if not text.strip():
        raise DocumentError("Tệp PDF không có chữ để đọc.")
    return Extracted(text=text, method=method, pages=len(pages), warnings=warnings)


def _image(filename: str, data: bytes, *, ocr: bool, progress: Progress) -> Extracted:
    from .layout import compose
    from .ocr import ocr_image

    if not ocr:
        raise NeedsOCR("Tệp ảnh cần nhận dạng chữ (OCR); việc này chạy nền và mất vài giây.")
    reason = ocr_missing()
    if reason:
        raise DocumentError(reason)
    suffix = PurePath(filename or "").suffix.lower() or ".png"
    if data.startswith(b"\x89PNG"):
        suffix = ".png"
    elif data.startswith(b"\xff\xd8"):
        suffix = ".jpg"
    elif data.startswith((b"II*\x00", b"MM\x00*")):
        suffix = ".tif"
    pages = ocr_image(data, suffix, progress)
    if not any(pages):
        raise DocumentError(
            "Không tìm thấy chữ trong ảnh (ảnh không chụp văn bản, hoặc quá mờ để nhận dạng). "
            "Hãy chụp hoặc quét rõ trang văn bản (300 dpi) rồi tải lên lại."
        )
    from .ocr_fixes import fix_numbering

    text = fix_numbering(compose(pages, [595.0] * len(pages)))
    warnings = ["Đã nhận dạng chữ (OCR) từ ảnh; hãy đối chiếu kỹ số liệu, tên cơ quan và thời hạn."]
    return Extracted(text=text, method="ocr", pages=len(pages), warnings=warnings)
