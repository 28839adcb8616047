"""A reviewer's decisions on a contribution: approve with an access level, send back with a
comment the contributor sees, or reject with a reason. Each is one transaction that moves the
status, sets the record's access, and logs the step (a `ContributionEvent` for the contributor and
a Wagtail log entry for the admin's history). The caller has checked `scope.can_review`."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from archive_collections.models.choices import AccessLevel

from .models import Audience, Contribution, ContributionEvent, EventAction, Status

LOG_ACTIONS = {
    EventAction.APPROVED: "partners.approve",
    EventAction.CHANGES: "partners.request_changes",
    EventAction.REJECTED: "partners.reject",
}


def _locked(contribution: Contribution) -> Contribution:
    # OF self: PostgreSQL refuses to lock the nullable side of the outer join to the record.
    locked = (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("item")
        .get(pk=contribution.pk)
    )
    if locked.status not in (Status.SUBMITTED, Status.CHANGES):
        raise ValidationError(_("This contribution has already been decided."))
    return locked


def _record(contribution, reviewer, action, comment="", access_level="") -> None:
    ContributionEvent.objects.create(
        contribution=contribution,
        actor=reviewer,
        action=action,
        comment=comment,
        access_level=access_level,
    )
    log(
        instance=contribution,
        action=LOG_ACTIONS[action],
        user=reviewer,
        data={"comment": comment, "access_level": access_level},
    )


@transaction.atomic
def approve(
    contribution: Contribution,
    reviewer,
    access_level: str,
    audience: str | None = None,
    comment: str = "",
) -> Contribution:
    if access_level not in AccessLevel.values:
        raise ValidationError({"access_level": _("Choose who may see the approved record.")})
    if audience is not None and audience not in Audience.values:
        raise ValidationError({"audience": _("Choose whom the resource is shared with.")})
    contribution = _locked(contribution)
    if contribution.status != Status.SUBMITTED:
        raise ValidationError(_("The contributor has not yet answered the requested changes."))
    contribution.status = Status.APPROVED
    contribution.access_level = access_level
    if audience is not None:
        contribution.audience = audience
    contribution.reviewer = reviewer
    contribution.review_comment = comment.strip()
    contribution.decided_at = timezone.now()
    contribution.save()
    item = contribution.item
    if item is not None:
        # A resource shared with partners only keeps its record off the public archive.
        shared = contribution.audience == Audience.PUBLIC or not contribution.is_resource
        item.access_level = access_level if shared else AccessLevel.STAFF
        item.save(update_fields=["access_level", "updated_at"])
    _record(contribution, reviewer, EventAction.APPROVED, comment.strip(), access_level)
    return contribution


def _answer(contribution, reviewer, comment: str, status: str, required: str) -> Contribution:
    """Lock the contribution, set its status and the comment the contributor reads (required:
    `required` is the message when it is empty)."""
    if not comment.strip():
        raise ValidationError({"comment": required})
    contribution = _locked(contribution)
    contribution.status = status
    contribution.reviewer = reviewer
    contribution.review_comment = comment.strip()
    return contribution


@transaction.atomic
def request_changes(contribution: Contribution, reviewer, comment: str) -> Contribution:
    required = _("Tell the contributor what to change.")
    contribution = _answer(contribution, reviewer, comment, Status.CHANGES, required)
    contribution.save()
    _record(contribution, reviewer, EventAction.CHANGES, contribution.review_comment)
    return contribution


@transaction.atomic
def reject(contribution: Contribution, reviewer, comment: str) -> Contribution:
    required = _("Give the contributor the reason.")
    contribution = _answer(contribution, reviewer, comment, Status.REJECTED, required)
    contribution.decided_at = timezone.now()
    contribution.save()
    item = contribution.item
    if item is not None and item.access_level != AccessLevel.STAFF:
        item.access_level = AccessLevel.STAFF
        item.save(update_fields=["access_level", "updated_at"])
    _record(contribution, reviewer, EventAction.REJECTED, contribution.review_comment)
    return contribution
