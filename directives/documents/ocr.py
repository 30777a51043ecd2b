"""OCR with Tesseract's Vietnamese model (Debian: tesseract-ocr, tesseract-ocr-vie; poppler-utils
for pdftoppm). Pages are rasterized in grey at 300 dpi (a 200 dpi scan is upsampled: Tesseract's
Vietnamese model reads stacked diacritics best with ~30 px capitals), read with automatic page
segmentation (--psm 3, which keeps the letterhead's two columns apart), and each recognised line
becomes a positioned segment for `layout.compose`, so scans read like text-layer PDFs.

Before Tesseract reads a rasterized page, the page is made black and white at its Otsu threshold
(`binarize`): a scanner's grey speckle and JPEG ringing otherwise make the Vietnamese model misread
short lines that have no words around them to lean on ("2." alone on its line read as "PẶ", "III."
as "II.", "1.1." as "ND"), and those are the item numbers a directive is made of.
"""

from __future__ import annotations

import csv
import io
import re
import statistics
import struct
import tempfile
from pathlib import Path

from .base import MAX_OCR_PAGES, DocumentError, Progress, run_tool, tool_path
from .layout import Segment

DPI = 300
PSM = "3"
LANG = "vie"
PAGE_TIMEOUT = 180  # seconds for one page (the target is under 10)
MAX_IMAGE_PIXELS = 60_000_000  # an A4 page at 600 dpi is 35 Mpx
MIN_CONFIDENCE = 30  # words Tesseract is less sure of are noise (a photo's texture, a stamp)
MIN_WORDS = 8  # a page with fewer confident words than this holds no text


def ocr_missing() -> str | None:
    """None when OCR can run, else the Vietnamese reason (tool or language model missing)."""
    if not tool_path("tesseract"):
        return (
            "Máy chủ chưa cài phần mềm nhận dạng chữ (OCR: tesseract-ocr và tesseract-ocr-vie), nên không đọc "
            "được văn bản scan hoặc ảnh. Hãy tải lên tệp PDF có lớp chữ, tệp Word hoặc dán nội dung văn bản."
        )
    try:
        proc = run_tool([tool_path("tesseract"), "--list-langs"], timeout=20)
    except DocumentError:
        return "Phần mềm nhận dạng chữ (tesseract) không chạy được trên máy chủ."
    langs = proc.stdout.decode("utf-8", "replace").split()
    if LANG not in langs:
        return (
            "Máy chủ có tesseract nhưng thiếu bộ nhận dạng tiếng Việt (gói tesseract-ocr-vie), nên không đọc "
            "được văn bản scan hoặc ảnh."
        )
    return None


def _require_ocr() -> None:
    reason = ocr_missing()
    if reason:
        raise DocumentError(reason)


def ocr_pdf_pages(data: bytes, pages: list[int], total: int, progress: Progress = None) -> dict[int, list[Segment]]:
    """{page index: segments} for the given 0-based pages of a PDF, rasterized with pdftoppm."""
    _require_ocr()
    if not tool_path("pdftoppm"):
        raise DocumentError("Máy chủ chưa cài poppler-utils (pdftoppm) để đọc văn bản scan dạng PDF.")
    if len(pages) > MAX_OCR_PAGES:
        raise DocumentError(
            f"Văn bản scan có {len(pages)} trang cần nhận dạng chữ; giới hạn là {MAX_OCR_PAGES} trang. "
            "Hãy tách tệp thành các phần nhỏ hơn."
        )
    out: dict[int, list[Segment]] = {}
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        pdf = Path(tmp) / "in.pdf"
        pdf.write_bytes(data)
        for done, index in enumerate(pages):
            if progress:
                progress(f"Đang nhận dạng chữ (OCR) trang {index + 1}/{total} ({done + 1}/{len(pages)} trang scan)")
            stem = Path(tmp) / f"p{index + 1}"
            run_tool(
                [tool_path("pdftoppm"), "-r", str(DPI), "-gray", "-f", str(index + 1), "-l", str(index + 1),
                 "-singlefile", str(pdf), str(stem)],
                timeout=PAGE_TIMEOUT,
            )  # fmt: skip
            image = stem.with_suffix(".pgm")
            if not image.exists():
                raise DocumentError(f"Không dựng được ảnh trang {index + 1} của tệp PDF để nhận dạng chữ.")
            binarize(image)
            out[index] = _tesseract(image, dpi=DPI).get(1, [])
            image.unlink()
    return out


def ocr_image(data: bytes, suffix: str, progress: Progress = None) -> list[list[Segment]]:
    """The pages of an image file (a multi-page TIFF has several)."""
    _require_ocr()
    size = image_size(data)
    if size and size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise DocumentError(
            f"Ảnh quá lớn ({size[0]}×{size[1]} điểm ảnh); hãy quét ở 300 dpi (khổ A4 khoảng 2480×3508) rồi tải lên lại."
        )
    if progress:
        progress("Đang nhận dạng chữ (OCR) trong ảnh")
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        pages = _tesseract(path, dpi=None)
    if not pages:
        return []
    return [pages.get(n, []) for n in range(1, max(pages) + 1)]


def _tesseract(image: Path, *, dpi: int | None) -> dict[int, list[Segment]]:
    args = [tool_path("tesseract"), str(image), "stdout", "-l", LANG, "--psm", PSM]
    if dpi:
        args += ["--dpi", str(dpi)]
    proc = run_tool([*args, "tsv"], timeout=PAGE_TIMEOUT * (1 if dpi else 4))
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        raise DocumentError(
            "Không đọc được ảnh để nhận dạng chữ (tệp ảnh hỏng hoặc định dạng không hỗ trợ)."
            if "read" in err.lower() or "image" in err.lower()
            else "Nhận dạng chữ (OCR) thất bại trên tệp này."
        )
    return segments_from_tsv(proc.stdout.decode("utf-8", "replace"), dpi=dpi or 300)


_PNM_HEADER = re.compile(rb"^P5\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s+(?:#[^\n]*\n\s*)*(\d+)\s")


def otsu_threshold(hist: list[int]) -> int:
    """The grey level that best splits a histogram into ink and paper (Otsu's method)."""
    total = sum(hist)
    sum_all = sum(level * count for level, count in enumerate(hist))
    weight_b = sum_b = 0
    best_var, best = -1.0, 127
    for level, count in enumerate(hist):
        weight_b += count
        if weight_b == 0:
            continue
        weight_f = total - weight_b
        if weight_f == 0:
            break
        sum_b += level * count
        mean_b, mean_f = sum_b / weight_b, (sum_all - sum_b) / weight_f
        var = weight_b * weight_f * (mean_b - mean_f) ** 2
        if var > best_var:
            best_var, best = var, level
    return best


def binarize(image: Path) -> int | None:
    """Rewrite an 8-bit greyscale PGM as black and white at its Otsu threshold; the threshold, or
    None when the file is not such a PGM (it is then left as it is). Pure Python at C speed: the
    histogram is counted on a sample of the pixels and the mapping is one ``bytes.translate``."""
    data = image.read_bytes()
    m = _PNM_HEADER.match(data)
    if not m or int(m.group(3)) != 255:
        return None
    head, pixels = data[: m.end()], data[m.end() :]
    sample = pixels[::7]
    hist = [sample.count(level) for level in range(256)]
    if max(hist) == len(sample):
        return None  # one grey level: nothing to split
    threshold = otsu_threshold(hist)
    table = bytes(0 if level <= threshold else 255 for level in range(256))
    image.write_bytes(head + pixels.translate(table))
    return threshold


def segments_from_tsv(tsv: str, *, dpi: int) -> dict[int, list[Segment]]:
    """Tesseract's TSV words -> {page number: one segment a recognised line}."""
    scale = 72.0 / dpi
    lines: dict[tuple, list[dict]] = {}
    reader = csv.reader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    next(reader, None)
    for row in reader:
        if len(row) < 12 or row[0] != "5":
            continue
        text = row[11].strip()
        try:
            conf = float(row[10])
            left, top, width, height = (int(v) for v in row[6:10])
        except ValueError:
            continue
        if not text or conf < MIN_CONFIDENCE:
            continue
        key = (int(row[1]), int(row[2]), int(row[3]), int(row[4]))
        lines.setdefault(key, []).append(
            {"x0": left, "x1": left + width, "top": top, "bottom": top + height, "text": text, "conf": conf}
        )
    pages: dict[int, list[Segment]] = {}
    usual_height = {
        page: statistics.median(w["bottom"] - w["top"] for key, ws in lines.items() if key[0] == page for w in ws)
        for page in {key[0] for key in lines}
    }
    for (page, *_), words in sorted(lines.items()):
        pages.setdefault(page, [])
        if _specks(words, usual_height[page]):
            continue
        words.sort(key=lambda w: w["x0"])
        _raise_footnote_mark(words)
        height = statistics.median(w["bottom"] - w["top"] for w in words)
        current: list[dict] = []
        for word in words:
            if current and word["x0"] - current[-1]["x1"] > 2.5 * height:
                pages[page].append(_segment(current, scale))
                current = []
            current.append(word)
        if current:
            pages[page].append(_segment(current, scale))
    for page, segments in list(pages.items()):
        letters = sum(sum(c.isalpha() for c in s.text) for s in segments)
        words = sum(len(s.text.split()) for s in segments)
        if words < MIN_WORDS or letters < 4 * MIN_WORDS:
            pages[page] = []
            continue
        sizes = [s.size for s in segments]
        usual = statistics.median(sizes)
        for seg in segments:
            if abs(seg.size - usual) <= 0.35 * usual:
                seg.size = usual
    return pages


def _specks(words: list[dict], usual: float) -> bool:
    """A "line" of specks: the tone marks of the line below read on their own ("z .^ ~ ⁄ z"), a
    stain, a staple's shadow. Its marks are a fraction of the page's usual word height and short."""
    heights = sorted(w["bottom"] - w["top"] for w in words)
    return heights[len(heights) // 2] < 0.45 * usual and all(len(w["text"]) <= 3 for w in words)


_SUPERSCRIPT = str.maketrans("0123456789!|l'?", "⁰¹²³⁴⁵⁶⁷⁸⁹¹¹¹¹²")


def _raise_footnote_mark(words: list[dict]) -> None:
    """A footnote opens with its number raised and small ("² Quy định số …"); Tesseract reads it at
    the size of the text ("2 Quy định", "? Quy định", "! Quy định"). Where the line's first word is
    such a mark, half the height of the words after it and sitting above their baseline, it is
    written as the superscript it is, so the footnote is known for one."""
    if len(words) < 3:
        return
    first, rest = words[0], words[1:]
    if len(first["text"]) > 2 or first["text"].translate(_SUPERSCRIPT) == first["text"]:
        return
    height = statistics.median(w["bottom"] - w["top"] for w in rest)
    baseline = statistics.median(w["bottom"] for w in rest)
    if first["bottom"] - first["top"] < 0.6 * height and first["bottom"] < baseline - 0.25 * height:
        first["text"] = first["text"].translate(_SUPERSCRIPT)


def _segment(words: list[dict], scale: float) -> Segment:
    text = " ".join(w["text"] for w in words)
    top = min(w["top"] for w in words)
    bottom = max(w["bottom"] for w in words)
    height = statistics.median(w["bottom"] - w["top"] for w in words)
    return Segment(
        x0=words[0]["x0"] * scale,
        x1=words[-1]["x1"] * scale,
        top=top * scale,
        bottom=bottom * scale,
        size=0.8 * height * scale,
        text=_tidy(text),
        first_word=(words[0]["x1"] - words[0]["x0"]) * scale,
    )


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG or JPEG header, without decoding the image."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + length
    return None
