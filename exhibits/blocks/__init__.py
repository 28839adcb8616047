"""StreamField blocks for exhibit pages, one module per family:

- text: rich text, pull quote (attributed to an Item or Interview), "for the classroom" callout
- images: Wagtail images with required alt text
- archive: item embed, item gallery, side-by-side comparison, related scientists
- timeline: dated events on the archive's parsed date ranges
- media: deep-zoom detail (IIIF region), oral-history clip (span + transcript)
- teaching: activities and worksheet questions for teacher resources
- choosers: key-only chooser blocks; records are fetched in bulk per page (exhibits/records.py)

A map of places is deliberately absent: without external tile servers a useful map needs map
data the project does not ship; places are named in item records and timelines instead.
"""

from wagtail import blocks

from .archive import ComparisonBlock, ItemEmbedBlock, ItemGalleryBlock, RelatedScientistsBlock
from .choosers import InterviewChooserBlock, ItemChooserBlock, ScientistChooserBlock
from .images import AccessibleImageBlock
from .media import DeepZoomDetailBlock, OralHistoryClipBlock, parse_timecode
from .microvideo import MicroVideoBlock, QuoteCardBlock
from .teaching import ActivityBlock, WorksheetQuestionBlock, WorksheetTextBlock
from .text import RICH_TEXT_FEATURES, ClassroomCalloutBlock, PullQuoteBlock, TextBlock
from .timeline import TimelineBlock

__all__ = [
    "RICH_TEXT_FEATURES",
    "AccessibleImageBlock",
    "ActivityBlock",
    "ClassroomCalloutBlock",
    "ComparisonBlock",
    "DeepZoomDetailBlock",
    "ExhibitStreamBlock",
    "InterviewChooserBlock",
    "ItemChooserBlock",
    "ItemEmbedBlock",
    "ItemGalleryBlock",
    "LinkedItemsBlock",
    "MicroVideoBlock",
    "OralHistoryClipBlock",
    "PullQuoteBlock",
    "QuoteCardBlock",
    "RelatedScientistsBlock",
    "ScientistChooserBlock",
    "TextBlock",
    "TimelineBlock",
    "WorksheetBlock",
    "WorksheetQuestionBlock",
    "WorksheetTextBlock",
    "parse_timecode",
]


class ExhibitStreamBlock(blocks.StreamBlock):
    """The body of exhibition, chapter, story and standard pages."""

    text = TextBlock()
    image = AccessibleImageBlock()
    pull_quote = PullQuoteBlock()
    item = ItemEmbedBlock()
    gallery = ItemGalleryBlock()
    deep_zoom = DeepZoomDetailBlock()
    clip = OralHistoryClipBlock()
    micro_video = MicroVideoBlock()
    quote_card = QuoteCardBlock()
    timeline = TimelineBlock()
    comparison = ComparisonBlock()
    scientists = RelatedScientistsBlock()
    classroom = ClassroomCalloutBlock()


class LinkedItemsBlock(blocks.StreamBlock):
    item = ItemEmbedBlock()
    clip = OralHistoryClipBlock()
    deep_zoom = DeepZoomDetailBlock()


class WorksheetBlock(blocks.StreamBlock):
    instructions = WorksheetTextBlock()
    question = WorksheetQuestionBlock()
    item = ItemEmbedBlock()
