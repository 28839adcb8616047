"""manage.py restore_archive FULL [INCREMENTAL ...] [--replace] — see docs/OPERATIONS.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from archive_site.backup import BagError, restore_archive


class Command(BaseCommand):
    help = _(
        "Rebuild an empty instance from a full bag and the incremental bags after it, in "
        "export order. Every bag is validated before anything is written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("bags", nargs="+", type=Path, help=_("full bag, then incrementals"))
        parser.add_argument(
            "--replace",
            action="store_true",
            help=_("restore over an instance that already holds records (they are replaced)"),
        )

        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("validate the bags and this instance and say what would be restored"),
        )

    def handle(
        self, *args: Any, bags: list[Path], replace: bool, dry_run: bool, **options: Any
    ) -> None:
        log = self.stdout.write if options.get("verbosity", 1) > 0 else (lambda line: None)
        try:
            summary = restore_archive(bags, replace=replace, dry_run=dry_run, log=log)
        except BagError as exc:
            raise CommandError(str(exc)) from exc
        if dry_run:
            self.stdout.write(
                _("Dry run: the bags are valid and would restore %(rows)d rows; nothing written")
                % {"rows": sum(summary.saved.values())}
            )
            return
        self.stdout.write(
            _(
                "Restored %(rows)d rows and %(files)d files from %(bags)d bag(s); "
                "%(queued)d file(s) queued for processing"
            )
            % {
                "rows": sum(summary.saved.values()),
                "files": summary.files,
                "bags": len(summary.bags),
                "queued": summary.queued,
            }
        )
