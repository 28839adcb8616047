"""Requeue files a dead worker left PROCESSING, and files whose retry time has come."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from media_pipeline import actions, retry
from media_pipeline.models import FileStatus, ItemFile


class Command(BaseCommand):
    help = (
        "Queue processing again for files left PROCESSING by a worker that died (its process is "
        "gone from this host, or the file has not moved for MEDIA_PROCESSING_TIMEOUT seconds) "
        "and for files whose retry after a temporary error is due. Run it when workers start "
        "and from cron; steps already done are skipped, so it is safe to run at any time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed",
            action="store_true",
            help="Also requeue every FAILED file (e.g. after fixing a tool).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be requeued; change nothing."
        )

    def handle(self, *args, failed: bool, dry_run: bool, **options):
        groups = [
            ("stale", retry.stale_files(), _("Requeued: its worker stopped during processing.")),
            ("due", retry.due_files(), _("Requeued: retry after a temporary error.")),
        ]
        if failed:
            groups.append(
                (
                    "failed",
                    ItemFile.objects.filter(status=FileStatus.FAILED),
                    _("Requeued after failing."),
                )
            )
        total = 0
        for label, queryset, reason in groups:
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            if options["verbosity"] >= 2:
                for pk in ids:
                    self.stdout.write(f"  {label}: file {pk}")
            if not dry_run:
                actions.requeue(ids, reason=reason)
            self.stdout.write(f"{label}: {len(ids)} file(s)")
            total += len(ids)
        verb = "Would requeue" if dry_run else "Requeued"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} file(s)."))
