"""manage.py run_audit — the daily audit (自查) of every published exhibit page.

Run it from cron once a day (docs/OPERATIONS.md). External links are checked only when asked
(`--external-links` or OVERSIGHT_CHECK_EXTERNAL_LINKS), each with OVERSIGHT_LINK_TIMEOUT seconds
and at most OVERSIGHT_LINKS_PER_HOST requests to one host at a time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from archive_site.oversight.audit import run_audit
from archive_site.oversight.models import Finding


class Command(BaseCommand):
    help = "Audit every published exhibit page and keep the findings as one audit run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--external-links",
            action="store_true",
            default=getattr(settings, "OVERSIGHT_CHECK_EXTERNAL_LINKS", False),
            help="Also check links to other sites (bounded timeout, limited per host).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the audit to the task workers instead of running it here.",
        )

    def handle(self, *args, external_links=False, enqueue=False, **options):
        if enqueue:
            from archive_site.oversight.tasks import daily_audit  # only when enqueuing

            result = daily_audit.enqueue()
            self.stdout.write(f"queued {result.id}")
            return
        run = run_audit(external_links=external_links)
        self.stdout.write(
            f"audit run {run.pk}: {run.page_count} pages, {run.finding_count} findings"
        )
        counts = (
            Finding.objects.filter(run=run)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
        )
        for kind, count in counts:
            self.stdout.write(f"  {kind}: {count}")
