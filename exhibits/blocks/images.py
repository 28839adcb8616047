"""Images uploaded to Wagtail, always with alternative text."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

__all__ = ["ALT_TEXT_REQUIRED", "AccessibleImageBlock", "alt_text_errors"]

ALT_TEXT_REQUIRED = _("Describe the image: alternative text is required.")


def alt_text_errors(value, subject: str, alt: str = "alt") -> dict:
    """The block error for a value that shows something (its `subject` is set) without alt text.

    Wagtail defers "required" checks when a draft is saved, so a draft could otherwise keep an
    image nobody has described; this check runs on drafts as well, like the page-level check on
    hero and listing images (BasePage.clean)."""
    if value.get(subject) and not (value.get(alt) or "").strip():
        return {alt: ValidationError(ALT_TEXT_REQUIRED)}
    return {}


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

    def clean(self, value):
        value = super().clean(value)
        errors = alt_text_errors(value, "image")
        if errors:
            raise blocks.StructBlockValidationError(block_errors=errors)
        return value
