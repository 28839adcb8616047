"""Receivers that keep the search index in step with the archive. Each only translates its
signal's arguments; search.reindex decides what the change makes stale, search.pending when it
is reindexed."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished

from archive_collections import signals as catalogue_signals
from archive_collections.models import (
    Fonds,
    IndexSegment,
    Interview,
    Item,
    Scientist,
    ScientistAffiliation,
    ScientistHonour,
    ScientistName,
    Series,
    TranscriptSegment,
)
from media_pipeline import signals as pipeline_signals
from media_pipeline.models import ItemFile, PageText

from . import reindex
from .service import names_changed

DISPATCH = "archive_search"


def _item_saved(sender: type[Model], instance: Item, **kwargs: Any) -> None:
    reindex.item_changed(instance.pk)


def _interview_saved(sender: type[Model], instance: Interview, **kwargs: Any) -> None:
    reindex.item_changed(instance.item_id)


def _segment_saved(
    sender: type[Model], instance: TranscriptSegment | IndexSegment, **kwargs: Any
) -> None:
    reindex.interview_part_changed(instance.interview_id)


def _scientist_saved(sender: type[Model], instance: Scientist, **kwargs: Any) -> None:
    reindex.scientists_changed([instance.pk])


def _scientist_part_saved(
    sender: type[Model],
    instance: ScientistName | ScientistHonour | ScientistAffiliation,
    **kwargs: Any,
) -> None:
    reindex.scientists_changed([instance.scientist_id])


def _fonds_saved(sender: type[Model], instance: Fonds, **kwargs: Any) -> None:
    reindex.containers_changed(fonds_ids=[instance.pk])


def _series_saved(sender: type[Model], instance: Series, **kwargs: Any) -> None:
    reindex.containers_changed(series_ids=[instance.pk])


def _item_scientists_changed(
    sender: type[Model], instance: Model, action: str, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if not action.startswith("post_"):
        return
    if isinstance(instance, Item):
        reindex.item_changed(instance.pk)
    else:
        reindex.items_changed(pk_set or ())


def _item_file_saved(sender: type[Model], instance: ItemFile, **kwargs: Any) -> None:
    reindex.file_changed(instance)


def _item_file_deleted(sender: type[Model], instance: ItemFile, **kwargs: Any) -> None:
    reindex.file_changed(instance, deleted=True)


def _page_text_changed(sender: type[Model], instance: PageText, **kwargs: Any) -> None:
    reindex.page_text_changed(instance.item_file_id)


def _page_texts_replaced(sender: Any, item_file_id: int, item_id: int, **kwargs: Any) -> None:
    reindex.page_text_changed(item_file_id, item_id)


def _file_processed(sender: Any, item_file_id: int, item_id: int, **kwargs: Any) -> None:
    reindex.file_processed(item_id)


def _catalogue_changed(sender: Any, **kwargs: Any) -> None:
    reindex.catalogue_changed(
        items=kwargs.get("items") or (),
        scientists=kwargs.get("scientists") or (),
        fonds=kwargs.get("fonds") or (),
        series=kwargs.get("series") or (),
        interviews=kwargs.get("interviews") or (),
    )


def _wagtail_page_changed(sender: Any, instance: Model, **kwargs: Any) -> None:
    if isinstance(instance, Page):
        reindex.exhibit_changed(instance.pk)


RECEIVERS: list[tuple[Any, Any, Any]] = [
    # (receiver, signals, sender)
    (_item_saved, (post_save, post_delete), Item),
    (_interview_saved, (post_save, post_delete), Interview),
    (_segment_saved, (post_save, post_delete), TranscriptSegment),
    (_segment_saved, (post_save, post_delete), IndexSegment),
    (_scientist_saved, (post_save, post_delete), Scientist),
    (_scientist_part_saved, (post_save, post_delete), ScientistName),
    (_scientist_part_saved, (post_save, post_delete), ScientistHonour),
    (_scientist_part_saved, (post_save, post_delete), ScientistAffiliation),
    (_fonds_saved, (post_save,), Fonds),
    (_series_saved, (post_save,), Series),
    (_item_scientists_changed, (m2m_changed,), Item.scientists.through),
    (_item_file_saved, (post_save,), ItemFile),
    (_item_file_deleted, (post_delete,), ItemFile),
    (_page_text_changed, (post_save, post_delete), PageText),
    (_page_texts_replaced, (pipeline_signals.page_texts_replaced,), None),
    (_file_processed, (pipeline_signals.file_processed,), None),
    (_catalogue_changed, (catalogue_signals.catalogue_changed,), None),
    (_wagtail_page_changed, (page_published, page_unpublished), None),
]


def connect() -> None:
    for model in (Scientist, ScientistName):
        for signal in (post_save, post_delete):
            signal.connect(
                names_changed,
                sender=model,
                dispatch_uid=f"{DISPATCH}-names-{model.__name__}-{id(signal)}",
            )
    # A deleted page sends post_delete as its own class: listen on Page and each subclass only.
    # A receiver for every sender would make Django load and signal every row of every
    # QuerySet.delete() (the search index's own tables included) instead of one DELETE.
    for page_model in apps.get_models():
        if issubclass(page_model, Page):
            post_delete.connect(
                _wagtail_page_changed,
                sender=page_model,
                dispatch_uid=f"{DISPATCH}-page-deleted-{page_model._meta.label}",
            )
    for receiver, signals, sender in RECEIVERS:
        for signal in signals:
            name = getattr(sender, "__name__", "any")
            signal.connect(
                receiver,
                sender=sender,
                dispatch_uid=f"{DISPATCH}-{receiver.__name__}-{name}-{id(signal)}",
            )
