"""Written archival dates → ranges: every form curators use, and clear refusals."""

from datetime import date

import pytest
from django.utils import translation

from archive_collections.dates import DateParseError, chinese_number, parse_date


@pytest.mark.parametrize(
    ("text", "start", "end", "precision", "approximate"),
    [
        ("1956", date(1956, 1, 1), date(1956, 12, 31), "year", False),
        ("1956年", date(1956, 1, 1), date(1956, 12, 31), "year", False),
        ("1956年3月", date(1956, 3, 1), date(1956, 3, 31), "month", False),
        ("1956年2月", date(1956, 2, 1), date(1956, 2, 29), "month", False),
        ("1956年3月5日", date(1956, 3, 5), date(1956, 3, 5), "day", False),
        ("1956-03-05", date(1956, 3, 5), date(1956, 3, 5), "day", False),
        ("1956.3", date(1956, 3, 1), date(1956, 3, 31), "month", False),
        ("约1950年", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("1950年前后", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("c. 1950", date(1950, 1, 1), date(1950, 12, 31), "year", True),
        ("1950年代", date(1950, 1, 1), date(1959, 12, 31), "decade", False),
        ("五十年代", date(1950, 1, 1), date(1959, 12, 31), "decade", False),
        ("1950s", date(1950, 1, 1), date(1959, 12, 31), "decade", False),
        ("1956—1958", date(1956, 1, 1), date(1958, 12, 31), "range", False),
        ("1956-1958", date(1956, 1, 1), date(1958, 12, 31), "range", False),
        ("1956-58", date(1956, 1, 1), date(1958, 12, 31), "range", False),
        ("1956年3月—5月", date(1956, 3, 1), date(1956, 5, 31), "range", False),
        ("民国三十八年", date(1949, 1, 1), date(1949, 12, 31), "year", False),
        ("民国38年5月", date(1949, 5, 1), date(1949, 5, 31), "month", False),
        ("一九五六年", date(1956, 1, 1), date(1956, 12, 31), "year", False),
        ("１９５６年", date(1956, 1, 1), date(1956, 12, 31), "year", False),
    ],
)
def test_written_dates_become_ranges(text, start, end, precision, approximate):
    parsed = parse_date(text)
    assert (parsed.start, parsed.end, parsed.precision, parsed.approximate) == (
        start,
        end,
        precision,
        approximate,
    )


@pytest.mark.parametrize("text", ["", "不详", "未知", "?", "n.d.", None])
def test_unknown_dates_have_no_range(text):
    parsed = parse_date(text)
    assert parsed.start is None and parsed.end is None and parsed.precision == "unknown"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abc", "not a recognised date form"),
        ("1956年13月", "month 13 does not exist"),
        ("1956年2月30日", "is not a calendar date"),
        ("1958—1956", "ends before it starts"),
        ("56年", "two-digit year"),
        ("1951年代", "not the start of a decade"),
        ("3000", "out of range"),
    ],
)
def test_unparseable_dates_say_why(text, reason):
    with translation.override("en"), pytest.raises(DateParseError) as excinfo:
        parse_date(text)
    assert reason in str(excinfo.value)
    assert text in str(excinfo.value)


def test_chinese_numerals():
    assert [chinese_number(t) for t in ["三十八", "十", "十二", "二〇〇八", "元"]] == [
        38,
        10,
        12,
        2008,
        1,
    ]


def test_reasons_are_in_chinese_for_chinese_curators():
    with translation.override("zh-hans"), pytest.raises(DateParseError) as excinfo:
        parse_date("1956年13月")
    assert "13" in str(excinfo.value) and "month" not in str(excinfo.value)
