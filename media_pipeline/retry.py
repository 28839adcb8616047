"""Keeping processing going through temporary failures and dead workers.

- A step that fails for a reason that may go away by itself (storage or network unreachable, the
  database busy) is not a verdict on the file: `record_temporary_failure` puts the file back to
  PENDING with `attempts` + 1 and `next_attempt_at` after an exponential backoff; the task
  queues it to run then when the task backend can defer (database and Redis backends can); otherwise
  `manage.py retry_files` (run by cron or at worker start) picks it up when due. After
  MEDIA_RETRY_MAX_ATTEMPTS the file is FAILED with the last error.
- A worker killed mid-step (OOM, power cut, `kill -9`) leaves its file PROCESSING; no step
  record is written for the unfinished step and the file is never DONE. `dead_runs` finds such
  files — their worker process is gone from this host, or they have not moved for
  MEDIA_PROCESSING_TIMEOUT seconds — and `media_pipeline.actions.requeue_dead` closes the dead
  run's task row as FAILED (`WorkerDied`, with the worker and when it was noticed), makes the
  file PENDING with the same reason and queues it again. The admin's file listing shows such a
  run as "Worker died" before anyone has requeued it.
"""

from __future__ import annotations

import errno
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import OperationalError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .errors import TransientStepError
from .models import FileStatus, ItemFile

DEFAULT_MAX_ATTEMPTS = 5
DEFAULT_BACKOFF_SECONDS = 60
DEFAULT_BACKOFF_MAX_SECONDS = 3600
# Longer than any single step should take (a 3-hour video transcode on a laptop included).
DEFAULT_PROCESSING_TIMEOUT = 6 * 3600

# OSError numbers that mean "try again later", not "this file is bad".
_TRANSIENT_ERRNOS = {
    errno.EAGAIN,
    errno.EBUSY,
    errno.ECONNABORTED,
    errno.ECONNREFUSED,
    errno.ECONNRESET,
    errno.EHOSTUNREACH,
    errno.ENETDOWN,
    errno.ENETUNREACH,
    errno.ETIMEDOUT,
    errno.EIO,
    errno.ENOSPC,
    errno.ESTALE,
}
_TRANSIENT_S3_CODES = {
    "InternalError",
    "ServiceUnavailable",
    "SlowDown",
    "RequestTimeout",
    "Throttling",
    "ThrottlingException",
    "RequestTimeTooSkewed",
}


def max_attempts() -> int:
    return int(getattr(settings, "MEDIA_RETRY_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS))


def processing_timeout() -> timedelta:
    seconds = int(getattr(settings, "MEDIA_PROCESSING_TIMEOUT", DEFAULT_PROCESSING_TIMEOUT))
    return timedelta(seconds=seconds)


def backoff(attempt: int) -> timedelta:
    """Delay before attempt number `attempt` + 1: base × 2^(attempt-1), capped."""
    base = int(getattr(settings, "MEDIA_RETRY_BACKOFF_SECONDS", DEFAULT_BACKOFF_SECONDS))
    cap = int(getattr(settings, "MEDIA_RETRY_BACKOFF_MAX_SECONDS", DEFAULT_BACKOFF_MAX_SECONDS))
    return timedelta(seconds=min(cap, base * 2 ** max(attempt - 1, 0)))


def is_transient(exc: BaseException) -> bool:
    """Storage, network and database-busy errors; not bad content, not missing files."""
    if isinstance(exc, TransientStepError | OperationalError | ConnectionError | TimeoutError):
        return True
    if isinstance(exc, FileNotFoundError | PermissionError | IsADirectoryError):
        return False
    if isinstance(exc, OSError):
        return exc.errno in _TRANSIENT_ERRNOS
    return _is_transient_boto(exc)


def _is_transient_boto(exc: BaseException) -> bool:
    try:
        from botocore.exceptions import (
            ClientError,
            HTTPClientError,
        )
        from botocore.exceptions import (
            ConnectionError as BotoConnectionError,
        )
    except ImportError:  # boto3 is installed with django-storages[s3]; local-only installs
        return False
    if isinstance(exc, BotoConnectionError | HTTPClientError):
        return True
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
        return error.get("Code") in _TRANSIENT_S3_CODES or int(status) >= 500
    return False


def worker_identity() -> str:
    """host:pid of this process, stored on the file it is processing."""
    return f"{socket.gethostname()}:{os.getpid()}"


def test_delay(step: str) -> None:
    """Sleep MEDIA_TEST_STEP_DELAYS[step] seconds inside a step.

    Tests only: lets the worker-kill test stop a real worker in the middle of a step. The
    setting is absent (no delay) in every real environment.
    """
    delay = (getattr(settings, "MEDIA_TEST_STEP_DELAYS", None) or {}).get(step)
    if delay:
        time.sleep(float(delay))


def record_temporary_failure(file_id: int, exc: TransientStepError) -> tuple[str, datetime | None]:
    """Put the file back to PENDING with a backoff, or give up after the maximum attempts.

    Returns the new status and, when a retry is due later, when; the task queues that retry.
    """
    item_file = ItemFile.objects.filter(pk=file_id).only("attempts").first()
    if item_file is None:
        return "missing", None
    attempt = item_file.attempts + 1
    now = timezone.now()
    if attempt >= max_attempts():
        message = _(
            "Step “%(step)s” failed %(n)s times with a temporary error; gave up: %(error)s"
        ) % {"step": exc.step, "n": attempt, "error": exc}
        ItemFile.objects.filter(pk=file_id).update(
            status=FileStatus.FAILED,
            error=message,
            attempts=attempt,
            next_attempt_at=None,
            worker="",
            updated_at=now,
        )
        return FileStatus.FAILED, None
    due = now + backoff(attempt)
    message = _(
        "Step “%(step)s” hit a temporary error (attempt %(n)s of %(max)s), will retry "
        "after %(when)s: %(error)s"
    ) % {
        "step": exc.step,
        "n": attempt,
        "max": max_attempts(),
        "when": date_format(timezone.localtime(due), "DATETIME_FORMAT"),
        "error": exc,
    }
    ItemFile.objects.filter(pk=file_id).update(
        status=FileStatus.PENDING,
        error=message,
        attempts=attempt,
        next_attempt_at=due,
        worker="",
        updated_at=now,
    )
    return FileStatus.PENDING, due


class WorkerDied(Exception):
    """The exception recorded on a task row whose worker died while running it."""


@dataclass(frozen=True)
class DeadRun:
    """A file left PROCESSING by a worker that died (or has not moved for the timeout)."""

    file_id: int
    worker: str
    last_progress: datetime
    timed_out: bool

    def reason(self, noticed: datetime) -> str:
        """Why the run ended: the worker, when it last moved, when its death was noticed."""
        if self.timed_out:
            message = _(
                "The worker died: %(worker)s made no progress since %(progress)s "
                "(noticed %(noticed)s)."
            )
        else:
            message = _(
                "The worker died: process %(worker)s is gone (last progress %(progress)s, "
                "noticed %(noticed)s)."
            )
        return message % {
            "worker": self.worker or "?",
            "progress": moment(self.last_progress),
            "noticed": moment(noticed),
        }


def dead_run(item_file: ItemFile, now: datetime | None = None) -> DeadRun | None:
    """The dead run of this file, or None when it is not PROCESSING or its worker lives."""
    if item_file.status != FileStatus.PROCESSING:
        return None
    now = now or timezone.now()
    timed_out = item_file.updated_at < now - processing_timeout()
    if not timed_out and not _worker_is_dead(item_file):
        return None
    return DeadRun(item_file.pk, item_file.worker, item_file.updated_at, timed_out)


def dead_runs(now: datetime | None = None) -> list[DeadRun]:
    """Every file whose run has died, oldest first."""
    now = now or timezone.now()
    processing = ItemFile.objects.filter(status=FileStatus.PROCESSING).order_by("pk")
    files = processing.only("pk", "status", "worker", "updated_at")
    return [run for run in (dead_run(f, now) for f in files) if run is not None]


def stale_files(now: datetime | None = None):
    """PROCESSING files whose worker died here, or that have not moved for the timeout."""
    return ItemFile.objects.filter(pk__in=[run.file_id for run in dead_runs(now)])


def moment(when: datetime) -> str:
    """A time as the messages on files and task rows show it (local time, the site's format)."""
    return date_format(timezone.localtime(when), "DATETIME_FORMAT")


def due_files(now: datetime | None = None):
    """PENDING files waiting for a retry whose time has come."""
    now = now or timezone.now()
    return ItemFile.objects.filter(status=FileStatus.PENDING, next_attempt_at__lte=now)


def _worker_is_dead(item_file: ItemFile) -> bool:
    host, _sep, pid = (item_file.worker or "").rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another host's worker: only the timeout can tell
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by someone else
    return _is_zombie(int(pid))


def _is_zombie(pid: int) -> bool:
    # A killed child not yet reaped by its parent still answers kill(pid, 0).
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rsplit(")", 1)[-1].split()[0] == "Z"
    except OSError:
        return False
