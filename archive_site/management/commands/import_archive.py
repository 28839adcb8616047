"""manage.py import_archive MANIFEST [--dry-run] [--kind KIND] — see docs/IMPORT.md.

Lives in the orchestration layer because an import hands its files to the media pipeline
(archive_site/importing.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive_collections.importer import KINDS, no_progress
from archive_collections.importer.progress import tqdm_progress
from archive_site.importing import run_import


class Command(BaseCommand):
    help = _(
        "Import scientists, fonds, series, items and interviews from a manifest "
        "(XLSX workbook, folder of CSVs or one CSV). Nothing is written unless every row "
        "is valid."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "manifest", type=Path, help=_("an .xlsx workbook, a folder of CSVs or one .csv file")
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("validate and report what would change, without writing"),
        )
        parser.add_argument(
            "--kind",
            choices=KINDS,
            help=_("the record kind of a single CSV whose name does not say it"),
        )

    def handle(
        self, *args: object, manifest: Path, dry_run: bool, kind: str | None, **options: Any
    ) -> None:
        progress = tqdm_progress if options.get("verbosity", 1) > 0 else no_progress
        report = run_import(manifest, kind=kind, dry_run=dry_run, progress=progress)
        if not report.ok:
            raise CommandError(report.as_text())
        self.stdout.write(report.as_text())
        if report.file_errors:
            raise CommandError(
                _("%(n)d file(s) could not be ingested; see above") % {"n": len(report.file_errors)}
            )
