"""Uploaded bytes -> text, for the parser's callers that hold bytes: a thin door onto
`directives.documents`, which reads every format (.txt in any Vietnamese encoding, .docx, .doc,
PDF, scans). `decode_upload` never runs OCR (it is called where a request waits); a file that
needs it raises `NeedsOCR`, a `ParseInputError`.
"""

from __future__ import annotations

from directives.documents import MAX_UPLOAD_BYTES, DocumentError, NeedsOCR, extract

ParseInputError = DocumentError

__all__ = ["MAX_UPLOAD_BYTES", "NeedsOCR", "ParseInputError", "decode_upload", "docx_to_text"]


def decode_upload(data: bytes, filename: str = "", *, ocr: bool = False) -> str:
    return extract(filename, data, ocr=ocr).text


def docx_to_text(data: bytes) -> str:
    """Text of a .docx: paragraphs and tables in order; a task table's rows become pipe lines."""
    return extract("document.docx", data, ocr=False).text
