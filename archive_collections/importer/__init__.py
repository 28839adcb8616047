"""Bulk import of archive records from manifests (see docs/IMPORT.md).

    report = run_import(Path("batch/manifest.xlsx"), dry_run=True)

Reading, validating, planning and writing are separate steps; nothing is written unless every row
of every kind is valid, and then everything is written in one transaction.
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext as _

from .files import file_count, hand_over_files
from .readers import ManifestError, read_manifest
from .report import KINDS, Counts, ImportReport, Problem, neutralise
from .validate import validate
from .writer import plan, write

__all__ = ["KINDS", "Counts", "ImportReport", "Problem", "neutralise", "run_import"]


class _NoProgress:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def no_progress(total: int, description: str) -> _NoProgress:
    return _NoProgress()


def run_import(
    manifest: Path,
    *,
    kind: str | None = None,
    dry_run: bool = False,
    user=None,
    progress=no_progress,
) -> ImportReport:
    """Validate a manifest and, when it is valid and this is not a dry run, import it.

    `progress(total, description)` returns an object with update(n) and close() (a tqdm bar
    fits); it is called for the validation pass and for the writing pass.
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
    plans = plan(validated, report, progress)
    if dry_run:
        report.files = file_count(validated)
        return report
    write(plans, user, progress, lambda pks: hand_over_files(validated, pks, report))
    report.committed = True
    return report
