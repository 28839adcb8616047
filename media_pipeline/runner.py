"""Running the registered steps on one file.

`process(file_id)` claims the file, runs in registry order every step not yet done at its
current version for these bytes, and records each outcome in `ItemFile.technical["steps"][name]`
(version, SHA-256, status, seconds, error, finished_at): bumping one step's version reruns that
step alone. The first failing step stops the run and the file is marked FAILED with the step
named in `error`; nothing is raised, so one bad file cannot take a worker down. Temporary
failures (storage, network, database busy) put the file back to PENDING with a backoff instead
(retry.py), and a file whose worker died mid-step stays PROCESSING, never DONE, until
`manage.py retry_files` requeues it. When processing ends, `signals.file_processed` is sent.

With `early=True` (the task's first pass) the run stops before the first pending late step
that applies to the file (`Step.late`: OCR), puts the file back to PENDING and answers "later";
the task queues the late pass behind the other files' first passes. A file is DONE only after
its late steps.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import retry, signals
from .errors import StepError, TransientStepError, describe
from .models import FileStatus, ItemFile
from .results import StepRecord, step_records
from .steps import registry as default_registry
from .steps.base import Step
from .steps.registry import StepRegistry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    """How a run ended: a FileStatus value, "missing" or "busy"; `retry_at` when one is due."""

    status: str
    retry_at: datetime | None = None


#: `Outcome.status` of a first pass that left late steps for a second task.
LATER = "later"


def process(file_id: int, registry: StepRegistry | None = None, *, early: bool = False) -> Outcome:
    """Run the pending steps for one ItemFile (with `early`, up to the first pending late step);
    never raises."""
    try:
        return _process(file_id, default_registry if registry is None else registry, early)
    except TransientStepError as exc:
        logger.warning("ItemFile %s: temporary error in step %s: %s", file_id, exc.step, exc)
        status, due = retry.record_temporary_failure(file_id, exc)
        if status == FileStatus.FAILED:
            _announce(file_id, status)
        return Outcome(status, due)
    except Exception as exc:
        logger.exception("Processing ItemFile %s failed unexpectedly", file_id)
        message = _("Processing stopped unexpectedly: %(error)s") % {"error": describe(exc)}
        return _finish(file_id, FileStatus.FAILED, error=message)


def _process(file_id: int, registry: StepRegistry, early: bool = False) -> Outcome:
    item_file = ItemFile.objects.select_related("item").filter(pk=file_id).first()
    if item_file is None:
        logger.info("ItemFile %s was deleted before it could be processed", file_id)
        return Outcome("missing")
    if not _claim(file_id):
        return Outcome("busy")
    # Later steps read what earlier ones found (derivatives use the technical step's pages).
    technical: dict[str, Any] = dict(item_file.technical or {})
    technical["steps"] = step_records(technical)
    item_file.technical = technical
    for step in registry:
        if _is_current(technical["steps"].get(step.name), step.version, item_file.sha256):
            continue
        if early and step.late and step.applies_to(item_file):
            _update(file_id, status=FileStatus.PENDING, worker="")
            return Outcome(LATER)
        error = _run_step(step, item_file, technical)
        if not _update(file_id, technical=technical):
            return Outcome("missing")
        if error:
            message = _("Step “%(step)s” failed: %(error)s") % {"step": step.name, "error": error}
            return _finish(file_id, FileStatus.FAILED, error=message)
    return _finish(file_id, FileStatus.DONE, attempts=0)


def _claim(file_id: int) -> bool:
    """Mark the file PROCESSING by this worker, unless another worker is processing it.

    A duplicate task for a file being processed then does nothing; a file left PROCESSING by a
    dead worker is made PENDING again by `manage.py retry_files`.
    """
    return bool(
        ItemFile.objects.filter(pk=file_id)
        .exclude(status=FileStatus.PROCESSING)
        .update(
            status=FileStatus.PROCESSING,
            error="",
            worker=retry.worker_identity(),
            updated_at=timezone.now(),
        )
    )


def _is_current(record: StepRecord | None, version: int, sha256: str) -> bool:
    return (
        record is not None
        and record.get("status") == "done"
        and record.get("version") == version
        and record.get("sha256") == sha256
    )


def _run_step(step: Step, item_file: ItemFile, technical: dict[str, Any]) -> str:
    """Run one step, merge its result into `technical`, record its outcome; return the error."""
    started = time.monotonic()
    error = ""
    try:
        retry.test_delay(step.name)
        applies = step.applies_to(item_file)
        result = step.run(item_file) if applies else step.skip(item_file)
        technical.update(result.contribution())
    except StepError as exc:
        error = str(exc)
    except Exception as exc:
        if retry.is_transient(exc):
            raise TransientStepError(step.name, exc) from exc
        logger.exception("Step %s failed for ItemFile %s", step.name, item_file.pk)
        error = describe(exc)
    technical["steps"][step.name] = StepRecord(
        version=step.version,
        sha256=item_file.sha256,
        status="failed" if error else "done",
        seconds=round(time.monotonic() - started, 3),
        error=error,
        finished_at=timezone.now().isoformat(),
    )
    return error


def _finish(file_id: int, status: str, *, error: str = "", **fields: Any) -> Outcome:
    """Store the final status and tell the apps above that the file's processing ended."""
    if not _update(file_id, status=status, error=error, worker="", next_attempt_at=None, **fields):
        return Outcome("missing")
    _announce(file_id, status)
    return Outcome(status)


def _announce(file_id: int, status: str) -> None:
    item_id = ItemFile.objects.filter(pk=file_id).values_list("item_id", flat=True).first()
    if item_id is None:
        return
    transaction.on_commit(
        lambda: signals.file_processed.send(
            sender=ItemFile, item_file_id=file_id, item_id=item_id, status=status
        )
    )


def _update(file_id: int, **fields: Any) -> bool:
    """Write fields straight to the row; False when the row is gone (deleted meanwhile)."""
    fields["updated_at"] = timezone.now()
    return ItemFile.objects.filter(pk=file_id).update(**fields) > 0
