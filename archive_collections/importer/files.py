"""The files an import lists, ready to be handed to whatever stores them.

The catalogue validates the paths (they exist, inside an allowed import root) but stores no file
itself: files belong to the media pipeline, which sits above the catalogue. So `run_import`
takes a `FileHandOver` from its caller, called after the records are committed; without one,
the records are imported and the files are left where they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from archive_collections.models import Item

from .report import ImportReport
from .validate import Manifest, chunked


@dataclass(frozen=True)
class ListedFiles:
    """One imported item and the files its row lists, in page order."""

    item: Item
    paths: list[Path]


#: Receives every item with files once the import is committed. It adds the files it stored to
#: `report.files` and reports each file it could not store in `report.file_errors`.
FileHandOver = Callable[[list[ListedFiles], ImportReport], None]


def file_count(manifest: Manifest) -> int:
    return sum(len(record.files) for record in manifest.records.get("items", []))


def listed_files(manifest: Manifest, item_pks: dict[str, int]) -> list[ListedFiles]:
    """The items that list files, loaded in bulk, in manifest order."""
    records = [record for record in manifest.records.get("items", []) if record.files]
    items: dict[int, Item] = {}
    for chunk in chunked([item_pks[record.key] for record in records]):
        items.update(Item.objects.in_bulk(chunk))
    return [ListedFiles(items[item_pks[record.key]], list(record.files)) for record in records]
