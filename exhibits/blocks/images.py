"""Images uploaded to Wagtail, always with alternative text."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

__all__ = ["AccessibleImageBlock"]


class AccessibleImageBlock(blocks.StructBlock):
    """An image that cannot be saved without alt text: the block, not the curator's memory,
    keeps exhibits usable with a screen reader (WCAG 1.1.1)."""

    image = ImageChooserBlock(label=_("image"))
    alt = blocks.CharBlock(
        label=_("alternative text"),
        max_length=250,
        help_text=_("Describe what the image shows for people who cannot see it."),
    )
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "exhibits/blocks/image.html"
