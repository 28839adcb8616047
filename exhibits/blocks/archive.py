"""Blocks that show archive records live: item embeds, galleries, comparisons, scientists.

Each stores keys only; titles, dates, thumbnails and links come from the record at render time,
so a corrected catalogue record updates every exhibit that shows it. A record the viewer may not
see renders as a neutral notice without its title.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from exhibits.records import first_scan

from .base import ArchiveStructBlock
from .choosers import ItemChooserBlock, ScientistChooserBlock

__all__ = ["ComparisonBlock", "ItemEmbedBlock", "ItemGalleryBlock", "RelatedScientistsBlock"]


def item_card(records, ref, caption: str = "") -> dict:
    """What an item template needs: the visible record (or None), the thumbnail of the first
    page of its first image or PDF, and whether the public sees it as well."""
    item = records.item(ref)
    scan = first_scan(item)
    return {
        "item": item,
        "thumbnail": scan.thumbnail_url if scan is not None else None,
        "caption": caption,
        "restricted_to_staff_view": item is not None and not records.is_public(item),
    }


class ItemEmbedBlock(ArchiveStructBlock):
    item = ItemChooserBlock(label=_("item"))
    caption = blocks.CharBlock(label=_("curator's caption"), required=False, max_length=300)

    class Meta:
        icon = "doc-full"
        label = _("Archive item")
        template = "exhibits/blocks/item_embed.html"

    def resolve(self, value, records):
        return {"card": item_card(records, value.get("item"), value.get("caption") or "")}


class ItemGalleryBlock(ArchiveStructBlock):
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    items = blocks.ListBlock(ItemChooserBlock(label=_("item")), label=_("items"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Item gallery")
        template = "exhibits/blocks/item_gallery.html"

    def resolve(self, value, records):
        cards = [item_card(records, ref) for ref in value.get("items") or ()]
        return {
            "cards": [card for card in cards if card["item"] is not None],
            "hidden_count": sum(1 for card in cards if card["item"] is None),
        }


class ComparisonSideBlock(blocks.StructBlock):
    item = ItemChooserBlock(label=_("item"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=300)


class ComparisonBlock(ArchiveStructBlock):
    """Two items side by side (stacked on phones) with the curator's commentary."""

    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=120)
    left = ComparisonSideBlock(label=_("first item"))
    right = ComparisonSideBlock(label=_("second item"))
    commentary = blocks.RichTextBlock(
        label=_("commentary"), required=False, features=["bold", "link"]
    )

    class Meta:
        icon = "table"
        label = _("Side-by-side comparison")
        template = "exhibits/blocks/comparison.html"

    def resolve(self, value, records):
        sides = [value.get("left") or {}, value.get("right") or {}]
        return {
            "sides": [
                item_card(records, side.get("item"), side.get("caption") or "") for side in sides
            ]
        }


class RelatedScientistsBlock(ArchiveStructBlock):
    heading = blocks.CharBlock(
        label=_("heading"), required=False, max_length=120, default="相关科学家"
    )
    scientists = blocks.ListBlock(
        ScientistChooserBlock(label=_("scientist")), min_num=1, label=_("scientists")
    )

    class Meta:
        icon = "group"
        label = _("Related scientists")
        template = "exhibits/blocks/related_scientists.html"

    def resolve(self, value, records):
        found = [records.scientist(ref) for ref in value.get("scientists") or ()]
        return {"scientists": [scientist for scientist in found if scientist is not None]}
