"""The files of an Item in its edit view: per-step status, and what curators do to them.

`ItemFilesMixin` gives the Item's snippet edit view (admin_upload.ItemEditView, registered
under the catalogue's ITEM_EDIT_VIEW_HOOK by archive_site) a "Files" section above the form:
thumbnail, order, label, each step's state (done, failed with its error, running, waiting) and
the OCR switch. The section sits outside the edit form, so its actions are forms of their own
posting to the views below (all under /admin/media/, each taking the item's or the file's pk):
save order and labels, move a file up or down, process a file (one step, the failed step on,
or every step) or all the item's files again, switch OCR, replace the master. Each action
needs the permission to change items and an item the user may see under the access policy
(403 without the permission, 404 for an item hidden from them, as for one that does not
exist). Processing actions start a `jobs` record whose progress bar the section shows
(admin_progress.py answers its polls).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.permission_policies import ModelPermissionPolicy

from archive_collections.models import Item

from . import actions, admin_progress, jobs, retry
from .ingest import IngestError
from .models import FileStatus, ItemFile, JobState
from .replace import replace_master
from .steps import registry

# The Item snippet viewset's URL namespace (wagtailsnippets_<app label>_<model name>).
ITEM_URLS = "wagtailsnippets_collections_item"
SECTION_ANCHOR = "item-files"
#: Files listed at first on an item with more (the rest on "Show all files").
FILES_SHOWN = 60

STEP_LABELS = {
    "fixity": gettext_lazy("Fixity"),
    "technical": gettext_lazy("Technical metadata"),
    "derivatives": gettext_lazy("Web copies"),
    "iiif": gettext_lazy("IIIF tiles"),
    "av": gettext_lazy("Audio/video copy"),
    "pdf_text": gettext_lazy("PDF text"),
    "ocr": gettext_lazy("OCR"),
}
STEP_STATE_LABELS = {
    "done": gettext_lazy("done"),
    "failed": gettext_lazy("failed"),
    "running": gettext_lazy("running"),
    "waiting": gettext_lazy("waiting"),
}
OCR_CHOICES = [
    ("auto", gettext_lazy("Automatic (by item type)")),
    ("on", gettext_lazy("On")),
    ("off", gettext_lazy("Off")),
]
OCR_VALUES = {"auto": None, "on": True, "off": False}
#: The "step" of a processing request that means "the failed step and those after it".
FROM_FAILED = "failed"
ALL_STEPS = ""

item_permission_policy = ModelPermissionPolicy(Item)


def step_label(name: str) -> str:
    return str(STEP_LABELS.get(name, name))


@dataclass
class StepState:
    name: str
    label: str
    state: str  # one of STEP_STATE_LABELS
    error: str = ""
    seconds: float | None = None
    finished_at: datetime | None = None

    @property
    def state_label(self) -> str:
        return str(STEP_STATE_LABELS[self.state])


@dataclass
class FileRow:
    file: ItemFile
    steps: list[StepState]
    status_label: str
    failed: bool
    busy: bool
    message: str
    replaced: list = field(default_factory=list)

    @property
    def failed_step(self) -> StepState | None:
        return next((s for s in self.steps if s.state == "failed"), None)

    @property
    def ocr_value(self) -> str:
        return {None: "auto", True: "on", False: "off"}[self.file.ocr]


def step_states(item_file: ItemFile, *, running: bool) -> list[StepState]:
    """Each registered step's state for this file, in the order the steps run.

    A step's record counts when it is for the file's current bytes and the step's current
    version (what the runner skips); while the file is being processed the first step without
    such a record is the one running, and the rest wait.
    """
    records = (item_file.technical or {}).get("steps") or {}
    states: list[StepState] = []
    seen_open = False
    for step in registry:
        record = records.get(step.name) or {}
        current = record.get("version") == step.version and record.get("sha256") == item_file.sha256
        status = record.get("status") if current else None
        if status == "done":
            state = "done"
        elif status == "failed" and not (running and not seen_open):
            state = "failed"
        elif running and not seen_open:
            state = "running"
        else:
            state = "waiting"
        seen_open = seen_open or state != "done"
        states.append(
            StepState(
                step.name,
                step_label(step.name),
                state,
                error=record.get("error", "") if state == "failed" else "",
                seconds=record.get("seconds") if current else None,
                finished_at=parse_datetime(record.get("finished_at") or "") if current else None,
            )
        )
    return states


def file_rows(item) -> list[FileRow]:
    """The item's files in order, each with its steps' states (one query for the files)."""
    now = timezone.now()
    rows = []
    files = ItemFile.objects.filter(item=item).prefetch_related("replaced_masters")
    for item_file in files.order_by("sequence", "pk"):
        dead = retry.dead_run(item_file, now)
        running = item_file.status == FileStatus.PROCESSING and dead is None
        rows.append(
            FileRow(
                file=item_file,
                steps=step_states(item_file, running=running),
                status_label=_("Worker died") if dead else item_file.get_status_display(),
                failed=item_file.status == FileStatus.FAILED or dead is not None,
                busy=running,
                message=dead.reason(now) if dead else item_file.error,
                replaced=list(item_file.replaced_masters.all()),
            )
        )
    return rows


def shown_rows(rows: list[FileRow]) -> list[FileRow]:
    return rows[:FILES_SHOWN] + [row for row in rows[FILES_SHOWN:] if row.failed or row.busy]


def step_choices(*, failed: bool) -> list[tuple[str, str]]:
    choices = [(FROM_FAILED, _("The failed step and those after it"))] if failed else []
    choices.append((ALL_STEPS, _("Every step")))
    choices += [
        (step.name, _("Only: %(step)s") % {"step": step_label(step.name)}) for step in registry
    ]
    return choices


def edit_url(item_pk: int, job=None) -> str:
    url = reverse(f"{ITEM_URLS}:edit", args=[item_pk])
    query = "?" + urlencode({"job": job.pk}) if job is not None else ""
    return f"{url}{query}#{SECTION_ANCHOR}"


class ItemFilesMixin:
    """Adds the files section and the jobs' progress bars to the Item's edit view."""

    def get_template_names(self):
        # The snippet viewset passes its own template list (edit.html under its prefix); this
        # one extends Wagtail's snippet edit template with the files section.
        return ["media_pipeline/admin/item_edit.html"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        request, item = self.request, self.object  # type: ignore[attr-defined]
        rows = file_rows(item)
        show_all = request.GET.get("files") == "all" or len(rows) <= FILES_SHOWN
        # A long item shows its first files and every failed or busy one; saving order and
        # labels touches only the files shown (arrange skips the others).
        context["item_files"] = rows if show_all else shown_rows(rows)
        context["item_files_all_url"] = "" if show_all else f"?files=all#{SECTION_ANCHOR}"
        context["item_files_summary"] = {
            "total": len(rows),
            "failed": sum(row.failed for row in rows),
            "busy": sum(row.busy or row.file.status == FileStatus.PENDING for row in rows),
        }
        context["item_files_open"] = len(rows) <= 40 or any(row.failed for row in rows)
        context["step_choices_failed"] = step_choices(failed=True)
        context["step_choices"] = step_choices(failed=False)
        context["ocr_choices"] = OCR_CHOICES
        context["item_jobs"] = [(job, jobs.status_url(job)) for job in self._jobs(request, item)]
        return context

    def _jobs(self, request, item):
        shown = [j for j in jobs.recent_for(request.user, item) if j.state == JobState.RUNNING]
        asked = request.GET.get("job", "")
        if asked.isdigit():
            job = jobs.visible_job(request.user, int(asked))
            if job is not None and job.item_id == item.pk and job not in shown:
                shown.insert(0, job)
        return shown


def item_for_action(request, item_pk: int) -> Item:
    """The item if the user may change items and see this one; PermissionDenied / Http404."""
    if not item_permission_policy.user_has_permission(request.user, "change"):
        raise _Refused
    return get_object_or_404(Item.objects.visible_to(request.user), pk=item_pk)


def file_for_action(request, file_pk: int) -> ItemFile:
    if not item_permission_policy.user_has_permission(request.user, "change"):
        raise _Refused
    visible = ItemFile.objects.filter(item__in=Item.objects.visible_to(request.user))
    return get_object_or_404(visible.select_related("item"), pk=file_pk)


class _Refused(Exception):
    pass


def _guarded(view):
    """Answer a user without the permission with Wagtail's 403, before anything is read."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Refused:
            return permission_denied(request)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


@_guarded
@require_POST
def arrange(request, item_pk: int):
    """Save the order numbers and labels typed into the files section."""
    item = item_for_action(request, item_pk)
    label_length = ItemFile._meta.get_field("label").max_length
    changed = 0
    problems = []
    with transaction.atomic():
        for item_file in ItemFile.objects.select_for_update().filter(item=item):
            sequence_text = request.POST.get(f"sequence-{item_file.pk}")
            label = request.POST.get(f"label-{item_file.pk}")
            if sequence_text is None or label is None:
                continue
            try:
                sequence = int(sequence_text)
                if not 0 <= sequence <= 2_000_000_000:
                    raise ValueError
            except ValueError:
                problems.append(str(item_file))
                continue
            label = label.strip()[:label_length]
            if (sequence, label) != (item_file.sequence, item_file.label):
                item_file.sequence, item_file.label = sequence, label
                item_file.save(update_fields=["sequence", "label", "updated_at"])
                changed += 1
        if problems:
            transaction.set_rollback(True)
    if problems:
        messages.error(
            request,
            _("Nothing was saved: the order of %(files)s must be a whole number from 0.")
            % {"files": "、".join(problems)},
        )
    else:
        messages.success(
            request, _("Order and labels saved (%(count)s changed).") % {"count": changed}
        )
    return HttpResponseRedirect(edit_url(item.pk))


@_guarded
@require_POST
def move(request, file_pk: int):
    """Move a file one place up or down; the item's files are numbered 1, 2, 3… afterwards."""
    item_file = file_for_action(request, file_pk)
    step = {"up": -1, "down": 1}.get(request.POST.get("direction", ""))
    if step is None:
        raise Http404
    with transaction.atomic():
        files = list(
            ItemFile.objects.select_for_update()
            .filter(item_id=item_file.item_id)
            .order_by("sequence", "pk")
        )
        index = next(i for i, f in enumerate(files) if f.pk == item_file.pk)
        other = index + step
        if 0 <= other < len(files):
            files[index], files[other] = files[other], files[index]
        for number, f in enumerate(files, start=1):
            if f.sequence != number:
                ItemFile.objects.filter(pk=f.pk).update(sequence=number, updated_at=timezone.now())
    return HttpResponseRedirect(edit_url(item_file.item_id))


@_guarded
@require_POST
def process(request, file_pk: int):
    """Process one file again: the failed step on, one step, or every step."""
    item_file = file_for_action(request, file_pk)
    step = request.POST.get("step", ALL_STEPS)
    if step == FROM_FAILED:
        actions.retry(item_file)
        what = _("the failed step and those after it")
    elif step == ALL_STEPS:
        actions.reprocess([item_file.pk])
        what = _("every step")
    elif step in registry.names():
        actions.reprocess([item_file.pk], steps=[step])
        what = step_label(step)
    else:
        raise Http404
    label = _("Processing “%(file)s” again (%(what)s)") % {"file": item_file, "what": what}
    job = jobs.follow_files(request.user, label, [item_file.pk], item=item_file.item)
    messages.success(request, _("“%(file)s” was queued for processing.") % {"file": item_file})
    return HttpResponseRedirect(edit_url(item_file.item_id, job))


@_guarded
@require_POST
def process_all(request, item_pk: int):
    """Process every file of the item again (every step, or one step)."""
    item = item_for_action(request, item_pk)
    step = request.POST.get("step", ALL_STEPS)
    if step != ALL_STEPS and step not in registry.names():
        raise Http404
    file_ids = list(ItemFile.objects.filter(item=item).values_list("pk", flat=True))
    if not file_ids:
        messages.warning(request, _("This item has no files."))
        return HttpResponseRedirect(edit_url(item.pk))
    actions.reprocess(file_ids, steps=None if step == ALL_STEPS else [step])
    label = _("Processing the %(count)s files of %(item)s again") % {
        "count": len(file_ids),
        "item": item.identifier,
    }
    job = jobs.follow_files(request.user, label, file_ids, item=item)
    messages.success(
        request, _("%(count)s files were queued for processing.") % {"count": len(file_ids)}
    )
    return HttpResponseRedirect(edit_url(item.pk, job))


@_guarded
@require_POST
def switch_ocr(request, file_pk: int):
    """OCR on, off or automatic for one file; its OCR step runs again."""
    item_file = file_for_action(request, file_pk)
    choice = request.POST.get("ocr", "")
    if choice not in OCR_VALUES:
        raise Http404
    actions.set_ocr(item_file, OCR_VALUES[choice])
    label = _("OCR of “%(file)s”: %(choice)s") % {
        "file": item_file,
        "choice": dict(OCR_CHOICES)[choice],
    }
    job = jobs.follow_files(request.user, label, [item_file.pk], item=item_file.item)
    messages.success(request, label)
    return HttpResponseRedirect(edit_url(item_file.item_id, job))


class ReplaceForm(forms.Form):
    master = forms.FileField(
        label=gettext_lazy("New master"),
        help_text=gettext_lazy(
            "The file's place, label and OCR switch stay; the old master is kept with its "
            "checksum and fixity record, and every step runs again on the new one."
        ),
    )


@_guarded
def replace(request, file_pk: int):
    """GET: the form. POST: swap the master, or show why the new file was refused."""
    item_file = file_for_action(request, file_pk)
    status = 200
    error = ""
    form = ReplaceForm()
    if request.method == "POST":
        form = ReplaceForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["master"]
            try:
                replace_master(item_file, upload, upload.name, user=request.user)
            except IngestError as exc:
                error, status = str(exc), 400
            except OSError as exc:
                error = _("%(name)s could not be stored: %(reason)s") % {
                    "name": upload.name,
                    "reason": exc.strerror or exc.__class__.__name__,
                }
                status = 400
            else:
                label = _("Processing the new master of “%(file)s”") % {"file": item_file}
                job = jobs.follow_files(request.user, label, [item_file.pk], item=item_file.item)
                messages.success(
                    request,
                    _("The master of “%(file)s” was replaced; the old one is kept.")
                    % {"file": item_file},
                )
                return HttpResponseRedirect(edit_url(item_file.item_id, job))
        else:
            status = 400
    context = {
        "form": form,
        "item_file": item_file,
        "item": item_file.item,
        "upload_error": error,
        "edit_url": edit_url(item_file.item_id),
        "replaced": item_file.replaced_masters.all(),
        "page_title": _("Replace the master"),
        "page_subtitle": str(item_file),
        "header_icon": "upload",
        "breadcrumbs_items": [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse(f"{ITEM_URLS}:list"), "label": _("Items")},
            {"url": edit_url(item_file.item_id), "label": str(item_file.item)},
            {"url": "", "label": _("Replace the master")},
        ],
    }
    return TemplateResponse(
        request, "media_pipeline/admin/replace_master.html", context, status=status
    )


@hooks.register("register_admin_urls")
def admin_urls():
    """Under /admin/ (Wagtail's admin login and access check). Registered on import: the
    pipeline's wagtail_hooks imports the Item edit view, which imports this module."""
    return [
        path("media/item/<int:item_pk>/files/arrange/", arrange, name="media_pipeline_arrange"),
        path(
            "media/item/<int:item_pk>/files/process/",
            process_all,
            name="media_pipeline_process_all",
        ),
        path("media/file/<int:file_pk>/move/", move, name="media_pipeline_move"),
        path("media/file/<int:file_pk>/process/", process, name="media_pipeline_process"),
        path("media/file/<int:file_pk>/ocr/", switch_ocr, name="media_pipeline_ocr"),
        path("media/file/<int:file_pk>/replace/", replace, name="media_pipeline_replace"),
        *admin_progress.job_urls(),
    ]
