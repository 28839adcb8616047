"""Written dates: any text gives a well-formed range or a DateParseError quoting it, and every
form a cataloguer writes for a generated date parses back to that date."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from django.utils import translation
from hypothesis import assume, example, given
from hypothesis import strategies as st

from archive_collections.dates import (
    EARLIEST_YEAR,
    LATEST_YEAR,
    ROC_EPOCH,
    DateParseError,
    ParsedDate,
    parse_date,
)

from . import bounded

PRECISIONS = {"unknown", "day", "month", "year", "decade", "range"}
# The characters written dates are made of, so random text often comes close to a real date.
DATE_ALPHABET = (
    "0123456789０１９〇零一二两三四五六七八九十元年月日号號代s民国國约前后左右?？—–-~至/. "
)
DIGITS = "〇一二三四五六七八九"


def in_range(day: date | None) -> bool:
    return day is not None and EARLIEST_YEAR <= day.year <= LATEST_YEAR


def assert_well_formed(parsed: ParsedDate) -> None:
    assert parsed.precision in PRECISIONS
    if parsed.precision == "unknown":
        assert parsed.start is None and parsed.end is None
        return
    assert in_range(parsed.start) and in_range(parsed.end)
    assert parsed.start <= parsed.end


written_text = st.one_of(
    st.text(alphabet=DATE_ALPHABET, max_size=14),
    st.text(max_size=20),
)


@bounded(600)
@given(written_text)
@example(
    "十十年代"
)  # a numeral chinese_number cannot read: it leaked KeyError from the decade form
@example("二十十年代")
@example("十十")
def test_any_text_is_a_range_or_a_reasoned_refusal(text):
    try:
        parsed = parse_date(text)
    except DateParseError as exc:
        # The message quotes what the cataloguer typed, so a report row points at the cell.
        assert text.strip() in str(exc)
        return
    assert_well_formed(parsed)


days = st.dates(min_value=date(EARLIEST_YEAR, 1, 1), max_value=date(LATEST_YEAR, 12, 31))


def chinese_digits(year: int) -> str:
    return "".join(DIGITS[int(ch)] for ch in str(year))


def chinese_count(n: int) -> str:
    """1..99 as written in words: 十, 十二, 三十八."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    return (DIGITS[tens] if tens > 1 else "") + "十" + (DIGITS[ones] if ones else "")


@bounded()
@given(
    days,
    st.sampled_from(["{y}年{m}月{d}日", "{y}-{m:02d}-{d:02d}", "{y}.{m}.{d}", "{y}年{m}月{d}号"]),
)
def test_a_day_written_any_way_parses_to_that_day(day, form):
    parsed = parse_date(form.format(y=day.year, m=day.month, d=day.day))
    assert parsed == ParsedDate(day, day, "day", False)


@bounded()
@given(days, st.booleans())
def test_a_month_runs_from_its_first_to_its_last_day(day, chinese):
    year = chinese_digits(day.year) if chinese else str(day.year)
    month = chinese_count(day.month) if chinese else str(day.month)
    parsed = parse_date(f"{year}年{month}月")
    last = calendar.monthrange(day.year, day.month)[1]
    assert parsed == ParsedDate(
        date(day.year, day.month, 1), date(day.year, day.month, last), "month", False
    )


@bounded()
@given(st.integers(ROC_EPOCH + 1, ROC_EPOCH + 99), st.booleans())
def test_a_republican_year_is_counted_from_1912(year, in_words):
    roc = year - ROC_EPOCH
    parsed = parse_date(f"民国{chinese_count(roc) if in_words else roc}年")
    assert parsed == ParsedDate(date(year, 1, 1), date(year, 12, 31), "year", False)


@bounded()
@given(st.integers(EARLIEST_YEAR // 10, LATEST_YEAR // 10 - 1).map(lambda n: n * 10))
def test_a_decade_spans_ten_years(decade):
    for text in (f"{decade}年代", f"{decade}s"):
        parsed = parse_date(text)
        assert parsed == ParsedDate(date(decade, 1, 1), date(decade + 9, 12, 31), "decade", False)


@bounded()
@given(
    days,
    days,
    st.sampled_from(["—", "–", "-", "~", "至", "到", " — "]),
    st.sampled_from(["约", "大约", "c. ", "", ""]),
)
def test_a_range_of_two_days_parses_to_them(first, second, dash, approx):
    first, second = sorted((first, second))
    start = f"{first.year}年{first.month}月{first.day}日"
    text = f"{approx}{start}{dash}{second.year}年{second.month}月{second.day}日"
    parsed = parse_date(text)
    assert parsed == ParsedDate(first, second, "range", bool(approx))


@bounded()
@given(days, days)
def test_a_range_that_ends_before_it_starts_is_refused(first, second):
    assume(first.year != second.year)
    later, earlier = max(first, second), min(first, second)
    with translation.override("en"), pytest.raises(DateParseError, match="ends before it starts"):
        parse_date(f"{later.year}—{earlier.year}")
