"""Text blocks: rich text, pull quotes attributed to archive records, classroom callouts."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError

from .base import ArchiveStructBlock
from .choosers import InterviewChooserBlock, ItemChooserBlock

__all__ = ["ClassroomCalloutBlock", "PullQuoteBlock", "RICH_TEXT_FEATURES", "TextBlock"]

# No italics: Chinese type has no true italic and browsers would slant the glyphs (faux italics).
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "ol", "ul", "link", "document-link"]


class TextBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Text")
        template = "exhibits/blocks/text.html"


class PullQuoteBlock(ArchiveStructBlock):
    """A quotation attributed to an archive Item or an oral-history Interview.

    When the source is not visible to the viewer the quote is not shown at all: its words come
    from that record, so showing them would leak it."""

    quote = blocks.TextBlock(label=_("quotation"), max_length=600)
    speaker = blocks.CharBlock(
        label=_("speaker"),
        required=False,
        max_length=100,
        help_text=_("Who said or wrote it, e.g. 钱学森"),
    )
    item = ItemChooserBlock(label=_("source item"), required=False)
    interview = InterviewChooserBlock(label=_("source interview"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Pull quote")
        template = "exhibits/blocks/pull_quote.html"

    def clean(self, value):
        value = super().clean(value)
        if bool(value.get("item")) == bool(value.get("interview")):
            raise StructBlockValidationError(
                block_errors={
                    "item": ValidationError(
                        _("Attribute the quotation to exactly one source: an item or an interview.")
                    )
                }
            )
        return value

    def resolve(self, value, records):
        interview = records.interview(value.get("interview"))
        item = interview.item if interview else records.item(value.get("item"))
        hidden = item is None
        return {"source": item, "interview": interview, "hidden": hidden}


class ClassroomCalloutBlock(blocks.StructBlock):
    """A boxed prompt for teachers and pupils: a question, a task or a thing to look for."""

    heading = blocks.CharBlock(label=_("heading"), max_length=100, default="课堂讨论")
    text = blocks.RichTextBlock(label=_("text"), features=["bold", "ol", "ul", "link"])
    grade_hint = blocks.CharBlock(
        label=_("suited to"), required=False, max_length=60, help_text=_("e.g. 初中 / 高中")
    )

    class Meta:
        icon = "help"
        label = _("For the classroom")
        template = "exhibits/blocks/classroom_callout.html"
