"""Curators' edits on many segments at once: re-time by an offset, split one, merge a run.

Each runs in a transaction and validates the result first, so a bad offset never leaves half the
transcript shifted.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from archive_collections.models import IndexSegment, TranscriptSegment

from .document import Line, Point
from .importing import ImportRefused
from .validation import Problem, check_index, check_transcript, media_duration_ms


def _ordered_transcript(interview):
    return list(
        TranscriptSegment.objects.filter(interview=interview).order_by(
            "start_ms", "sort_order", "pk"
        )
    )


def retime(
    interview, offset_ms: int, *, transcript: bool = True, index: bool = True, from_ms: int = 0
) -> int:
    """Shift segments starting at or after `from_ms` by `offset_ms`; returns how many moved."""
    duration = media_duration_ms(interview)
    moved_lines = (
        [s for s in _ordered_transcript(interview) if s.start_ms >= from_ms] if transcript else []
    )
    moved_points = (
        list(IndexSegment.objects.filter(interview=interview, start_ms__gte=from_ms))
        if index
        else []
    )
    for segment in [*moved_lines, *moved_points]:
        if segment.start_ms + offset_ms < 0:
            raise ImportRefused(
                [
                    Problem(
                        "transcript",
                        0,
                        _(
                            "the offset would move a segment starting at %(ms)d ms before the "
                            "start of the recording"
                        )
                        % {"ms": segment.start_ms},
                    )
                ]
            )
    with transaction.atomic():
        for segment in moved_lines:
            segment.start_ms += offset_ms
            segment.end_ms += offset_ms
        for point in moved_points:
            point.start_ms += offset_ms
        problems = (
            check_transcript(
                sorted(
                    (_line(s) for s in _after(interview, moved_lines)), key=lambda x: x.start_ms
                ),
                duration,
            )
            if transcript
            else []
        )
        if index:
            moved = {p.pk: p for p in moved_points}
            points = [
                moved.get(p.pk, p)
                for p in IndexSegment.objects.filter(interview=interview).order_by("start_ms")
            ]
            problems += check_index(
                sorted((_point(p) for p in points), key=lambda x: x.start_ms), duration
            )
        if problems:
            raise ImportRefused(problems)
        TranscriptSegment.objects.bulk_update(moved_lines, ["start_ms", "end_ms"], batch_size=500)
        IndexSegment.objects.bulk_update(moved_points, ["start_ms"], batch_size=500)
    return len(moved_lines) + len(moved_points)


def _after(interview, moved_lines):
    moved = {s.pk: s for s in moved_lines}
    return [moved.get(s.pk, s) for s in _ordered_transcript(interview)]


def _line(s) -> Line:
    return Line(s.start_ms, s.end_ms, s.speaker, s.text)


def _point(p) -> Point:
    return Point(p.start_ms, p.title)


def split(segment: TranscriptSegment, at_ms: int, at_char: int) -> TranscriptSegment:
    """Split a segment in two at a time and a character position in its text."""
    text = segment.text
    if not segment.start_ms < at_ms < segment.end_ms:
        raise ImportRefused(
            [
                Problem(
                    "transcript",
                    0,
                    _(
                        "the split time must fall inside the segment, after its start and before "
                        "its end"
                    ),
                )
            ]
        )
    if not 0 < at_char < len(text):
        raise ImportRefused(
            [
                Problem(
                    "transcript",
                    0,
                    _(
                        "the split position must fall inside the text (between 1 and %(n)d "
                        "characters)"
                    )
                    % {"n": len(text) - 1},
                )
            ]
        )
    with transaction.atomic():
        later = list(
            TranscriptSegment.objects.filter(
                interview_id=segment.interview_id, sort_order__gt=segment.sort_order or 0
            )
        )
        for other in later:
            other.sort_order = (other.sort_order or 0) + 1
        TranscriptSegment.objects.bulk_update(later, ["sort_order"], batch_size=500)
        second = TranscriptSegment.objects.create(
            interview=segment.interview,
            start_ms=at_ms,
            end_ms=segment.end_ms,
            speaker=segment.speaker,
            text=text[at_char:].strip(),
            sort_order=(segment.sort_order or 0) + 1,
        )
        segment.text = text[:at_char].strip()
        segment.end_ms = at_ms
        segment.save(update_fields=["text", "end_ms"])
    return second


def merge(segments: list[TranscriptSegment]) -> TranscriptSegment:
    """Merge consecutive segments of one speaker into the first; texts are joined as written
    (no space is added: Chinese runs on without one)."""
    if len(segments) < 2:
        raise ImportRefused([Problem("transcript", 0, _("choose at least two segments to merge"))])
    segments = sorted(segments, key=lambda s: (s.start_ms, s.sort_order or 0))
    interview = segments[0].interview
    ordered = [s.pk for s in _ordered_transcript(interview)]
    positions = [ordered.index(s.pk) for s in segments]
    if positions != list(range(positions[0], positions[0] + len(positions))):
        raise ImportRefused(
            [
                Problem(
                    "transcript",
                    0,
                    _(
                        "only neighbouring segments can be merged; the chosen ones have others "
                        "between "
                        "them"
                    ),
                )
            ]
        )
    speakers = {s.speaker for s in segments}
    if len(speakers) > 1:
        raise ImportRefused(
            [
                Problem(
                    "transcript",
                    0,
                    _(
                        "the segments have different speakers (%(speakers)s); merge only one "
                        "speaker's "
                        "lines"
                    )
                    % {"speakers": "、".join(sorted(s or "—" for s in speakers))},
                )
            ]
        )
    first = segments[0]
    with transaction.atomic():
        first.text = "".join(s.text for s in segments)
        first.end_ms = max(s.end_ms for s in segments)
        first.save(update_fields=["text", "end_ms"])
        TranscriptSegment.objects.filter(pk__in=[s.pk for s in segments[1:]]).delete()
    return first
