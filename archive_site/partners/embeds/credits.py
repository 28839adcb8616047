"""The partner organisations a page owes: those whose approved contributions' records it shows.

The page's records are already loaded, through the viewer's access policy, by
`exhibits.records.ArchiveRecords` (items, and interviews with their items), so a record the
viewer may not see credits nobody; one query then finds the organisations for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from exhibits.records import ArchiveRecords

from ..models import Organisation, Status


def shown_item_keys(records: ArchiveRecords | None) -> set[int]:
    if records is None:
        return set()
    keys = set(records.items)
    keys.update(interview.item_id for interview in records.interviews.values())
    return keys


def partner_organisations(item_keys: Iterable[int]) -> QuerySet[Organisation]:
    """Active organisations with an approved contribution carried by one of these items."""
    keys = sorted(set(item_keys))
    if not keys:
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            active=True,
            contributions__status=Status.APPROVED,
            contributions__item_id__in=keys,
        )
        .distinct()
        .order_by("name")
        .only("pk", "name", "name_en", "website")
    )
