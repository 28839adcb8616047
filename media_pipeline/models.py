"""Digital files attached to archive Items, and their processing state."""

from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .iiif import image_api
from .results import AvResult, DerivativesResult, IiifResult, step_done_for


def masters_storage():
    return storages["masters"]


class FileStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class FixityOutcome(models.TextChoices):
    OK = "ok", _("Intact")
    MISMATCH = "mismatch", _("Checksum mismatch")
    MISSING = "missing", _("Missing")
    ERROR = "error", _("Unreadable")


# Width of a file's thumbnail when it comes from the IIIF image service (PDF pages).
THUMBNAIL_WIDTH = 400


class ItemFile(models.Model):
    """One digital file of an Item: a page scan, a PDF, a recording.

    Masters are stored content-addressed (by SHA-256) in the private `masters` storage, so the
    same bytes are kept once however often they are ingested.
    """

    item = models.ForeignKey(
        "collections.Item", on_delete=models.CASCADE, related_name="files", verbose_name=_("item")
    )
    sequence = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. 第1页"))
    master = models.FileField(_("master file"), storage=masters_storage, max_length=300)
    original_filename = models.CharField(_("original file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("format"), max_length=100)
    status = models.CharField(
        _("status"), max_length=12, choices=FileStatus.choices, default=FileStatus.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    technical = models.JSONField(_("technical metadata"), default=dict, blank=True)
    # None follows the item type (see media_pipeline.steps.ocr.ocr_wanted); True/False overrides.
    ocr = models.BooleanField(
        _("OCR"),
        null=True,
        blank=True,
        default=None,
        help_text=_(
            "Recognise the text of this file. Empty: automatic by item type "
            "(manuscripts, letters, certificates, documents, publications)."
        ),
    )
    # Retries (media_pipeline.retry): temporary failures in a row, when the next try is due, and
    # which worker (host:pid) is processing the file, so a dead worker's file can be requeued.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    worker = models.CharField(_("worker"), max_length=150, blank=True)
    # Outcome of the latest `manage.py fixity_audit` (history in FixityCheck).
    fixity_checked_at = models.DateTimeField(
        _("fixity checked"), null=True, blank=True, db_index=True
    )
    fixity_status = models.CharField(
        _("fixity"), max_length=10, blank=True, choices=FixityOutcome.choices
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["item", "sequence", "pk"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [models.UniqueConstraint(fields=["item", "sha256"], name="one_copy_per_item")]

    def __str__(self):
        return self.label or self.original_filename

    @property
    def master_name(self) -> str:
        """The master's name in the `masters` storage ("" only before it is stored)."""
        return self.master.name or ""

    @property
    def kind(self) -> str:
        return self.mime_type.split("/", 1)[0]

    @property
    def is_image(self) -> bool:
        return self.kind == "image"

    @property
    def is_audio(self) -> bool:
        return self.kind == "audio"

    @property
    def is_video(self) -> bool:
        return self.kind == "video"

    @property
    def is_pdf(self) -> bool:
        return self.mime_type == "application/pdf"

    @property
    def derivatives(self) -> dict:
        """Derivatives made so far: {name: {"path", "width", "height", "bytes"}}.

        Image derivatives and audio/video ones (web.m4a, web.mp4, poster.jpg from the `av`
        step) are kept under separate keys so neither step's rerun erases the other's.
        """
        return {
            **DerivativesResult.of(self.technical).derivatives,
            **AvResult.of(self.technical).derivatives,
        }

    def url_for(self, name: str) -> str | None:
        """The access-checked URL of a derivative such as "thumb.jpg"; None until it exists."""
        if name not in self.derivatives:
            return None
        return reverse("media_pipeline:derivative", kwargs={"pk": self.pk, "name": name})

    @property
    def thumbnail_url(self) -> str | None:
        """A small picture of the file: its thumb.jpg (images) or poster (videos); a PDF, whose
        pages get tiles rather than derivatives, shows its first page from the IIIF image
        service. None until the pipeline has made one. Reads this record only: no query."""
        return self.url_for("thumb.jpg") or self.url_for("poster.jpg") or self.first_page_image()

    def first_page_image(self, width: int = THUMBNAIL_WIDTH) -> str | None:
        """The IIIF image URL (canonical form) of the file's first tiled page at `width`."""
        if not step_done_for(self.technical, "iiif", self.sha256):
            return None
        pages = IiifResult.of(self.technical).pages()
        if not pages:
            return None
        page = pages[0]
        limit = image_api.limits()
        page_w, page_h = page["width"], page["height"]
        widest = image_api.max_size(page_w, page_h, limit)[0]
        size = image_api.parse_size(f"{min(width, widest)},", page_w, page_h, limit)[0]
        request = image_api.ImageRequest((0, 0, page_w, page_h), size)
        number = page["number"]
        identifier = str(self.pk) if number == 1 else f"{self.pk}-{number}"
        base = reverse("iiif:image", kwargs={"identifier": identifier})
        return f"{base}/{image_api.canonical_path(request, page_w, page_h, limit)}"

    @property
    def poster_url(self) -> str | None:
        """A still of a video, for the player's `poster` attribute."""
        return self.url_for("poster.jpg")

    @property
    def web_media_url(self) -> str | None:
        """What an <audio>/<video> element plays: the web copy, or the master when browsers
        play it as it is; None for other files and until the `av` step has run."""
        web = AvResult.of(self.technical).web
        if web is None:
            return None
        return self.master_url if web["source"] == "master" else self.url_for(web["source"])

    @property
    def web_media_type(self) -> str | None:
        """The content type of `web_media_url`, for <source type=…>."""
        web = AvResult.of(self.technical).web
        return web["mime"] if web else None

    @property
    def web_url(self) -> str | None:
        return self.url_for("web.jpg")

    @property
    def playback_url(self) -> str | None:
        """The URL a player uses: the web-playable copy, else (until the `av` step has run, or
        when it could not make one) the master, which many browsers still play."""
        return self.web_media_url or self.master_url

    @property
    def master_url(self) -> str | None:
        if not self.pk or not self.master:
            return None
        return reverse(
            "media_pipeline:master", kwargs={"pk": self.pk, "filename": self.original_filename}
        )


class PageTextSource(models.TextChoices):
    PDF_TEXT = "pdf_text", _("PDF text layer")
    OCR = "ocr", _("OCR")


class PageText(models.Model):
    """The text of one page of an ItemFile, with line boxes for highlighting hits on the page.

    `lines` is a list of {"text", "box": [x, y, w, h], "confidence"} in reading order; boxes are
    in pixels of the page image `width`×`height` (the upright master for images, the page
    rendered at `media_pipeline.pdf.RENDER_DPI` for PDFs), so a viewer scales them by its own
    image size over these.

    `blocks` is the page's layout as OCR found it, in reading order: {"kind": "text", "heading",
    "table" or "seal", "box", "lines": [indices into `lines`]}; a table adds "rows", "columns"
    and "cells": [{"row", "column", "row_span", "column_span", "box", "lines"}], so a line (and a
    search hit on it) can be placed in its cell; a seal adds its "shape" (round, square) and,
    when its text was read surely, "text" and "confidence" (never part of `text`: search keeps
    it as the page's seal field). Empty for text layers and older OCR.
    """

    item_file = models.ForeignKey(
        ItemFile, on_delete=models.CASCADE, related_name="pages", verbose_name=_("file")
    )
    page_number = models.PositiveIntegerField(pgettext_lazy("page number", "page"))
    text = models.TextField(_("text"), blank=True)
    lines = models.JSONField(_("lines"), default=list, blank=True)
    blocks = models.JSONField(_("blocks"), default=list, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=PageTextSource.choices)
    engine = models.CharField(_("engine"), max_length=200)
    engine_version = models.CharField(_("engine version"), max_length=200, blank=True)
    width = models.PositiveIntegerField(_("page width (px)"))
    height = models.PositiveIntegerField(_("page height (px)"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["item_file", "page_number"]
        verbose_name = _("page text")
        verbose_name_plural = _("page texts")
        constraints = [
            models.UniqueConstraint(fields=["item_file", "page_number"], name="one_text_per_page")
        ]

    def __str__(self):
        return f"{self.item_file} p.{self.page_number}"


class FixityCheck(models.Model):
    """One re-hash of a stored master by `manage.py fixity_audit`: the file's fixity history."""

    item_file = models.ForeignKey(
        ItemFile, on_delete=models.CASCADE, related_name="fixity_checks", verbose_name=_("file")
    )
    checked_at = models.DateTimeField(_("checked at"), db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=FixityOutcome.choices)
    expected_sha256 = models.CharField(_("expected SHA-256"), max_length=64)
    actual_sha256 = models.CharField(_("SHA-256 found"), max_length=64, blank=True)
    actual_size = models.PositiveBigIntegerField(_("size found (bytes)"), null=True, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-checked_at", "-pk"]
        verbose_name = _("fixity check")
        verbose_name_plural = _("fixity checks")

    def __str__(self):
        return f"{self.item_file} {self.checked_at:%Y-%m-%d %H:%M} {self.outcome}"


class ReplacedMaster(models.Model):
    """A master a curator replaced, kept with the fixity it last had.

    The bytes stay in the `masters` storage (content-addressed, possibly shared with another
    item); the ItemFile's `FixityCheck` history stays on the file, and this row says which
    checksum those checks were about and who swapped the master when.
    """

    item_file = models.ForeignKey(
        ItemFile,
        on_delete=models.CASCADE,
        related_name="replaced_masters",
        verbose_name=_("file"),
    )
    master = models.CharField(_("master file"), max_length=300)
    original_filename = models.CharField(_("original file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("format"), max_length=100)
    fixity_status = models.CharField(
        _("fixity"), max_length=10, blank=True, choices=FixityOutcome.choices
    )
    fixity_checked_at = models.DateTimeField(_("fixity checked"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["-replaced_at", "-pk"]
        verbose_name = _("replaced master")
        verbose_name_plural = _("replaced masters")

    def __str__(self):
        return f"{self.original_filename} ({self.sha256[:12]})"


class JobState(models.TextChoices):
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    """A long admin job's progress, polled by the admin's progress bar (see media_pipeline.jobs).

    Either a counter the job moves itself (`done` of `total`, per `phase`), or a set of files
    whose processing is followed (`files`): then progress is read off the files' states; or
    work elsewhere followed by a registered follower (`follows`, waiting for `keys`).
    """

    kind = models.CharField(_("kind"), max_length=30)
    # A page may know its job before the request that starts it returns (an import running in
    # the request): it sends a random key with the form and polls by that key.
    key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    label = models.CharField(_("label"), max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("user"),
    )
    item = models.ForeignKey(
        "collections.Item",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("item"),
    )
    phase = models.CharField(_("phase"), max_length=100, blank=True)
    total = models.PositiveIntegerField(_("total"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    files = models.JSONField(_("files"), default=list, blank=True)
    # A follower registered under media_pipeline.jobs.FOLLOWER_HOOK (e.g. the search index
    # catching up with a batch edit) and the keys it waits for.
    follows = models.CharField(max_length=40, blank=True)
    keys = models.JSONField(default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=JobState.choices, default=JobState.RUNNING
    )
    message = models.TextField(_("message"), blank=True)
    # Where the job's work is seen (the listing or record it changed), linked from "My jobs".
    url = models.CharField(max_length=500, blank=True)
    # Its end was shown to the user who started it (by a progress bar or the next admin page).
    notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "notified"], name="job_user_notified")]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self):
        return self.label
