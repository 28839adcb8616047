"""The bag's catalogue folder: the archive as a manifest the importer reads (docs/IMPORT.md).

The records are written by the admin export's code (archive_collections/exporting), so the
columns and values are the importer's own; the file columns the admin export leaves out are
filled here with paths inside this folder: masters under `masters/`, transcripts and indexes as
WebVTT under `transcripts/` and `index/` (keywords and partial transcripts, which WebVTT has no
place for, are in `ohms/` as OHMS XML and in the exact records). `import_archive data/catalogue`
on another installation rebuilds the catalogue and ingests the masters; a restore of this
installation reads the exact records instead (records.py) and uses only the masters from here.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db import models

from archive_collections.exporting import csv_chunks, export_headers, export_rows
from archive_collections.importer.schema import SCHEMAS
from archive_collections.importer.validate import chunked
from archive_collections.models import Fonds, Interview, Item, Scientist, Series
from archive_collections.oral_history.formats import interview_document, render_export
from media_pipeline.models import ItemFile

from .bag import BagWriter

FOLDER = "catalogue"
MASTERS = f"{FOLDER}/masters"
KIND_MODELS: dict[str, type[models.Model]] = {
    "scientists": Scientist,
    "fonds": Fonds,
    "series": Series,
    "items": Item,
    "interviews": Interview,
}
CHUNK = 500


def master_path(name: str) -> str:
    """Where a master stored as `name` lies in the bag."""
    return f"{MASTERS}/{name}"


def _alias(kind: str, name: str) -> str:
    column = next(column for column in SCHEMAS[kind] if column.name == name)
    return column.alias


def write_catalogue(bag: BagWriter) -> dict[str, int]:
    counts = {}
    for kind, model in KIND_MODELS.items():
        queryset = model._default_manager.order_by("pk")
        header = export_headers(kind)
        rows: Iterator[list[str]] = export_rows(kind, queryset)
        if kind == "items":
            header, rows = [*header, _alias(kind, "files")], _with_files(rows)
        elif kind == "interviews":
            header = [*header, _alias(kind, "transcript"), _alias(kind, "index")]
            rows = _with_timed_text(bag, rows)
        bag.write_chunks(f"{FOLDER}/{kind}.csv", csv_chunks(header, rows))
        counts[kind] = queryset.count()
    return counts


def _with_files(rows: Iterator[list[str]]) -> Iterator[list[str]]:
    """Each item row plus its masters in page order (the first cell is the 档号)."""
    for batch in chunked(rows, CHUNK):
        names: dict[str, list[str]] = {}
        files = (
            ItemFile.objects.filter(item__identifier__in=[row[0] for row in batch])
            .order_by("sequence", "pk")
            .values_list("item__identifier", "master")
        )
        for identifier, master in files:
            names.setdefault(identifier, []).append(master_path(master).removeprefix(f"{FOLDER}/"))
        for row in batch:
            yield [*row, "；".join(names.get(row[0], []))]


def _with_timed_text(bag: BagWriter, rows: Iterator[list[str]]) -> Iterator[list[str]]:
    for row in rows:
        interview = Interview.objects.select_related("item__series__fonds", "interviewee").get(
            item__identifier=row[0]
        )
        document = interview_document(interview)
        paths = []
        for folder, export in (("transcripts", "transcript.vtt"), ("index", "index.vtt")):
            points = document.transcript if folder == "transcripts" else document.index
            if not points:
                paths.append("")
                continue
            path = f"{folder}/{_safe(row[0])}.vtt"
            bag.write_chunks(f"{FOLDER}/{path}", [render_export(export, interview, document)])
            paths.append(path)
        if document.index:
            bag.write_chunks(
                f"{FOLDER}/ohms/{_safe(row[0])}.xml",
                [render_export("ohms.xml", interview, document)],
            )
        yield [*row, *paths]


def _safe(identifier: str) -> str:
    # 档号 hold letters, digits, "-", "_" and "." only (the importer's rule), so they are file
    # names as they are; "." alone or ".." cannot be one.
    return identifier if identifier not in {".", ".."} else f"_{identifier}"
