"""Queueing files for processing: the one place that resets a file's status and enqueues it.

Used by ingest (a new file), the admin's "Process again", `manage.py retry_files` (dead workers,
due retries, failed files), and the per-file OCR switch. A run whose worker died is requeued by
`requeue_dead`, which also closes the dead run's task row with the reason. Every action takes
effect after the surrounding transaction commits, so a rolled-back change queues nothing. Steps
already done at their current version are skipped by the runner, so queueing a file again is
always safe; `reprocess` makes chosen steps run again by forgetting their records.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import retry as retries
from .models import FileStatus, ItemFile
from .results import step_records
from .tasks import close_running, enqueue_after_commit


def queue(file_ids: Iterable[int]) -> None:
    """Queue files as they are (a newly ingested file is PENDING already)."""
    enqueue_after_commit(list(file_ids))


def requeue(file_ids: Collection[int], *, reason: str = "") -> int:
    """Make files PENDING, whatever their state, and queue them; returns how many were found.

    A PROCESSING file is included on purpose: callers pass files whose worker has died.
    `reason` is shown as the file's status message until it is processed.
    """
    if not file_ids:
        return 0
    with transaction.atomic():
        count = _reset(ItemFile.objects.filter(pk__in=file_ids), reason)
        enqueue_after_commit(file_ids)
    return count


def requeue_dead(runs: Iterable[retries.DeadRun]) -> int:
    """Requeue files whose worker died, closing each dead run's task row as FAILED.

    The reason (which worker, its last progress, when this was noticed) goes on both the task
    row and the file. A file another worker has claimed since is left to it.
    """
    noticed = timezone.now()
    count = 0
    with transaction.atomic():
        for run in runs:
            reason = run.reason(noticed)
            close_running(run.file_id, reason)
            still_dead = ItemFile.objects.filter(
                pk=run.file_id, status=FileStatus.PROCESSING, worker=run.worker
            )
            if _reset(still_dead, _("Requeued. %(reason)s") % {"reason": reason}):
                enqueue_after_commit([run.file_id])
                count += 1
    return count


def retry(item_file: ItemFile) -> None:
    """A curator's "Process again": the failed step and those after it run."""
    dead = retries.dead_run(item_file)
    if dead is not None:
        requeue_dead([dead])
    else:
        requeue([item_file.pk])


def reprocess(file_ids: Collection[int], *, steps: Iterable[str] | None = None) -> int:
    """Run the named steps (every step when None) again on these files, then the rest as due.

    A file a worker is processing right now keeps its status; the queued task runs once that
    worker has finished.
    """
    forget = None if steps is None else set(steps)
    with transaction.atomic():
        files = ItemFile.objects.select_for_update().filter(pk__in=file_ids)
        for pk, technical in files.values_list("pk", "technical"):
            # update(), not save(): processing state is no catalogue change to announce.
            ItemFile.objects.filter(pk=pk).update(technical=_without_steps(technical, forget))
        count = _reset(
            ItemFile.objects.filter(pk__in=file_ids).exclude(status=FileStatus.PROCESSING), ""
        )
        enqueue_after_commit(file_ids)
    return count


def set_ocr(item_file: ItemFile, enabled: bool | None) -> None:
    """Switch OCR on or off for a file (None: automatic by item type) and rerun its OCR step."""
    with transaction.atomic():
        ItemFile.objects.filter(pk=item_file.pk).update(ocr=enabled, updated_at=timezone.now())
        reprocess([item_file.pk], steps=["ocr"])
    item_file.refresh_from_db()


def _reset(files: Any, reason: str) -> int:
    return int(
        files.update(
            status=FileStatus.PENDING,
            error=reason,
            worker="",
            next_attempt_at=None,
            updated_at=timezone.now(),
        )
    )


def _without_steps(technical: dict[str, Any] | None, forget: set[str] | None) -> dict[str, Any]:
    """`technical` minus the records of the steps in `forget` (all records when None)."""
    technical = dict(technical or {})
    records = step_records(technical)
    technical["steps"] = (
        {}
        if forget is None
        else {name: record for name, record in records.items() if name not in forget}
    )
    return technical
