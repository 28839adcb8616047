"""Bulk import of archive records from manifests (see docs/IMPORT.md).

    report = run_import(Path("batch/manifest.xlsx"), dry_run=True)

Reading, validating, planning and writing are separate steps; nothing is written unless every row
of every kind is valid, and then everything is written in one transaction. After it commits, the
writer sends `catalogue_changed` once, and the files the manifest lists go to the caller's
`hand_over` (the orchestration layer passes the media pipeline's ingest: see
archive_site/importing.py); without one the records are imported and the files stay put.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from .files import FileHandOver, ListedFiles, file_count, listed_files
from .progress import Progress, no_progress
from .readers import ManifestError, read_manifest
from .report import KINDS, Counts, ImportReport, Problem, neutralise
from .validate import Manifest, validate
from .writer import AfterCommit, plan, write

__all__ = [
    "KINDS",
    "Counts",
    "FileHandOver",
    "ImportReport",
    "ListedFiles",
    "Problem",
    "Progress",
    "neutralise",
    "no_progress",
    "run_import",
]


def run_import(
    manifest: Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    user=None,
    progress: Progress = no_progress,
    hand_over: FileHandOver | None = None,
) -> ImportReport:
    """Validate a manifest and, when it is valid and this is not a dry run, import it.

    `progress(total, description)` returns an object with update(n) and close() (a tqdm bar
    fits); it is called for the validation pass and for the writing pass. `hand_over` receives
    the items that list files once the records are committed.
    """
    manifest = Path(manifest)
    report = ImportReport(source=manifest.name, dry_run=dry_run)
    if kind is not None and (manifest.is_dir() or manifest.suffix.lower() != ".csv"):
        report.add("", None, "", kind, _("--kind applies to a single CSV file only"))
        return report
    try:
        sheets = read_manifest(manifest, report, kind)
    except ManifestError as exc:
        report.add(kind or "", None, "", "", str(exc))
        return report
    base = manifest if manifest.is_dir() else manifest.parent
    validated = validate(sheets, base.resolve(), report, progress)
    if not report.ok:
        return report
    plans = plan(validated, report)
    if dry_run:
        report.files = file_count(validated)
        return report
    write(plans, user, progress, _files_after_commit(validated, report, hand_over))
    report.committed = True
    return report


def _files_after_commit(
    validated: Manifest, report: ImportReport, hand_over: FileHandOver | None
) -> AfterCommit | None:
    if hand_over is None or not file_count(validated):
        return None
    return lambda item_pks: hand_over(listed_files(validated, item_pks), report)
