"""Replace an interview's transcript and/or index with a parsed file, all or nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from archive_collections.models import IndexSegment, TranscriptSegment

from .document import Document, Line
from .validation import Problem, check_index, check_transcript, media_duration_ms


class ImportRefused(ValueError):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class ImportResult:
    transcript: int | None  # segments written, None when left alone
    index: int | None


def replace_transcript(interview, lines: list[Line]) -> None:
    """Put `lines` in place of the interview's transcript segments, in their order; the caller
    holds the transaction and has checked the lines."""
    TranscriptSegment.objects.filter(interview=interview).delete()
    TranscriptSegment.objects.bulk_create(
        [
            TranscriptSegment(
                interview=interview,
                start_ms=line.start_ms,
                end_ms=line.end_ms,
                speaker=line.speaker,
                text=line.text,
                sort_order=n,
            )
            for n, line in enumerate(lines)
        ],
        batch_size=500,
    )


def import_document(
    interview, document: Document, *, transcript: bool = True, index: bool = True
) -> ImportResult:
    """Validate against the recording's duration, then replace in one transaction.

    Parts the file does not contain are left alone, so an index-only OHMS file never empties the
    transcript. Raises ImportRefused (and writes nothing) when any segment is wrong.
    """
    duration = media_duration_ms(interview) or document.duration_ms
    write_transcript = transcript and bool(document.transcript)
    write_index = index and bool(document.index)
    if not write_transcript and not write_index:
        raise ImportRefused(
            [
                Problem(
                    "transcript",
                    0,
                    _("the file has nothing to import into the chosen part (transcript or index)"),
                )
            ]
        )
    problems = []
    if write_transcript:
        problems += check_transcript(document.transcript, duration)
    if write_index:
        problems += check_index(document.index, duration)
    if problems:
        raise ImportRefused(problems)
    with transaction.atomic():
        if write_transcript:
            replace_transcript(interview, document.transcript)
        if write_index:
            IndexSegment.objects.filter(interview=interview).delete()
            IndexSegment.objects.bulk_create(
                [
                    IndexSegment(
                        interview=interview,
                        start_ms=p.start_ms,
                        title=p.title,
                        synopsis=p.synopsis,
                        keywords=p.keywords,
                        partial_transcript=p.partial_transcript,
                        sort_order=n,
                    )
                    for n, p in enumerate(document.index)
                ],
                batch_size=500,
            )
        if document.duration_ms and not interview.duration_ms:
            interview.duration_ms = document.duration_ms
            interview.save(update_fields=["duration_ms"])
    return ImportResult(
        len(document.transcript) if write_transcript else None,
        len(document.index) if write_index else None,
    )
