"""An archive import: the catalogue's importer, then the files it lists to the media pipeline.

The catalogue validates every listed path but may not import the pipeline (it sits below it), so
this module joins the two; `import_archive`, `load_demo` and the admin's import page (through the
hook in wagtail_hooks.py) all import through it.
"""

from __future__ import annotations

import logging
from functools import partial
from pathlib import Path

from django.utils.translation import gettext as _

from archive_collections.importer import ImportReport, ListedFiles, Progress, no_progress
from archive_collections.importer import run_import as import_records
from archive_collections.importer.progress import Bar
from media_pipeline.ingest import ingest_path

logger = logging.getLogger(__name__)


def ingest_listed_files(
    listed: list[ListedFiles], report: ImportReport, progress: Progress = no_progress
) -> None:
    """Ingest every listed file, in page order. ingest_path is idempotent by SHA-256, so a
    re-run costs a checksum per file and stores nothing new. The bar moves file by file."""
    bar = progress(sum(len(entry.paths) for entry in listed), _("storing files"))
    try:
        for entry in listed:
            _ingest_entry(entry, report, bar)
    finally:
        bar.close()


def _ingest_entry(entry: ListedFiles, report: ImportReport, bar: Bar) -> None:
    for sequence, path in enumerate(entry.paths, start=1):
        try:
            ingest_path(entry.item, path, sequence=sequence, label=path.stem)
        except Exception as exc:  # one bad file must not stop the others; it is reported
            logger.exception("ingesting %s for %s failed", path, entry.item.identifier)
            report.file_errors.append(
                _("%(item)s, file %(path)s: %(error)s")
                % {"item": entry.item.identifier, "path": path.name, "error": exc}
            )
        else:
            report.files += 1
        bar.update(1)


def run_import(
    manifest: Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    user=None,
    progress: Progress = no_progress,
) -> ImportReport:
    """The catalogue's `run_import` with the listed files ingested after the commit."""
    return import_records(
        manifest,
        kind=kind,
        dry_run=dry_run,
        user=user,
        progress=progress,
        hand_over=partial(ingest_listed_files, progress=progress),
    )
