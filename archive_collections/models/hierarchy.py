"""The archival hierarchy: Fonds (one collecting project per scientist) → Series → Item."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.models import RevisionMixin

from archive_collections.access import ItemQuerySet
from archive_collections.dates import DateParseError, parse_date

from .choices import (
    LANGUAGE_CHOICES,
    AccessLevel,
    ConsentStatus,
    DatePrecision,
    ItemType,
    LevelOfDescription,
    RightsStatement,
)
from .scientists import Scientist

IDENTIFIER_HELP = _("Archival reference code (档号); unique across the archive and never reused.")


class WrittenDateMixin(models.Model):
    """A date as the document gives it, plus the range parsed from it (kept in step on save)."""

    date_text = models.CharField(_("date (as written)"), max_length=100, blank=True)
    date_start = models.DateField(
        _("earliest date"), null=True, blank=True, db_index=True, editable=False
    )
    date_end = models.DateField(_("latest date"), null=True, blank=True, editable=False)
    date_precision = models.CharField(
        _("date precision"),
        max_length=10,
        editable=False,
        choices=DatePrecision.choices,
        default=DatePrecision.UNKNOWN,
    )
    date_approximate = models.BooleanField(_("approximate date"), default=False, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.apply_parsed_date()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            parse_date(self.date_text)
        except DateParseError as exc:
            raise ValidationError({"date_text": str(exc)}) from exc

    def apply_parsed_date(self):
        parsed = parse_date(self.date_text)
        self.date_start, self.date_end = parsed.start, parsed.end
        self.date_precision, self.date_approximate = parsed.precision, parsed.approximate

    @property
    def decade(self) -> int | None:
        return (self.date_start.year // 10) * 10 if self.date_start else None


class Fonds(RevisionMixin, WrittenDateMixin, ClusterableModel):
    identifier = models.CharField(
        _("identifier"), max_length=64, unique=True, help_text=IDENTIFIER_HELP
    )
    title = models.CharField(_("title"), max_length=300)
    scientist = models.ForeignKey(
        Scientist, on_delete=models.PROTECT, related_name="fonds", verbose_name=_("scientist")
    )
    extent = models.CharField(_("extent"), max_length=300, blank=True)
    scope_content = models.TextField(_("scope and content"), blank=True)
    custodial_history = models.TextField(_("custodial history"), blank=True)
    arrangement = models.TextField(_("arrangement"), blank=True)
    collecting_institution = models.CharField(
        _("collecting institution"), max_length=200, blank=True
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="fonds")

    class Meta:
        ordering = ["identifier"]
        verbose_name = _("fonds")
        verbose_name_plural = _("fonds")

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def get_absolute_url(self):
        return reverse("collections:fonds", kwargs={"identifier": self.identifier})

    @property
    def revisions(self):
        return self._revisions


class Series(RevisionMixin, WrittenDateMixin, ClusterableModel):
    identifier = models.CharField(
        _("identifier"), max_length=64, unique=True, help_text=IDENTIFIER_HELP
    )
    title = models.CharField(_("title"), max_length=300)
    fonds = models.ForeignKey(
        Fonds, on_delete=models.PROTECT, related_name="series", verbose_name=_("fonds")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent series"),
    )
    level = models.CharField(
        _("level of description"),
        max_length=12,
        choices=LevelOfDescription.choices,
        default=LevelOfDescription.SERIES,
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    scope_content = models.TextField(_("scope and content"), blank=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="series")

    class Meta:
        ordering = ["fonds", "position", "identifier"]
        verbose_name = _("series")
        verbose_name_plural = _("series")

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def get_absolute_url(self):
        return reverse("collections:series", kwargs={"identifier": self.identifier})

    def clean(self):
        super().clean()
        if self.parent is not None and self.parent.fonds_id != self.fonds_id:
            raise ValidationError({"parent": _("A sub-series must belong to the same fonds.")})
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("A series cannot be inside itself.")})
            ancestor = ancestor.parent

    @property
    def revisions(self):
        return self._revisions


class ItemSubject(TaggedItemBase):
    content_object = ParentalKey("Item", on_delete=models.CASCADE, related_name="tagged_subjects")


# A named manager class (rather than ItemQuerySet.as_manager()) lets django-stubs type
# Item.objects and the `items` managers that lead to it.
ItemManager = models.Manager.from_queryset(ItemQuerySet)


# taggit and modelcluster ship no types, so django-stubs cannot build the `tagged_subjects`
# manager that ItemSubject's ParentalKey adds here.
class Item(RevisionMixin, WrittenDateMixin, ClusterableModel):  # type: ignore[django-manager-missing]
    identifier = models.CharField(
        _("identifier (档号)"), max_length=64, unique=True, help_text=IDENTIFIER_HELP
    )
    title = models.CharField(_("title"), max_length=500)
    title_en = models.CharField(
        _("title in English"),
        max_length=500,
        blank=True,
        help_text=_("Shown on the English site; left blank, the Chinese title is shown, marked."),
    )
    item_type = models.CharField(_("type"), max_length=20, choices=ItemType.choices, db_index=True)
    level = models.CharField(
        _("level of description"),
        max_length=12,
        choices=LevelOfDescription.choices,
        default=LevelOfDescription.ITEM,
    )
    series = models.ForeignKey(
        Series, on_delete=models.PROTECT, related_name="items", verbose_name=_("series")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    creators = models.CharField(
        _("creators"),
        max_length=500,
        blank=True,
        help_text=_("People or bodies who made it, as written; separate several with ；"),
    )
    scientists = ParentalManyToManyField(
        Scientist, blank=True, related_name="items", verbose_name=_("scientists")
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    subjects = ClusterTaggableManager(through=ItemSubject, blank=True, verbose_name=_("subjects"))
    places = models.CharField(_("places"), max_length=500, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-Hans"
    )
    extent = models.CharField(
        _("extent"), max_length=200, blank=True, help_text=_("e.g. 3页, 1件, 00:42:10")
    )
    provenance = models.TextField(_("provenance"), blank=True)
    rights_statement = models.URLField(
        _("rights statement"), choices=RightsStatement.choices, default=RightsStatement.IN_COPYRIGHT
    )
    access_level = models.CharField(
        _("access"),
        max_length=12,
        choices=AccessLevel.choices,
        default=AccessLevel.PUBLIC,
        db_index=True,
    )
    embargo_until = models.DateField(
        _("embargoed until"),
        null=True,
        blank=True,
        help_text=_("Until this date only staff can see the record at all."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="item")

    objects = ItemManager()

    class Meta:
        ordering = ["series", "position", "identifier"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        indexes = [models.Index(fields=["access_level", "embargo_until"])]
        permissions = [
            ("view_researcher_items", _("Can see records open to researchers")),
            ("view_staff_items", _("Can see staff-only and embargoed records")),
        ]

    def __str__(self):
        return f"{self.identifier} {self.title}"

    def get_absolute_url(self):
        return reverse("collections:item", kwargs={"identifier": self.identifier})

    @property
    def fonds(self):
        return self.series.fonds

    def clean(self):
        """A public item's interview must have a signed release (see Interview.clean)."""
        super().clean()
        interview = getattr(self, "interview", None) if self.pk else None
        if interview is not None and ConsentStatus.forbids(self.access_level, interview.consent):
            message = _(
                "This item's interview has no signed release (“%(field)s”: %(consent)s), so "
                "the item cannot be public. Record the signed release on the interview first, "
                "or choose researchers or staff only."
            ) % {
                "field": interview._meta.get_field("consent").verbose_name,
                "consent": interview.get_consent_display(),
            }
            raise ValidationError(
                {"access_level": ValidationError(message, code="consent_required")}
            )

    @property
    def revisions(self):
        return self._revisions
