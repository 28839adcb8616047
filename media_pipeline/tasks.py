"""The background task that processes an ingested file, and how it is queued.

The work itself is media_pipeline/runner.py; the steps are media_pipeline/steps/. Curators' and
operators' ways of queueing files again are media_pipeline/actions.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.db import transaction
from django_tasks import task

from . import runner


@task()
def process_item_file(file_id: int) -> str:
    """Run the pending steps for one ItemFile; returns the resulting status."""
    outcome = runner.process(file_id)
    if outcome.retry_at is not None:
        enqueue_after_commit([file_id], run_after=outcome.retry_at)
    return outcome.status


def enqueue_after_commit(file_ids: Iterable[int], *, run_after: datetime | None = None) -> None:
    """Queue processing of each file once the current transaction commits.

    With `run_after`, only on a backend that can defer (database, Redis): on the others
    `manage.py retry_files` picks the file up when it is due.
    """
    if run_after is not None and not process_item_file.get_backend().supports_defer:
        return
    queued = process_item_file.using(run_after=run_after) if run_after else process_item_file
    for pk in file_ids:
        transaction.on_commit(partial(queued.enqueue, pk))
