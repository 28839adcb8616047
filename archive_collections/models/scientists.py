"""Scientist authority records: one per person, with every form of their name."""

from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, RevisionMixin

from archive_collections.names import pinyin_of

from .choices import NameKind, RelationKind


class Discipline(models.Model):
    """A field of science (学科), shared vocabulary for scientists and search facets."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")

    def __str__(self):
        return self.name


class Scientist(RevisionMixin, ClusterableModel):
    identifier = models.SlugField(
        _("authority identifier"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used in URLs and manifests, e.g. qian-xuesen."),
    )
    name = models.CharField(_("name (汉字)"), max_length=50, db_index=True)
    name_pinyin = models.CharField(
        _("name in pinyin"),
        max_length=100,
        blank=True,
        help_text=_("Filled in from the characters when left blank."),
    )
    gender = models.CharField(
        _("gender"),
        max_length=10,
        blank=True,
        choices=[("male", _("Male")), ("female", _("Female"))],
    )
    birth_date_text = models.CharField(_("born (as written)"), max_length=50, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=200, blank=True)
    death_date_text = models.CharField(_("died (as written)"), max_length=50, blank=True)
    death_year = models.PositiveSmallIntegerField(_("death year"), null=True, blank=True)
    death_place = models.CharField(_("death place"), max_length=200, blank=True)
    disciplines = ParentalManyToManyField(
        Discipline, blank=True, related_name="scientists", verbose_name=_("disciplines")
    )
    summary = models.CharField(
        _("one-line summary"),
        max_length=300,
        blank=True,
        help_text=_("Shown in lists and search results."),
    )
    summary_en = models.CharField(
        _("one-line summary in English"),
        max_length=300,
        blank=True,
        help_text=_("Shown on the English site; left blank, the Chinese summary is shown, marked."),
    )
    biography = RichTextField(_("biography"), blank=True)
    portrait = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("portrait"),
    )
    _revisions = GenericRelation("wagtailcore.Revision", related_query_name="scientist")

    class Meta:
        ordering = ["name_pinyin", "name"]
        verbose_name = _("scientist")
        verbose_name_plural = _("scientists")

    def __str__(self):
        return self.name

    @property
    def revisions(self):
        return self._revisions

    def get_absolute_url(self):
        return reverse("collections:scientist", kwargs={"identifier": self.identifier})

    @property
    def life_dates(self) -> str:
        born = self.birth_date_text or (str(self.birth_year) if self.birth_year else "?")
        died = self.death_date_text or (str(self.death_year) if self.death_year else "")
        return f"{born}—{died}"

    @property
    def english_name(self) -> str:
        """The name the English site shows: a variant of the kind "English name" when one was
        recorded, else the pinyin. Asked only on the English site (one small query per record
        unless the variants were prefetched)."""
        cached = getattr(self, "_prefetched_objects_cache", {}).get("names")
        if cached is not None:
            english = [v.name for v in cached if v.kind == NameKind.ENGLISH and v.name]
        elif self.pk:
            english = list(
                self.names.filter(kind=NameKind.ENGLISH).values_list("name", flat=True)[:1]
            )
        else:
            english = []
        return english[0] if english else (self.name_pinyin or pinyin_of(self.name))

    def save(self, *args, **kwargs):
        if not self.name_pinyin and self.name:
            self.name_pinyin = pinyin_of(self.name)
        super().save(*args, **kwargs)


class ScientistName(Orderable):
    """Another form of the name: Wade–Giles, English, former names, 字 and 号."""

    scientist = ParentalKey(Scientist, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=NameKind.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("name variant")
        verbose_name_plural = _("name variants")

    def __str__(self):
        return f"{self.name} ({self.get_kind_display()})"


class ScientistHonour(Orderable):
    scientist = ParentalKey(Scientist, on_delete=models.CASCADE, related_name="honours")
    title = models.CharField(_("honour"), max_length=200, help_text=_("e.g. 中国科学院学部委员"))
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("honour")
        verbose_name_plural = _("honours")

    def __str__(self):
        return f"{self.title} ({self.year})" if self.year else self.title


class ScientistAffiliation(Orderable):
    scientist = ParentalKey(Scientist, on_delete=models.CASCADE, related_name="affiliations")
    institution = models.CharField(_("institution"), max_length=200)
    role = models.CharField(_("role"), max_length=200, blank=True)
    start_year = models.PositiveSmallIntegerField(_("from"), null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(_("to"), null=True, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")

    def __str__(self):
        return self.institution


class ScientistRelation(Orderable):
    """A directed relation: `scientist` is the subject, e.g. scientist MENTOR_OF `other`."""

    scientist = ParentalKey(Scientist, on_delete=models.CASCADE, related_name="relations")
    other = models.ForeignKey(
        Scientist,
        on_delete=models.CASCADE,
        related_name="inverse_relations",
        verbose_name=_("related scientist"),
    )
    kind = models.CharField(_("relation"), max_length=20, choices=RelationKind.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("relation")
        verbose_name_plural = _("relations")
        constraints = [
            models.UniqueConstraint(
                fields=["scientist", "other", "kind"], name="unique_scientist_relation"
            ),
            models.CheckConstraint(
                condition=~models.Q(scientist=models.F("other")), name="relation_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.scientist} → {self.get_kind_display()} → {self.other}"
