"""Parse archival dates as written into a normalised range.

Catalogues record dates the way the document shows them: "1956", "1956年3月", "约1950年",
"1950年代", "1956—1958", "民国三十八年", "不详". Searching, facets and timelines need a range, so
each written date becomes (start, end, precision, approximate). The text as written is always kept
beside it; parsing never rewrites what the cataloguer typed.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

ROC_EPOCH = 1911  # 民国元年 = 1912
EARLIEST_YEAR = 1000
LATEST_YEAR = 2100

_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
    "元": 1,
}
_UNKNOWN = {
    "",
    "不详",
    "未知",
    "无",
    "无日期",
    "日期不详",
    "年代不详",
    "?",
    "？",
    "unknown",
    "n.d.",
    "nd",
    "undated",
    "s.d.",
}
_APPROX = re.compile(r"^(约|大约|大概|circa|ca\.?|c\.|about|approx\.?)\s*", re.IGNORECASE)
_APPROX_SUFFIX = re.compile(r"(前后|左右|\?|？)$")
_DASH = re.compile(r"\s*(?:—|–|－|-|~|～|至|到|/)\s*")


class DateParseError(ValueError):
    pass


@dataclass(frozen=True)
class ParsedDate:
    start: date | None
    end: date | None
    precision: str  # a DatePrecision value
    approximate: bool = False

    @property
    def decade(self) -> int | None:
        return (self.start.year // 10) * 10 if self.start else None


UNKNOWN = ParsedDate(None, None, "unknown")


def chinese_number(text: str) -> int:
    """三十八 → 38, 一九五六 → 1956, 二〇〇八 → 2008, 十 → 10."""
    text = text.strip()
    if text.isdecimal():  # not isdigit: "²" is a digit int() cannot read
        return int(text)
    if "十" in text:
        tens, _sep, ones = text.partition("十")
        if (tens and tens not in _CN_DIGITS) or (ones and ones not in _CN_DIGITS):
            raise DateParseError(text)  # 十十, 三十八十: not a number anyone writes
        value = (_CN_DIGITS[tens] if tens else 1) * 10
        return value + (_CN_DIGITS[ones] if ones else 0)
    if text and all(ch in _CN_DIGITS for ch in text):
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    raise DateParseError(text)


_NUM = r"[0-9〇零一二两三四五六七八九十元]+"
_YMD = re.compile(
    rf"^(?P<roc>民国|民國)?\s*(?P<y>{_NUM})\s*(?:年)?"
    rf"(?:\s*(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*[日号號])?)?$"
)
_ISO = re.compile(r"^(?P<y>\d{4})(?:[-./](?P<m>0?[1-9]|1[0-2])(?:[-./](?P<d>\d{1,2}))?)?$")
_DECADE = re.compile(rf"^(?P<y>{_NUM})\s*(?:年代|s)$")


def _to_date(year: int, month: int | None, day: int | None, end: bool) -> tuple[date, str]:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise DateParseError(_("year %(year)s is out of range") % {"year": year})
    if month is None:
        return (date(year, 12, 31) if end else date(year, 1, 1)), "year"
    if not 1 <= month <= 12:
        raise DateParseError(_("month %(month)s does not exist") % {"month": month})
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return (date(year, month, last) if end else date(year, month, 1)), "month"
    try:
        return date(year, month, day), "day"
    except ValueError as exc:
        raise DateParseError(
            _("%(y)s-%(m)s-%(d)s is not a calendar date") % {"y": year, "m": month, "d": day}
        ) from exc


def _single(text: str, end: bool) -> tuple[date, str, bool]:
    """One point in time → (the start or end of its span, precision, is_decade)."""
    if m := _DECADE.match(text):
        try:
            year = chinese_number(m["y"])
        except DateParseError as exc:
            raise DateParseError(_("not a recognised number")) from exc
        if year < 100:  # 五十年代 = the 1950s by archival convention for this collection
            year += 1900
        if year % 10:
            raise DateParseError(_("%(y)s is not the start of a decade") % {"y": year})
        year = year + 9 if end else year
        return _to_date(year, None, None, end)[0], "decade", True
    m = _ISO.match(text) or _YMD.match(text)
    if not m:
        raise DateParseError(_("not a recognised date form"))
    try:
        year = chinese_number(m["y"])
        month = chinese_number(m["m"]) if m["m"] else None
        day = chinese_number(m["d"]) if m["d"] else None
    except (DateParseError, KeyError) as exc:
        raise DateParseError(_("not a recognised number")) from exc
    if m.re is _YMD and m["roc"]:
        year += ROC_EPOCH
    elif year < 100:
        raise DateParseError(_("a two-digit year is ambiguous; write all four digits"))
    when, precision = _to_date(year, month, day, end)
    return when, precision, False


def _split(raw: str) -> tuple[bool, list[str]]:
    """A written date (not an unknown one) → (approximate, its one or two points as written,
    the second completed from the first: "1956年3月—5月" → ["1956年3月", "1956年5月"])."""
    value = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    approximate = False
    if (m := _APPROX.match(value)) is not None:
        approximate, value = True, value[m.end() :]
    if (m := _APPROX_SUFFIX.search(value)) is not None:
        approximate, value = True, value[: m.start()]
    value = value.strip()
    parts = _DASH.split(value) if not _ISO.match(value) else [value]
    if len(parts) == 2 and all(parts):
        first, second = parts
        # "1956年3月—5月" / "1956—58": the second half inherits what it leaves out.
        if re.fullmatch(rf"{_NUM}\s*月(?:\s*{_NUM}\s*[日号])?", second):
            year_part = re.match(rf"^(民国|民國)?\s*{_NUM}\s*年", first)
            if year_part:
                second = year_part.group(0) + second
        elif re.fullmatch(r"\d{2}", second) and re.match(r"^\d{4}", first):
            second = first[:2] + second
        parts = [first, second]
    return approximate, parts


def parse_date(text: str | None) -> ParsedDate:
    """Parse a written date. Raises DateParseError with a reason a cataloguer can act on."""
    raw = (text or "").strip()
    if raw.lower() in _UNKNOWN:
        return UNKNOWN
    approximate, parts = _split(raw)
    try:
        if len(parts) == 1:
            start, precision, _dec = _single(parts[0], end=False)
            end, _p, _d = _single(parts[0], end=True)
            return ParsedDate(start, end, precision, approximate)
        if len(parts) == 2 and all(parts):
            start, _p1, _d1 = _single(parts[0], end=False)
            end, _p2, _d2 = _single(parts[1], end=True)
            if end < start:
                raise DateParseError(_("the range ends before it starts"))
            return ParsedDate(start, end, "range", approximate)
    except DateParseError as exc:
        raise DateParseError(
            _("cannot read “%(text)s” as a date: %(reason)s") % {"text": raw, "reason": exc}
        ) from exc
    raise DateParseError(
        _("cannot read “%(text)s” as a date: not a recognised date form") % {"text": raw}
    )


# English month names written out here rather than read from the C library's locale.
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def _english_point(text: str) -> tuple[str, int, str]:
    """One point as English ("March 1956", "1950s", "11 December 1911"), its year and
    precision."""
    when, precision, decade = _single(text, end=False)
    if decade:
        return f"{when.year}s", when.year, "decade"
    if precision == "month":
        return f"{_MONTHS[when.month - 1]} {when.year}", when.year, precision
    if precision == "day":
        return f"{when.day} {_MONTHS[when.month - 1]} {when.year}", when.year, precision
    return str(when.year), when.year, precision


def english_date(text: str | None) -> str:
    """A written date in English, at the precision it was written: 1956年3月 → "March 1956",
    约1950年代 → "c. 1950s", 民国三十八年 → "1949", 1956年3月—5月 → "March–May 1956".
    "" for an unknown date and for one that cannot be read (the caller shows the Chinese)."""
    raw = (text or "").strip()
    if raw.lower() in _UNKNOWN:
        return ""
    approximate, parts = _split(raw)
    try:
        if len(parts) == 1:
            english = _english_point(parts[0])[0]
        elif len(parts) == 2 and all(parts):
            first, first_year, first_precision = _english_point(parts[0])
            second, second_year, second_precision = _english_point(parts[1])
            same_year_months = first_year == second_year and first_precision == "month"
            if same_year_months and second_precision == "month":
                first = first.rsplit(" ", 1)[0]  # "March–May 1956", not "March 1956–May 1956"
            english = f"{first}–{second}"
        else:
            return ""
    except DateParseError:
        return ""
    return f"c. {english}" if approximate else english
