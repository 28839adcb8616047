"""Adds the counting buffer into the daily tables now and closes ended days (cron's backstop for
the task counting queues once a minute; safe to run at any time, and twice)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from ...aggregate import flush


class Command(BaseCommand):
    help = "Flushes counted views into the daily tables and closes ended days."

    def handle(self, *args: Any, **options: Any) -> None:
        result = flush()
        self.stdout.write(f"{result.rows} view(s) added, {result.closed_days} day(s) closed.")
