"""The reindex policy: which result groups each kind of change makes stale.

Written once for every way search hears of a change — Django's model signals, the catalogue's
``catalogue_changed`` and the pipeline's ``file_processed`` / ``page_texts_replaced`` (the
receivers in search.signal_handlers only translate their arguments). A document carries more
than its own record, so a change reaches every group showing it:

- an item, its interview, transcript or index segments, files and page texts → the item;
- a scientist or their names, honours, affiliations → the scientist and every item naming them
  (as a scientist or as the interviewee): items carry their scientists' names and disciplines;
- a fonds or series → the items filed under it (items carry their titles);
- a Wagtail page published, unpublished or deleted → that exhibit page;
- an item or its interview saved, deleted or bulk-written → also every exhibit page embedding
  either (Wagtail's reference index): a page's document leaves out the blocks of records the
  public may not see, so opening or closing a record changes it. (An embargo that simply
  expires changes no row; the next full rebuild brings those captions in.)

Changes to a file the pipeline is processing are held until it announces the file processed:
pages arrive one by one, and the search index wants the file once, complete. Everything goes
through search.pending, which coalesces a burst into one reindex per group.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page, ReferenceIndex

from archive_collections.models import Interview, Item
from media_pipeline.models import FileStatus, ItemFile

from . import pending
from .documents import exhibit_group, item_group, scientist_group

__all__ = [
    "catalogue_changed",
    "containers_changed",
    "exhibit_changed",
    "file_changed",
    "file_processed",
    "interview_part_changed",
    "item_changed",
    "items_changed",
    "items_of_scientists",
    "page_text_changed",
    "scientists_changed",
]

#: Primary keys per IN (...) clause: SQLite's bound-parameter limit, with room to spare.
PKS_PER_QUERY = 500


def item_changed(item_id: int | None) -> None:
    """An item or its interview: the item and the exhibit pages embedding either."""
    if item_id:
        pending.request([item_group(item_id), *exhibits_showing([item_id])])


def interview_part_changed(interview_id: int | None) -> None:
    """A transcript or index segment: the item its interview belongs to."""
    item_id = Interview.objects.filter(pk=interview_id).values_list("item_id", flat=True).first()
    item_changed(item_id)


def scientists_changed(scientist_ids: Collection[int]) -> None:
    pending.request(
        [*(scientist_group(pk) for pk in scientist_ids), *items_of_scientists(scientist_ids)]
    )


def containers_changed(fonds_ids: Collection[int] = (), series_ids: Collection[int] = ()) -> None:
    """Fonds or series retitled (or renumbered): the items filed under them."""
    pending.request(item_group(pk) for pk in _items_in_containers(fonds_ids, series_ids))


def items_changed(item_ids: Iterable[int]) -> None:
    pending.request(item_group(pk) for pk in item_ids)


def file_changed(item_file: ItemFile, *, deleted: bool = False) -> None:
    """An ItemFile saved or deleted; held while the pipeline processes it (a deleted file is
    never processed again, so its removal is reindexed at once)."""
    processing = item_file.status == FileStatus.PROCESSING and not deleted
    pending.request([item_group(item_file.item_id)], hold=processing)


def page_text_changed(item_file_id: int, item_id: int | None = None) -> None:
    """Page text of a file stored, replaced or deleted (one page or all of them)."""
    row = ItemFile.objects.filter(pk=item_file_id).values_list("item_id", "status").first()
    if row is None:
        # The file is gone with its pages; its deletion reindexed the item.
        item_changed(item_id)
        return
    file_item_id, status = row
    pending.request([item_group(file_item_id)], hold=status == FileStatus.PROCESSING)


def file_processed(item_id: int | None) -> None:
    """The pipeline finished a file (done or failed): what it held for the item goes out now.
    Exhibit pages show no file text, so they are not asked for."""
    if item_id:
        pending.request([item_group(item_id)])


def exhibit_changed(page_id: int) -> None:
    pending.request([exhibit_group(page_id)])


def catalogue_changed(
    items: Collection[int] = (),
    scientists: Collection[int] = (),
    fonds: Collection[int] = (),
    series: Collection[int] = (),
    interviews: Collection[int] = (),
) -> None:
    """A bulk catalogue write: every group showing one of the written records, requested
    together so each is reindexed once however many of its records changed."""
    item_ids = set(items)
    item_ids.update(_items_in_containers(fonds, series))
    item_ids.update(_item_pks("interview__pk__in", interviews))
    item_ids.update(_scientists_items(scientists))
    pending.request(
        [
            *(scientist_group(pk) for pk in scientists),
            *(item_group(pk) for pk in item_ids),
            *exhibits_showing(set(items) | _item_pks("interview__pk__in", interviews)),
        ]
    )


def exhibits_showing(item_ids: Collection[int]) -> list[str]:
    """The exhibit groups of pages whose blocks embed one of these items or its interview, read
    from Wagtail's reference index (chooser blocks report their records to it)."""
    item_ids = list(item_ids)
    if not item_ids:
        return []
    types = ContentType.objects.get_for_models(Item, Interview, Page)
    item_type, interview_type, page_type = types[Item], types[Interview], types[Page]
    pages: set[int] = set()
    for start in range(0, len(item_ids), PKS_PER_QUERY):
        chunk = item_ids[start : start + PKS_PER_QUERY]
        interviews = Interview.objects.filter(item__in=chunk).values_list("pk", flat=True)
        for to_type, pks in ((item_type, chunk), (interview_type, list(interviews))):
            if pks:
                pages.update(
                    ReferenceIndex.objects.filter(
                        base_content_type=page_type,
                        to_content_type=to_type,
                        to_object_id__in=[str(pk) for pk in pks],
                    ).values_list("object_id", flat=True)
                )
    return [exhibit_group(pk) for pk in sorted(pages, key=str)]


def items_of_scientists(scientist_ids: Collection[int]) -> list[str]:
    return [item_group(pk) for pk in sorted(_scientists_items(scientist_ids))]


def _scientists_items(scientist_ids: Collection[int]) -> set[int]:
    named = _item_pks("scientists__in", scientist_ids)
    interviewed = _item_pks("interview__interviewee__in", scientist_ids)
    return named | interviewed


def _items_in_containers(fonds_ids: Collection[int], series_ids: Collection[int]) -> set[int]:
    in_series = _item_pks("series__in", series_ids)
    return in_series | _item_pks("series__fonds__in", fonds_ids)


def _item_pks(lookup: str, values: Collection[int]) -> set[int]:
    """Primary keys of the items matching `lookup` for any of `values`, a chunk per query."""
    values = list(values)
    found: set[int] = set()
    for start in range(0, len(values), PKS_PER_QUERY):
        chunk = values[start : start + PKS_PER_QUERY]
        found.update(Item.objects.filter(**{lookup: chunk}).values_list("pk", flat=True))
    return found
