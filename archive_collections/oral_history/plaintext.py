"""Timed plain text: `[00:01:02] 钱学森：……` or `00:01:02 speaker: text`, one segment a line.

Lines without a timestamp continue the segment above; lines before the first timestamp are a
header (title, interviewee…) and are skipped. A segment ends where the next begins unless its
timestamp gives an end (`[00:01:02.000-00:01:05.000]`). The last segment without an end runs to
the end of the recording when its duration is known, otherwise for a reading-time estimate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .document import Document, FormatError, Line
from .timecodes import parse_timecode, timecode
from .webvtt import MAX_SPEAKER, split_speaker

_TC = r"(?:\d{1,3}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_RANGE = rf"({_TC})(?:\s*(?:-->|[-–—~])\s*({_TC}))?"
BRACKETED = re.compile(rf"^\s*[\[【(（]\s*{_RANGE}\s*[\]】)）]\s*(.*)$")
# An unbracketed timestamp must be followed by a space, so "12:30开会" stays text.
BARE = re.compile(rf"^\s*{_RANGE}(?:\s+(.*)|\s*)$")
# Mandarin speech runs at roughly four characters a second.
MS_PER_CHARACTER = 250
MIN_SEGMENT_MS = 1000


@dataclass
class _OpenSegment:
    """A segment while its lines are read: the end may come from the next timestamp."""

    line: int
    start: int
    end: int | None = None
    text: list[str] = field(default_factory=list)


def _timestamp(line: str):
    return BRACKETED.match(line) or BARE.match(line)


def _ms(name: str, number: int, text: str) -> int:
    try:
        return parse_timecode(text)
    except ValueError as exc:
        raise FormatError(name, number, str(exc)) from exc


def read_lines(
    numbered: list[tuple[int, str]], name: str, duration_ms: int | None = None
) -> Document:
    """Segments from (line number, text) pairs; DOCX paragraphs come through here too."""
    open_segments: list[_OpenSegment] = []
    for number, raw in numbered:
        line = raw.strip()
        if not line:
            continue
        match = _timestamp(line)
        if match is None:
            if open_segments:
                open_segments[-1].text.append(line)
            continue
        start, end, body = match.groups()
        segment = _OpenSegment(number, _ms(name, number, start))
        if end is not None:
            segment.end = _ms(name, number, end)
            if segment.end < segment.start:
                raise FormatError(name, number, _("the segment ends before it starts"))
        if open_segments and segment.start < open_segments[-1].start:
            raise FormatError(
                name,
                number,
                _("timecodes go backwards: this line starts before the line %(line)d")
                % {"line": open_segments[-1].line},
            )
        if body and body.strip():
            segment.text.append(body.strip())
        open_segments.append(segment)
    if not open_segments:
        raise FormatError(
            name, 1, _("no timestamped lines found; start lines with [hh:mm:ss] or hh:mm:ss")
        )
    return Document(transcript=_close(open_segments, name, duration_ms))


def _close(segments: list[_OpenSegment], name: str, duration_ms: int | None) -> list[Line]:
    lines = []
    for n, segment in enumerate(segments):
        text = "\n".join(segment.text)
        if not text:
            raise FormatError(name, segment.line, _("the line has a timestamp but no text"))
        speaker, text = split_speaker(text)
        end = segment.end
        if end is None and n + 1 < len(segments):
            end = segments[n + 1].start
        if end is None:
            estimate = segment.start + max(MIN_SEGMENT_MS, len(text) * MS_PER_CHARACTER)
            end = duration_ms if duration_ms and duration_ms > segment.start else estimate
        lines.append(Line(segment.start, end, speaker[:MAX_SPEAKER], text))
    return lines


def read_text(text: str, name: str, duration_ms: int | None = None) -> Document:
    return read_lines(list(enumerate(text.splitlines(), start=1)), name, duration_ms)


def segment_lines(lines: list[Line]) -> list[tuple[str, str, str]]:
    """(timestamp, speaker, text) per segment; the end is written only where it is not the next
    segment's start, so the usual gapless transcript reads cleanly and still round-trips."""
    rows = []
    for n, line in enumerate(lines):
        following = lines[n + 1].start_ms if n + 1 < len(lines) else None
        stamp = timecode(line.start_ms)
        if following is None or following != line.end_ms:
            stamp += f"-{timecode(line.end_ms)}"
        rows.append((f"[{stamp}]", line.speaker, line.text))
    return rows


def write_text(lines: list[Line], header: list[str] | None = None) -> str:
    out = list(header or [])
    if out:
        out.append("")
    for stamp, speaker, text in segment_lines(lines):
        body = f"{speaker}：{text}" if speaker else text
        out.append(f"{stamp} {body}")
    return "\n".join(out) + "\n"
