"""Progress of long admin jobs: one record, one JSON endpoint, one progress bar.

A job is a `models.Job` row. Two kinds of progress share it:

- **Files followed** (reprocessing, a replaced master, "Process all files again"):
  `follow_files(user, label, file_ids, item=…)` after queueing the files. Workers write
  nothing extra: each poll counts the followed files that have left PENDING/PROCESSING since
  the job began (a file a worker was busy with when the job began may count once its current
  run ends), and the job finishes when all have, FAILED if any file failed.
- **A counter the job moves itself** (an import, a batch run as a task):
  `job = start(user, kind, label, total=N)`, then `job_bar(job)` wherever something takes the
  importer's `Progress` shape (`progress(total, description) -> bar` with `update(n)` and
  `close()`; each call starts a phase with its own total), or `advance(job, n)`; at the end
  `finish(job, message)` or `fail(job, message)`. Updates are single-row UPDATEs, so a job in
  another process (a task worker) is seen by the endpoint at once. A job moved inside a long
  transaction (the importer writes in one) would show nothing until the commit, so the counter
  is also kept in Django's cache, which the endpoint prefers while the job runs: Redis in
  production is shared by every worker; the local-memory cache of dev is one process's.

The endpoint (`status_url(job)`, under /admin/) answers only the user who started the job (or a
superuser) with `snapshot(job)`: {"id", "label", "phase", "done", "total", "percent",
"state", "finished", "message"}. `media_pipeline/static/media_pipeline/admin-jobs.js` draws a
bar for every `[data-job-url]` element, polls every 1.5 s and, when the job has finished, shows
`message` as a Wagtail admin message.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import FileStatus, ItemFile, Job, JobState

STATUS_URL_NAME = "media_pipeline_job_status"
KEY_STATUS_URL_NAME = "media_pipeline_job_status_by_key"
#: How long the cache keeps a counter after its last move.
MIRROR_SECONDS = 6 * 3600
#: Jobs a page shows on load: recent ones, so a finished job's bar is not shown for ever.
RECENT_SECONDS = 3600


def start(user, kind: str, label: str, *, total: int = 0, item=None, key=None) -> Job:
    """A counter job; move it with `advance`, `job_bar`, and end it with `finish` or `fail`.

    `key`: a random token the page already polls by (`key_status_url`); a key already used
    starts a job without one.
    """
    if key and Job.objects.filter(key=key).exists():
        key = None
    return Job.objects.create(
        user=_saved_user(user),
        kind=kind,
        label=label[:300],
        total=total,
        item=item,
        key=key or None,
    )


def follow_files(user, label: str, file_ids: Collection[int], *, item=None) -> Job:
    """A job that is done when each of these files' processing has ended."""
    return Job.objects.create(
        user=_saved_user(user),
        kind="files",
        label=label[:300],
        total=len(file_ids),
        files=sorted(set(file_ids)),
        item=item,
    )


def advance(job: Job, n: int = 1) -> None:
    Job.objects.filter(pk=job.pk).update(done=F("done") + n, updated_at=timezone.now())
    job.done += n
    _mirror(job)


def set_phase(job: Job, phase: str, total: int) -> None:
    Job.objects.filter(pk=job.pk).update(
        phase=phase[:100], total=total, done=0, updated_at=timezone.now()
    )
    job.phase, job.total, job.done = phase[:100], total, 0
    _mirror(job)


def finish(job: Job, message: str = "") -> None:
    _end(job, JobState.DONE, message)


def fail(job: Job, message: str) -> None:
    _end(job, JobState.FAILED, message)


class JobBar:
    """One phase of a counter job, in the shape the importer's progress bars have."""

    def __init__(self, job: Job, total: int, description: str):
        self.job = job
        set_phase(job, description, total)

    def update(self, n: int = 1) -> None:
        advance(self.job, n)

    def close(self) -> None:
        pass


def job_bar(job: Job):
    """A `Progress` factory (archive_collections.importer.progress) that moves this job."""

    def progress(total: int, description: str) -> JobBar:
        return JobBar(job, total, description)

    return progress


def status_url(job: Job) -> str:
    return reverse(STATUS_URL_NAME, args=[job.pk])


def key_status_url(key: str) -> str:
    return reverse(KEY_STATUS_URL_NAME, args=[key])


def new_key() -> str:
    return secrets.token_urlsafe(24)


def recent_for(user, item) -> list[Job]:
    """This user's jobs on this item started within the last hour, newest first."""
    since = timezone.now() - timedelta(seconds=RECENT_SECONDS)
    jobs = Job.objects.filter(user=user, item=item, created_at__gte=since)
    return list(jobs.order_by("-created_at")[:5])


def visible_job(user, pk: int | None = None, *, key: str | None = None) -> Job | None:
    """The job if this user started it (any job for a superuser), else None."""
    if key is not None:
        job = Job.objects.filter(key=key).first()
    else:
        job = Job.objects.filter(pk=pk).first() if pk is not None else None
    if job is None or not (user.is_superuser or job.user_id == user.pk):
        return None
    return job


def snapshot(job: Job) -> dict[str, Any]:
    """The job's progress now; a files job that has just ended is marked finished here."""
    if job.state == JobState.RUNNING and job.files:
        _update_from_files(job)
    elif job.state == JobState.RUNNING:
        mirrored = cache.get(_cache_key(job))
        if mirrored:
            job.phase, job.total, job.done = mirrored
    percent = 100 if job.state != JobState.RUNNING else _percent(job.done, job.total)
    return {
        "id": job.pk,
        "label": job.label,
        "phase": job.phase,
        "done": job.done,
        "total": job.total,
        "percent": percent,
        "state": job.state,
        "finished": job.state != JobState.RUNNING,
        "message": job.message,
    }


def _update_from_files(job: Job) -> None:
    files = ItemFile.objects.filter(pk__in=job.files)
    states = list(files.values_list("status", "updated_at"))
    ended = [
        status
        for status, updated in states
        if status in (FileStatus.DONE, FileStatus.FAILED) and updated >= job.created_at
    ]
    gone = len(job.files) - len(states)  # deleted meanwhile: nothing left to wait for
    done = len(ended) + gone
    if done < len(job.files):
        if done != job.done:
            Job.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())
            job.done = done
        return
    failed = ended.count(FileStatus.FAILED)
    job.done = done
    if failed:
        message = ngettext(
            "%(label)s: finished, %(failed)s file failed.",
            "%(label)s: finished, %(failed)s files failed.",
            failed,
        ) % {"label": job.label, "failed": failed}
        _end(job, JobState.FAILED, message)
    else:
        _end(job, JobState.DONE, _("%(label)s: finished.") % {"label": job.label})


def _mirror(job: Job) -> None:
    cache.set(_cache_key(job), (job.phase, job.total, job.done), MIRROR_SECONDS)


def _cache_key(job: Job) -> str:
    return f"media_pipeline:job:{job.pk}"


def _end(job: Job, state: str, message: str) -> None:
    cache.delete(_cache_key(job))
    now = timezone.now()
    fields: dict[str, Any] = {"state": state, "message": message, "finished_at": now}
    if state == JobState.DONE or job.files:
        fields["done"] = F("total") if not job.files else job.done
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(updated_at=now, **fields)
    job.refresh_from_db()


def _percent(done: int, total: int) -> int:
    if total <= 0:
        return 0
    return min(99, done * 100 // total)


def _saved_user(user):
    return user if user is not None and user.is_authenticated else None
