"""Rebuild an archive from a full bag and, in order, the incremental bags that follow it.

1. Every bag is validated (bagit: every checksum, every file) and the chain is checked (one full
   bag first, then incrementals in export order, none starting after the previous one ended)
   before anything is written.
2. An instance that already holds archive records is refused unless `replace` is given.
3. Files go into their storages through the storage API (local or S3), keeping their names.
4. The database part runs in one transaction: for each bag, rows the source no longer had are
   deleted (its inventory), then its rows are saved with their keys. If it fails, the files
   written in step 3 are removed again.
5. After the commit: files that were not fully processed in the source are queued, the search
   index and Wagtail's reference index are rebuilt. Derivatives come from the bag, so processed
   files are not processed again (OCR alone costs seconds a page).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from io import StringIO
from pathlib import Path

from django.core import serializers
from django.core.files import File
from django.core.files.storage import storages
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page

from archive_collections.models import Fonds, Item, Scientist, Series
from exhibits.models import Credit
from media_pipeline import actions
from media_pipeline.models import FileStatus, ItemFile

from .bag import BagError, validate
from .catalogue import MASTERS
from .export import FILES, FULL, INCREMENTAL, INVENTORY, RECORDS
from .records import RecordSet, Runs, record_sets

Log = Callable[[str], None]
CHUNK = 500
HOME_DEPTH = 2  # a fresh instance has the tree's root and the home page its migration makes


@dataclass
class RestoreSummary:
    bags: list[str] = field(default_factory=list)
    saved: dict[str, int] = field(default_factory=dict)
    deleted: dict[str, int] = field(default_factory=dict)
    files: int = 0
    queued: int = 0


@dataclass(frozen=True)
class _Bag:
    path: Path
    kind: str
    exported_at: datetime
    since: datetime | None
    counts: dict[str, int]


def archive_contents() -> dict[str, int]:
    """What makes an instance non-empty: any archive record, file, image or exhibit page."""
    counts = {
        str(model._meta.verbose_name_plural): model._base_manager.count()
        for model in (
            Scientist,
            Fonds,
            Series,
            Item,
            ItemFile,
            get_image_model(),
            get_document_model(),
            Credit,
        )
    }
    counts[str(_("pages"))] = Page.objects.filter(depth__gt=HOME_DEPTH).count()
    return {name: count for name, count in counts.items() if count}


def restore_archive(
    paths: list[Path], *, replace: bool = False, dry_run: bool = False, log: Log = print
) -> RestoreSummary:
    """Restore the bags in order; with `dry_run`, only validate them and the instance and
    report the rows the bags carry (nothing is written)."""
    bags = _checked_chain([Path(path) for path in paths], log)
    contents = archive_contents()
    if contents and not replace:
        held = ", ".join(f"{count} {name}" for name, count in contents.items())
        raise BagError(
            _("this instance is not empty (%(held)s); restore into an empty one, or pass --replace")
            % {"held": held}
        )
    summary = RestoreSummary(bags=[str(bag.path) for bag in bags])
    if dry_run:
        for bag in bags:
            for key, value in bag.counts.items():
                summary.saved[key] = summary.saved.get(key, 0) + value
        return summary
    written: list[tuple[str, str]] = []
    try:
        for bag in bags:
            log(_("Files from %(bag)s") % {"bag": bag.path})
            summary.files += _store_files(bag.path, written)
        with transaction.atomic():
            for bag in bags:
                log(_("Records from %(bag)s") % {"bag": bag.path})
                _apply_records(bag.path, summary)
            _reset_sequences()
    except BaseException:
        for alias, name in written:
            storages[alias].delete(name)
        raise
    summary.queued = _queue_unfinished()
    log(_("Search index"))
    _quietly("rebuild_search_index", "--no-progress")
    _quietly("rebuild_references_index")
    return summary


def _quietly(command: str, *args: str) -> None:
    call_command(command, *args, stdout=StringIO(), stderr=StringIO())


def read_info(path: Path) -> _Bag:
    bag = validate(path)
    info = bag.info
    try:
        kind = info["Export-Type"]
        exported_at = datetime.fromisoformat(info["Export-Date"])
        since = datetime.fromisoformat(info["Since"]) if "Since" in info else None
    except (KeyError, ValueError) as exc:
        raise BagError(_("%(bag)s was not written by export_archive") % {"bag": path}) from exc
    counts = {
        key.removeprefix("Count-"): int(value)
        for key, value in info.items()
        if key.startswith("Count-") and not key.startswith("Count-catalogue.")
    }
    return _Bag(path, kind, exported_at, since, counts)


def _checked_chain(paths: list[Path], log: Log) -> list[_Bag]:
    bags = []
    for path in paths:
        log(_("Validating %(bag)s") % {"bag": path})
        bags.append(read_info(path))
    if not bags or bags[0].kind != FULL:
        raise BagError(_("the first bag must be a full export"))
    for previous, bag in zip(bags, bags[1:], strict=False):
        if bag.kind != INCREMENTAL:
            raise BagError(
                _("%(bag)s: only incremental bags may follow the full one") % {"bag": bag.path}
            )
        if bag.since is None or bag.since > previous.exported_at:
            raise BagError(
                _(
                    "%(bag)s starts at %(since)s, after %(previous)s ended (%(end)s): "
                    "the changes in between would be lost"
                )
                % {
                    "bag": bag.path,
                    "since": bag.since,
                    "previous": previous.path,
                    "end": previous.exported_at,
                }
            )
        if bag.exported_at < previous.exported_at:
            raise BagError(
                _("%(bag)s is older than the bag before it: give the bags in export order")
                % {"bag": bag.path}
            )
    return bags


def _bag_files(data: Path) -> Iterator[tuple[str, str, Path]]:
    """(storage alias, stored name, path in the bag) of every file the bag restores."""
    masters = data / MASTERS
    if masters.is_dir():
        for path in sorted(p for p in masters.rglob("*") if p.is_file()):
            yield "masters", path.relative_to(masters).as_posix(), path
    files = data / FILES
    if files.is_dir():
        for storage_dir in sorted(files.iterdir()):
            for path in sorted(p for p in storage_dir.rglob("*") if p.is_file()):
                yield storage_dir.name, path.relative_to(storage_dir).as_posix(), path


def _store_files(bag: Path, written: list[tuple[str, str]]) -> int:
    count = 0
    for alias, name, path in _bag_files(bag / "data"):
        storage = storages[alias]
        if storage.exists(name):
            if alias == "masters":  # content-addressed: the same name holds the same bytes
                continue
            storage.delete(name)
        with path.open("rb") as handle:
            stored = storage.save(name, File(handle, name=name))
        written.append((alias, stored))
        if stored != name:
            raise BagError(
                _("storage %(alias)s stored %(name)s as %(stored)s")
                % {"alias": alias, "name": name, "stored": stored}
            )
        count += 1
    return count


def _apply_records(bag: Path, summary: RestoreSummary) -> None:
    records = bag / "data" / RECORDS
    inventory = json.loads((bag / "data" / INVENTORY).read_text(encoding="utf-8"))
    sets = record_sets()
    for record_set in reversed(sets):
        if record_set.label in inventory:
            gone = _delete_absent(record_set, Runs(inventory[record_set.label]))
            summary.deleted[record_set.label] = summary.deleted.get(record_set.label, 0) + gone
    deferred = []
    for record_set in sets:
        path = records / f"{record_set.label}.jsonl"
        if not path.exists():
            continue
        # Into an empty table (a restore on a new installation) a row is inserted; otherwise
        # saved over the row with its key, or inserted when there is none.
        empty = not record_set.model._base_manager.exists()
        with path.open(encoding="utf-8") as handle:
            saved = 0
            for row in serializers.deserialize("jsonl", handle, handle_forward_references=True):
                row.save(force_insert=empty)
                saved += 1
                if row.deferred_fields:
                    deferred.append(row)
        summary.saved[record_set.label] = summary.saved.get(record_set.label, 0) + saved
    for row in deferred:
        row.save_deferred_fields()


def _delete_absent(record_set: RecordSet, keep: Runs) -> int:
    model = record_set.model
    gone = [pk for pk in record_set.inventory().iterator(chunk_size=5000) if pk not in keep]
    for start in range(0, len(gone), CHUNK):
        rows = model._base_manager.filter(pk__in=gone[start : start + CHUNK])
        if model._meta.parents:
            # A page type's own row only: the page itself is its parent table's to keep or delete.
            rows._raw_delete(rows.db)
        else:
            rows.delete()
    return len(gone)


def _reset_sequences() -> None:
    """Rows were saved with their keys: PostgreSQL's sequences must move past them."""
    models_with_keys: list[type[models.Model]] = [record_set.model for record_set in record_sets()]
    statements = connection.ops.sequence_reset_sql(no_style(), models_with_keys)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _queue_unfinished() -> int:
    unfinished = list(ItemFile.objects.exclude(status=FileStatus.DONE).values_list("pk", flat=True))
    return actions.requeue(unfinished, reason=str(_("restored from a backup")))
