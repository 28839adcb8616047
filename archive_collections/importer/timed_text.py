"""Transcript and index files named in an import manifest.

The parsing itself lives in `archive_collections.oral_history` so the bulk importer, the curators'
"import transcript" screen and the public exports share one parser; so do the checks on the
segments' times (`oral_history.validation`: order, overlaps), which the admin import and the
transcript editor apply too. This module keeps the importer's file-level API (a path in, cues
out); a refused segment is reported at its cue's line in the file.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from archive_collections.oral_history.document import FormatError, decode_text
from archive_collections.oral_history.document import Line as TranscriptCue
from archive_collections.oral_history.document import Point as IndexCue
from archive_collections.oral_history.validation import Problem, check_index, check_transcript
from archive_collections.oral_history.webvtt import (
    MAX_TITLE,
    Cue,
    index_point,
    parse_srt,
    parse_webvtt,
    transcript_line,
)

TimedTextError = FormatError

__all__ = [
    "Cue",
    "IndexCue",
    "TimedTextError",
    "TranscriptCue",
    "parse_index",
    "parse_srt",
    "parse_transcript",
    "parse_webvtt",
    "read_timed_text",
]


def read_timed_text(path: Path) -> tuple[str, str]:
    """The decoded text of a WebVTT/SRT file (UTF-8, UTF-16 or GB18030) and its suffix."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TimedTextError(path.name, 1, str(exc)) from exc
    text, _encoding = decode_text(data, path.name)
    return text, path.suffix.lower()


def parse_transcript(path: Path) -> list[TranscriptCue]:
    text, suffix = read_timed_text(path)
    if suffix == ".vtt":
        cues = parse_webvtt(text, path.name)
    elif suffix == ".srt":
        cues = parse_srt(text, path.name)
    else:
        raise TimedTextError(
            path.name, 1, _("a transcript must be a WebVTT (.vtt) or SRT (.srt) file")
        )
    lines = [transcript_line(path.name, cue) for cue in cues]
    _refuse(path, cues, check_transcript(lines, None))
    return lines


def parse_index(path: Path, title_limit: int = MAX_TITLE):
    text, suffix = read_timed_text(path)
    if suffix != ".vtt":
        raise TimedTextError(path.name, 1, _("an index must be a WebVTT (.vtt) file"))
    cues = parse_webvtt(text, path.name)
    points = [index_point(path.name, cue, title_limit) for cue in cues]
    _refuse(path, cues, check_index(points, None))
    return points


def _refuse(path: Path, cues: list[Cue], problems: list[Problem]) -> None:
    """The first problem, at the timing line of its cue. The recording's length is not known
    yet when a manifest is read (its files are processed after the import), so only order and
    overlaps are checked here; the admin import also checks against the recording."""
    if problems:
        first = problems[0]
        raise TimedTextError(path.name, cues[first.number - 1].line, first.message)
