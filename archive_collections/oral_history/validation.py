"""Checks on an interview's timed segments: backwards, overlapping and out-of-range times.

Every problem names the segment (its number in time order, its start and its first words) so a
curator can find it in a two-hour transcript.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .document import Line, Point
from .timecodes import timecode


@dataclass(frozen=True)
class Problem:
    kind: str  # "transcript" or "index"
    number: int  # 1-based, in the order given
    message: str

    def __str__(self):
        return self.message


def _label(kind: str, number: int, start_ms: int, text: str) -> str:
    words = text.replace("\n", " ")
    snippet = words[:20] + ("…" if len(words) > 20 else "")
    if kind == "transcript":
        return _("Transcript segment %(n)d (%(start)s “%(text)s”)") % {
            "n": number,
            "start": timecode(start_ms),
            "text": snippet,
        }
    return _("Index segment %(n)d (%(start)s “%(text)s”)") % {
        "n": number,
        "start": timecode(start_ms),
        "text": snippet,
    }


def media_duration_ms(interview, files=None) -> int | None:
    """The interview's duration as catalogued, else the longest probed audio/video file."""
    if interview.duration_ms:
        return interview.duration_ms
    files = files if files is not None else interview.item.files.all()
    seconds = [
        (f.technical or {}).get("av", {}).get("duration") or 0
        for f in files
        if f.is_audio or f.is_video
    ]
    longest = max(seconds, default=0)
    return round(longest * 1000) if longest else None


def check_transcript(lines: Iterable[Line], duration_ms: int | None) -> list[Problem]:
    problems: list[Problem] = []
    previous: tuple[int, Line] | None = None
    for number, line in enumerate(lines, start=1):
        label = _label("transcript", number, line.start_ms, line.text)

        def add(message, label=label, number=number):
            problems.append(Problem("transcript", number, f"{label}: {message}"))

        if line.end_ms < line.start_ms:
            add(_("it ends (%(end)s) before it starts") % {"end": timecode(line.end_ms)})
        if duration_ms and line.end_ms > duration_ms:
            add(
                _("it runs past the end of the recording (%(duration)s)")
                % {"duration": timecode(duration_ms)}
            )
        if previous is not None:
            before_number, before = previous
            if line.start_ms < before.start_ms:
                add(
                    _("it starts before segment %(n)d (%(start)s); times go backwards")
                    % {"n": before_number, "start": timecode(before.start_ms)}
                )
            elif line.start_ms < before.end_ms:
                add(
                    _("it overlaps segment %(n)d, which ends at %(end)s")
                    % {"n": before_number, "end": timecode(before.end_ms)}
                )
        previous = (number, line)
    return problems


def check_index(points: Iterable[Point], duration_ms: int | None) -> list[Problem]:
    problems: list[Problem] = []
    previous: tuple[int, Point] | None = None
    for number, point in enumerate(points, start=1):
        label = _label("index", number, point.start_ms, point.title)
        if duration_ms and point.start_ms >= duration_ms:
            problems.append(
                Problem(
                    "index",
                    number,
                    label
                    + ": "
                    + _("it starts after the end of the recording (%(duration)s)")
                    % {"duration": timecode(duration_ms)},
                )
            )
        if previous is not None and point.start_ms < previous[1].start_ms:
            problems.append(
                Problem(
                    "index",
                    number,
                    label
                    + ": "
                    + _("it starts before index segment %(n)d (%(start)s); times go backwards")
                    % {"n": previous[0], "start": timecode(previous[1].start_ms)},
                )
            )
        previous = (number, point)
    return problems
