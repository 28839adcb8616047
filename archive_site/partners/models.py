"""Organisations, their members, and what they contribute.

A contribution of any kind carries one catalogue `Item` (`Contribution.item`): its metadata and
its files, ingested by the same pipeline as every other file (fixity, derivatives, OCR), so a
reviewer sees it rendered. Until a curator approves it the item is staff-only, which keeps it
off every public surface; approval sets the access level the curator chose. Who may see a
contribution before that is decided in `scope.py`, not by the item's access level.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from archive_collections.models import Item, Scientist
from archive_collections.models.choices import AccessLevel

from . import regions
from .licences import Licence
from .origins import validate_origins


class OrganisationKind(models.TextChoices):
    SOCIETY = "society", _("National society")
    ASSOCIATION = "association", _("Local science and technology association")
    TEAM = "team", _("Collecting team")
    BASE = "base", _("Scientist-spirit education base")
    INSTITUTION = "institution", _("University or research institute")
    OTHER = "other", _("Other")


class Organisation(ClusterableModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    # Short code: prefixes the identifiers given to its contributions (e.g. GJ-SXKX-0001).
    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Letters, digits and hyphens; used in the identifiers of its contributions."),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=OrganisationKind.choices)
    region = models.CharField(_("region"), max_length=2, choices=regions.CHOICES)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("logo"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    embed_origins = models.TextField(
        _("sites that may embed"),
        blank=True,
        validators=[validate_origins],
        help_text=_(
            "One origin per line, e.g. https://www.example.org.cn — these sites may show this "
            "platform's chapters, stories and interview clips in a frame."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name

    @property
    def region_name(self) -> str:
        return regions.region_name(self.region)


class MemberRole(models.TextChoices):
    CONTRIBUTOR = "contributor", _("Contributor")
    EDITOR = "editor", _("Organisation editor")


class Membership(models.Model):
    """A user's place in one organisation. Contributors see and change their own submissions;
    the organisation's editors see and change all of its submissions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_membership",
        verbose_name=_("user"),
    )
    organisation = ParentalKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(
        _("role"), max_length=12, choices=MemberRole.choices, default=MemberRole.CONTRIBUTOR
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "user"]
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


class ContributionKind(models.TextChoices):
    MATERIAL = "material", _("Archive material")
    CASE = "case", _("Publicity case or lead")
    PRODUCT = "product", _("Original product")


class ProductKind(models.TextChoices):
    VIDEO = "video", _("Video")
    POSTER = "poster", _("Poster")
    LESSON = "lesson", _("Lesson plan")
    ARTICLE = "article", _("Article")
    OTHER = "other", _("Other")


class Theme(models.TextChoices):
    """The six strands of the scientist spirit (科学家精神)."""

    PATRIOTISM = "patriotism", _("Patriotism")
    INNOVATION = "innovation", _("Innovation")
    TRUTH = "truth", _("Seeking truth")
    DEDICATION = "dedication", _("Dedication")
    COLLABORATION = "collaboration", _("Collaboration")
    MENTORING = "mentoring", _("Mentoring the young")


class Audience(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    PARTNERS = "partners", _("Partner organisations only")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Awaiting review")
    CHANGES = "changes", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


#: What a contributor may still change: a submission awaiting review or sent back to them.
EDITABLE = (Status.SUBMITTED, Status.CHANGES)


class Contribution(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contributions",
        verbose_name=_("organisation"),
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="contributions",
        verbose_name=_("submitted by"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ContributionKind.choices)
    product_kind = models.CharField(
        _("product kind"), max_length=10, choices=ProductKind.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)
    # Plain text in paragraphs (blank lines): contributors are outsiders, so no HTML is kept.
    body = models.TextField(_("text"), blank=True)
    scientists = models.ManyToManyField(
        Scientist, blank=True, related_name="contributions", verbose_name=_("scientists")
    )
    theme = models.CharField(_("theme"), max_length=16, choices=Theme.choices, blank=True)
    licence = models.CharField(_("licence"), max_length=20, choices=Licence.choices)
    source_statement = models.TextField(
        _("source statement"),
        help_text=_("Where the material comes from and who holds the rights."),
    )
    audience = models.CharField(
        _("shared with"), max_length=10, choices=Audience.choices, default=Audience.PUBLIC
    )
    # The catalogue record carrying the contribution's metadata and files (see module doc).
    item = models.OneToOneField(
        Item,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contribution",
        verbose_name=_("record"),
    )
    # Set by the curator who approves it; empty until then.
    access_level = models.CharField(
        _("access"), max_length=12, choices=AccessLevel.choices, blank=True
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    # The latest word to the contributor: what to change, or why it was rejected.
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("submitted"), db_index=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        permissions = [("review_contribution", "Can review partner contributions")]
        indexes = [
            models.Index(fields=["status", "submitted_at"], name="partners_queue"),
            models.Index(fields=["organisation", "status"], name="partners_org_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE

    @property
    def is_resource(self) -> bool:
        """Cases and products go to the resource library; materials go to the archive."""
        return self.kind in (ContributionKind.CASE, ContributionKind.PRODUCT)

    def clean(self):
        super().clean()
        if self.kind == ContributionKind.PRODUCT and not self.product_kind:
            raise ValidationError({"product_kind": _("Say what kind of product this is.")})
        if self.kind != ContributionKind.PRODUCT:
            self.product_kind = ""


class EventAction(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    EDITED = "edited", _("Changed and resubmitted")
    CHANGES = "changes", _("Changes requested")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class ContributionEvent(models.Model):
    """One step in a contribution's life, shown to its contributor and to reviewers."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    action = models.CharField(_("action"), max_length=10, choices=EventAction.choices)
    comment = models.TextField(_("comment"), blank=True)
    # For an approval: the access level chosen.
    access_level = models.CharField(
        _("access"), max_length=12, choices=AccessLevel.choices, blank=True
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("contribution step")
        verbose_name_plural = _("contribution steps")

    def __str__(self) -> str:
        return f"{self.contribution_id} {self.action}"
