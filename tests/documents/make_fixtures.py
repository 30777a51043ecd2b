"""Makes the small files in fixtures/ (committed; run again only to change them):

    .venv/bin/python tests/documents/make_fixtures.py

chi-thi.docx  a directive as offices write it: the two-column letterhead as a borderless table,
              numbered tasks, a task table (TT / Nội dung / Cơ quan chủ trì / Thời hạn), a
              signature table ("Nơi nhận" left, signer right);
chi-thi.pdf   the same exported by LibreOffice (a text layer);
chi-thi.doc   the same saved as Word 97-2003 by LibreOffice;
chi-thi.scan.pdf  page 1 of the PDF rasterized at 200 dpi in grey, turned 0.5°, as JPEG (no text);
encrypted.pdf the PDF with a user password (qpdf, AES-256).
Needs python-docx, LibreOffice, poppler, ImageMagick, img2pdf and qpdf.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

import docx
from docx.shared import Pt

OUT = Path(__file__).parent / "fixtures"

LETTERHEAD = [
    [
        "ỦY BAN NHÂN DÂN\nTỈNH ĐẮK LẮK\n-------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------",
    ],
    ["Số: 015/CT-UBND", "Đắk Lắk, ngày 20 tháng 11 năm 2025"],
]
BODY = [
    ("CHỈ THỊ", True),
    ("Về việc tăng cường công tác phòng cháy, chữa cháy trong mùa khô năm 2025 - 2026", True),
    (
        "Thời gian qua, công tác phòng cháy, chữa cháy trên địa bàn tỉnh đã được các cấp, các ngành quan tâm "
        "triển khai và đạt nhiều kết quả tích cực; tuy nhiên, tình hình cháy, nổ vẫn diễn biến phức tạp, gây "
        "thiệt hại lớn về người và tài sản. Để chủ động phòng ngừa, Chủ tịch Ủy ban nhân dân tỉnh yêu cầu:",
        False,
    ),
    (
        "1. Giao Công an tỉnh chủ trì, phối hợp với Sở Xây dựng tổ chức kiểm tra an toàn phòng cháy, chữa cháy "
        "đối với các chung cư, nhà cao tầng và cơ sở kinh doanh có nguy cơ cháy, nổ cao; hoàn thành trước ngày "
        "31/12/2025.",
        False,
    ),
    (
        "2. Sở Giáo dục và Đào tạo chủ trì, phối hợp với Công an tỉnh tổ chức tuyên truyền, hướng dẫn kỹ năng "
        "thoát nạn cho học sinh trong các trường học; hoàn thành trong Quý I năm 2026.",
        False,
    ),
    ("3. Các nhiệm vụ cụ thể khác theo bảng sau:", False),
]
TASKS = [
    ["TT", "Nội dung", "Cơ quan chủ trì", "Thời hạn hoàn thành"],
    ["3.1", "Rà soát phương án chữa cháy rừng", "Sở Nông nghiệp và Môi trường", "15/12/2025"],
    ["3.2", "Diễn tập chữa cháy tại khu công nghiệp", "Ban Quản lý các Khu công nghiệp tỉnh", "Quý I/2026"],
]
CLOSING = "Yêu cầu Thủ trưởng các sở, ban, ngành nghiêm túc thực hiện Chỉ thị này./."
SIGNATURE = [["Nơi nhận:\n- Như trên;\n- Lưu: VT.", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n\n\nNguyễn Văn An"]]


def _cell(cell, text: str, bold: bool = False) -> None:
    lines = text.split("\n")
    cell.text = ""
    first = cell.paragraphs[0]
    for i, line in enumerate(lines):
        p = first if i == 0 else cell.add_paragraph()
        run = p.add_run(line)
        run.bold = bold
        p.alignment = 1


def make_docx(path: Path) -> None:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    table = document.add_table(rows=2, cols=2)
    for r, row in enumerate(LETTERHEAD):
        for c, text in enumerate(row):
            _cell(table.rows[r].cells[c], text, bold=r == 0)
    for text, bold in BODY:
        p = document.add_paragraph()
        p.add_run(text).bold = bold
        if bold:
            p.alignment = 1
    tasks = document.add_table(rows=len(TASKS), cols=4)
    tasks.style = "Table Grid"
    for r, row in enumerate(TASKS):
        for c, text in enumerate(row):
            tasks.rows[r].cells[c].text = text
    document.add_paragraph(CLOSING)
    signature = document.add_table(rows=1, cols=2)
    for c, text in enumerate(SIGNATURE[0]):
        _cell(signature.rows[0].cells[c], text, bold=c == 1)
    document.save(path)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    docx_path = OUT / "chi-thi.docx"
    make_docx(docx_path)
    with tempfile.TemporaryDirectory() as tmp:
        profile = f"-env:UserInstallation=file://{tmp}/profile"
        for fmt in ("pdf", "doc"):
            subprocess.run(
                ["soffice", profile, "--headless", "--convert-to", fmt, "--outdir", str(OUT), str(docx_path)],
                check=True, capture_output=True,
            )  # fmt: skip
        subprocess.run(["pdftoppm", "-r", "200", "-gray", "-f", "1", "-l", "1", "-png", "-singlefile",
                        str(OUT / "chi-thi.pdf"), f"{tmp}/page"], check=True)  # fmt: skip
        subprocess.run(["convert", f"{tmp}/page.png", "-background", "white", "-rotate", "0.5", "-attenuate", "0.3",
                        "+noise", "Gaussian", "-quality", "60", f"{tmp}/page.jpg"], check=True)  # fmt: skip
        subprocess.run(["img2pdf", "--pagesize", "A4", "-o", str(OUT / "chi-thi.scan.pdf"), f"{tmp}/page.jpg"],
                       check=True)  # fmt: skip
    subprocess.run(["qpdf", "--encrypt", "mat-khau", "mat-khau-chu", "256", "--", str(OUT / "chi-thi.pdf"),
                    str(OUT / "encrypted.pdf")], check=True)  # fmt: skip
    for path in sorted(OUT.iterdir()):
        print(path.name, path.stat().st_size)


if __name__ == "__main__":
    assert shutil.which("soffice"), "LibreOffice is needed"
    main()
