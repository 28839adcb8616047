"""The background task that processes an ingested file, and how it is queued.

The work itself is media_pipeline/runner.py; the steps are media_pipeline/steps/. Curators' and
operators' ways of queueing files again are media_pipeline/actions.py.

On the database backend a worker killed mid-task leaves the task's row RUNNING: nothing in
django-tasks-db ever closes it. `close_running` closes the rows of a file whose run has died
(media_pipeline.retry.dead_runs) and `close_abandoned` those nobody can still be running, both
as FAILED with `retry.WorkerDied` and the reason as the row's traceback, so the queue's admin
and `get_result` tell what happened.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import partial

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks.utils import get_module_path
from django_tasks_db.models import DBTaskResult

from . import retry, runner
from .models import FileStatus, ItemFile

#: Priority of a file's late pass (OCR) where the backend orders by priority (the database
#: backend); elsewhere it runs in queue order, which is also behind the first passes queued before.
LATE_PRIORITY = -10


@task()
def process_item_file(file_id: int, late: bool = False) -> str:
    """Run the pending steps for one ItemFile; returns the resulting status.

    The first pass stops before the late steps (OCR) and queues them as a second task, so the
    thumbnails and tiles of a whole batch come before the first page is read (runner.py)."""
    outcome = runner.process(file_id, early=not late)
    if outcome.status == runner.LATER:
        enqueue_late(file_id)
    elif outcome.retry_at is not None:
        enqueue_after_commit([file_id], run_after=outcome.retry_at)
    return outcome.status


def enqueue_late(file_id: int) -> None:
    """Queue the file's late pass (after commit), at low priority where the backend has one."""
    backend = process_item_file.get_backend()
    queued = (
        process_item_file.using(priority=LATE_PRIORITY)
        if backend.supports_priority
        else (process_item_file)
    )
    transaction.on_commit(partial(queued.enqueue, file_id, True))


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


def close_running(file_id: int, reason: str) -> int:
    """Close this file's RUNNING task rows as FAILED (its worker died); returns how many."""
    return _close([row.pk for row in _running() if _file_of(row) == file_id], reason)


def close_abandoned(started_before: datetime, reason: str) -> int:
    """Close RUNNING rows started before `started_before` whose file nobody is processing.

    A live task claims its file within moments of starting (or returns "busy" at once), so a
    row that old with its file not PROCESSING has no process behind it: typically a worker
    killed between the two, or a row left by a dead run requeued before rows were closed.
    """
    old = {row.pk: _file_of(row) for row in _running().filter(started_at__lt=started_before)}
    files = ItemFile.objects.filter(pk__in=set(old.values()), status=FileStatus.PROCESSING)
    processing = set(files.values_list("pk", flat=True))
    return _close([pk for pk, file_id in old.items() if file_id not in processing], reason)


def _running():
    running = DBTaskResult.objects.running().filter(task_path=process_item_file.module_path)
    return running.only("pk", "args_kwargs")


def _file_of(row: DBTaskResult) -> int | None:
    args = (row.args_kwargs or {}).get("args") or [None]
    return args[0] if isinstance(args[0], int) else None


def _close(row_ids: list, reason: str) -> int:
    if not row_ids:
        return 0
    rows = DBTaskResult.objects.running().filter(pk__in=row_ids)
    return rows.update(
        status=TaskResultStatus.FAILED,
        finished_at=timezone.now(),
        exception_class_path=get_module_path(retry.WorkerDied),
        traceback=reason,
        return_value=None,
    )
