"""Admin form rules that panels alone cannot express."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from archive_collections.models import ItemType
from archive_collections.oral_history.document import Line, Point
from archive_collections.oral_history.timecodes import parse_timecode
from archive_collections.oral_history.validation import (
    check_index,
    check_transcript,
    media_duration_ms,
)

from .widgets import TimecodeInput


class TimecodeField(forms.Field):
    """hh:mm:ss(.mmm) in, milliseconds out; a bare number is taken as milliseconds."""

    widget = TimecodeInput
    default_error_messages = {"invalid": _("Write the time as hh:mm:ss or hh:mm:ss.mmm.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("hh:mm:ss or hh:mm:ss.mmm"))
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_timecode(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from exc


def _with_timecodes(form_class, names: tuple[str, ...]):
    """The inline segment form with its times typed as timecodes."""
    fields = {
        name: TimecodeField(label=form_class.base_fields[name].label, required=True)
        for name in names
        if name in form_class.base_fields
    }
    return type(f"Timecode{form_class.__name__}", (form_class,), fields)


def _live_forms(formset):
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None)
        if data and not data.get("DELETE") and data.get("start_ms") is not None:
            yield form, data


class InterviewAdminForm(WagtailAdminModelForm):
    duration_ms = TimecodeField(label=_("duration"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        timed = {"transcript": ("start_ms", "end_ms"), "index_segments": ("start_ms",)}
        for name, fields in timed.items():
            formset = self.formsets.get(name)
            if formset is not None:
                formset.form = _with_timecodes(formset.form, fields)

    def is_valid(self):
        """Field checks first, then the interview as a whole: segments that go backwards,
        overlap or run past the recording, each reported on the segment concerned."""
        if not super().is_valid():
            return False
        duration = self.cleaned_data.get("duration_ms") or (
            media_duration_ms(self.instance) if self.instance.pk else None
        )
        found = self._check("transcript", duration) + self._check("index_segments", duration)
        return not found

    def _check(self, name: str, duration) -> list:
        formset = self.formsets.get(name)
        if formset is None:
            return []
        live = sorted(_live_forms(formset), key=lambda pair: pair[1]["start_ms"])
        if name == "transcript":
            lines = [
                Line(d["start_ms"], d.get("end_ms") or 0, d.get("speaker", ""), d.get("text", ""))
                for _form, d in live
            ]
            problems = check_transcript(lines, duration)
        else:
            points = [Point(d["start_ms"], d.get("title", "")) for _form, d in live]
            problems = check_index(points, duration)
        for problem in problems:
            form = live[problem.number - 1][0]
            form.add_error("start_ms", problem.message)
        return problems

    def clean_item(self):
        item = self.cleaned_data.get("item")
        if item is not None and item.item_type != ItemType.ORAL_HISTORY:
            raise ValidationError(
                _(
                    "“%(item)s” is a %(type)s, not an oral history; only oral-history items can "
                    "have an interview. Change the item's type first or choose another item."
                ),
                code="not_oral_history",
                params={"item": item, "type": item.get_item_type_display()},
            )
        return item
