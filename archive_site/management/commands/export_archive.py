"""manage.py export_archive DEST [--since DATE|DATETIME] — a BagIt backup (docs/OPERATIONS.md)."""

from __future__ import annotations

from datetime import datetime, time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from archive_site.backup import BagError, export_archive
from archive_site.backup.restore import read_info


def moment(value: str) -> datetime:
    """A date (its start, in the site's time zone), a date and time (naive means local), or
    the folder of an earlier bag: the moment that export started."""
    if (Path(value) / "bag-info.txt").is_file():
        try:
            return read_info(Path(value)).exported_at
        except BagError as exc:
            raise CommandError(str(exc)) from exc
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            _("--since takes a date or date and time such as 2026-12-01 or 2026-12-01T02:00")
        ) from exc
    if len(value) <= len("2026-12-01"):
        parsed = datetime.combine(parsed.date(), time())
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = _(
        "Write the archive (records, masters, derivatives, transcripts, exhibit pages, images) "
        "as a BagIt bag; with --since, only what changed since then, with deletions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", type=Path, help=_("the bag's folder (new or empty)"))
        parser.add_argument(
            "--since",
            type=str,
            help=_(
                "incremental: what changed since this date or time, or since the export of "
                "this earlier bag"
            ),
        )

    def handle(self, *args: Any, dest: Path, since: str | None, **options: Any) -> None:
        log = self.stdout.write if options.get("verbosity", 1) > 0 else (lambda line: None)
        started = timezone.now()
        try:
            summary = export_archive(dest, since=moment(since) if since else None, log=log)
        except BagError as exc:
            raise CommandError(str(exc)) from exc
        seconds = (timezone.now() - started).total_seconds()
        records = sum(count for label, count in summary.records.items() if "." in label)
        self.stdout.write(
            _("%(kind)s bag %(path)s: %(records)d rows, %(files)d files, %(mb).1f MB in %(s).1f s")
            % {
                "kind": summary.kind,
                "path": summary.path,
                "records": records,
                "files": sum(summary.files.values()),
                "mb": summary.payload_bytes / 1e6,
                "s": seconds,
            }
        )
