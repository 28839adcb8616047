"""What the site search shows of a shared resource (search.presentation.RESULT_NOTES_HOOK): an
approved case's or product's record is found like any record; its result names the resource's
kind, organisation and licence and links the resource page. One query a result page."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from search.presentation import ResultNote

from ..models import Contribution, ContributionKind, Status
from .resources import kind_label, organisation_name


def notes(item_pks: list[int]) -> dict[int, ResultNote]:
    """The notes of the records among `item_pks` that carry an approved resource. The search
    has already applied the access policy to the records, so each result shown may say this."""
    resources = Contribution.objects.filter(
        item_id__in=item_pks,
        status=Status.APPROVED,
        kind__in=(ContributionKind.CASE, ContributionKind.PRODUCT),
    ).select_related("organisation")
    found = {}
    for resource in resources:
        assert resource.item_id is not None  # filtered on it above
        found[resource.item_id] = ResultNote(
            lines=(organisation_name(resource.organisation), str(resource.get_licence_display())),
            url=reverse("resources:resource", kwargs={"pk": resource.pk}),
            type_label=_("Resource library: %(kind)s") % {"kind": kind_label(resource)},
        )
    return found
