"""The harvest's queries: one page of records by keyset, and what their metadata needs.

A page costs a fixed number of queries whatever its size: the records with their items, series,
fonds and fonds's scientist (one joined query), the items' scientists (one), their subjects (one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet

from archive_collections.access import AccessPolicy
from archive_collections.models import Item, ItemSubject, OaiRecord, Scientist

from .tokens import Selection


@dataclass
class Record:
    """One record as a response shows it: a header, and for a live record its item."""

    pk: int
    identifier: str  # the item's 档号
    datestamp: datetime
    set_specs: list[str]
    item: Item | None  # None: announced as deleted
    scientists: list[Scientist] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)

    @property
    def deleted(self) -> bool:
        return self.item is None


def selected(selection: Selection) -> QuerySet[OaiRecord]:
    records = OaiRecord.objects.all()
    if selection.set_spec:
        # Specs are stored space-delimited: a set matches itself and its descendants.
        records = records.filter(
            Q(set_specs__contains=f" {selection.set_spec} ")
            | Q(set_specs__contains=f" {selection.set_spec}:")
        )
    if selection.dates.since:
        records = records.filter(datestamp__gte=selection.dates.since)
    if selection.dates.before:
        records = records.filter(datestamp__lt=selection.dates.before)
    return records


def page(
    selection: Selection, after: tuple[datetime, int] | None, size: int, *, with_items: bool
) -> list[Record]:
    """Up to `size` + 1 records after the keyset position (one more tells whether the list
    goes on)."""
    records = selected(selection)
    if after is not None:
        datestamp, pk = after
        # The redundant datestamp >= bound lets the database start its index scan at the
        # position instead of filtering from the beginning: the last page costs as the first.
        records = records.filter(datestamp__gte=datestamp).filter(
            Q(datestamp__gt=datestamp) | Q(pk__gt=pk)
        )
    records = records.order_by("datestamp", "pk")
    if with_items:
        records = records.select_related("item__series__fonds__scientist")
    else:
        records = records.select_related("item").only(
            "identifier",
            "datestamp",
            "deleted",
            "set_specs",
            "item__access_level",
            "item__embargo_until",
        )
    return shown(list(records[: size + 1]), with_items=with_items)


def one(identifier: str) -> Record | None:
    found = (
        OaiRecord.objects.filter(identifier=identifier)
        .select_related("item__series__fonds__scientist")
        .first()
    )
    return None if found is None else shown([found], with_items=True)[0]


def shown(records: list[OaiRecord], *, with_items: bool) -> list[Record]:
    policy = AccessPolicy.anonymous()
    result = []
    for record in records:
        # A live record whose item stopped being public without a signal (a queryset update)
        # is shown as deleted until the next reconcile gives it its new datestamp.
        live = not record.deleted and record.item is not None and policy.can_view(record.item)
        result.append(
            Record(
                pk=record.pk,
                identifier=record.identifier,
                datestamp=record.datestamp,
                set_specs=record.set_specs.split(),
                item=record.item if live else None,
            )
        )
    if with_items:
        _attach_people_and_subjects([r for r in result if r.item is not None])
    return result


def _attach_people_and_subjects(records: list[Record]) -> None:
    pks = [record.item.pk for record in records if record.item is not None]
    people: defaultdict[int, list[Scientist]] = defaultdict(list)
    links = Item.scientists.through.objects.filter(item_id__in=pks).select_related("scientist")
    for link in links.order_by("pk"):
        people[link.item_id].append(link.scientist)
    subjects: defaultdict[int, list[str]] = defaultdict(list)
    tagged = ItemSubject.objects.filter(content_object_id__in=pks).select_related("tag")
    for tag in tagged.order_by("pk"):
        subjects[tag.content_object_id].append(tag.tag.name)
    for record in records:
        assert record.item is not None
        record.scientists = people[record.item.pk]
        record.subjects = subjects[record.item.pk]
