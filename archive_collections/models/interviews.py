"""Oral-history interviews and their time-coded transcript and index (OHMS-compatible)."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable, RevisionMixin

from .choices import LANGUAGE_CHOICES, ConsentStatus
from .hierarchy import Item
from .scientists import Scientist


def format_timecode(ms: int | None) -> str:
    if ms is None:
        return ""
    seconds, _ms = divmod(int(ms), 1000)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"


class Interview(RevisionMixin, ClusterableModel):
    """The oral-history facts about an Item of type oral history."""

    item = models.OneToOneField(
        Item, on_delete=models.CASCADE, related_name="interview", verbose_name=_("item")
    )
    interviewee = models.ForeignKey(
        Scientist,
        on_delete=models.PROTECT,
        related_name="interviews",
        verbose_name=_("interviewee"),
    )
    interviewers = models.CharField(_("interviewers"), max_length=300, blank=True)
    interview_date = models.DateField(_("interview date"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-Hans"
    )
    dialect = models.CharField(
        _("dialect"), max_length=100, blank=True, help_text=_("e.g. 吴语（上海话）")
    )
    duration_ms = models.PositiveBigIntegerField(_("duration (ms)"), null=True, blank=True)
    consent = models.CharField(
        _("consent"), max_length=12, choices=ConsentStatus.choices, default=ConsentStatus.PENDING
    )
    consent_note = models.TextField(_("consent conditions"), blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="interview")

    class Meta:
        ordering = ["item__identifier"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")

    def __str__(self):
        return str(self.item)

    @property
    def revisions(self):
        return self._revisions

    @property
    def duration(self) -> str:
        return format_timecode(self.duration_ms)

    def clean(self):
        """An interview without a signed release cannot be public (Item.clean says the same
        from the item's side): the admin, the importer and batch changes all refuse it."""
        super().clean()
        item = self.item if self.item_id else None
        if item is not None and ConsentStatus.forbids(item.access_level, self.consent):
            message = _(
                "“%(item)s” is public, so its interview needs a signed release: set "
                "“%(field)s” to “%(signed)s” or “%(restricted)s”, or first make the item open "
                "to researchers or staff only."
            ) % {
                "item": item,
                "field": self._meta.get_field("consent").verbose_name,
                "signed": ConsentStatus.SIGNED.label,
                "restricted": ConsentStatus.RESTRICTED.label,
            }
            raise ValidationError({"consent": ValidationError(message, code="consent_required")})

    def get_absolute_url(self):
        return self.item.get_absolute_url()


def without_release(prefix: str = "") -> models.Q:
    """Interviews (or, with prefix "interview__", items that have one) whose consent is not a
    signed release: what may not be made public."""
    has_interview = models.Q(**{f"{prefix}pk__isnull": False})
    return has_interview & ~models.Q(**{f"{prefix}consent__in": sorted(ConsentStatus.released())})


class TimedSegmentMixin(models.Model):
    start_ms = models.PositiveBigIntegerField(_("start (ms)"))

    class Meta:
        abstract = True

    @property
    def start(self) -> str:
        return format_timecode(self.start_ms)

    @property
    def start_seconds(self) -> float:
        return self.start_ms / 1000


class TranscriptSegment(TimedSegmentMixin, Orderable):
    interview = ParentalKey(Interview, on_delete=models.CASCADE, related_name="transcript")
    end_ms = models.PositiveBigIntegerField(_("end (ms)"))
    speaker = models.CharField(_("speaker"), max_length=100, blank=True)
    text = models.TextField(_("text"))

    class Meta(Orderable.Meta):
        verbose_name = _("transcript segment")
        verbose_name_plural = _("transcript segments")
        indexes = [models.Index(fields=["interview", "start_ms"])]

    def __str__(self):
        return f"[{self.start}] {self.speaker}: {self.text[:40]}"

    def clean(self):
        super().clean()
        if self.end_ms is not None and self.start_ms is not None and self.end_ms < self.start_ms:
            raise ValidationError({"end_ms": _("A segment cannot end before it starts.")})


class IndexSegment(TimedSegmentMixin, Orderable):
    """An OHMS index point: a titled, described stretch of the interview."""

    interview = ParentalKey(Interview, on_delete=models.CASCADE, related_name="index_segments")
    title = models.CharField(_("title"), max_length=300)
    synopsis = models.TextField(_("synopsis"), blank=True)
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Separate with ；")
    )
    partial_transcript = models.TextField(_("partial transcript"), blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("index segment")
        verbose_name_plural = _("index segments")

    def __str__(self):
        return f"[{self.start}] {self.title}"
