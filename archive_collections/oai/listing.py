"""The harvest's queries: one page of records by keyset, and what their metadata needs.

A page costs a fixed number of queries whatever its size: the records joined to their items,
series and fonds (one query), the items' scientists (one), their subjects (one). Rows are read
as plain values into small frozen views: building 100 clusterable model instances a page cost
more than the rest of the response.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from django.db.models import Q, QuerySet
from django.urls import reverse

from archive_collections.access import AccessPolicy
from archive_collections.models import Item, ItemSubject, ItemType, OaiRecord, RightsStatement

from .tokens import Selection


@dataclass(frozen=True)
class Unit:
    """A fonds or series, as an item's record names it."""

    identifier: str
    title: str
    url: str


@dataclass(frozen=True)
class Person:
    identifier: str
    name: str
    name_pinyin: str
    birth_year: int | None
    death_year: int | None
    url: str


@dataclass(frozen=True)
class ItemView:
    """What the metadata formats read of one public item."""

    identifier: str
    title: str
    item_type: str
    type_label: str
    language: str
    creators: str
    description: str
    extent: str
    provenance: str
    places: str
    rights_statement: str
    rights_label: str
    date_text: str
    date_start: date | None
    date_end: date | None
    date_precision: str
    date_approximate: bool
    url: str
    series: Unit
    fonds: Unit
    publisher: str


@dataclass
class Record:
    """One record as a response shows it: a header, and for a live record its item."""

    pk: int
    identifier: str  # the item's 档号
    datestamp: datetime
    set_specs: list[str]
    deleted: bool
    item: ItemView | None = None  # only for live records, and only when metadata is asked for
    scientists: list[Person] = field(default_factory=list)
    subjects: list[str] = field(default_factory=list)


HEADER = ["pk", "identifier", "datestamp", "deleted", "set_specs", "item_id"]
ACCESS = ["item__access_level", "item__embargo_until"]
ITEM = [
    "item__title",
    "item__item_type",
    "item__language",
    "item__creators",
    "item__description",
    "item__extent",
    "item__provenance",
    "item__places",
    "item__rights_statement",
    "item__date_text",
    "item__date_start",
    "item__date_end",
    "item__date_precision",
    "item__date_approximate",
    "item__series__identifier",
    "item__series__title",
    "item__series__fonds__identifier",
    "item__series__fonds__title",
    "item__series__fonds__collecting_institution",
]


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
    fields = HEADER + ACCESS + (ITEM if with_items else [])
    rows = records.order_by("datestamp", "pk").values(*fields)[: size + 1]
    return shown(list(rows), with_items=with_items)


def one(identifier: str) -> Record | None:
    rows = OaiRecord.objects.filter(identifier=identifier).values(*HEADER, *ACCESS, *ITEM)
    return next(iter(shown(list(rows), with_items=True)), None)


def shown(rows: list[dict[str, Any]], *, with_items: bool) -> list[Record]:
    policy = AccessPolicy.anonymous()
    labels = _Labels()
    result = []
    for row in rows:
        # A live record whose item stopped being public without a signal (a queryset update)
        # is shown as deleted until the next reconcile gives it its new datestamp.
        access = Access(row["item__access_level"], row["item__embargo_until"])
        live = not row["deleted"] and row["item_id"] is not None and policy.can_view(access)
        view = _item(row, labels) if live and with_items else None
        specs = row["set_specs"].split()
        result.append(Record(row["pk"], row["identifier"], row["datestamp"], specs, not live, view))
    if with_items:
        _attach_people_and_subjects(
            {
                row["item_id"]: record
                for row, record in zip(rows, result, strict=True)
                if record.item
            }
        )
    return result


@dataclass(frozen=True)
class Access:
    """The two fields the access policy reads."""

    access_level: str
    embargo_until: date | None


class _Labels:
    """Display labels resolved once per page instead of once per record."""

    def __init__(self) -> None:
        self.types = {code: str(label) for code, label in ItemType.choices}
        self.rights = {uri: str(label) for uri, label in RightsStatement.choices}
        self.item_url = _url_pattern("collections:item")
        self.series_url = _url_pattern("collections:series")
        self.fonds_url = _url_pattern("collections:fonds")


# Reversed once per page, then filled per record: reverse() per record and per link was a
# tenth of a page's time.
_PLACEHOLDER = "OAI-PLACEHOLDER"
_URL_SAFE = "!$&'()*+,;=/~:@"  # what reverse() leaves unquoted


def _url_pattern(name: str) -> str:
    return reverse(name, kwargs={"identifier": _PLACEHOLDER})


def _path(pattern: str, identifier: str) -> str:
    return pattern.replace(_PLACEHOLDER, quote(identifier, safe=_URL_SAFE))


def _item(row: dict[str, Any], labels: _Labels) -> ItemView:
    series_id = row["item__series__identifier"]
    fonds_id = row["item__series__fonds__identifier"]
    return ItemView(
        identifier=row["identifier"],
        title=row["item__title"],
        item_type=row["item__item_type"],
        type_label=labels.types.get(row["item__item_type"], row["item__item_type"]),
        language=row["item__language"],
        creators=row["item__creators"],
        description=row["item__description"],
        extent=row["item__extent"],
        provenance=row["item__provenance"],
        places=row["item__places"],
        rights_statement=row["item__rights_statement"],
        rights_label=labels.rights.get(row["item__rights_statement"], ""),
        date_text=row["item__date_text"],
        date_start=row["item__date_start"],
        date_end=row["item__date_end"],
        date_precision=row["item__date_precision"],
        date_approximate=row["item__date_approximate"],
        url=_path(labels.item_url, row["identifier"]),
        series=Unit(series_id, row["item__series__title"], _path(labels.series_url, series_id)),
        fonds=Unit(fonds_id, row["item__series__fonds__title"], _path(labels.fonds_url, fonds_id)),
        publisher=row["item__series__fonds__collecting_institution"],
    )


def _attach_people_and_subjects(records: dict[int, Record]) -> None:
    pks = list(records)
    scientist_url = _url_pattern("collections:scientist")
    links = (
        Item.scientists.through.objects.filter(item_id__in=pks)
        .order_by("pk")
        .values_list(
            "item_id",
            "scientist__identifier",
            "scientist__name",
            "scientist__name_pinyin",
            "scientist__birth_year",
            "scientist__death_year",
        )
    )
    for item_pk, identifier, name, pinyin, born, died in links:
        url = _path(scientist_url, identifier)
        records[item_pk].scientists.append(Person(identifier, name, pinyin, born, died, url))
    tagged = (
        ItemSubject.objects.filter(content_object_id__in=pks)
        .order_by("pk")
        .values_list("content_object_id", "tag__name")
    )
    subjects: defaultdict[int, list[str]] = defaultdict(list)
    for item_pk, name in tagged:
        subjects[item_pk].append(name)
    for item_pk, record in records.items():
        record.subjects = subjects[item_pk]
