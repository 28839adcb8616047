"""Backups of the whole archive as BagIt bags, and restores from them (docs/OPERATIONS.md).

    export_archive(Path("/backups/2026-12-03"))                       # full
    export_archive(Path("/backups/2026-12-04"), since=last_export)    # incremental
    restore_archive([full, incremental_1, incremental_2])

It reads and writes every app's records, so it lives in the orchestration layer.
"""

from .bag import BagError, validate
from .export import ExportSummary, export_archive
from .restore import RestoreSummary, archive_contents, restore_archive

__all__ = [
    "BagError",
    "ExportSummary",
    "RestoreSummary",
    "archive_contents",
    "export_archive",
    "restore_archive",
    "validate",
]
