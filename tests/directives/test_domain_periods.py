from datetime import date
from decimal import Decimal

import pytest

from directives.domain.periods import (
    Period,
    format_date_vi,
    format_number_vi,
    format_percent_vi,
    half_of,
    last_quarters,
    quarter_end,
    quarter_of,
    year_of,
)

Q4_2021 = Period(2021, quarter=4)
H1_2021 = Period(2021, half=1)
H2_2019 = Period(2019, half=2)
JUNE_2022 = Period(2022, month=6)
YEAR_2023 = Period(2023)

# -- validation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"year": 2021, "quarter": 1, "month": 2}, "at most one"),
        ({"year": 2021, "quarter": 5}, "quarter must be in 1..4"),
        ({"year": 2021, "quarter": 0}, "quarter must be in 1..4"),
        ({"year": 2021, "half": 3}, "half must be in 1..2"),
        ({"year": 2021, "month": 13}, "month must be in 1..12"),
        ({"year": 1899}, "year must be in 1900..2200"),
        ({"year": 2201}, "year must be in 1900..2200"),
        ({"year": "2021"}, "must be an int"),
    ],
)
def test_an_invalid_period_is_refused_with_a_clear_message(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Period(**kwargs)


# -- start and end ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        (Period(2021, quarter=1), date(2021, 1, 1), date(2021, 3, 31)),
        (Period(2021, quarter=2), date(2021, 4, 1), date(2021, 6, 30)),
        (Period(2021, quarter=3), date(2021, 7, 1), date(2021, 9, 30)),
        (Q4_2021, date(2021, 10, 1), date(2021, 12, 31)),
        (H1_2021, date(2021, 1, 1), date(2021, 6, 30)),
        (H2_2019, date(2019, 7, 1), date(2019, 12, 31)),
        (JUNE_2022, date(2022, 6, 1), date(2022, 6, 30)),
        (Period(2022, month=12), date(2022, 12, 1), date(2022, 12, 31)),
        (Period(2024, month=2), date(2024, 2, 1), date(2024, 2, 29)),
        (Period(2023, month=2), date(2023, 2, 1), date(2023, 2, 28)),
        (Period(1900, month=2), date(1900, 2, 1), date(1900, 2, 28)),
        (Period(2000, month=2), date(2000, 2, 1), date(2000, 2, 29)),
        (YEAR_2023, date(2023, 1, 1), date(2023, 12, 31)),
    ],
)
def test_each_period_starts_and_ends_on_the_right_day(period, start, end):
    assert (period.start, period.end) == (start, end)


def test_a_period_contains_its_first_and_last_day_and_nothing_outside():
    assert Q4_2021.contains(date(2021, 10, 1))
    assert Q4_2021.contains(date(2021, 12, 31))
    assert not Q4_2021.contains(date(2021, 9, 30))
    assert not Q4_2021.contains(date(2022, 1, 1))


def test_periods_of_different_kinds_sort_chronologically():
    periods = [
        YEAR_2023,
        Period(2021, quarter=2),
        Period(2021),
        H1_2021,
        Period(2021, quarter=1),
    ]
    assert sorted(periods) == [
        Period(2021, quarter=1),
        H1_2021,
        Period(2021),
        Period(2021, quarter=2),
        YEAR_2023,
    ]


def test_periods_compare_by_dates():
    assert Period(2022) > Q4_2021
    assert Period(2021, quarter=4) <= Q4_2021
    assert Period(2021, month=10) <= Q4_2021 < Period(2021, month=12)


def test_periods_are_hashable_values():
    assert {Period(2021, quarter=4), Q4_2021} == {Q4_2021}


# -- labels -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "vi", "en", "code"),
    [
        (Q4_2021, "Quý IV/2021", "Q4/2021", "2021Q4"),
        (Period(2020, quarter=3), "Quý III/2020", "Q3/2020", "2020Q3"),
        (H1_2021, "6 tháng đầu năm 2021", "H1/2021", "2021H1"),
        (Period(2021, half=2), "6 tháng cuối năm 2021", "H2/2021", "2021H2"),
        (JUNE_2022, "Tháng 6/2022", "06/2022", "2022-06"),
        (YEAR_2023, "Năm 2023", "2023", "2023"),
    ],
)
def test_each_period_has_a_vietnamese_label_an_english_label_and_a_code(period, vi, en, code):
    assert (period.label(), period.label_en(), period.code()) == (vi, en, code)
    assert str(period) == vi


# -- parse --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("Quý IV/2021", Q4_2021),
        ("quý 4 năm 2021", Q4_2021),
        ("Quý III năm 2020", Period(2020, quarter=3)),
        ("QUÝ I/2022", Period(2022, quarter=1)),
        ("Quý II - 2022", Period(2022, quarter=2)),
        ("6 tháng đầu năm 2019", Period(2019, half=1)),
        ("6 tháng cuối năm 2019", H2_2019),
        ("Sáu tháng cuối năm 2019", H2_2019),
        ("tháng 6 năm 2022", JUNE_2022),
        ("tháng 12/2022", Period(2022, month=12)),
        ("Tháng 06/2022", JUNE_2022),
        ("năm 2023", YEAR_2023),
        ("Năm 2023.", YEAR_2023),
        ("  quý   IV / 2021 ", Q4_2021),
    ],
)
def test_parse_reads_every_vietnamese_period_form(text, period):
    assert Period.parse(text) == period


def test_parse_tolerates_decomposed_accents_and_missing_accents():
    decomposed = "6 tha\u0301ng đâ\u0300u năm 2019"
    assert Period.parse(decomposed) == Period(2019, half=1)
    assert Period.parse("quy iv nam 2021") == Q4_2021
    assert Period.parse("6 thang cuoi nam 2019") == H2_2019


@pytest.mark.parametrize(
    "text",
    [
        "",
        "rubbish",
        "2023",
        "trước ngày 30/6/2022",
        "Quý V/2021",
        "quý 5 năm 2021",
        "tháng 13/2022",
        "năm 1800",
        "6 tháng giữa năm 2019",
        "Quý IV/2021 và Quý I/2022",
        None,
    ],
)
def test_parse_returns_none_for_text_that_is_not_a_period(text):
    assert Period.parse(text) is None


@pytest.mark.parametrize(
    "period",
    [Period(2021, quarter=q) for q in range(1, 5)] + [H1_2021, H2_2019, JUNE_2022, YEAR_2023],
)
def test_every_label_parses_back_and_every_code_reads_back(period):
    assert Period.parse(period.label()) == period
    assert Period.from_code(period.code()) == period


# -- from_code ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "period"),
    [
        ("2021Q4", Q4_2021),
        ("2021-Q4", Q4_2021),
        ("2021q4", Q4_2021),
        ("2021H2", Period(2021, half=2)),
        ("2021-H1", H1_2021),
        ("2022-06", JUNE_2022),
        ("2023", YEAR_2023),
    ],
)
def test_from_code_reads_every_code_form(code, period):
    assert Period.from_code(code) == period


@pytest.mark.parametrize("code", ["", "21Q4", "2021Q", "2021Q12", "2021/06", "Q4/2021", "2022-6-1", "abc"])
def test_from_code_refuses_what_is_not_a_code(code):
    with pytest.raises(ValueError, match="not a period code"):
        Period.from_code(code)


@pytest.mark.parametrize("code", ["2021Q5", "2021H3", "2022-13", "1800"])
def test_from_code_refuses_a_code_out_of_range(code):
    with pytest.raises(ValueError, match="must be in"):
        Period.from_code(code)


# -- previous and next --------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "previous", "following"),
    [
        (Period(2022, quarter=1), Q4_2021, Period(2022, quarter=2)),
        (Q4_2021, Period(2021, quarter=3), Period(2022, quarter=1)),
        (H1_2021, Period(2020, half=2), Period(2021, half=2)),
        (Period(2022, month=1), Period(2021, month=12), Period(2022, month=2)),
        (Period(2022, month=12), Period(2022, month=11), Period(2023, month=1)),
        (YEAR_2023, Period(2022), Period(2024)),
    ],
)
def test_previous_and_next_keep_the_kind_and_cross_years(period, previous, following):
    assert period.previous() == previous
    assert period.next() == following


# -- periods of a date --------------------------------------------------------------


def test_the_periods_of_a_date():
    d = date(2021, 11, 15)
    assert quarter_of(d) == Q4_2021
    assert half_of(d) == Period(2021, half=2)
    assert half_of(date(2021, 6, 30)) == H1_2021
    assert year_of(d) == Period(2021)
    assert quarter_end(d) == date(2021, 12, 31)
    assert quarter_end(date(2021, 1, 1)) == date(2021, 3, 31)


def test_last_quarters_ends_with_the_quarter_of_the_cutoff_oldest_first():
    assert last_quarters(date(2022, 2, 10), 4) == [
        Period(2021, quarter=2),
        Period(2021, quarter=3),
        Q4_2021,
        Period(2022, quarter=1),
    ]
    assert last_quarters(date(2022, 2, 10), 1) == [Period(2022, quarter=1)]
    assert last_quarters(date(2022, 2, 10), 0) == []


def test_last_quarters_refuses_a_negative_count():
    with pytest.raises(ValueError):
        last_quarters(date(2022, 2, 10), -1)


# -- formatters ---------------------------------------------------------------------


def test_dates_are_shown_as_day_month_year():
    assert format_date_vi(date(2003, 5, 9)) == "09/05/2003"
    assert format_date_vi(None) == ""


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (67.8, 1, "67,8%"),
        (100, 1, "100%"),
        (100.0, 1, "100%"),
        (0, 1, "0%"),
        (66.66666, 1, "66,6%"),
        (12.25, 1, "12,2%"),
        (19 / 28 * 100, 1, "67,8%"),
        (99.96, 1, "99,9%"),
        (67.5, 2, "67,5%"),
        (1234.5, 1, "1.234,5%"),
        (Decimal("45.75"), 1, "45,7%"),
        (33.333, 0, "33%"),
        (-2.5, 1, "-2,5%"),
        (-2.57, 1, "-2,5%"),
        (-0.01, 1, "0%"),
        (None, 1, "—"),
        (float("nan"), 1, "—"),
    ],
)
def test_percentages_use_a_decimal_comma(value, digits, text):
    assert format_percent_vi(value, digits=digits) == text


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (45799, 0, "45.799"),
        (12.5, 1, "12,5"),
        (12, 1, "12,0"),
        (1234567.891, 2, "1.234.567,89"),
        (999, 0, "999"),
        (0.5, 0, "1"),
        (Decimal("-1234.5"), 0, "-1.235"),
        (None, 0, "—"),
    ],
)
def test_numbers_group_thousands_with_a_dot_and_use_a_decimal_comma(value, digits, text):
    assert format_number_vi(value, digits=digits) == text
