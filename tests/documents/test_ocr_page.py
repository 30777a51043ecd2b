"""What the OCR step does around Tesseract, on plain data: the page made black and white before it
is read, footnote marks known by their size, specks that are no line of text left out."""

from directives.documents.ocr import binarize, otsu_threshold, segments_from_tsv

HEADER = "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext"


def tsv(*lines):
    """Tesseract TSV rows: each line is (line number, [(left, top, width, height, text), ...])."""
    rows = [HEADER]
    for number, words in lines:
        for k, (left, top, width, height, text) in enumerate(words, 1):
            rows.append(f"5\t1\t1\t1\t{number}\t{k}\t{left}\t{top}\t{width}\t{height}\t96\t{text}")
    return "\n".join(rows) + "\n"


def words(line, left, top):
    return [(left + 120 * k, top, 100, 48, word) for k, word in enumerate(line.split(" "))]


def running_text(number, top):
    return (
        number,
        words("các cơ quan liên quan tổ chức", 360, top),
    )


def test_the_threshold_splits_ink_from_paper():
    hist = [0] * 256
    hist[30], hist[40], hist[200], hist[235] = 50, 50, 900, 900  # dark ink, light grey paper with speckle
    assert 40 <= otsu_threshold(hist) < 200


def test_a_grey_page_is_made_black_and_white_before_it_is_read(tmp_path):
    pixels = bytes([235] * 900 + [200] * 50 + [35] * 50)  # paper, speckle, ink
    image = tmp_path / "p.pgm"
    image.write_bytes(b"P5\n# from pdftoppm\n100 10\n255\n" + pixels)
    threshold = binarize(image)
    data = image.read_bytes()
    assert (
        data.startswith(b"P5\n# from pdftoppm\n100 10\n255\n")
        and len(data) == len(b"P5\n# from pdftoppm\n100 10\n255\n") + 1000
    )
    assert set(data[-1000:]) == {0, 255} and threshold is not None
    assert data[-1000:].count(0) == 50  # the ink, not the speckle


def test_a_file_that_is_not_a_grey_pgm_is_left_as_it_is(tmp_path):
    image = tmp_path / "p.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\nnot a pgm")
    assert binarize(image) is None and image.read_bytes() == b"\x89PNG\r\n\x1a\nnot a pgm"


def test_a_small_raised_number_opening_a_line_is_a_footnote_mark():
    note = (
        9,
        [
            (357, 3137, 11, 22, "?"),
            *words("(1) Sửa đổi Quy định số 126-QĐ/TW", 400, 3130),
        ],
    )
    item = (
        10,
        [
            (357, 3230, 32, 37, "1."),
            *words("Tiếp tục đôn đốc thực hiện", 400, 3226),
        ],
    )
    texts = [s.text for s in segments_from_tsv(tsv(running_text(1, 100), note, item), dpi=300)[1]]
    assert texts[1].startswith("² (1) Sửa đổi") and texts[2].startswith("1. Tiếp tục")


def test_a_row_of_specks_above_a_line_is_no_line_of_text():
    specks = (2, [(392, 180, 11, 8, "z"), (652, 180, 31, 8, ".^"), (971, 178, 11, 11, "⁄"), (1666, 180, 10, 8, "z")])
    texts = [s.text for s in segments_from_tsv(tsv(running_text(1, 100), specks, running_text(3, 200)), dpi=300)[1]]
    assert texts == ["các cơ quan liên quan tổ chức", "các cơ quan liên quan tổ chức"]
