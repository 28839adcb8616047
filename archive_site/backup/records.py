"""Which database rows a bag carries, and which of them changed since a moment.

A backup keeps primary keys: exhibit blocks, Wagtail images and revisions refer to records by
key, so a restore that renumbered them would have to rewrite every StreamField. Rows are written
with Django's serializers (JSON lines, content types by natural key) and read back with a raw
save, which keeps keys and timestamps as they were.

Small tables (the authority records, the hierarchy, pages, images) travel whole in every bag;
the large ones (items, interviews and their segments, files, page texts, fixity checks, OAI
records) travel in an incremental bag only when they changed. Every bag also lists the keys of
every row of every table (the inventory), so a restore deletes what the source no longer has.
Accounts are not carried: references to users are left empty (see docs/OPERATIONS.md).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from taggit.models import Tag, TaggedItem
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Revision, Site

from archive_collections.models import (
    Discipline,
    Fonds,
    IndexSegment,
    Interview,
    Item,
    ItemSubject,
    OaiRecord,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    ScientistRelation,
    Series,
    TranscriptSegment,
)
from media_pipeline.models import FixityCheck, ItemFile, PageText

Changed = Callable[[datetime], QuerySet]
REVISED = (Scientist, Fonds, Series, Item, Interview)  # catalogue records with revisions


@dataclass(frozen=True)
class RecordSet:
    model: type[models.Model]
    # None: the whole table travels in every bag (small, or without a change date).
    changed: Changed | None = None

    @property
    def label(self) -> str:
        return self.model._meta.label_lower

    def rows(self, since: datetime | None) -> QuerySet:
        queryset = self.model._base_manager.all()
        if since is not None and self.changed is not None:
            queryset = queryset.filter(pk__in=self.changed(since).values("pk"))
        return queryset.order_by("pk")

    def inventory(self) -> QuerySet:
        return self.model._base_manager.order_by("pk").values_list("pk", flat=True)

    def fields(self) -> list[str]:
        """Stored fields minus references to accounts (not carried) and many-to-many fields
        (their through tables are record sets of their own, saved row by row)."""
        return [
            field.name
            for field in self.model._meta.local_fields
            if getattr(field, "serialize", True)
            and not (field.is_relation and field.related_model is _user_model())
        ]


def _user_model() -> type[models.Model]:
    return apps.get_model(settings.AUTH_USER_MODEL)


def _changed_items(since: datetime) -> QuerySet:
    return Item.objects.filter(
        Q(updated_at__gte=since)
        | Q(latest_revision__created_at__gte=since)
        | Q(interview__latest_revision__created_at__gte=since)
        | Q(files__updated_at__gte=since)
        | Q(oai_record__datestamp__gte=since)
    )


def _changed_files(since: datetime) -> QuerySet:
    return ItemFile.objects.filter(Q(updated_at__gte=since) | Q(item__in=_changed_items(since)))


def latest_revisions() -> QuerySet:
    """The latest (and, for pages, the live) revision of every record and page: a page's draft
    and a record's history entry survive a restore, older revisions do not."""
    wanted = Q(pk__in=Page.objects.values("latest_revision")) | Q(
        pk__in=Page.objects.values("live_revision")
    )
    for model in REVISED:
        wanted |= Q(pk__in=model.objects.values("latest_revision"))
    return Revision.objects.filter(wanted)


class RevisionSet(RecordSet):
    def rows(self, since: datetime | None) -> QuerySet:
        queryset = latest_revisions()
        if since is not None:
            queryset = queryset.filter(created_at__gte=since)
        return queryset.order_by("pk")

    def inventory(self) -> QuerySet:
        return latest_revisions().order_by("pk").values_list("pk", flat=True)


def _through(model: type[models.Model], field: str) -> type[models.Model]:
    through: type[models.Model] = model._meta.get_field(field).remote_field.through  # type: ignore[union-attr]
    return through


def _page_models() -> list[type[models.Model]]:
    """Page types and the models hanging off pages (credits, snippets) of the exhibits app."""
    exhibit_models = [
        model
        for model in apps.get_app_config("exhibits").get_models()
        if not model._meta.abstract and not model._meta.proxy
    ]
    pages = [model for model in exhibit_models if issubclass(model, Page)]
    others = [model for model in exhibit_models if not issubclass(model, Page)]
    throughs: list[type[models.Model]] = [
        field.remote_field.through  # type: ignore[misc]
        for model in exhibit_models
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created  # type: ignore[union-attr]
    ]
    return [*pages, *others, *throughs]


def record_sets() -> list[RecordSet]:
    """Every record set, parents before children (deletions run in the reverse order)."""
    item_scientists = _through(Item, "scientists")
    return [
        RecordSet(Locale),
        RecordSet(Collection),
        RecordSet(Tag),
        RecordSet(get_image_model()),
        RecordSet(get_document_model()),
        RecordSet(TaggedItem),  # image and document tags
        RecordSet(Discipline),
        RevisionSet(Revision),
        RecordSet(Scientist),
        RecordSet(_through(Scientist, "disciplines")),
        RecordSet(ScientistName),
        RecordSet(ScientistHonour),
        RecordSet(ScientistAffiliation),
        RecordSet(ScientistRelation),
        RecordSet(Fonds),
        RecordSet(Series),
        RecordSet(Item, _changed_items),
        RecordSet(item_scientists, _of_items(item_scientists, "item")),
        RecordSet(ItemSubject, _of_items(ItemSubject, "content_object")),
        RecordSet(Interview, _of_items(Interview, "item")),
        RecordSet(TranscriptSegment, _of_items(TranscriptSegment, "interview__item")),
        RecordSet(IndexSegment, _of_items(IndexSegment, "interview__item")),
        RecordSet(ItemFile, _changed_files),
        RecordSet(PageText, lambda s: PageText.objects.filter(item_file__in=_changed_files(s))),
        RecordSet(
            FixityCheck,
            lambda s: FixityCheck.objects.filter(
                Q(checked_at__gte=s) | Q(item_file__in=_changed_files(s))
            ),
        ),
        RecordSet(Page),
        *(RecordSet(model) for model in _page_models()),
        RecordSet(Site),
        RecordSet(OaiRecord, lambda s: OaiRecord.objects.filter(datestamp__gte=s)),
    ]


def _of_items(model: type[models.Model], path: str) -> Changed:
    """Rows belonging to changed items: children have no change date of their own."""
    return lambda since: model._base_manager.filter(**{f"{path}__in": _changed_items(since)})


def by_label() -> dict[str, RecordSet]:
    return {record_set.label: record_set for record_set in record_sets()}


def compress(pks: Iterable[int]) -> list[list[int]]:
    """Ascending keys as [first, last] runs: a table of 456k rows is a few runs, not 456k."""
    runs: list[list[int]] = []
    for pk in pks:
        if runs and pk == runs[-1][1] + 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


class Runs:
    """Membership in compressed keys without expanding them (2M segment keys would be a set
    of 2M integers)."""

    def __init__(self, runs: Iterable[list[int]]) -> None:
        self.runs = sorted((first, last) for first, last in runs)
        self.firsts = [first for first, _ in self.runs]

    def __contains__(self, pk: object) -> bool:
        if not isinstance(pk, int):
            return False
        at = bisect_right(self.firsts, pk) - 1
        return at >= 0 and pk <= self.runs[at][1]
