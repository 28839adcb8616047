"""What must hold before a render is queued: a recording with sound, and a span inside it.

Each message names the field it is about, so the admin shows it there; nothing is queued while
any is left (`MicroVideo.clean`, the admin form, `tasks.queue_render`).
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from archive_collections.models import format_timecode
from media_pipeline import av
from media_pipeline.errors import StepError
from media_pipeline.models import ItemFile

DEFAULT_MAX_SECONDS = 600


def recording_for(interview) -> ItemFile | None:
    """The interview's first audio or video file."""
    files = ItemFile.objects.filter(item_id=interview.item_id).order_by("sequence", "pk")
    for item_file in files:
        if item_file.is_audio or item_file.is_video:
            return item_file
    return None


def recording_info(item_file: ItemFile) -> dict:
    """ffprobe's summary: kept by the pipeline's `technical` step, probed here until then."""
    return (item_file.technical or {}).get("av") or av.probe_master(item_file)


def _clock(ms: int) -> str:
    return f"{format_timecode(ms)}.{int(ms) % 1000:03d}"


def span_errors(interview, start_ms: int | None, end_ms: int | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if start_ms is not None and end_ms is not None and end_ms <= start_ms:
        errors["end_ms"] = _(
            "The out-point (%(end)s) must come after the in-point (%(start)s)."
        ) % {
            "end": _clock(end_ms),
            "start": _clock(start_ms),
        }
    limit = int(getattr(settings, "MICROVIDEO_MAX_SECONDS", DEFAULT_MAX_SECONDS))
    if start_ms is not None and end_ms is not None and end_ms - start_ms > limit * 1000:
        errors["end_ms"] = _("A micro-video is at most %(limit)s seconds long.") % {"limit": limit}
    if interview is None:
        return errors
    recording = recording_for(interview)
    if recording is None:
        errors["interview"] = _("“%(interview)s” has no recording to cut from.") % {
            "interview": interview
        }
        return errors
    try:
        info = recording_info(recording)
    except StepError as exc:
        errors["interview"] = _("The recording “%(file)s” cannot be read: %(reason)s") % {
            "file": recording.original_filename,
            "reason": exc,
        }
        return errors
    if not info.get("has_audio"):
        errors["interview"] = _(
            "The recording “%(file)s” has no audio stream, so there is nothing to subtitle."
        ) % {"file": recording.original_filename}
    duration = info.get("duration_ms")
    if duration is None and info.get("duration") is not None:
        duration = round(info["duration"] * 1000)
    if duration is not None:
        for field, value, label in (
            ("start_ms", start_ms, _("in-point")),
            ("end_ms", end_ms, _("out-point")),
        ):
            if value is not None and value > duration and field not in errors:
                errors[field] = _(
                    "The %(point)s %(at)s lies outside the recording, which is %(length)s long."
                ) % {"point": label, "at": _clock(value), "length": _clock(duration)}
    return errors


def quote_errors(card) -> dict[str, str]:
    errors: dict[str, str] = {}
    has_span = card.start_ms is not None or card.end_ms is not None
    if has_span and not card.interview_id:
        errors["interview"] = _("Choose the interview the times belong to.")
    if card.start_ms is not None and card.end_ms is not None and card.end_ms <= card.start_ms:
        errors["end_ms"] = _("“To” must come after “from”.")
    if not (card.quote or "").strip() and not errors:
        if not card.interview_id or card.start_ms is None or card.end_ms is None:
            errors["quote"] = _("Type the quote, or choose an interview and the span to quote.")
        elif not card.interview.transcript.filter(
            start_ms__lt=card.end_ms, end_ms__gt=card.start_ms
        ).exists():
            errors["start_ms"] = _("The transcript has no words between these two times.")
    return errors
