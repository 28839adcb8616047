"""A micro-video (微视频) or a quote card on an exhibit page: the rendered video with its captions
and a link to its share page, or the card's image with the quote as its text. Shown only when
the visitor may see the interview it was cut from (and the render exists); otherwise the block
prints nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from archive_collections.access import AccessPolicy

__all__ = ["MicroVideoBlock", "QuoteCardBlock"]


class MicroVideoBlock(blocks.StructBlock):
    video = SnippetChooserBlock("microvideo.MicroVideo", label=_("micro-video"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "media"
        label = _("Micro-video")
        template = "exhibits/blocks/micro_video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        video = value.get("video")
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        shown = (
            video is not None
            and video.video
            and AccessPolicy.for_user(user).can_view(video.interview.item)
        )
        context["micro_video"] = video if shown else None
        return context


class QuoteCardBlock(blocks.StructBlock):
    card = SnippetChooserBlock("microvideo.QuoteCard", label=_("quote card"))

    class Meta:
        icon = "openquote"
        label = _("Quote card")
        template = "exhibits/blocks/quote_card.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        card = value.get("card")
        request = (parent_context or {}).get("request")
        user = getattr(request, "user", None)
        shown = (
            card is not None
            and card.images
            and (
                card.interview is None or AccessPolicy.for_user(user).can_view(card.interview.item)
            )
        )
        context["quote_card"] = card if shown else None
        return context
