"""What the interview listing knows of an interview's recording: its length.

An imported interview has no catalogued duration (the manifest has no such column); the length
is what the media pipeline's `av` step probed from the recording, stored in the file's
`technical["av"]["duration"]` (seconds). The files are reached through the `files` relation the
pipeline adds to Item, so the catalogue imports nothing from the layer above it; the same rule
as `oral_history.validation.media_duration_ms`, in one query for a whole page.
"""

from django.core.exceptions import FieldDoesNotExist
from django.db.models import FloatField, Max, OuterRef, Q, Subquery, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Cast

from archive_collections.models import Interview, Item
from archive_collections.models.interviews import format_timecode


def recording_seconds():
    """An annotation: the longest probed audio or video file of the interview's item."""
    try:
        files = Item._meta.get_field("files").related_model
    except FieldDoesNotExist:  # the media pipeline is not installed: nothing was probed
        return Value(None, output_field=FloatField())
    longest = (
        files._default_manager.filter(item=OuterRef("item_id"))
        .filter(Q(mime_type__startswith="audio/") | Q(mime_type__startswith="video/"))
        .order_by()
        .values("item")
        .annotate(seconds=Max(Cast(KT("technical__av__duration"), FloatField())))
        .values("seconds")
    )
    return Subquery(longest, output_field=FloatField())


def interview_duration(interview: Interview) -> str:
    """The catalogued duration, else the recording's (annotated as `recording_seconds`)."""
    if interview.duration_ms:
        return interview.duration
    seconds = getattr(interview, "recording_seconds", None)
    return format_timecode(round(seconds * 1000)) if seconds else ""
