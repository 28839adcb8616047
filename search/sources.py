"""Where documents come from: every record for a full rebuild, or the records behind some groups
for a reindex, read with the prefetches the builders in search.documents need: a batch of items
(a rebuild chunk, a drain round) costs the same dozen queries whatever its size."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from django.db import models
from django.db.models import Prefetch
from wagtail.models import Page

from archive_collections.models import IndexSegment, Item, Scientist, TranscriptSegment
from media_pipeline.models import ItemFile, PageText

from . import documents as docs
from .contract import SearchDocument
from .documents import exhibit_documents, item_documents, scientist_documents

CHUNK = 200

Record = TypeVar("Record", bound=models.Model)


def items_queryset() -> models.QuerySet[Item]:
    pages = PageText.objects.only(*docs.PAGE_TEXT_FIELDS).order_by("page_number")
    files = ItemFile.objects.order_by("sequence", "pk").prefetch_related(
        Prefetch("pages", queryset=pages, to_attr=docs.PAGES_ATTR)
    )
    return (
        Item.objects.select_related("series__fonds", "interview__interviewee")
        .prefetch_related(
            "scientists__names",
            "scientists__disciplines",
            "subjects",  # type: ignore[misc]  # taggit's manager prefetches; the stubs can't tell
            "tagged_subjects__tag",
            Prefetch("files", queryset=files, to_attr=docs.FILES_ATTR),
            "interview__interviewee__names",
            "interview__interviewee__disciplines",
            # to_attr: the interview's parts are modelcluster relations, whose managers read
            # the database again rather than a prefetch cache.
            Prefetch(
                "interview__transcript",
                queryset=TranscriptSegment.objects.order_by("start_ms", "pk"),
                to_attr=docs.TRANSCRIPT_ATTR,
            ),
            Prefetch(
                "interview__index_segments",
                queryset=IndexSegment.objects.order_by("start_ms", "pk"),
                to_attr=docs.INDEX_ATTR,
            ),
        )
        .order_by("pk")
    )


def scientists_queryset() -> models.QuerySet[Scientist]:
    return Scientist.objects.prefetch_related(
        "names", "disciplines", "honours", "affiliations"
    ).order_by("pk")


def exhibit_pages() -> models.QuerySet[Page]:
    return Page.objects.live().public().filter(depth__gt=1).specific()


def iter_document_chunks(chunk: int = CHUNK) -> Iterator[list[SearchDocument]]:
    """Every document of the archive, in chunks of about `chunk` documents."""
    batch: list[SearchDocument] = []
    for scientist in _iterate(scientists_queryset(), chunk):
        batch.extend(scientist_documents(scientist))
        if len(batch) >= chunk:
            yield batch
            batch = []
    for item in _iterate(items_queryset(), chunk):
        batch.extend(item_documents(item))
        if len(batch) >= chunk:
            yield batch
            batch = []
    for page in exhibit_pages():
        batch.extend(exhibit_documents(page))
    if batch:
        yield batch


def count_sources() -> int:
    """How many records iter_document_chunks walks (for a progress bar)."""
    return Scientist.objects.count() + Item.objects.count() + exhibit_pages().count()


def _iterate(queryset: models.QuerySet[Record], chunk: int) -> Iterator[Record]:
    """Keyset pagination: a rebuild of a million records never holds them all, and rows added
    meanwhile past the last key are still reached."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last)[:chunk])
        if not rows:
            return
        yield from rows
        last = rows[-1].pk


def documents_for_groups(keys: Iterable[str]) -> dict[str, list[SearchDocument] | None]:
    """The documents of each group as the database holds it now; None for a group whose record
    is gone (or, for exhibit pages, no longer live and public). Records of one kind are read in
    one query, so a drain of thousands of items does not cost one prefetch round per item."""
    wanted: dict[str, list[str]] = {"item": [], "scientist": [], "exhibit": []}
    for key in keys:
        kind, _sep, pk = key.partition(":")
        if kind not in wanted or not pk.isdigit():
            raise ValueError(
                f"Unknown search group {key!r}; expected item:, scientist: or exhibit: and an id"
            )
        wanted[kind].append(pk)
    built: dict[str, list[SearchDocument] | None] = {}
    for kind, pks in wanted.items():
        built.update(_build(kind, pks))
    return built


def _build(kind: str, pks: list[str]) -> dict[str, list[SearchDocument] | None]:
    built: dict[str, list[SearchDocument] | None] = {f"{kind}:{pk}": None for pk in pks}
    if not pks:
        return built
    if kind == "item":
        for item in items_queryset().filter(pk__in=pks):
            built[f"item:{item.pk}"] = item_documents(item)
    elif kind == "scientist":
        for scientist in scientists_queryset().filter(pk__in=pks):
            built[f"scientist:{scientist.pk}"] = scientist_documents(scientist)
    else:
        for page in exhibit_pages().filter(pk__in=pks):
            built[f"exhibit:{page.pk}"] = exhibit_documents(page) or None
    return built
