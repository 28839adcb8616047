"""Requeue files a dead worker left PROCESSING, and files whose retry time has come."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _

from media_pipeline import actions, retry, tasks
from media_pipeline.models import FileStatus, ItemFile


class Command(BaseCommand):
    help = (
        "Queue processing again for files left PROCESSING by a worker that died (its process is "
        "gone from this host, or the file has not moved for MEDIA_PROCESSING_TIMEOUT seconds), "
        "closing the dead run's task row as FAILED with the reason, and for files whose retry "
        "after a temporary error is due. Run it when workers start and from cron; steps already "
        "done are skipped, so it is safe to run at any time."
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
        verbose = options["verbosity"] >= 2
        now = timezone.now()
        dead = retry.dead_runs(now)
        for run in dead if verbose else []:
            self.stdout.write(f"  stale: file {run.file_id}: {run.reason(now)}")
        if not dry_run:
            actions.requeue_dead(dead)
        self.stdout.write(f"stale: {len(dead)} file(s)")
        total = len(dead)

        groups = [("due", retry.due_files(), _("Requeued: retry after a temporary error."))]
        if failed:
            groups.append(
                (
                    "failed",
                    ItemFile.objects.filter(status=FileStatus.FAILED),
                    _("Requeued after failing."),
                )
            )
        for label, queryset, reason in groups:
            ids = list(queryset.order_by("pk").values_list("pk", flat=True))
            for pk in ids if verbose else []:
                self.stdout.write(f"  {label}: file {pk}")
            if not dry_run:
                actions.requeue(ids, reason=reason)
            self.stdout.write(f"{label}: {len(ids)} file(s)")
            total += len(ids)
        if not dry_run:
            self._close_abandoned(now)
        verb = "Would requeue" if dry_run else "Requeued"
        self.stdout.write(self.style.SUCCESS(f"{verb} {total} file(s)."))

    def _close_abandoned(self, now) -> None:
        timeout = retry.processing_timeout()
        reason = _(
            "Closed with no result after %(hours)s hours: the worker died before it finished "
            "(noticed %(noticed)s)."
        ) % {
            "hours": round(timeout.total_seconds() / 3600, 1),
            "noticed": retry.moment(now),
        }
        closed = tasks.close_abandoned(now - timeout, reason)
        self.stdout.write(f"abandoned task rows closed: {closed}")
