"""The admin's side of long jobs (`jobs`): progress endpoints, "My jobs", the dashboard panel,
the end told on the next admin page, and the progress bars of the import and batch screens.

`/admin/media/jobs/<pk>/` and `/admin/media/jobs/key/<key>/` answer `jobs.snapshot` as JSON to
the user who started the job (404 for anyone else's job by number; by key, "pending" until the
request that sent the key has started the job, and for anyone else's).

`/admin/media/jobs/` ("My jobs") lists the user's jobs with a bar each; admin-jobs.js moves the
bars, and without JavaScript the page reloads itself every few seconds while a job runs.

`JobNotificationMiddleware` tells a curator, as an admin message on their next admin page, each
job of theirs that ended while no bar was watching it (`jobs.take_ended`).

`FormJobs` fills the catalogue's IMPORT_PROGRESS_HOOK and BATCH_PROGRESS_HOOK
(archive_site/wagtail_hooks.py registers them): the form carries a fresh key and a hidden bar
that starts polling when the form is submitted; the work, running in that request, moves the
job through the importer's progress shape and ends it with its outcome, or (a batch edit) hands
it to a follower that waits for the search index to take the change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.http import Http404, JsonResponse
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.users.models import UserProfile

from . import jobs
from .models import JobState

#: The form field that carries the key of the job a submitted form starts.
KEY_FIELD = "job_key"
MY_JOBS_URL_NAME = "media_pipeline_my_jobs"
#: Seconds between reloads of "My jobs" without JavaScript while a job runs.
REFRESH_SECONDS = 3
#: Jobs the dashboard panel shows.
PANEL_JOBS = 5
#: Where a job on an item's files leads back to.
ITEM_EDIT_URL_NAME = "wagtailsnippets_collections_item:edit"


def _answer(request, job):
    if job is None:
        raise Http404
    response = JsonResponse(jobs.snapshot(job, tell=job.user_id == request.user.pk))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def job_status(request, pk: int):
    """The progress of a job the user started (jobs.snapshot); 404 for anyone else's."""
    return _answer(request, jobs.visible_job(request.user, pk))


@require_GET
def job_status_by_key(request, key: str):
    """A page polls by the key it sent before its request has started the job: until then
    (and for a key that is not the user's) the answer is "pending", and the bar asks again."""
    job = jobs.visible_job(request.user, key=key)
    if job is None:
        response = JsonResponse({"state": "pending", "finished": False})
        response["Cache-Control"] = "no-store"
        return response
    return _answer(request, job)


def job_rows(user, limit: int) -> list[dict]:
    """Each job with what its bar needs (every job is brought up to date first)."""
    rows = []
    for job in jobs.mine(user, limit):
        progress = jobs.snapshot(job, tell=True)
        link = job.url or (reverse(ITEM_EDIT_URL_NAME, args=[job.item_id]) if job.item_id else "")
        rows.append({"job": job, "url": jobs.status_url(job), "progress": progress, "link": link})
    return rows


class MyJobsView(WagtailAdminTemplateMixin, TemplateView):
    """Every admin user sees only the jobs they started."""

    template_name = "media_pipeline/admin/my_jobs.html"
    page_title = gettext_lazy("My jobs")
    header_icon = "time"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = job_rows(self.request.user, 50)
        context["job_rows"] = rows
        context["refresh_seconds"] = (
            REFRESH_SECONDS if any(r["job"].state == JobState.RUNNING for r in rows) else 0
        )
        return context


class JobsPanel(Component):
    """The dashboard's "My jobs" panel: the user's latest jobs, with bars while they run."""

    name = "my_jobs"
    order = 60
    template_name = "media_pipeline/admin/jobs_panel.html"

    def __init__(self, request):
        self.request = request

    def render_html(self, parent_context=None):
        rows = job_rows(self.request.user, PANEL_JOBS)
        if not rows:
            return ""
        context = {"job_rows": rows, "all_url": reverse(MY_JOBS_URL_NAME)}
        return render_to_string(self.template_name, context, request=self.request)


class JobNotificationMiddleware:
    """On an admin page, tell the user of each job of theirs that ended unwatched, once.

    Only GETs of the admin, and not the progress endpoints (they tell through the bar)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._admin = ""
        self._jobs = ""

    def __call__(self, request):
        if request.method == "GET" and self._watches(request.path):
            untold = jobs.untold(getattr(request, "user", None))
            if untold:
                # The admin's language is the user's own (Wagtail sets it only in its views).
                language = UserProfile.get_for_user(request.user).get_preferred_language()
                with translation.override(language):
                    self._tell(request, jobs.take_ended(untold))
        return self.get_response(request)

    def _tell(self, request, ended) -> None:
        for job in ended:
            text = job.message or job.label
            if job.state == JobState.FAILED:
                messages.error(request, text)
            else:
                messages.success(request, text)

    def _watches(self, path_info: str) -> bool:
        if not self._admin:
            self._admin = reverse("wagtailadmin_home")
            self._jobs = reverse(MY_JOBS_URL_NAME)
        return path_info.startswith(self._admin) and not path_info.startswith(self._jobs)


class Tracker:
    """One job started by a form: `progress` for the work, then `end` or `follow`."""

    def __init__(self, job, follower: str = "", keys_of: Callable | None = None):
        self.job = job
        self.progress = jobs.job_bar(job)
        self.url = f"{reverse(MY_JOBS_URL_NAME)}#job-{job.pk}"
        self._follower = follower
        self._keys_of = keys_of

    def end(self, message: str, ok: bool) -> None:
        (jobs.finish if ok else jobs.fail)(self.job, message)

    def applied(self, model, pks: Iterable[int], message: str) -> None:
        """The work committed: wait for what it set going (the search index), then `message`."""
        if not self._follower or self._keys_of is None:
            self.end(message, True)
            return
        keys = self._keys_of(model, pks)
        jobs.follow(
            self.job, self._follower, keys, phase=_("Updating the search index"), message=message
        )


class FormJobs:
    """What the import and batch screens ask of the pipeline's jobs (the catalogue's hooks).

    `follower` and `keys_of(model, pks)`: what a batch's job waits for once it has committed."""

    def __init__(self, kind: str, follower: str = "", keys_of: Callable | None = None):
        self.kind = kind
        self.follower = follower
        self.keys_of = keys_of

    def form_html(self, request) -> str:
        key = jobs.new_key()
        context = {"key": key, "field": KEY_FIELD, "url": jobs.key_status_url(key)}
        return render_to_string("media_pipeline/admin/job_pending.html", context, request=request)

    def start(self, request, label: str, url: str = "") -> Tracker:
        key = request.POST.get(KEY_FIELD, "")[:64]
        job = jobs.start(request.user, self.kind, label, key=key, url=url or request.path)
        return Tracker(job, self.follower, self.keys_of)


def job_urls():
    """Under /admin/, registered with the files section's (admin_item_files.admin_urls)."""
    return [
        path("media/jobs/", MyJobsView.as_view(), name=MY_JOBS_URL_NAME),
        path("media/jobs/<int:pk>/", job_status, name=jobs.STATUS_URL_NAME),
        path("media/jobs/key/<str:key>/", job_status_by_key, name=jobs.KEY_STATUS_URL_NAME),
    ]
