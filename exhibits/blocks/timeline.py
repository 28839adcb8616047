"""A timeline of dated events, each optionally linked to an archive item.

An event's date is the linked item's parsed range (archive_collections.dates, kept on the item),
unless the curator writes one; written dates go through the same parser, so "1956年3月",
"民国三十六年" or "1960年代" sort correctly beside the items' own dates.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from archive_collections.dates import DateParseError, parse_date

from .base import ArchiveStructBlock
from .choosers import ItemChooserBlock

__all__ = ["TimelineBlock"]


class TimelineEventBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("event"), max_length=200)
    date_text = blocks.CharBlock(
        label=_("date (as written)"),
        required=False,
        max_length=100,
        help_text=_("Leave blank to use the linked item's date."),
    )
    description = blocks.TextBlock(label=_("description"), required=False, max_length=600)
    item = ItemChooserBlock(label=_("item"), required=False)

    def clean(self, value):
        value = super().clean(value)
        text = (value.get("date_text") or "").strip()
        if text:
            try:
                parse_date(text)
            except DateParseError as exc:
                raise blocks.StructBlockValidationError(
                    block_errors={"date_text": ValidationError(str(exc))}
                ) from exc
        elif not value.get("item"):
            raise blocks.StructBlockValidationError(
                block_errors={
                    "date_text": ValidationError(_("Give a date or link an item that has one."))
                }
            )
        return value


class TimelineBlock(ArchiveStructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    events = blocks.ListBlock(TimelineEventBlock(), label=_("events"), min_num=1)

    class Meta:
        icon = "date"
        label = _("Timeline")
        template = "exhibits/blocks/timeline.html"

    def resolve(self, value, records):
        events = []
        for event in value.get("events") or ():
            item = records.item(event.get("item"))
            text = (event.get("date_text") or "").strip()
            if text:
                try:
                    parsed = parse_date(text)
                except DateParseError:
                    parsed = None
                start = parsed.start if parsed else None
            else:
                # An item the viewer may not see gives no date either: its date is its data.
                start = item.date_start if item else None
                text = item.date_text if item else ""
            events.append(
                {
                    "label": event.get("label"),
                    "description": event.get("description"),
                    "date_text": text,
                    "start": start,
                    "item": item,
                }
            )
        # Undated events keep their place at the end, in the curator's order.
        events.sort(key=lambda event: event["start"] or date.max)
        return {"events": events}
