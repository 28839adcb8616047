"""Write the archive, or what changed in it since a moment, as a BagIt bag.

    data/records/<app.model>.jsonl   rows, keys kept (records.py); inventory.json: every key
    data/catalogue/                  the importer's manifest and the masters (catalogue.py)
    data/files/derivatives/…         derivatives and IIIF tiles, as the pipeline made them
    data/files/default/…             Wagtail images and documents (originals; renditions are
                                     remade on request)

Everything is read inside one transaction (repeatable read on PostgreSQL; a WAL snapshot on
SQLite), so a bag is one moment of the archive even while curators work. The bag is written into
`<dest>.partial` and renamed when complete, so a half-written bag never looks like a bag.
"""

from __future__ import annotations

import importlib.metadata
import json
import platform
import shutil
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path

import bagit  # type: ignore[import-untyped]  # bagit ships no types
from django.conf import settings
from django.core import serializers
from django.core.files.storage import Storage, storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils.translation import gettext as _
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Site

from media_pipeline.iiif.tiles import tree_prefix
from media_pipeline.models import ItemFile
from media_pipeline.s3 import iter_span
from media_pipeline.storage import derivative_name

from .bag import CHUNK_BYTES, BagError, BagWriter
from .catalogue import master_path, write_catalogue
from .records import RecordSet, compress, record_sets

RECORDS = "records"
FILES = "files"
INVENTORY = f"{RECORDS}/inventory.json"
FULL, INCREMENTAL = "full", "incremental"
Log = Callable[[str], None]


@dataclass
class ExportSummary:
    path: Path
    kind: str
    records: dict[str, int] = field(default_factory=dict)
    files: dict[str, int] = field(default_factory=dict)
    payload_bytes: int = 0


def product_version() -> str:
    try:
        return importlib.metadata.version("scientist-archive")
    except importlib.metadata.PackageNotFoundError:
        with (Path(settings.BASE_DIR) / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])


def export_archive(dest: Path, *, since: datetime | None = None, log: Log = print) -> ExportSummary:
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BagError(_("%(path)s exists and is not an empty folder") % {"path": dest})
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    bag = BagWriter(partial)
    summary = ExportSummary(dest, INCREMENTAL if since else FULL)
    exported_at = datetime.now(UTC)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            _write_records(bag, since, summary, log)
            if since is None:
                log(_("Catalogue for the importer"))
                summary.records.update(
                    {f"catalogue.{k}": n for k, n in write_catalogue(bag).items()}
                )
            summary.files["masters"] = _write_masters(bag, since, log)
            summary.files["derivatives"] = _write_derivatives(bag, since, log)
            summary.files["images and documents"] = _write_library(bag, since)
        bag.finish(_bag_info(summary, since, exported_at))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    if dest.exists():
        dest.rmdir()
    partial.rename(dest)
    summary.payload_bytes = bag.payload_bytes
    return summary


class ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps them as stored, so a
    restored record compares equal and `--since` sees the same moments."""

    def default(self, o: object) -> object:
        if isinstance(o, datetime | time):
            return o.isoformat()
        return super().default(o)


class _Text:
    """The serializer writes text; the bag wants bytes."""

    def __init__(self, target) -> None:
        self.target = target

    def write(self, text: str) -> None:
        self.target.write(text.encode("utf-8"))


def _write_records(
    bag: BagWriter, since: datetime | None, summary: ExportSummary, log: Log
) -> None:
    inventory: dict[str, list[list[int]]] = {}
    for record_set in record_sets():
        log(_("Records: %(model)s") % {"model": record_set.label})
        inventory[record_set.label] = compress(record_set.inventory().iterator(chunk_size=5000))
        summary.records[record_set.label] = _serialize(bag, record_set, since)
    bag.write_chunks(INVENTORY, [json.dumps(inventory).encode()])


def _serialize(bag: BagWriter, record_set: RecordSet, since: datetime | None) -> int:
    count = 0

    def counted(rows: Iterator) -> Iterator:
        nonlocal count
        for row in rows:
            count += 1
            yield row

    with bag.open(f"{RECORDS}/{record_set.label}.jsonl") as target:
        serializers.serialize(
            "jsonl",
            counted(record_set.rows(since).iterator(chunk_size=500)),
            stream=_Text(target),
            fields=record_set.fields(),
            use_natural_foreign_keys=True,
            cls=ExactEncoder,
        )
    return count


def _write_masters(bag: BagWriter, since: datetime | None, log: Log) -> int:
    """Every master (in an incremental bag, those stored since), checked against the checksum
    the archive recorded at ingest: a master that no longer matches stops the export, since a
    bag must not carry a damaged file as if it were sound."""
    log(_("Masters"))
    files = ItemFile.objects.order_by("pk")
    if since is not None:
        files = files.filter(created_at__gte=since)
    storage = storages["masters"]
    count = 0
    for pk, name, expected in files.values_list("pk", "master", "sha256").iterator(chunk_size=500):
        target = master_path(name)
        if bag.has(target):
            continue
        found = bag.copy(target, iter_span(storage, name, chunk_bytes=CHUNK_BYTES))
        if found != expected:
            raise BagError(
                _(
                    "master %(name)s of file %(pk)s does not match its recorded checksum "
                    "(expected %(expected)s, found %(found)s); run manage.py fixity_audit"
                )
                % {"name": name, "pk": pk, "expected": expected, "found": found}
            )
        count += 1
    return count


def walk(storage: Storage, prefix: str) -> Iterator[str]:
    """Every file name under `prefix` (local folders and S3 prefixes alike)."""
    try:
        folders, names = storage.listdir(prefix)
    except FileNotFoundError:
        return
    for name in names:
        yield f"{prefix}/{name}"
    for folder in folders:
        yield from walk(storage, f"{prefix}/{folder}")


def _copy_from(bag: BagWriter, alias: str, names: Iterator[str]) -> int:
    storage = storages[alias]
    count = 0
    for name in names:
        target = f"{FILES}/{alias}/{name}"
        if bag.has(target):
            continue
        bag.copy(target, iter_span(storage, name, chunk_bytes=CHUNK_BYTES))
        count += 1
    return count


def _write_derivatives(bag: BagWriter, since: datetime | None, log: Log) -> int:
    """Web copies, thumbnails, AV copies and IIIF tiles of the files in the bag (the images
    rendered on request are a cache and stay behind)."""
    log(_("Derivatives"))
    files = ItemFile.objects.order_by("pk")
    if since is not None:
        files = files.filter(updated_at__gte=since)
    storage = storages["derivatives"]

    def names() -> Iterator[str]:
        for sha256 in files.values_list("sha256", flat=True).distinct().iterator(chunk_size=500):
            yield from walk(storage, derivative_name(sha256, "").rstrip("/"))
            yield from walk(storage, tree_prefix(sha256))

    return _copy_from(bag, "derivatives", names())


def _write_library(bag: BagWriter, since: datetime | None) -> int:
    names: list[str] = []
    for model in (get_image_model(), get_document_model()):
        rows = model.objects.order_by("pk")
        if since is not None:
            rows = rows.filter(created_at__gte=since)
        names.extend(name for name in rows.values_list("file", flat=True) if name)
    return _copy_from(bag, "default", iter(names))


def _bag_info(
    summary: ExportSummary, since: datetime | None, exported_at: datetime
) -> dict[str, str]:
    sites = ", ".join(Site.objects.order_by("pk").values_list("hostname", flat=True))
    info = {
        "Source-Organization": getattr(settings, "WAGTAIL_SITE_NAME", "") or "scientist-archive",
        "External-Description": _("Scientist archive backup (%(kind)s)") % {"kind": summary.kind},
        "Bag-Software-Agent": f"scientist-archive {product_version()} export_archive "
        f"(bagit-python {bagit.VERSION})",
        "Product-Version": product_version(),
        "Source": f"{sites or '-'} ({connection.vendor} {connection.settings_dict['NAME']}, "
        f"{platform.node()})",
        "Export-Type": summary.kind,
        "Export-Date": exported_at.isoformat(),
    }
    if since is not None:
        info["Since"] = since.isoformat()
    for label, count in summary.records.items():
        info[f"Count-{label}"] = str(count)
    for name, count in summary.files.items():
        info[f"Files-{name.replace(' ', '-')}"] = str(count)
    return info
