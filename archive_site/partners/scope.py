"""Who may see and change which contributions: the one place that answers it.

- A contributor sees and changes their own submissions; an organisation editor all of their
  organisation's. Nobody else in an organisation, and no other organisation, sees them.
- A reviewer (permission `partners.review_contribution`: 策展人, 档案员, superusers) sees every
  contribution and decides on it. Contributors never hold that permission.
- An approved resource shared with partners only is seen by every active member of an active
  organisation, and by reviewers.
Everything else about an approved contribution follows its record's access level, through the
archive's own policy.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import Audience, Contribution, MemberRole, Membership, Status

REVIEW_PERMISSION = "partners.review_contribution"


def membership_of(user) -> Membership | None:
    """The user's membership of an active organisation, or None (cached on the user object)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if hasattr(user, "_partner_membership"):
        cached: Membership | None = user._partner_membership
        return cached
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, organisation__active=True)
        .first()
    )
    user._partner_membership = membership
    return membership


def can_review(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(REVIEW_PERMISSION))


def is_editor(membership: Membership | None) -> bool:
    return membership is not None and membership.role == MemberRole.EDITOR


def own_contributions(user) -> QuerySet[Contribution]:
    """The contributions a member works on in the contribution area: their own, or all of their
    organisation's for its editors. Empty for everyone else (reviewers use the review queue)."""
    membership = membership_of(user)
    if membership is None:
        return Contribution.objects.none()
    mine = Contribution.objects.filter(organisation_id=membership.organisation_id)
    return mine if is_editor(membership) else mine.filter(submitter=user)


def can_edit(user, contribution: Contribution) -> bool:
    """May this member change (and resubmit) the contribution now?"""
    return contribution.editable and own_contributions(user).filter(pk=contribution.pk).exists()


def partner_resources_visible(user) -> bool:
    """Does the user see resources shared with partner organisations only?"""
    return membership_of(user) is not None or can_review(user)


def visible_resources_q(user) -> Q:
    """Approved cases and products the user may see in the resource library."""
    q = Q(status=Status.APPROVED, kind__in=("case", "product"))
    if partner_resources_visible(user):
        return q
    return q & Q(audience=Audience.PUBLIC)


OPENED_CACHE = "_partner_opened_records"


def opened_records(user) -> frozenset[int]:
    """The records a member opens: their own contributions' (the organisation's, for editors)
    and every approved partner-only resource's. One query, kept on the user object, so a page
    asking about many records costs one query however many it asks about."""
    cached = getattr(user, OPENED_CACHE, None)
    if cached is not None:
        return cached
    membership = membership_of(user)
    opened: frozenset[int] = frozenset()
    if membership is not None:
        shared = Q(status=Status.APPROVED, audience=Audience.PARTNERS)
        own = Q(organisation_id=membership.organisation_id)
        if not is_editor(membership):
            own &= Q(submitter=user)
        opened = frozenset(
            Contribution.objects.filter(own | shared, item__isnull=False).values_list(
                "item_id", flat=True
            )
        )
    setattr(user, OPENED_CACHE, opened)
    return opened


def can_see_files(user, contribution: Contribution) -> bool:
    """May the user open the contribution's record and files before (or without) the public
    levels allowing it: previews before approval, partner-only resources after it?"""
    if can_review(user):
        return True
    return contribution.item_id is not None and contribution.item_id in opened_records(user)


def record_opener(user):
    """The access policy's opener (archive_collections.access.register_opener): a member opens
    the records of the contributions they work on and of partner-only resources; a reviewer
    opens every contribution's record. None for everyone else, without a query for anonymous
    visitors or for a request that asks about no hidden record."""
    if not getattr(user, "is_authenticated", False):
        return None
    if can_review(user):
        return lambda item: Contribution.objects.filter(item_id=item.pk).exists()
    if membership_of(user) is None:
        return None
    return lambda item: item.pk in opened_records(user)
