"""Form widgets for the archive's edit forms."""

from django import forms

from archive_collections.models import format_timecode
from archive_collections.oral_history.timecodes import timecode


class MillisecondsInput(forms.NumberInput):
    """A millisecond count, shown beside it as hh:mm:ss so curators can check it against the
    recording without doing arithmetic."""

    template_name = "collections/admin/widgets/milliseconds_input.html"

    def __init__(self, attrs=None):
        super().__init__(attrs={"min": "0", "step": "1", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        try:
            context["timecode"] = format_timecode(int(value)) if value not in (None, "") else ""
        except (TypeError, ValueError):
            context["timecode"] = ""
        return context


class TimecodeInput(forms.TextInput):
    """A time typed as hh:mm:ss or hh:mm:ss.mmm; the form stores milliseconds."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "inputmode": "decimal",
                "placeholder": "00:00:00.000",
                "pattern": r"\d+|(\d{1,3}:)?\d{1,2}:\d{1,2}([.,]\d{1,3})?",
                "size": "12",
                **(attrs or {}),
            }
        )

    def format_value(self, value):
        if value in (None, ""):
            return ""
        try:
            return timecode(int(value))
        except (TypeError, ValueError):
            return str(value)  # what the curator typed, shown back with its error
