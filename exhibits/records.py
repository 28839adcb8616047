"""Archive records referenced by exhibit pages, fetched in bulk once per render, through the policy.

Exhibit blocks store only the primary keys of the Items, Interviews and Scientists they show (see
blocks/choosers.py: loading a page's StreamField never queries the archive). When a page renders,
`ArchiveRecords.for_page` walks its StreamFields, collects every referenced key and fetches each
kind with one query (plus one for the Items' files and one for the clips' transcript lines),
filtered by the viewer's AccessPolicy. Blocks then look records up by key. A page with 40 item
embeds therefore costs the same number of queries as a page with 5, and a record the viewer may
not see — embargoed, restricted or deleted since the page was published — simply is not there,
so no block can leak its title.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db.models import Prefetch, Q
from wagtail.blocks import StreamValue, StructValue
from wagtail.blocks.list_block import ListValue

from archive_collections.access import AccessPolicy
from archive_collections.models import Interview, Item, Scientist, TranscriptSegment
from media_pipeline.iiif.urls import tiled_pages
from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.results import TechnicalResult

CONTEXT_KEY = "archive_records"
_Record = TypeVar("_Record", Item, Interview, Scientist)


@dataclass(frozen=True)
class RecordRef:
    """A reference to an archive record by model label and primary key, not yet loaded."""

    label: str  # "collections.item", "collections.interview", "collections.scientist"
    pk: int

    def __str__(self):
        return f"{self.label}:{self.pk}"


def _find(table: dict[int, _Record], value: object) -> _Record | None:
    key = record_key(value)
    return None if key is None else table.get(key)


def record_key(value) -> int | None:
    """The primary key of a chooser value: a RecordRef (loaded page), a model instance (a value
    just submitted from the editor or built in code), a bare key, or None."""
    if value is None or value == "":
        return None
    if isinstance(value, RecordRef):
        return value.pk
    pk = getattr(value, "pk", value)
    try:
        return int(pk)
    except (TypeError, ValueError):
        return None


def _label_of(value) -> str | None:
    if isinstance(value, RecordRef):
        return value.label
    if isinstance(value, Item | Interview | Scientist):
        return value._meta.label_lower
    return None


def walk_references(value) -> Iterable[tuple[str, int]]:
    """(model label, pk) for every record referenced anywhere inside a block value."""
    label = _label_of(value)
    if label is not None:
        pk = record_key(value)
        if pk is not None:
            yield label, pk
        return
    if isinstance(value, StreamValue):
        for child in value:
            yield from walk_references(child.value)
    elif isinstance(value, StructValue | dict):
        for child in value.values():
            yield from walk_references(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from walk_references(child)


@dataclass(frozen=True)
class ClipSpan:
    interview_pk: int
    start_ms: int
    end_ms: int


def walk_clip_spans(value) -> Iterable[ClipSpan]:
    """Every oral-history clip span on the page, so their transcript lines load in one query."""
    if isinstance(value, StreamValue):
        for child in value:
            yield from walk_clip_spans(child.value)
        return
    if isinstance(value, StructValue) and getattr(value.block, "is_clip_block", False):
        span = value.block.span(value)
        if span is not None:
            yield span
        return
    if isinstance(value, StructValue | dict):
        for child in value.values():
            yield from walk_clip_spans(child)
    elif isinstance(value, ListValue | list | tuple):
        for child in value:
            yield from walk_clip_spans(child)


def _files_prefetch() -> Prefetch:
    return Prefetch(
        "files",
        # Failed files are left out: a broken scan or recording is no use in an exhibit.
        queryset=ItemFile.objects.exclude(status=FileStatus.FAILED).order_by("sequence", "pk"),
        to_attr="ready_files",
    )


@dataclass
class ArchiveRecords:
    """The archive records one page render may show, already filtered by the viewer's policy."""

    policy: AccessPolicy
    items: dict[int, Item] = field(default_factory=dict)
    interviews: dict[int, Interview] = field(default_factory=dict)
    scientists: dict[int, Scientist] = field(default_factory=dict)
    transcript: dict[ClipSpan, list[TranscriptSegment]] = field(default_factory=dict)
    public_policy: AccessPolicy = field(init=False)

    def __post_init__(self):
        self.public_policy = AccessPolicy.anonymous(self.policy.today)

    # Building ----------------------------------------------------------------------------------

    @classmethod
    def for_values(cls, values: Iterable, policy: AccessPolicy) -> ArchiveRecords:
        values = list(values)
        wanted: dict[str, set[int]] = {}
        for value in values:
            for label, pk in walk_references(value):
                wanted.setdefault(label, set()).add(pk)
        spans = {span for value in values for span in walk_clip_spans(value)}
        records = cls(policy)
        records.load(wanted, spans)
        return records

    @classmethod
    def for_page(cls, page, request) -> ArchiveRecords:
        policy = AccessPolicy.for_user(getattr(request, "user", None))
        values = [getattr(page, name) for name in page.archive_stream_fields]
        return cls.for_values(values, policy)

    @classmethod
    def from_context(cls, context, values: Iterable = ()) -> ArchiveRecords:
        """The page's records if the page collected them; otherwise (a block rendered on its own,
        e.g. in a test or another template) a small fetch for `values` alone, for the request's
        user or, without a request, for the public."""
        records = (context or {}).get(CONTEXT_KEY)
        if isinstance(records, ArchiveRecords):
            return records
        request = (context or {}).get("request")
        policy = AccessPolicy.for_user(getattr(request, "user", None))
        return cls.for_values(values, policy)

    def load(self, wanted: dict[str, set[int]], spans: set[ClipSpan]) -> None:
        interview_pks = wanted.get("collections.interview", set())
        if interview_pks:
            interviews = (
                Interview.objects.filter(pk__in=interview_pks)
                .filter(self.policy.item_q("item__"))
                .select_related("item", "interviewee")
                .prefetch_related(Prefetch("item__files", **_files_prefetch_kwargs()))
            )
            self.interviews = {interview.pk: interview for interview in interviews}
        item_pks = wanted.get("collections.item", set())
        if item_pks:
            items = (
                Item.objects.visible_to(self.policy)
                .filter(pk__in=item_pks)
                .select_related("series__fonds")
                .prefetch_related(_files_prefetch())
            )
            self.items = {item.pk: item for item in items}
        scientist_pks = wanted.get("collections.scientist", set())
        if scientist_pks:
            scientists = Scientist.objects.filter(pk__in=scientist_pks).select_related("portrait")
            self.scientists = {scientist.pk: scientist for scientist in scientists}
        self.load_transcripts(spans)

    def load_transcripts(self, spans: set[ClipSpan]) -> None:
        spans = {span for span in spans if span.interview_pk in self.interviews}
        if not spans:
            return
        overlaps = Q()
        for span in spans:
            overlaps |= Q(
                interview_id=span.interview_pk, start_ms__lt=span.end_ms, end_ms__gt=span.start_ms
            )
        segments = list(TranscriptSegment.objects.filter(overlaps).order_by("start_ms", "pk"))
        for span in spans:
            self.transcript[span] = [
                segment
                for segment in segments
                if segment.interview_id == span.interview_pk
                and segment.start_ms < span.end_ms
                and segment.end_ms > span.start_ms
            ]

    # Looking up --------------------------------------------------------------------------------

    def item(self, value) -> Item | None:
        return _find(self.items, value)

    def interview(self, value) -> Interview | None:
        return _find(self.interviews, value)

    def scientist(self, value) -> Scientist | None:
        return _find(self.scientists, value)

    def is_public(self, item: Item) -> bool:
        """Whether the public sees this item too: curators previewing a page see a marker on
        records that anonymous visitors will not."""
        return self.public_policy.can_view(item)


def _files_prefetch_kwargs() -> dict:
    prefetch = _files_prefetch()
    return {"queryset": prefetch.queryset, "to_attr": prefetch.to_attr}


def first_scan(item: Item | None) -> ItemFile | None:
    """The item's first processed image or PDF file: what stands for the item on a card."""
    for item_file in getattr(item, "ready_files", None) or ():
        if item_file.is_image or item_file.is_pdf:
            return item_file
    return None


@dataclass(frozen=True)
class ScanPage:
    """One page of an item's scans: a page of an image file (a multi-page TIFF has several) or
    of a PDF, numbered 1, 2, … within its file as the IIIF image identifiers are."""

    file: ItemFile
    number: int


def _page_count(item_file: ItemFile) -> int:
    technical = TechnicalResult.of(item_file.technical)
    if item_file.is_pdf:
        counted = (technical.pdf or {}).get("page_count")
        return int(counted) if counted else len(tiled_pages(item_file))
    return len(technical.image_pages())


def scan_pages(item: Item | None) -> list[ScanPage]:
    """Every page of an item's processed image and PDF files, in file order: what a deep-zoom
    detail's page number counts."""
    return [
        ScanPage(item_file, number)
        for item_file in getattr(item, "ready_files", None) or ()
        if item_file.is_image or item_file.is_pdf
        for number in range(1, _page_count(item_file) + 1)
    ]


def item_scan_pages(pk: int | None) -> list[ScanPage]:
    """scan_pages of the item with this key, fetched for the editor (no access policy: the
    curator chose the item through the access-filtered chooser)."""
    if pk is None:
        return []
    item = Item.objects.filter(pk=pk).prefetch_related(_files_prefetch()).first()
    return scan_pages(item)


def image_file(item: Item | None, number: int) -> ScanPage | None:
    """The `number`th (1-based) page of an item's images and PDFs (see scan_pages)."""
    pages = scan_pages(item)
    if 1 <= number <= len(pages):
        return pages[number - 1]
    return None


def playable_file(item: Item | None) -> ItemFile | None:
    for item_file in getattr(item, "ready_files", None) or ():
        if item_file.is_audio or item_file.is_video:
            return item_file
    return None
