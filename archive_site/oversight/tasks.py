"""The daily audit as a background task (django-tasks), for a scheduler that enqueues tasks."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from .audit import run_audit


@task()
def daily_audit() -> int:
    """Run the daily audit of everything published; the run's primary key."""
    external = bool(getattr(settings, "OVERSIGHT_CHECK_EXTERNAL_LINKS", False))
    return run_audit(external_links=external).pk
