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

- **Work elsewhere followed** (a batch edit's search reindex, run by a task worker): a counter
  job hands over to a follower an upper app registered under FOLLOWER_HOOK (a name and
  `remaining(keys)`, how many of the keys are still waiting) with
  `follow(job, name, keys, phase=…, message=…)`; each poll asks the follower, and the job
  finishes with `message` when nothing is waiting.

The endpoint (`status_url(job)`, under /admin/) answers only the user who started the job (or a
superuser) with `snapshot(job)`: {"id", "label", "phase", "done", "total", "percent", "state",
"state_label", "finished", "message", "announce"}.
`media_pipeline/static/media_pipeline/admin-jobs.js` draws a bar for every `[data-job-url]`
element, polls every 1.5 s and, when the job has finished, shows `message` as a Wagtail admin
message if `announce` says this answer is the first to tell its owner. Whoever tells first marks
the job `notified`: that poll, or the owner's next admin page (`untold` and `take_ended`, asked
by admin_progress.JobNotificationMiddleware), so an end that happened while the curator was
elsewhere still reaches them once.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Collection, Iterable
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks

from .models import FileStatus, ItemFile, Job, JobState

STATUS_URL_NAME = "media_pipeline_job_status"
KEY_STATUS_URL_NAME = "media_pipeline_job_status_by_key"
#: How long the cache keeps a counter after its last move.
MIRROR_SECONDS = 6 * 3600
#: Jobs a page shows on load: recent ones, so a finished job's bar is not shown for ever.
RECENT_SECONDS = 3600
#: A counter job nothing has moved for this long (its process ended without saying so) is failed.
STALE_SECONDS = MIRROR_SECONDS

#: Apps above the pipeline register work a job may wait for under this hook: a function
#: returning (name, remaining), where remaining(keys) says how many of the keys the work still
#: has to do (search registers its reindex queue). A Wagtail hook, not a module-level registry,
#: so the first admin request of a process finds it before any view has loaded the hooks.
FOLLOWER_HOOK = "register_media_job_follower"
Follower = Callable[[list[str]], int]


def followers() -> dict[str, Follower]:
    return dict(fn() for fn in hooks.get_hooks(FOLLOWER_HOOK))


def start(
    user, kind: str, label: str, *, total: int = 0, item=None, key=None, url: str = ""
) -> Job:
    """A counter job; move it with `advance`, `job_bar`, and end it with `finish`, `fail` or
    `follow`.

    `key`: a random token the page already polls by (`key_status_url`); a key already used
    starts a job without one. `url`: where the job's work is seen, linked from "My jobs".
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
        url=url[:500],
    )


def follow_files(user, label: str, file_ids: Collection[int], *, item=None, url: str = "") -> Job:
    """A job that is done when each of these files' processing has ended."""
    return Job.objects.create(
        user=_saved_user(user),
        kind="files",
        label=label[:300],
        total=len(file_ids),
        files=sorted(set(file_ids)),
        item=item,
        url=url[:500],
    )


def follow(job: Job, follower: str, keys: Iterable[str], *, phase: str, message: str) -> None:
    """The job now waits for work elsewhere: `follower` (registered) counts how many of `keys`
    are still waiting; the job finishes with `message` once none is."""
    if follower not in followers():
        raise ValueError(f"no job follower named {follower!r} is registered")
    keys = sorted(set(keys))
    now = timezone.now()
    Job.objects.filter(pk=job.pk).update(
        follows=follower,
        keys=keys,
        phase=phase[:100],
        total=len(keys),
        done=0,
        message=message,
        updated_at=now,
    )
    job.follows, job.keys, job.phase, job.message = follower, keys, phase[:100], message
    job.total, job.done = len(keys), 0
    cache.delete(_cache_key(job))
    if not keys:
        _end(job, JobState.DONE, message)


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


def mine(user, limit: int = 50) -> list[Job]:
    """The jobs this user started, newest first ("My jobs")."""
    return list(Job.objects.filter(user=user).order_by("-created_at", "-pk")[:limit])


def untold(user) -> list[Job]:
    """This user's jobs whose end they have not been told of (running ones included): one
    query, asked on every admin page."""
    if user is None or not user.is_authenticated:
        return []
    return list(Job.objects.filter(user=user, notified=False).order_by("created_at", "pk"))


def take_ended(untold_jobs: list[Job]) -> list[Job]:
    """Those of these jobs (`untold`) that have ended, now marked told.

    Jobs following files or other work are brought up to date first (nobody may be polling
    them), so their end message is written in the language active here; a counter job whose
    process died without ending it is failed.
    """
    ended = []
    for job in untold_jobs:
        if job.state == JobState.RUNNING:
            if job.files or job.follows:
                snapshot(job)
            else:
                _fail_if_stale(job)
        if job.state != JobState.RUNNING and _claim(job):
            ended.append(job)
    return ended


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


def snapshot(job: Job, *, tell: bool = False) -> dict[str, Any]:
    """The job's progress now; a followed job that has just ended is marked finished here.

    `tell`: the answer goes to the job's owner, so an ended job is marked told, and
    "announce" is true for the first answer that tells them.
    """
    if job.state == JobState.RUNNING and job.files:
        _update_from_files(job)
    elif job.state == JobState.RUNNING and job.follows:
        _update_from_follower(job)
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
        "state_label": str(JobState(job.state).label),
        "finished": job.state != JobState.RUNNING,
        "message": job.message,
        "announce": tell and job.state != JobState.RUNNING and _claim(job),
    }


def _claim(job: Job) -> bool:
    """Mark the job told; True for the one caller that did it first."""
    if job.notified:
        return False
    job.notified = True
    return Job.objects.filter(pk=job.pk, notified=False).update(notified=True) == 1


def _update_from_follower(job: Job) -> None:
    remaining_of = followers().get(job.follows)
    if remaining_of is None:
        fail(job, _("%(label)s: its progress can no longer be followed.") % {"label": job.label})
        return
    remaining = remaining_of(list(job.keys)) if job.keys else 0
    done = max(len(job.keys) - remaining, 0)
    if remaining:
        if done != job.done:
            Job.objects.filter(pk=job.pk).update(done=done, updated_at=timezone.now())
            job.done = done
        return
    _end(job, JobState.DONE, job.message)


def _fail_if_stale(job: Job) -> None:
    quiet_since = timezone.now() - timedelta(seconds=STALE_SECONDS)
    if job.updated_at < quiet_since and cache.get(_cache_key(job)) is None:
        fail(job, _("%(label)s: stopped without finishing.") % {"label": job.label})


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
