"""A micro-video (微视频) is a rendered span of an interview; a quote card a typeset quote.

Both keep what they were made from (the interview and its in/out points, the background or
portrait), so the render can be checked against its inputs: `fingerprint()` hashes everything
the output shows, and a render whose fingerprint differs from the record's inputs is stale and
is made again (media_pipeline/microvideo/signal_handlers.py).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from archive_collections.models import Interview, format_timecode

from .validation import quote_errors, span_errors


class Variant(models.TextChoices):
    VERTICAL = "vertical", _("Vertical 1080×1920 (short-video platforms)")
    HORIZONTAL = "horizontal", _("Horizontal 1920×1080")


class RenderStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to render")
    RENDERING = "rendering", _("Rendering")
    DONE = "done", _("Rendered")
    FAILED = "failed", _("Failed")


class MicroVideo(models.Model):
    title = models.CharField(
        _("title"), max_length=120, help_text=_("Shown on the title card and the share page.")
    )
    interview = models.ForeignKey(
        Interview,
        on_delete=models.CASCADE,
        related_name="micro_videos",
        verbose_name=_("interview"),
    )
    start_ms = models.PositiveBigIntegerField(_("in-point (ms)"))
    end_ms = models.PositiveBigIntegerField(_("out-point (ms)"))
    variant = models.CharField(
        _("format"), max_length=12, choices=Variant.choices, default=Variant.VERTICAL
    )
    background = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("background image"),
        help_text=_(
            "For an audio-only interview: the image that slowly pans under the subtitles. "
            "Empty: the scientist's portrait."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RenderStatus.choices, default=RenderStatus.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    # The render being shown: stored names in the derivatives storage, and the inputs it came
    # from. A failed render leaves these alone.
    video = models.CharField(max_length=300, blank=True)
    captions = models.CharField(max_length=300, blank=True)
    poster = models.CharField(max_length=300, blank=True)
    rendered = models.JSONField(_("render"), default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    # The inputs of the render queued or running now.
    pending_fingerprint = models.CharField(max_length=64, blank=True)
    job = models.ForeignKey(
        "media_pipeline.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("micro-video")
        verbose_name_plural = _("micro-videos")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("microvideo:share", args=[self.pk])

    @property
    def span_label(self) -> str:
        return f"{format_timecode(self.start_ms)}–{format_timecode(self.end_ms)}"

    @property
    def duration_ms(self) -> int:
        return max(0, self.end_ms - self.start_ms)

    def clean(self):
        """The span must lie inside a recording that has sound; the admin shows each message
        on its field, and nothing is queued."""
        super().clean()
        errors = span_errors(
            self.interview if self.interview_id else None, self.start_ms, self.end_ms
        )
        if errors:
            raise ValidationError(errors)

    @property
    def video_url(self) -> str | None:
        return reverse("microvideo:file", args=[self.pk, "video.mp4"]) if self.video else None

    @property
    def captions_url(self) -> str | None:
        return reverse("microvideo:file", args=[self.pk, "captions.vtt"]) if self.captions else None

    @property
    def poster_url(self) -> str | None:
        return reverse("microvideo:file", args=[self.pk, "poster.jpg"]) if self.poster else None


class CardSize(models.TextChoices):
    PORTRAIT = "1080x1350", _("1080×1350 (WeChat)")
    WIDE = "1200x630", _("1200×630 (Weibo, link previews)")


class QuoteCard(models.Model):
    """A quote typeset as PNG cards in both sizes: from a span of an interview's transcript, or
    from text a curator types (a text block of an exhibition)."""

    interview = models.ForeignKey(
        Interview,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="quote_cards",
        verbose_name=_("interview"),
    )
    start_ms = models.PositiveBigIntegerField(_("from (ms)"), null=True, blank=True)
    end_ms = models.PositiveBigIntegerField(_("to (ms)"), null=True, blank=True)
    quote = models.TextField(
        _("quote"),
        blank=True,
        help_text=_("Empty: the transcript's words between the two times."),
    )
    speaker = models.CharField(
        _("speaker"), max_length=100, blank=True, help_text=_("Empty: the interviewee.")
    )
    source = models.CharField(
        _("source line"),
        max_length=200,
        blank=True,
        help_text=_("Empty: the interview's identifier and date."),
    )
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("portrait"),
        help_text=_("Empty: the scientist's portrait."),
    )
    images = models.JSONField(default=dict, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("quote card")
        verbose_name_plural = _("quote cards")

    def __str__(self):
        text = self.quote or ""
        return text[:30] + ("…" if len(text) > 30 else "")

    def get_absolute_url(self):
        return self.image_url(CardSize.PORTRAIT)

    def clean(self):
        super().clean()
        errors = quote_errors(self)
        if errors:
            raise ValidationError(errors)

    def image_url(self, size: str) -> str:
        return reverse("microvideo:quote_card", args=[self.pk, size])
