"""What every archive-aware block shares: finding the page's bulk-loaded records."""

from wagtail import blocks

from exhibits.records import ArchiveRecords

__all__ = ["ArchiveStructBlock"]


class ArchiveStructBlock(blocks.StructBlock):
    """A StructBlock whose template gets `records` (the page's ArchiveRecords) and whatever
    `resolve()` adds for this value."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        records = ArchiveRecords.from_context(parent_context, [value])
        context["records"] = records
        context.update(self.resolve(value, records))
        return context

    def resolve(self, value, records: ArchiveRecords) -> dict:
        return {}
