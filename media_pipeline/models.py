"""Digital files attached to archive Items, and their processing state."""

from django.core.files.storage import storages
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def masters_storage():
    return storages["masters"]


class FileStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ItemFile(models.Model):
    """One digital file of an Item: a page scan, a PDF, a recording.

    Masters are stored content-addressed (by SHA-256) in the private `masters` storage, so the
    same bytes are kept once however often they are ingested.
    """

    item = models.ForeignKey("collections.Item", on_delete=models.CASCADE, related_name="files",
                             verbose_name=_("item"))
    sequence = models.PositiveIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200, blank=True, help_text=_("e.g. 第1页"))
    master = models.FileField(_("master file"), storage=masters_storage, max_length=300)
    original_filename = models.CharField(_("original file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("format"), max_length=100)
    status = models.CharField(_("status"), max_length=12, choices=FileStatus.choices,
                              default=FileStatus.PENDING)
    error = models.TextField(_("error"), blank=True)
    technical = models.JSONField(_("technical metadata"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "sequence", "pk"]
        verbose_name = _("file")
        verbose_name_plural = _("files")
        constraints = [
            models.UniqueConstraint(fields=["item", "sha256"], name="one_copy_per_item")
        ]

    def __str__(self):
        return self.label or self.original_filename

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
        """Derivatives made so far: {name: {"path", "width", "height", "bytes"}}."""
        return (self.technical or {}).get("derivatives") or {}

    def url_for(self, name: str) -> str | None:
        """The access-checked URL of a derivative such as "thumb.jpg"; None until it exists."""
        if name not in self.derivatives:
            return None
        return reverse("media_pipeline:derivative", kwargs={"pk": self.pk, "name": name})

    @property
    def thumbnail_url(self) -> str | None:
        return self.url_for("thumb.jpg")

    @property
    def web_url(self) -> str | None:
        return self.url_for("web.jpg")

    @property
    def master_url(self) -> str | None:
        if not self.pk or not self.master:
            return None
        return reverse("media_pipeline:master",
                       kwargs={"pk": self.pk, "filename": self.original_filename})
