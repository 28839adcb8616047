"""What OAI-PMH harvesters see of each item: when it last changed for them, and whether it is gone.

An item's own `updated_at` is not enough: a record also changes for a harvester when it stops
being public (withdrawn, embargoed, deleted: it must then be announced as deleted, persistently)
or becomes public again, when it moves to another fonds, or when the scientist or series its
metadata names is edited. One `OaiRecord` per item that has ever been public keeps that state;
the harvest pages through it by (datestamp, id).

Kept in step by the receivers at the end of this module (model saves and deletes, the importer's
`catalogue_changed`) and by `OaiRecord.objects.reconcile()`, which every fresh harvest runs first
and which catches what sends no signal (an embargo that ran out, a queryset update).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from archive_collections.access import AccessPolicy
from archive_collections.oai.sets import specs_for, stored
from archive_collections.signals import catalogue_changed

from .hierarchy import Fonds, Item, Series
from .scientists import Scientist

CHUNK = 1000


class OaiRecordManager(models.Manager["OaiRecord"]):
    def sync_items(self, item_pks: Iterable[int], *, touched: bool = False) -> int:
        """Bring the records of these items up to date; `touched` says their metadata changed
        even if their own row did not (a renamed scientist). Returns how many records changed."""
        pks = sorted(set(item_pks))
        return sum(self._sync_chunk(pks[i : i + CHUNK], touched) for i in range(0, len(pks), CHUNK))

    def reconcile(self) -> int:
        """Find the records that drifted without a signal and sync them (a few set-based
        queries, so a harvest can afford it at its start)."""
        now = timezone.now()
        public = Item.objects.filter(AccessPolicy.anonymous().item_q()).values("pk")
        self.filter(deleted=False, item=None).update(deleted=True, datestamp=now)
        drifted = set(
            Item.objects.filter(pk__in=public, oai_record__isnull=True).values_list("pk", flat=True)
        )
        stale = (
            self.filter(deleted=True, item__in=public)
            | self.filter(deleted=False).exclude(item__in=public)
            | self.filter(deleted=False, item__updated_at__gt=models.F("datestamp"))
        )
        drifted.update(stale.exclude(item=None).values_list("item_id", flat=True))
        return self.sync_items(drifted)

    def tombstone(self, identifier: str) -> None:
        self.filter(identifier=identifier, deleted=False).update(
            deleted=True, datestamp=timezone.now()
        )

    def _sync_chunk(self, pks: list[int], touched: bool) -> int:
        now = timezone.now()
        policy = AccessPolicy.anonymous()
        items = _states_of(pks)
        records = {record.item_id: record for record in self.filter(item_id__in=pks)}
        orphans = {
            record.identifier: record
            for record in self.filter(item=None, identifier__in=[i.identifier for i in items])
        }
        retired: list[OaiRecord] = []
        changed: list[OaiRecord] = []
        created: list[OaiRecord] = []
        for item in items:
            record = records.get(item.pk)
            if record is not None and record.identifier != item.identifier:
                # A renamed 档号 is a new record for harvesters; the old one is announced gone.
                record.item_id, record.deleted, record.datestamp = None, True, now
                retired.append(record)
                record = None
            record = record or orphans.get(item.identifier)
            visible = policy.can_view(item)
            if record is None:
                if visible:
                    created.append(
                        OaiRecord(
                            identifier=item.identifier,
                            item_id=item.pk,
                            datestamp=now,
                            set_specs=item.specs,
                        )
                    )
                continue
            if _is_stale(record, item, visible, touched):
                record.item_id, record.deleted, record.datestamp = item.pk, not visible, now
                record.set_specs = item.specs
                changed.append(record)
        fields = ["item", "deleted", "datestamp", "set_specs"]
        self.bulk_update(retired, fields)
        self.bulk_update(changed, fields)
        # Two harvests starting together may both find the same new items: the second's
        # inserts are the first's rows already, not an error.
        self.bulk_create(created, ignore_conflicts=True)
        return len(retired) + len(changed) + len(created)


@dataclass(frozen=True)
class _ItemState:
    """What decides an item's record, read as plain values (model instances of a clusterable
    Item cost more than the rest of a sync)."""

    pk: int
    identifier: str
    access_level: str
    embargo_until: date | None
    updated_at: datetime
    specs: str


def _states_of(pks: list[int]) -> list[_ItemState]:
    people = _scientists_of(pks)
    rows = Item.objects.filter(pk__in=pks).values_list(
        "pk",
        "identifier",
        "item_type",
        "access_level",
        "embargo_until",
        "updated_at",
        "series__fonds__identifier",
        "series__fonds__scientist__identifier",
    )
    return [
        _ItemState(
            pk,
            identifier,
            access,
            embargo,
            updated,
            stored(specs_for(fonds, people[pk] | {fonds_scientist}, item_type)),
        )
        for pk, identifier, item_type, access, embargo, updated, fonds, fonds_scientist in rows
    ]


def _is_stale(record: OaiRecord, item: _ItemState, visible: bool, touched: bool) -> bool:
    if not visible:
        # A hidden item's edits are nobody's business: its tombstone keeps its first datestamp.
        return not record.deleted
    return (
        record.deleted
        or touched
        or record.item_id != item.pk
        or record.set_specs != item.specs
        or item.updated_at > record.datestamp
    )


def _scientists_of(item_pks: list[int]) -> defaultdict[int, set[str]]:
    links = Item.scientists.through.objects.filter(item_id__in=item_pks).values_list(
        "item_id", "scientist__identifier"
    )
    people: defaultdict[int, set[str]] = defaultdict(set)
    for item_pk, identifier in links:
        people[item_pk].add(identifier)
    return people


class OaiRecord(models.Model):
    identifier = models.CharField(_("item identifier"), max_length=64, unique=True)
    # SET_NULL: a deleted item leaves its record behind as the persistent tombstone.
    item = models.OneToOneField(
        Item, null=True, blank=True, on_delete=models.SET_NULL, related_name="oai_record"
    )
    datestamp = models.DateTimeField(_("datestamp"))
    deleted = models.BooleanField(_("announced as deleted"), default=False)
    # Kept here, not derived at harvest time, so a tombstone still says which sets it left.
    set_specs = models.CharField(_("sets"), max_length=1000, blank=True)

    objects = OaiRecordManager()

    class Meta:
        verbose_name = _("OAI-PMH record")
        verbose_name_plural = _("OAI-PMH records")
        # The harvest's keyset: every page is one range scan of this index.
        indexes = [models.Index(fields=["datestamp", "id"], name="oai_record_keyset")]

    def __str__(self) -> str:
        return f"{self.identifier} ({'deleted' if self.deleted else 'live'})"


def _items_of(
    *, series: Iterable[int] = (), fonds: Iterable[int] = (), scientists: Iterable[int] = ()
) -> list[int]:
    series, fonds, scientists = list(series), list(fonds), list(scientists)
    if not (series or fonds or scientists):
        return []
    query = (
        models.Q(series__in=series)
        | models.Q(series__fonds__in=fonds)
        | models.Q(scientists__in=scientists)
        | models.Q(series__fonds__scientist__in=scientists)
    )
    return list(Item.objects.filter(query).values_list("pk", flat=True).distinct())


@receiver(post_save, sender=Item, dispatch_uid="oai_item_saved")
def _item_saved(sender: type[Item], instance: Item, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        OaiRecord.objects.sync_items([instance.pk])


@receiver(m2m_changed, sender=Item.scientists.through, dispatch_uid="oai_item_scientists")
def _item_scientists_changed(
    sender: type,
    instance: models.Model,
    action: str,
    reverse: bool,
    pk_set: set[int] | None,
    **kwargs: Any,
) -> None:
    if action.startswith("post_"):
        # From the scientist's side (`scientist.items.add(...)`) the items are in pk_set.
        pks = list(pk_set or ()) if reverse else [instance.pk]
        OaiRecord.objects.sync_items(pks)


@receiver(post_delete, sender=Item, dispatch_uid="oai_item_deleted")
def _item_deleted(sender: type[Item], instance: Item, **kwargs: Any) -> None:
    OaiRecord.objects.tombstone(instance.identifier)


@receiver(post_save, sender=Series, dispatch_uid="oai_series_saved")
@receiver(post_save, sender=Fonds, dispatch_uid="oai_fonds_saved")
@receiver(post_save, sender=Scientist, dispatch_uid="oai_scientist_saved")
def _context_saved(
    sender: type[models.Model],
    instance: models.Model,
    created: bool,
    raw: bool = False,
    **kwargs: Any,
) -> None:
    # Their titles and names are part of every item record below them.
    if raw or created:
        return
    kind = {Series: "series", Fonds: "fonds", Scientist: "scientists"}[sender]
    OaiRecord.objects.sync_items(_items_of(**{kind: [instance.pk]}), touched=True)


@receiver(catalogue_changed, dispatch_uid="oai_catalogue_changed")
def _catalogue_changed(
    sender: object,
    items: Iterable[int] = (),
    scientists: Iterable[int] = (),
    fonds: Iterable[int] = (),
    series: Iterable[int] = (),
    **kwargs: Any,
) -> None:
    # The importer writes in bulk (no model signals); what it announces changed, changed.
    context = _items_of(series=series, fonds=fonds, scientists=scientists)
    OaiRecord.objects.sync_items([*items, *context], touched=True)
