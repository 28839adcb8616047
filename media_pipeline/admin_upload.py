"""Curators' multi-file upload onto one Item, and the link to it on the Item's edit view.

Every file goes through `ingest_fileobj` like any other ingest. Files already on the item (same
SHA-256) are reported and left where they are: re-uploading a batch must not reorder or relabel
pages the curator already placed. A refused file (empty, too large) is reported on its own row
and changes nothing; the other files of the batch are still stored. Re-posting the form is
harmless for the same reason, so the result is rendered directly instead of redirecting.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.db.models import Max
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import TemplateView
from wagtail.admin.auth import permission_denied
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.widgets.button import Button
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.snippets.views.snippets import EditView as SnippetEditView

from archive_collections.models import Item

from .admin_item_files import ItemFilesMixin
from .ingest import IngestError, ingest_fileobj, sanitize_filename
from .models import ItemFile
from .storage import CHUNK_BYTES

UPLOAD_URL_NAME = "media_pipeline_item_upload"
# The Item snippet viewset's URL namespace (wagtailsnippets_<app label>_<model name>).
ITEM_URLS = "wagtailsnippets_collections_item"
DEFAULT_ADMIN_UPLOAD_MAX_BYTES = 2 * 1024**3
LABEL_PLACEHOLDER = "{n}"

item_permission_policy = ModelPermissionPolicy(Item)


def admin_upload_max_bytes() -> int:
    return int(getattr(settings, "MEDIA_ADMIN_UPLOAD_MAX_BYTES", DEFAULT_ADMIN_UPLOAD_MAX_BYTES))


def upload_url(item) -> str:
    return reverse(UPLOAD_URL_NAME, args=[item.pk])


class ItemEditView(ItemFilesMixin, SnippetEditView):
    """The snippet edit view of an Item, with "Upload files" in its header and the item's files
    (admin_item_files) above the form."""

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(_("Upload files"), url=upload_url(self.object), icon_name="upload", priority=5),
        ]


class TotalSizeLimitHandler(FileUploadHandler):
    """Stops reading uploaded files once the request is larger than the admin upload limit.

    Django has no setting for the size of file data in a request (DATA_UPLOAD_MAX_MEMORY_SIZE
    leaves files out), so this handler goes first: it refuses on the declared Content-Length
    before any file is written to disk, and counts bytes for requests that do not declare one.
    The rest of the request is still read and discarded so that the browser gets the error page
    instead of a reset connection.
    """

    def __init__(self, request, limit: int):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.exceeded = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.limit:
            self.exceeded = True

    def new_file(self, *args, **kwargs):
        if self.exceeded:
            raise StopUpload(connection_reset=False)
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.Field):
    """A list of uploaded files. Empty files are kept: ingest refuses them row by row."""

    widget = MultipleFileInput

    def to_python(self, data):
        return [f for f in (data or []) if getattr(f, "name", "")]

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class UploadForm(forms.Form):
    # The form metaclass moves declared fields into base_fields, so this does not replace
    # Form.files (the uploaded data) at run time; the stubs only see the class attribute.
    files = MultipleFileField(  # type: ignore[assignment]
        label=gettext_lazy("Files"),
        help_text=gettext_lazy(
            "Choose one or more files. They are placed in order of their names, with numbers "
            "compared as numbers (p2 before p10)."
        ),
    )
    start = forms.IntegerField(
        label=gettext_lazy("Starting order"),
        required=False,
        min_value=0,
        max_value=2_000_000_000,
        help_text=gettext_lazy(
            "Order number of the first file; the next files count up from it. "
            "Leave empty to continue after the files already on this item."
        ),
    )
    label_pattern = forms.CharField(
        label=gettext_lazy("Label pattern"),
        required=False,
        max_length=ItemFile._meta.get_field("label").max_length,
        help_text=gettext_lazy(
            "Optional. {n} is replaced by each file's order number, e.g. 第{n}页 gives 第1页, "
            "第2页, … Leave empty for no label."
        ),
    )


@dataclass
class UploadResult:
    OUTCOMES = ("stored", "duplicate", "refused")

    filename: str
    outcome: str  # one of OUTCOMES
    message: str = ""
    item_file: ItemFile | None = None
    sequence: int | None = None

    @property
    def outcome_label(self) -> str:
        return {
            "stored": _("Stored"),
            "duplicate": _("Duplicate"),
            "refused": _("Refused"),
        }[self.outcome]


def natural_key(name: str):
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.split(r"(\d+)", name)
    ]


def make_label(pattern: str, number: int) -> str:
    # Plain replacement, not str.format: other braces in a curator's pattern stay as typed.
    return pattern.replace(LABEL_PLACEHOLDER, str(number)) if pattern else ""


def sha256_of(uploaded) -> str:
    digest = hashlib.sha256()
    for chunk in uploaded.chunks(CHUNK_BYTES):
        digest.update(chunk)
    uploaded.seek(0)
    return digest.hexdigest()


def next_sequence(item) -> int:
    highest = ItemFile.objects.filter(item=item).aggregate(top=Max("sequence"))["top"]
    return 1 if highest is None else highest + 1


def ingest_uploads(item, uploads, start: int, pattern: str) -> list[UploadResult]:
    """Ingest each upload; file number i (from 0) gets order start + i whatever its outcome,
    so a refused page keeps its slot and can be uploaded again on its own later."""
    results = []
    seen: dict[str, str] = {}
    for index, uploaded in enumerate(sorted(uploads, key=lambda f: natural_key(f.name))):
        name = sanitize_filename(uploaded.name)
        sequence = start + index
        sha256 = sha256_of(uploaded)
        existing = ItemFile.objects.filter(item=item, sha256=sha256).first()
        if existing is not None:
            message = _("Already on this item as “%(file)s” (same content).") % {"file": existing}
            results.append(UploadResult(name, "duplicate", message, existing))
            continue
        if sha256 in seen:
            message = _("Same content as “%(file)s” in this upload.") % {"file": seen[sha256]}
            results.append(UploadResult(name, "duplicate", message))
            continue
        try:
            item_file = ingest_fileobj(
                item,
                uploaded,
                uploaded.name,
                sequence=sequence,
                label=make_label(pattern, sequence),
            )
        except IngestError as exc:
            results.append(UploadResult(name, "refused", str(exc)))
            continue
        except OSError as exc:
            message = _("%(name)s could not be stored: %(reason)s") % {
                "name": name,
                "reason": exc.strerror or exc.__class__.__name__,
            }
            results.append(UploadResult(name, "refused", message))
            continue
        seen[sha256] = name
        results.append(UploadResult(name, "stored", "", item_file, sequence))
    return results


@method_decorator(csrf_exempt, name="dispatch")
class ItemUploadView(WagtailAdminTemplateMixin, TemplateView):
    """GET shows the form; POST ingests the files and shows one result row per file.

    csrf_exempt on dispatch only postpones the check: the size-limit handler must be installed
    before anything reads the request body, and the CSRF check reads it. `post` then checks the
    token itself with csrf_protect.
    """

    template_name = "media_pipeline/admin/item_upload.html"
    header_icon = "upload"

    def dispatch(self, request, pk):
        # Permission first: someone who may not change items learns nothing about which exist.
        if not item_permission_policy.user_has_permission(request.user, "change"):
            return permission_denied(request)
        self.item: Item = get_object_or_404(Item.objects.select_related("series__fonds"), pk=pk)
        self.size_handler = None
        if request.method == "POST":
            self.size_handler = TotalSizeLimitHandler(request, admin_upload_max_bytes())
            request.upload_handlers.insert(0, self.size_handler)
            # Parse now, before the CSRF check would, to answer a malformed or oversized body
            # with the form and a reason rather than a bare 400. Nothing is stored either way.
            try:
                request.POST  # noqa: B018 - parses the body, files included
            except TooManyFilesSent:
                return self.form_error(
                    _("Too many files in one upload: at most %(count)s. Upload them in batches.")
                    % {"count": settings.DATA_UPLOAD_MAX_NUMBER_FILES}
                )
            except (MultiPartParserError, RequestDataTooBig):
                return self.form_error(
                    _("The upload could not be read. Choose the files again and resubmit.")
                )
        return super().dispatch(request, pk)

    def get_page_title(self):
        return _("Upload files")

    def get_page_subtitle(self):
        return str(self.item)

    def get_breadcrumbs_items(self):
        return [
            {"url": reverse("wagtailadmin_home"), "label": _("Home")},
            {"url": reverse(f"{ITEM_URLS}:list"), "label": _("Items")},
            {
                "url": reverse(f"{ITEM_URLS}:edit", args=[self.item.pk]),
                "label": str(self.item),
            },
            {"url": "", "label": _("Upload files")},
        ]

    def form_error(self, message, status=400):
        context = self.get_context_data(form=UploadForm(), upload_error=message)
        return self.render_to_response(context, status=status)

    def get(self, request, pk):
        return self.render_to_response(self.get_context_data(form=UploadForm()))

    @method_decorator(csrf_protect)
    def post(self, request, pk):
        if self.size_handler is not None and self.size_handler.exceeded:
            message = _(
                "This upload is larger than the %(limit)s limit for one upload "
                "(MEDIA_ADMIN_UPLOAD_MAX_BYTES). Nothing was stored; upload the files in "
                "smaller batches."
            ) % {"limit": filesizeformat(admin_upload_max_bytes())}
            return self.form_error(message, status=413)
        form = UploadForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        start = form.cleaned_data["start"]
        if start is None:
            start = next_sequence(self.item)
        results = ingest_uploads(
            self.item, form.cleaned_data["files"], start, form.cleaned_data["label_pattern"]
        )
        counts = {key: sum(r.outcome == key for r in results) for key in UploadResult.OUTCOMES}
        context = self.get_context_data(form=UploadForm(), results=results, counts=counts)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["item"] = self.item
        context["max_bytes"] = admin_upload_max_bytes()
        context["max_files"] = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        context["files_url"] = (
            reverse("itemfile:index") + "?" + urlencode({"q": self.item.identifier})
        )
        context["edit_url"] = reverse(f"{ITEM_URLS}:edit", args=[self.item.pk])
        return context
