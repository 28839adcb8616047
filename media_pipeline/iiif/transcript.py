"""An interview's transcript as IIIF `supplementing` annotations on its recording's canvas.

Each transcript segment becomes one annotation whose body is the segment's text (with its speaker)
and whose target is the stretch of the A/V canvas it covers (``#t=start,end``, in seconds). This
is what Presentation 3 calls a transcription supplementing the painted media; the index (Ranges
and `describing` annotations) comes from archive_collections.oral_history.iiif and is left as is.
"""

from __future__ import annotations

from archive_collections.models import Interview, TranscriptSegment
from archive_collections.oral_history.timecodes import seconds_text

from .describe import NO_SINGLE_LANGUAGE, label


def transcript_annotation_page(interview: Interview, canvas_id: str) -> dict[str, object] | None:
    """One AnnotationPage of the transcript, or None for an interview without one."""
    segments = list(interview.transcript.order_by("start_ms", "sort_order"))
    if not segments:
        return None
    language = interview.language if interview.language not in NO_SINGLE_LANGUAGE else None
    items = [
        _annotation(segment, f"{canvas_id}/annotation/transcript/{n}", canvas_id, language)
        for n, segment in enumerate(segments, start=1)
    ]
    return {
        "id": f"{canvas_id}/annotations/transcript",
        "type": "AnnotationPage",
        "label": label("Transcript"),
        "items": items,
    }


def _annotation(
    segment: TranscriptSegment, annotation_id: str, canvas_id: str, language: str | None
) -> dict[str, object]:
    text = f"{segment.speaker}：{segment.text}" if segment.speaker else segment.text
    body: dict[str, object] = {"type": "TextualBody", "value": text, "format": "text/plain"}
    if language:
        body["language"] = language
    fragment = f"t={seconds_text(segment.start_ms)}"
    if segment.end_ms > segment.start_ms:
        fragment += f",{seconds_text(segment.end_ms)}"
    return {
        "id": annotation_id,
        "type": "Annotation",
        "motivation": "supplementing",
        "body": body,
        "target": f"{canvas_id}#{fragment}",
    }
