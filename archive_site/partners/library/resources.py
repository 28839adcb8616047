"""Which resources a visitor sees, and how each is named in the site's language.

A resource is an approved case or product (`scope.visible_resources_q`). One shared with
everyone is shown only where its record is visible too (a curator may approve it at the
researchers' level): the library never shows a resource whose record the archive would hide.
One shared with partners only keeps a staff-only record (deciding.approve); members and
reviewers see it here, and its record opens to them one at a time (scope.record_opener).
Anything else — pending, sent back, rejected, or not visible to this visitor — is absent, and
its URLs answer 404 like an unknown key."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from archive_collections.access import AccessPolicy
from archive_collections.bilingual import english_active

from .. import scope
from ..models import Audience, Contribution, Organisation


def visible(user) -> QuerySet[Contribution]:
    """The resources `user` may see in the library, on resource pages and in packages."""
    policy = AccessPolicy.for_user(user)
    resources = Contribution.objects.filter(scope.visible_resources_q(user))
    if policy.is_staff:
        # Staff see every record (item_q is an empty Q, which an OR would silently drop).
        return resources
    return resources.filter(Q(audience=Audience.PARTNERS) | policy.item_q("item__"))


def resource_or_404(user, pk: int) -> Contribution:
    resource = (
        visible(user)
        .select_related("organisation", "organisation__logo", "item")
        .filter(pk=pk)
        .first()
    )
    if resource is None:
        raise Http404("No such resource.")
    return resource


def organisation_name(organisation: Organisation) -> str:
    """The organisation's name in the site's language (its Chinese name where no English)."""
    if english_active() and organisation.name_en.strip():
        return organisation.name_en.strip()
    return organisation.name


def kind_label(resource: Contribution) -> str:
    """ "Publicity case" or the product's kind ("Video", "Poster"…)."""
    if resource.product_kind:
        return str(resource.get_product_kind_display())
    return str(resource.get_kind_display())
