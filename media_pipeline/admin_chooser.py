"""What the catalogue's item chooser shows of files (archive_collections.admin.searching's
ITEM_FILES_HOOK, registered in wagtail_hooks.py): each item's first thumbnail and the "has
files" filter."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from archive_collections.models import Item

from .models import ItemFile


class ChooserFiles:
    def with_files(self, queryset: QuerySet) -> QuerySet:
        return queryset.filter(Exists(ItemFile.objects.filter(item=OuterRef("pk"))))

    def thumbnails(self, items: Sequence) -> dict[int, str]:
        """The thumbnail (or video poster) of each item's first file, in one query: an item of
        five hundred scans reads one row, not five hundred."""
        if not items:
            return {}
        first = ItemFile.objects.filter(item=OuterRef("pk")).order_by("sequence", "pk")
        firsts = Item.objects.filter(pk__in=[item.pk for item in items]).annotate(
            first_file=Subquery(first.values("pk")[:1])
        )
        files = ItemFile.objects.filter(pk__in=firsts.values("first_file")).only(
            "pk", "item_id", "technical"
        )
        return {file.item_id: url for file in files if (url := file.thumbnail_url)}
