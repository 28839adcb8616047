"""manage.py import_archive MANIFEST [--dry-run] [--kind KIND] — see docs/IMPORT.md."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from archive_collections.importer import KINDS, run_import


def tqdm_progress(total: int, description: str):
    return tqdm(
        total=total,
        desc=description,
        unit=_("rows"),
        file=sys.stderr,
        dynamic_ncols=True,
        leave=False,
    )


class Command(BaseCommand):
    help = _(
        "Import scientists, fonds, series, items and interviews from a manifest "
        "(XLSX workbook, folder of CSVs or one CSV). Nothing is written unless every row "
        "is valid."
    )

    def add_arguments(self, parser):
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

    def handle(self, *args, manifest: Path, dry_run: bool, kind: str | None, **options):
        progress = tqdm_progress if options.get("verbosity", 1) > 0 else None
        kwargs = {"progress": progress} if progress else {}
        report = run_import(manifest, kind=kind, dry_run=dry_run, **kwargs)
        if not report.ok:
            raise CommandError(report.as_text())
        self.stdout.write(report.as_text())
        if report.file_errors:
            raise CommandError(
                _("%(n)d file(s) could not be ingested; see above") % {"n": len(report.file_errors)}
            )
