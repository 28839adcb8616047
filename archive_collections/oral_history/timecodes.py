"""Timecodes as curators type them and as caption formats write them."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

# hh:mm:ss(.mmm), mm:ss(.mmm) or h:mm:ss; "," is accepted for the fraction (SRT, Chinese locales).
_TIMECODE = re.compile(r"^\s*(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[.,](\d{1,3}))?\s*$")


def parse_timecode(text: str) -> int:
    """Milliseconds for `hh:mm:ss(.mmm)`, `mm:ss(.mmm)` or a plain count of milliseconds."""
    value = str(text).strip()
    if value.isdecimal():  # not isdigit(): "²" and "①" are digits that int() refuses
        return int(value)
    match = _TIMECODE.match(value)
    if not match:
        raise ValueError(
            _("“%(value)s” is not a time; write hh:mm:ss or hh:mm:ss.mmm") % {"value": value}
        )
    hours, minutes, seconds, fraction = match.groups()
    if int(seconds) > 59 or (hours is not None and int(minutes) > 59):
        raise ValueError(
            _("“%(value)s” is not a time: minutes and seconds run from 00 to 59") % {"value": value}
        )
    millis = int((fraction or "0").ljust(3, "0"))
    return ((int(hours or 0) * 60 + int(minutes)) * 60 + int(seconds)) * 1000 + millis


def parse_offset(text: str) -> int:
    """A signed offset: `-00:00:02.500`, `+1:00`, `1500` (milliseconds)."""
    value = str(text).strip()
    sign = -1 if value.startswith("-") else 1
    return sign * parse_timecode(value.lstrip("+-"))


def timecode(ms: int, separator: str = ".", always_millis: bool = True) -> str:
    """`hh:mm:ss.mmm`; the fraction is left out when zero unless `always_millis`."""
    ms = int(ms)
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    base = f"{hours:02d}:{minutes:02d}:{seconds:02d}"
    if millis or always_millis:
        return f"{base}{separator}{millis:03d}"
    return base


def short_timecode(ms: int) -> str:
    """What readers see beside a line: 00:01:05 (whole seconds, rounded down)."""
    return timecode(ms // 1000 * 1000, always_millis=False)


def seconds_text(ms: int) -> str:
    """Seconds for URLs and data attributes: `62`, `62.5`, `62.125`."""
    whole, millis = divmod(int(ms), 1000)
    return f"{whole}" if not millis else f"{whole}.{millis:03d}".rstrip("0")
