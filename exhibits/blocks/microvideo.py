"""A micro-video (微视频) on an exhibit page: the rendered video with its captions, and a link to
its share page. Shown only when the visitor may see the interview it was cut from and a render
exists; otherwise the block prints nothing."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock

from archive_collections.access import AccessPolicy

__all__ = ["MicroVideoBlock"]


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
