"""The transcript editor: an interview's segments edited while listening, saved all at once.

The page (templates/collections/oral_history/admin/editor.html, static
collections/oral_history/editor.js) edits a copy of the segments in the browser: times, speaker
and text, split at the playhead, merge with the next, shift every time by an offset. Saving
posts the whole list; it is checked by the same `validation.check_transcript` as both import
paths (overlaps, order, past the recording's end, each problem naming the segment), written in
one transaction, and kept as a revision of the interview (its history shows who saved when).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from archive_collections.models import TranscriptSegment

from .document import Line
from .importing import ImportRefused, replace_transcript
from .validation import Problem, check_transcript, media_duration_ms

MAX_SPEAKER: int = TranscriptSegment._meta.get_field("speaker").max_length or 100
MAX_SEGMENTS = 20_000


@dataclass(frozen=True)
class Saved:
    segments: int
    revision_id: int


def _refuse(number: int, message: str) -> ImportRefused:
    label = _("Transcript segment %(n)d") % {"n": number}
    return ImportRefused([Problem("transcript", number, f"{label}: {message}")])


def _time(row: dict, key: str, name: str, number: int) -> int:
    value = row.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _refuse(number, _("its %(field)s time is missing or negative") % {"field": name})
    return value


def parse_segments(body: bytes) -> list[Line]:
    """The posted list as transcript lines; a malformed entry is refused with its number."""
    try:
        data = json.loads(body or b"null")
    except ValueError as exc:
        raise ImportRefused([Problem("transcript", 0, _("the request is not JSON"))]) from exc
    rows = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        raise ImportRefused([Problem("transcript", 0, _("the request has no list of segments"))])
    if len(rows) > MAX_SEGMENTS:
        raise ImportRefused(
            [Problem("transcript", 0, _("more than %(n)d segments") % {"n": MAX_SEGMENTS})]
        )
    lines = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise _refuse(number, _("it is not a segment"))
        start, end = (
            _time(row, "start_ms", _("start"), number),
            _time(row, "end_ms", _("end"), number),
        )
        speaker = str(row.get("speaker") or "").strip()
        text = str(row.get("text") or "").strip()
        if len(speaker) > MAX_SPEAKER:
            raise _refuse(
                number, _("the speaker is longer than %(n)d characters") % {"n": MAX_SPEAKER}
            )
        if not text:
            raise _refuse(number, _("it has no text"))
        lines.append(Line(start, end, speaker, text))
    return lines


def save_transcript(interview, lines: list[Line], user) -> Saved:
    """Check, replace the segments in one transaction, and keep a revision of the interview."""
    problems = check_transcript(lines, media_duration_ms(interview))
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        replace_transcript(interview, lines)
        # The revision's content carries the transcript (a child relation of the interview).
        revision = interview.save_revision(user=user, log_action=True, clean=False)
    return Saved(len(lines), revision.pk)
