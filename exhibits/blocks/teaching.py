"""Blocks for teacher resources: activities and printable worksheet questions."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

__all__ = ["ActivityBlock", "WorksheetQuestionBlock", "WorksheetTextBlock"]


class ActivityBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), max_length=120)
    minutes = blocks.IntegerBlock(label=_("minutes"), required=False, min_value=1, max_value=240)
    instructions = blocks.RichTextBlock(label=_("instructions"), features=["bold", "ol", "ul"])

    class Meta:
        icon = "list-ol"
        label = _("Activity")
        template = "exhibits/blocks/activity.html"


class WorksheetQuestionBlock(blocks.StructBlock):
    """A question with ruled space to write the answer by hand on the printed sheet."""

    question = blocks.TextBlock(label=_("question"), max_length=500)
    answer_lines = blocks.IntegerBlock(
        label=_("answer lines"), min_value=0, max_value=20, default=3
    )

    class Meta:
        icon = "help"
        label = _("Worksheet question")
        template = "exhibits/blocks/worksheet_question.html"


class WorksheetTextBlock(blocks.TextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Worksheet instructions")
        template = "exhibits/blocks/worksheet_text.html"
