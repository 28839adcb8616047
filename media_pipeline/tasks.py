"""Background processing of ingested files.

`process_item_file(file_id)` runs the steps in STEP_VERSIONS order. Each step's outcome is kept
in `ItemFile.technical["steps"][name]` with the step version and the file's SHA-256: a step done
at its current version for these bytes is skipped, so re-running is cheap, and bumping one
step's version reruns that step alone. The first failing step stops the run and the file is
marked FAILED with the step named in `error`; the task itself never raises, so one bad file
cannot take a worker down. Temporary failures (storage, network, database busy) are retried with
backoff instead, and a file whose worker died mid-step stays PROCESSING, never DONE, until
`manage.py retry_files` requeues it (media_pipeline/retry.py).
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from . import retry
from .av import av_derivatives
from .derivatives import make_derivatives
from .iiif.tiles import make_iiif_tiles
from .models import FileStatus, ItemFile
from .ocr.step import ocr_step
from .pdf import pdf_text_step
from .s3 import iter_span
from .storage import CHUNK_BYTES, master_storage
from .technical import StepError, technical_metadata

logger = logging.getLogger(__name__)

# Bump a step's version when its output changes; files are then reprocessed for that step only.
STEP_VERSIONS = {
    "fixity": 1,
    "technical": 2,
    "derivatives": 2,
    "iiif": 2,
    "av": 1,
    "pdf_text": 1,
    "ocr": 1,
}


def fixity(item_file: ItemFile) -> dict:
    """Re-hash the stored master: what is on the shelf must be what was ingested."""
    storage, name = master_storage(), item_file.master.name
    if not storage.exists(name):
        raise StepError(_("The master file %(name)s is missing from storage.") % {"name": name})
    digest, size = hashlib.sha256(), 0
    # Streamed: on S3 a ranged GET, rather than a full download into a temporary spool first.
    for chunk in iter_span(storage, name, chunk_bytes=CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    if digest.hexdigest() != item_file.sha256 or size != item_file.size:
        raise StepError(
            _(
                "Checksum mismatch: the stored master hashes to %(actual)s (%(size)s bytes), "
                "expected %(expected)s (%(expected_size)s bytes)."
            )
            % {
                "actual": digest.hexdigest(),
                "size": size,
                "expected": item_file.sha256,
                "expected_size": item_file.size,
            }
        )
    return {"fixity": {"sha256": item_file.sha256, "checked_at": timezone.now().isoformat()}}


STEP_FUNCTIONS = {
    "fixity": fixity,
    "technical": technical_metadata,
    "derivatives": make_derivatives,
    "iiif": make_iiif_tiles,
    "av": av_derivatives,
    "pdf_text": pdf_text_step,
    "ocr": ocr_step,
}


@task()
def process_item_file(file_id: int) -> str:
    """Run the pending steps for one ItemFile; returns the resulting status."""
    try:
        return _process(file_id)
    except retry.TransientStepError as exc:
        logger.warning("ItemFile %s: temporary error in step %s: %s", file_id, exc.step, exc)
        return retry.schedule_retry(file_id, exc)
    except Exception as exc:
        logger.exception("Processing ItemFile %s failed unexpectedly", file_id)
        message = _("Processing stopped unexpectedly: %(error)s") % {"error": _describe(exc)}
        _update(file_id, status=FileStatus.FAILED, error=message, worker="")
        return FileStatus.FAILED


def _process(file_id: int) -> str:
    item_file = ItemFile.objects.filter(pk=file_id).first()
    if item_file is None:
        logger.info("ItemFile %s was deleted before it could be processed", file_id)
        return "missing"
    # Claim the file; a duplicate task for a file another worker is processing does nothing.
    # A file left PROCESSING by a dead worker is made PENDING again by `manage.py retry_files`.
    claimed = (
        ItemFile.objects.filter(pk=file_id)
        .exclude(status=FileStatus.PROCESSING)
        .update(
            status=FileStatus.PROCESSING,
            error="",
            worker=retry.worker_identity(),
            updated_at=timezone.now(),
        )
    )
    if not claimed:
        return "busy"
    technical = dict(item_file.technical or {})
    # Later steps read what earlier ones found (derivatives use the technical step's pages).
    item_file.technical = technical
    steps = technical.setdefault("steps", {})
    for name, version in STEP_VERSIONS.items():
        if _is_current(steps.get(name), version, item_file.sha256):
            continue
        error = _run_step(name, version, item_file, technical)
        if not _update(file_id, technical=technical):
            return "missing"
        if error:
            message = _("Step “%(step)s” failed: %(error)s") % {"step": name, "error": error}
            _update(
                file_id, status=FileStatus.FAILED, error=message, worker="", next_attempt_at=None
            )
            return FileStatus.FAILED
    _update(file_id, status=FileStatus.DONE, error="", worker="", attempts=0, next_attempt_at=None)
    # Steps store page text and technical data with update()/bulk writes, which send no model
    # signals: hand the item to the search index now that its text is complete.
    from search.indexing import schedule_items

    schedule_items([item_file.item_id])
    return FileStatus.DONE


def _is_current(record: dict | None, version: int, sha256: str) -> bool:
    return (
        bool(record)
        and record.get("status") == "done"
        and (record.get("version") == version and record.get("sha256") == sha256)
    )


def _run_step(name: str, version: int, item_file: ItemFile, technical: dict) -> str:
    """Run one step, merge its output into `technical`, record its outcome; return the error."""
    started = time.monotonic()
    error = ""
    try:
        retry.test_delay(name)
        technical.update(STEP_FUNCTIONS[name](item_file))
    except StepError as exc:
        error = str(exc)
    except Exception as exc:
        if retry.is_transient(exc):
            raise retry.TransientStepError(name, exc) from exc
        logger.exception("Step %s failed for ItemFile %s", name, item_file.pk)
        error = _describe(exc)
    technical["steps"][name] = {
        "version": version,
        "sha256": item_file.sha256,
        "status": "failed" if error else "done",
        "seconds": round(time.monotonic() - started, 3),
        "error": error,
        "finished_at": timezone.now().isoformat(),
    }
    return error


def _describe(exc: Exception) -> str:
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__


def _update(file_id: int, **fields) -> bool:
    """Write fields straight to the row; False when the row is gone (deleted meanwhile)."""
    fields["updated_at"] = timezone.now()
    return ItemFile.objects.filter(pk=file_id).update(**fields) > 0
