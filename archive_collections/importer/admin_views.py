"""The admin's import screen (Archive → Import): upload, dry run, report.

The files a manifest lists are handed to whatever an app above the catalogue registered under
FILE_HAND_OVER_HOOK (archive_site registers the media pipeline's ingest); with nothing
registered the records are imported and the files left in the upload folder.
"""

from __future__ import annotations

from typing import Protocol

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from . import run_import
from .files import FileHandOver
from .progress import Progress, no_progress
from .uploads import UploadRefused, discard, new_upload_folder, store_upload

IMPORT_PERMISSION = "collections.add_item"
URL_NAME = "collections_import"
PROBLEMS_URL_NAME = "collections_import_problems"
SESSION_KEY = "collections_import_problems_csv"
#: A function registered under this hook returns the FileHandOver for imported files; the last
#: one registered is used.
FILE_HAND_OVER_HOOK = "register_archive_import_file_hand_over"


#: A function registered under this hook returns an `ImportProgress`: a progress bar on the
#: import screen that moves while the import runs (archive_site registers the media pipeline's
#: jobs); the last one registered is used. Without one the screen just waits for the report.
IMPORT_PROGRESS_HOOK = "register_archive_import_progress"


class ImportTracker(Protocol):
    progress: Progress

    def end(self, message: str, ok: bool) -> None: ...


class ImportProgress(Protocol):
    def form_html(self, request) -> str:
        """Markup placed in the import form: what the bar needs to find the import's job."""
        ...

    def start(self, request, label: str) -> ImportTracker: ...


def registered_hand_over() -> FileHandOver | None:
    registered = hooks.get_hooks(FILE_HAND_OVER_HOOK)
    return registered[-1]() if registered else None


def registered_progress() -> ImportProgress | None:
    registered = hooks.get_hooks(IMPORT_PROGRESS_HOOK)
    return registered[-1]() if registered else None


class ImportForm(forms.Form):
    manifest = forms.FileField(
        label=gettext_lazy("Manifest"),
        help_text=gettext_lazy(
            "An XLSX workbook, or a .zip holding CSV files (scientists.csv, "
            "fonds.csv, series.csv, items.csv, interviews.csv) and the files "
            "they name."
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: check everything and report, but write nothing"),
        required=False,
        initial=True,
    )


class ImportView(WagtailAdminTemplateMixin, FormView):
    template_name = "collections/admin/import.html"
    form_class = ImportForm
    page_title = gettext_lazy("Import")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(IMPORT_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tracking = registered_progress()
        context["progress_html"] = tracking.form_html(self.request) if tracking else ""
        return context

    def form_valid(self, form):
        folder = new_upload_folder()
        try:
            manifest = store_upload(form.cleaned_data["manifest"], folder)
        except UploadRefused as exc:
            discard(folder)
            form.add_error("manifest", str(exc))
            return self.form_invalid(form)
        dry_run = form.cleaned_data["dry_run"]
        tracking = registered_progress()
        tracker = tracking.start(self.request, manifest.name) if tracking else None
        report = run_import(
            manifest,
            dry_run=dry_run,
            user=self.request.user,
            hand_over=registered_hand_over(),
            progress=tracker.progress if tracker else no_progress,
        )
        if tracker is not None:
            tracker.end(outcome_message(report), report.ok)
        if dry_run or not report.ok:
            discard(folder)  # successful uploads stay: they are the provenance of the import
        self.request.session[SESSION_KEY] = report.problems_csv() if report.problems else ""
        return self.render_to_response(self.get_context_data(form=form, report=report))


def outcome_message(report) -> str:
    if not report.ok:
        return _("%(name)s: %(count)s problems; nothing was written.") % {
            "name": report.source,
            "count": len(report.problems),
        }
    if report.dry_run:
        return _("%(name)s: checked, no problems (dry run, nothing written).") % {
            "name": report.source
        }
    return _("%(name)s: imported.") % {"name": report.source}


def problems_csv(request):
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied
    content = request.session.get(SESSION_KEY)
    if not content:
        raise Http404(_("There is no import report to download."))
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-problems.csv"'
    return response


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("archive/import/", ImportView.as_view(), name=URL_NAME),
        path("archive/import/problems.csv", problems_csv, name=PROBLEMS_URL_NAME),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)


@hooks.register("register_archive_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        gettext_lazy("Import"),
        reverse(URL_NAME),
        name="archive-import",
        icon_name="upload",
        order=10,
    )
