"""Access requests for researcher-only records (issue 16.5).

A visitor registers as a researcher (a `ResearcherProfile` beside an account that stays inactive
until its e-mail address is verified, with no rights at all) and, signed in, asks for access to
one record (`AccessRequest`, one open request per user and record). An archivist approves it,
either by adding the user to the 研究人员 group or with a `FondsAccessGrant` — the researcher-level
records of that record's fonds until an end date, which `AccessPolicy.for_user` reads — or
declines it with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .hierarchy import Fonds, Item


class ResearcherProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="researcher_profile",
        verbose_name=_("user"),
    )
    institution = models.CharField(_("institution"), max_length=200)
    research_purpose = models.TextField(_("research purpose"))
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)

    class Meta:
        verbose_name = _("researcher registration")
        verbose_name_plural = _("researcher registrations")

    def __str__(self):
        return f"{self.user.get_full_name() or self.user.get_username()} ({self.institution})"


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("access request status", "Pending")
    APPROVED = "approved", _("Approved")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class GrantKind(models.TextChoices):
    GROUP = "group", _("Researcher group (all researcher records)")
    FONDS = "fonds", _("This record's fonds, until an end date")


class AccessRequest(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_requests",
        verbose_name=_("requester"),
    )
    item = models.ForeignKey(
        Item, on_delete=models.CASCADE, related_name="access_requests", verbose_name=_("record")
    )
    purpose = models.TextField(_("purpose"))
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccessRequestStatus.choices,
        default=AccessRequestStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    grant_kind = models.CharField(_("access granted"), max_length=10, blank=True)
    grant_until = models.DateField(_("access until"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item"],
                condition=models.Q(status="pending"),
                name="one_open_access_request",
            )
        ]

    def __str__(self):
        return f"{self.user.get_username()} → {self.item.identifier}"

    @property
    def is_pending(self) -> bool:
        return self.status == AccessRequestStatus.PENDING


class FondsAccessGrant(models.Model):
    """The researcher-level records of one fonds, for one user, through `valid_until`
    (inclusive). Expired grants stay as history; the access policy ignores them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="fonds_grants",
        verbose_name=_("user"),
    )
    fonds = models.ForeignKey(
        Fonds, on_delete=models.CASCADE, related_name="access_grants", verbose_name=_("fonds")
    )
    valid_until = models.DateField(_("access until"))
    request = models.ForeignKey(
        AccessRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grants",
        verbose_name=_("access request"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    created_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fonds access grant")
        verbose_name_plural = _("fonds access grants")
        indexes = [models.Index(fields=["user", "valid_until"], name="fonds_grant_user_until")]

    def __str__(self):
        return f"{self.user.get_username()} → {self.fonds.identifier} ({self.valid_until})"
