"""The admin's progress endpoints for `jobs`, and the import screen's progress bar.

`/admin/media/jobs/<pk>/` and `/admin/media/jobs/key/<key>/` answer `jobs.snapshot` as JSON to
the user who started the job (404 for anyone else, and for a key no job has taken yet, which a
page polling before its request has started the job simply asks again).

`ImportJobs` fills the catalogue's IMPORT_PROGRESS_HOOK (archive_site/wagtail_hooks.py
registers it): the import form carries a fresh key and a hidden bar that starts polling when
the form is submitted; the import, running in that request, moves the job through the
importer's progress bars and ends it with the report's outcome.
"""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.urls import path
from django.views.decorators.http import require_GET

from . import jobs

#: The form field that carries the key of the job a submitted form starts.
KEY_FIELD = "job_key"


def _answer(job):
    if job is None:
        raise Http404
    response = JsonResponse(jobs.snapshot(job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def job_status(request, pk: int):
    """The progress of a job the user started (jobs.snapshot); 404 for anyone else's."""
    return _answer(jobs.visible_job(request.user, pk))


@require_GET
def job_status_by_key(request, key: str):
    return _answer(jobs.visible_job(request.user, key=key))


class JobTracker:
    """One import's job: `progress` for the importer, `end` with the report's outcome."""

    def __init__(self, job):
        self.job = job
        self.progress = jobs.job_bar(job)

    def end(self, message: str, ok: bool) -> None:
        (jobs.finish if ok else jobs.fail)(self.job, message)


class ImportJobs:
    """What the import screen asks of the pipeline's jobs (archive_collections' hook)."""

    def form_html(self, request) -> str:
        key = jobs.new_key()
        context = {"key": key, "field": KEY_FIELD, "url": jobs.key_status_url(key)}
        return render_to_string("media_pipeline/admin/job_pending.html", context, request=request)

    def start(self, request, label: str) -> JobTracker:
        key = request.POST.get(KEY_FIELD, "")[:64]
        return JobTracker(jobs.start(request.user, "import", label, key=key))


def job_urls():
    """Under /admin/, registered with the files section's (admin_item_files.admin_urls)."""
    return [
        path("media/jobs/<int:pk>/", job_status, name=jobs.STATUS_URL_NAME),
        path("media/jobs/key/<str:key>/", job_status_by_key, name=jobs.KEY_STATUS_URL_NAME),
    ]
