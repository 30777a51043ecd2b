"""Body-name matching: accents, case, tone placement, abbreviations, short names, ambiguity."""

import pytest

from directives.importing.matching import BodyMatcher, match_body, match_names, name_key

ORGS = [
    (1, "Ban Tổ chức Trung ương", "BTCTW"),
    (2, "Ủy ban nhân dân tỉnh Quảng Ngãi", ""),
    (3, "Hội đồng nhân dân tỉnh Quảng Ngãi", ""),
    (4, "Sở Kế hoạch và Đầu tư tỉnh Quảng Ngãi", ""),
    (5, "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Quảng Ngãi", ""),
    (6, "Ban Chấp hành Đảng bộ tỉnh", ""),
    (7, "Thành phố Quảng Ngãi", ""),
    (8, "Bộ Nội vụ", "BNV"),
]


def test_it_ignores_case_and_accents():
    assert match_body("ban to chuc trung uong", ORGS) == 1
    assert match_body("BAN TỔ CHỨC TRUNG ƯƠNG", ORGS) == 1


def test_it_reads_d_stroke_as_d():
    assert name_key("Đảng bộ") == name_key("dang bo")


def test_old_and_new_tone_placement_are_the_same_word():
    assert match_body("Uỷ ban nhân dân tỉnh Quảng Ngãi", ORGS) == 2
    assert match_body("Ủy ban nhân dân tỉnh Quảng Ngãi", ORGS) == 2


def test_decomposed_unicode_matches_composed():
    import unicodedata

    assert match_body(unicodedata.normalize("NFD", "Bộ Nội vụ"), ORGS) == 8


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("BTC Trung ương", 1),
        ("BTC TW", 1),
        ("Ban Tổ chức TW", 1),
        ("UBND tỉnh Quảng Ngãi", 2),
        ("HĐND tỉnh Quảng Ngãi", 3),
        ("Sở KH&ĐT tỉnh Quảng Ngãi", 4),
        ("Sở KH & ĐT tỉnh Quảng Ngãi", 4),
        ("Ủy ban MTTQ Việt Nam tỉnh Quảng Ngãi", 5),
        ("BCH Đảng bộ tỉnh", 6),
        ("TP Quảng Ngãi", 7),
    ],
)
def test_it_expands_common_abbreviations(written, expected):
    assert match_body(written, ORGS) == expected


def test_abbreviations_expand_both_ways():
    orgs = [(1, "UBND tỉnh Quảng Ngãi", ""), (2, "Sở KH&ĐT", "")]
    assert match_body("Ủy ban nhân dân tỉnh Quảng Ngãi", orgs) == 1
    assert match_body("Sở Kế hoạch và Đầu tư", orgs) == 2


def test_it_matches_the_short_name():
    assert match_body("BTCTW", ORGS) == 1
    assert match_body("bnv", ORGS) == 8


def test_an_ambiguous_name_matches_nothing():
    orgs = [(1, "Ban Tổ chức Tỉnh ủy", "BTC"), (2, "Ban Tổ chức Thành ủy", "BTC")]
    assert match_body("BTC", orgs) is None
    assert match_body("Ban Tổ chức", orgs) is None


def test_an_unknown_or_empty_name_matches_nothing():
    assert match_body("Bộ Tài chính", ORGS) is None
    assert match_body("", ORGS) is None
    assert match_body("  ", ORGS) is None


def test_the_matcher_and_match_names_agree_with_match_body():
    matcher = BodyMatcher(ORGS)
    for name in ["BTC TW", "UBND tỉnh Quảng Ngãi", "Bộ Tài chính"]:
        assert matcher.match(name) == match_body(name, ORGS)
    assert match_names(["BTC TW", "Bộ Tài chính"], ORGS) == {"BTC TW": 1}
