"""Keep the search index in step with the archive: every save or delete of an indexed record
schedules its result groups for reindexing after commit (search.indexing.schedule)."""

from __future__ import annotations

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save

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

from . import indexing

DISPATCH = "archive_search"


def _item_changed(sender, instance, **kwargs):
    indexing.schedule([indexing.item_group(instance.pk)])


def _item_part_changed(sender, instance, **kwargs):
    """Interview or segment: reindex the item it belongs to."""
    item_id = getattr(instance, "item_id", None)
    if item_id is None:
        interview_id = getattr(instance, "interview_id", None)
        item_id = (
            Interview.objects.filter(pk=interview_id).values_list("item_id", flat=True).first()
        )
    if item_id:
        indexing.schedule([indexing.item_group(item_id)])


def _scientist_changed(sender, instance, **kwargs):
    # Items carry their scientists' names and disciplines, so they follow the scientist.
    indexing.schedule(
        [indexing.scientist_group(instance.pk), *indexing.items_of_scientist(instance.pk)]
    )


def _scientist_part_changed(sender, instance, **kwargs):
    scientist_id = instance.scientist_id
    indexing.schedule(
        [indexing.scientist_group(scientist_id), *indexing.items_of_scientist(scientist_id)]
    )


def _container_changed(sender, instance, **kwargs):
    """Fonds or Series retitled: its items carry the titles."""
    items = (
        Item.objects.filter(series__fonds=instance)
        if isinstance(instance, Fonds)
        else (Item.objects.filter(series=instance))
    )
    indexing.schedule(indexing.item_group(pk) for pk in items.values_list("pk", flat=True))


def _item_scientists_changed(sender, instance, action, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Item):
        indexing.schedule([indexing.item_group(instance.pk)])
    else:
        indexing.schedule(indexing.item_group(pk) for pk in pk_set or ())


def _item_file_changed(sender, instance, **kwargs):
    indexing.schedule([indexing.item_group(instance.item_id)])


def _page_text_changed(sender, instance, **kwargs):
    item_id = (
        apps.get_model("media_pipeline", "ItemFile")
        .objects.filter(pk=instance.item_file_id)
        .values_list("item_id", flat=True)
        .first()
    )
    if item_id:
        indexing.schedule([indexing.item_group(item_id)])


def _wagtail_page_changed(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        indexing.schedule([indexing.exhibit_group(instance.pk)])


def connect() -> None:
    from .service import names_changed

    for model in (Scientist, ScientistName):
        for signal in (post_save, post_delete):
            signal.connect(
                names_changed,
                sender=model,
                dispatch_uid=f"{DISPATCH}-names-{model.__name__}-{id(signal)}",
            )
    for signal in (post_save, post_delete):
        signal.connect(_item_changed, sender=Item, dispatch_uid=f"{DISPATCH}-item-{id(signal)}")
        for model in (Interview, TranscriptSegment, IndexSegment):
            signal.connect(
                _item_part_changed,
                sender=model,
                dispatch_uid=f"{DISPATCH}-{model.__name__}-{id(signal)}",
            )
        signal.connect(
            _scientist_changed, sender=Scientist, dispatch_uid=f"{DISPATCH}-scientist-{id(signal)}"
        )
        for model in (ScientistName, ScientistHonour, ScientistAffiliation):
            signal.connect(
                _scientist_part_changed,
                sender=model,
                dispatch_uid=f"{DISPATCH}-{model.__name__}-{id(signal)}",
            )
    for model in (Fonds, Series):
        post_save.connect(
            _container_changed, sender=model, dispatch_uid=f"{DISPATCH}-{model.__name__}-save"
        )
    m2m_changed.connect(
        _item_scientists_changed,
        sender=Item.scientists.through,
        dispatch_uid=f"{DISPATCH}-item-scientists",
    )
    if apps.is_installed("media_pipeline"):
        for name, handler in (("ItemFile", _item_file_changed), ("PageText", _page_text_changed)):
            try:
                model = apps.get_model("media_pipeline", name)
            except LookupError:
                continue
            for signal in (post_save, post_delete):
                signal.connect(
                    handler, sender=model, dispatch_uid=f"{DISPATCH}-{name}-{id(signal)}"
                )
    from wagtail.signals import page_published, page_unpublished

    page_published.connect(_wagtail_page_changed, dispatch_uid=f"{DISPATCH}-page-published")
    page_unpublished.connect(_wagtail_page_changed, dispatch_uid=f"{DISPATCH}-page-unpublished")
    post_delete.connect(_wagtail_page_changed, dispatch_uid=f"{DISPATCH}-page-del")
