"""Search documents built from the models, one builder per source.

- ``scientist_documents(scientist)`` → ``scientist:ID`` (names, pinyin, variants, biography);
- ``item_documents(item)`` → ``item:ID`` plus the item's OCR/PDF/plain-text pages
  (``page:FILEID:N``), transcript segments (``segment:ID``) and index segments (``index:ID``),
  all carrying the item's access, dates and facets;
- ``exhibit_documents(page)`` → ``exhibit:PAGEID`` for live, public Wagtail pages; a block
  embedding an item or interview the public may not see adds none of its words (caption, alt
  text, quotation), since anyone may read what this document holds through snippets.

A group key (``item:ID``, ``scientist:ID``, ``exhibit:ID``) names what one result shows; the
engines replace a group's documents as a whole (search.reindex decides which groups a change
touches, search.sources walks every record for a rebuild).

Builders read an item's interview, files, page texts and segments from what
``search.sources.items_queryset`` prefetched (the ``search_*`` attributes), so building a batch
of items costs the same few queries however many items it holds; given a bare record they read
each of these with a query of its own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.db import models as dj_models
from django.utils import translation
from django.utils.html import strip_tags
from wagtail import blocks as wagtail_blocks
from wagtail.fields import StreamField
from wagtail.models import Page

from archive_collections.access import AccessPolicy
from archive_collections.models import (
    IndexSegment,
    Interview,
    Item,
    ItemType,
    Scientist,
    TranscriptSegment,
)
from exhibits.blocks.choosers import InterviewChooserBlock, ItemChooserBlock
from exhibits.records import walk_references
from media_pipeline.models import ItemFile, PageText

from . import analysis
from .contract import SearchDocument

log = logging.getLogger(__name__)

CHUNK = 200
PLAIN_TEXT_MAX_BYTES = 2 * 1024 * 1024
MAX_BODY_CHARS = 200_000


# --- group keys ---------------------------------------------------------------------------------


def item_group(pk: object) -> str:
    return f"item:{pk}"


def scientist_group(pk: object) -> str:
    return f"scientist:{pk}"


def exhibit_group(pk: object) -> str:
    return f"exhibit:{pk}"


# --- scientists ---------------------------------------------------------------------------------


def scientist_name_forms(scientist: Scientist) -> str:
    variants = [n.name for n in scientist.names.all()]
    if scientist.name_pinyin:
        variants.insert(0, scientist.name_pinyin)
    return " ; ".join(analysis.name_forms(scientist.name, variants))


def scientist_documents(scientist: Scientist) -> list[SearchDocument]:
    honours = " ; ".join(str(h) for h in scientist.honours.all())
    affiliations = " ; ".join(
        f"{a.institution} {a.role}".strip() for a in scientist.affiliations.all()
    )
    disciplines = [d.name for d in scientist.disciplines.all()]
    body = " ".join(
        filter(
            None,
            [
                scientist.summary,
                strip_tags(scientist.biography or ""),
                honours,
                affiliations,
                " ".join(disciplines),
            ],
        )
    )
    return [
        SearchDocument(
            id=f"scientist:{scientist.pk}",
            kind="scientist",
            group=scientist_group(scientist.pk),
            url=scientist.get_absolute_url(),
            group_title=scientist.name,
            title=scientist.name,
            names=scientist_name_forms(scientist),
            body=body[:MAX_BODY_CHARS],
            places=" ; ".join(filter(None, [scientist.birth_place, scientist.death_place])),
            identifier=scientist.identifier,
            group_identifier=scientist.identifier,
            year_start=scientist.birth_year,
            year_end=scientist.death_year or scientist.birth_year,
            date_text=scientist.life_dates,
            scientists=[scientist.identifier],
            disciplines=disciplines,
        )
    ]


# --- items --------------------------------------------------------------------------------------


# Chinese words researchers use for each type, searchable with type:书信 whatever language the
# interface catalogue is in (search vocabulary, not interface text).
TYPE_WORDS = {
    "oral_history": "口述 口述史 口述历史 访谈",
    "manuscript": "手稿",
    "letter": "书信 信件 信函",
    "photograph": "照片 相片",
    "certificate": "证书",
    "publication": "出版物 著作",
    "object": "实物",
    "document": "文件 文献",
    "audio": "音频 录音",
    "video": "视频 录像",
}


def _type_text(item_type: str) -> str:
    if not item_type:
        return ""
    labels = [item_type, TYPE_WORDS.get(item_type, "")]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            try:
                labels.append(str(ItemType(item_type).label))
            except ValueError:
                pass
    return " ".join(dict.fromkeys(labels))


# What search.sources prefetches for a batch of items (Prefetch to_attr names).
FILES_ATTR = "search_files"
PAGES_ATTR = "search_pages"
TRANSCRIPT_ATTR = "search_transcript"
INDEX_ATTR = "search_index_segments"
#: The PageText columns documents use (the layout's blocks for what its seals say).
PAGE_TEXT_FIELDS = ("item_file_id", "page_number", "text", "lines", "blocks", "width", "height")


def _prefetched(record: object, attr: str, read: Callable[[], Iterable[Any]]) -> list[Any]:
    """The list search.sources prefetched under `attr`, or `read()` now for a bare record."""
    found = getattr(record, attr, None)
    return found if found is not None else list(read())


def item_files(item: Item) -> list[ItemFile]:
    return _prefetched(item, FILES_ATTR, lambda: item.files.order_by("sequence", "pk"))


def file_pages(item_file: ItemFile) -> list[PageText]:
    return _prefetched(
        item_file,
        PAGES_ATTR,
        lambda: (
            PageText.objects.filter(item_file=item_file)
            .only(*PAGE_TEXT_FIELDS)
            .order_by("page_number")
        ),
    )


def transcript(interview: Interview) -> list[TranscriptSegment]:
    return _prefetched(
        interview, TRANSCRIPT_ATTR, lambda: interview.transcript.order_by("start_ms", "pk")
    )


def index_segments(interview: Interview) -> list[IndexSegment]:
    return _prefetched(
        interview, INDEX_ATTR, lambda: interview.index_segments.order_by("start_ms", "pk")
    )


def _interview(item: Item) -> Interview | None:
    try:
        return item.interview  # a reverse one-to-one: raises when absent (cached either way)
    except Interview.DoesNotExist:
        return None


def _item_base(item: Item, interview: Interview | None) -> dict[str, Any]:
    """Fields every document of an item carries: access, dates, facets and display."""
    scientists = list(item.scientists.all())
    if interview is not None and interview.interviewee not in scientists:
        scientists.append(interview.interviewee)
    disciplines = sorted({d.name for s in scientists for d in s.disciplines.all()})
    files = item_files(item)
    has_scan = any(
        f.mime_type.startswith("image/") or f.mime_type == "application/pdf" for f in files
    )
    has_transcript = interview is not None and bool(transcript(interview))
    return {
        "url": item.get_absolute_url(),
        "group": item_group(item.pk),
        "group_title": item.title,
        "group_identifier": item.identifier,
        "names": " ; ".join(scientist_name_forms(s) for s in scientists),
        "access_level": item.access_level,
        "embargo_until": item.embargo_until,
        "year_start": item.date_start.year if item.date_start else None,
        "year_end": item.date_end.year if item.date_end else None,
        "sort_date": item.date_start,
        "date_text": item.date_text,
        "item_type": item.item_type,
        "scientists": [s.identifier for s in scientists],
        "fonds": item.series.fonds.identifier,
        "disciplines": disciplines,
        "language": item.language,
        "has_transcript": has_transcript,
        "has_scan": has_scan,
    }


def item_documents(item: Item) -> list[SearchDocument]:
    interview = _interview(item)
    base = _item_base(item, interview)
    series = item.series
    body = " ".join(
        filter(
            None,
            [
                item.description,
                item.provenance,
                item.extent,
                series.title,
                series.fonds.title,
            ],
        )
    )
    documents = [
        SearchDocument(
            id=f"item:{item.pk}",
            kind="item",
            title=item.title,
            body=body[:MAX_BODY_CHARS],
            subjects=" ; ".join(t.name for t in item.subjects.all()),
            creators=item.creators,
            places=item.places,
            identifier=" ".join([item.identifier, series.identifier, series.fonds.identifier]),
            type=_type_text(item.item_type),
            **base,
        )
    ]
    documents.extend(_page_documents(item, base))
    if interview is not None:
        documents.extend(_interview_documents(interview, base))
    return documents


def _page_documents(item: Item, base: dict[str, Any]) -> list[SearchDocument]:
    """One document per page of text. Page numbers count across the item's files in order (what
    a reader sees as "p. 3"); links open the viewer by file and page within it."""
    documents: list[SearchDocument] = []
    offset = 0
    for item_file in item_files(item):
        pages = file_pages(item_file)
        if pages:
            for page in pages:
                seals = _seals(page)
                if page.text.strip() or seals:
                    documents.append(
                        _page_document(
                            item_file.pk,
                            offset + page.page_number,
                            page.text,
                            _lines(page) + seals,
                            base,
                            file_page=page.page_number,
                            seal=" ; ".join(entry["text"] for entry in seals),
                        )
                    )
            offset += max(p.page_number for p in pages)
        elif item_file.mime_type.startswith("text/plain"):
            text = _plain_text(item_file)
            if text.strip():
                documents.append(_page_document(item_file.pk, offset + 1, text, [], base))
            offset += 1
        elif item_file.mime_type.startswith("image/"):
            offset += 1
        else:
            page_count = (item_file.technical or {}).get("pages")
            offset += page_count if isinstance(page_count, int) and page_count > 0 else 1
    return documents


def _lines(page: PageText) -> list[dict[str, Any]]:
    """Line boxes normalised to fractions of the page, so any viewer size can draw them."""
    out = []
    width, height = page.width or 1, page.height or 1
    for line in page.lines or []:
        box = line.get("box") or line.get("bbox") if isinstance(line, dict) else None
        if not box or len(box) != 4:
            continue
        x, y, w, h = (float(v) for v in box)
        entry = {
            "text": str(line.get("text", "")),
            "bbox": [x / width, y / height, w / width, h / height],
        }
        if isinstance(line.get("cell"), list) and len(line["cell"]) == 2:
            entry["cell"] = [int(v) for v in line["cell"]]  # [row, column] of an OCR'd table
        out.append(entry)
    return out


def _seals(page: PageText) -> list[dict[str, Any]]:
    """The page's seals whose text OCR read, as entries beside its lines (box as a fraction of
    the page, marked "seal"), so a hit on a seal's text outlines the seal in the viewer."""
    out = []
    width, height = page.width or 1, page.height or 1
    for block in page.blocks or []:
        if not isinstance(block, dict) or block.get("kind") != "seal":
            continue
        text, box = str(block.get("text") or "").strip(), block.get("box")
        if not text or not isinstance(box, list) or len(box) != 4:
            continue
        x, y, w, h = (float(v) for v in box)
        bbox = [x / width, y / height, w / width, h / height]
        out.append({"text": text, "bbox": bbox, "seal": True})
    return out


def _plain_text(item_file: ItemFile) -> str:
    if item_file.size > PLAIN_TEXT_MAX_BYTES:
        return ""
    try:
        with item_file.master.open("rb") as handle:
            raw = handle.read(PLAIN_TEXT_MAX_BYTES)
    except OSError as exc:
        log.warning("search: cannot read text of file %s: %s", item_file.pk, exc)
        return ""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", errors="replace")


def _page_document(
    file_pk: int,
    number: int,
    text: str,
    lines: list[dict[str, Any]],
    base: dict[str, Any],
    file_page: int = 1,
    seal: str = "",
) -> SearchDocument:
    """`number` counts across the item's files (what results show); the id keeps the file and
    the page within it, which is what the viewer opens exactly (?file=F&page=P)."""
    return SearchDocument(
        id=f"page:{file_pk}:{file_page}",
        kind="page",
        body=text[:MAX_BODY_CHARS],
        seal=seal,
        page_number=number,
        lines=lines,
        **base,
    )


def _interview_documents(interview: Interview, base: dict[str, Any]) -> list[SearchDocument]:
    documents = [
        SearchDocument(
            id=f"segment:{segment.pk}",
            kind="segment",
            title=segment.speaker,
            body=segment.text,
            start_ms=segment.start_ms,
            **base,
        )
        for segment in transcript(interview)
    ]
    documents.extend(
        SearchDocument(
            id=f"index:{segment.pk}",
            kind="index",
            title=segment.title,
            body=" ".join(filter(None, [segment.synopsis, segment.partial_transcript])),
            subjects=segment.keywords,
            start_ms=segment.start_ms,
            **base,
        )
        for segment in index_segments(interview)
    )
    return documents


# --- exhibit pages ------------------------------------------------------------------------------


def _page_search_text(page: Page) -> str:
    """Generic text of a Wagtail page: its own text-like fields, whatever the page type.

    StreamFields are read from their stored data, not rendered: rendering would need a request
    and could pull in titles of items the page references — the page's own words are what
    visitors search for, and referenced items are indexed (with their access) on their own.
    A block whose own fields embed a record hidden from the public is left out whole (see
    _EmbedFilter); the page's document is public, whoever later reads its snippet."""
    base_fields = {f.name for f in Page._meta.get_fields()}
    parts = [page.search_description or ""]
    streams = []
    for model_field in page._meta.get_fields():
        if model_field.name in base_fields or not getattr(model_field, "concrete", False):
            continue
        value = getattr(page, model_field.name, None)
        if not value:
            continue
        if isinstance(model_field, StreamField):
            streams.append((model_field.stream_block, value))
        elif isinstance(model_field, dj_models.TextField | dj_models.CharField):
            parts.append(strip_tags(str(value)))
    embeds = _EmbedFilter([value for _block, value in streams])
    for block, value in streams:
        parts.extend(embeds.strings(block, value.get_prep_value()))
    return " ".join(" ".join(parts).split())


class _EmbedFilter:
    """Which items and interviews a page embeds are visible to the public (one query per kind),
    and the strings of stored StreamField data without the blocks embedding the others.

    The stored data is walked beside its block definitions: a struct block with an item or
    interview chooser among its own fields (directly or as a list of them) whose record is
    hidden contributes nothing; the structs around it (a timeline around one event, a
    comparison around one side) keep their other words."""

    def __init__(self, stream_values: list) -> None:
        wanted: dict[str, set[int]] = {}
        for value in stream_values:
            for label, pk in walk_references(value):
                wanted.setdefault(label, set()).add(pk)
        public = AccessPolicy.anonymous()
        self.visible = {
            ItemChooserBlock: set(
                Item.objects.visible_to(public)
                .filter(pk__in=wanted.get("collections.item", ()))
                .values_list("pk", flat=True)
            ),
            InterviewChooserBlock: set(
                Interview.objects.filter(public.item_q("item__"))
                .filter(pk__in=wanted.get("collections.interview", ()))
                .values_list("pk", flat=True)
            ),
        }

    def strings(self, block: wagtail_blocks.Block, data: object) -> Iterator[str]:
        if isinstance(block, wagtail_blocks.StreamBlock):
            for child in data if isinstance(data, list) else ():
                if isinstance(child, dict) and child.get("type") in block.child_blocks:
                    yield from self.strings(block.child_blocks[child["type"]], child.get("value"))
        elif isinstance(block, wagtail_blocks.StructBlock):
            if not isinstance(data, dict) or self._embeds_hidden(block, data):
                return
            for name, child_block in block.child_blocks.items():
                yield from self.strings(child_block, data.get(name))
        elif isinstance(block, wagtail_blocks.ListBlock):
            for child in _list_values(data):
                yield from self.strings(block.child_block, child)
        elif not isinstance(block, wagtail_blocks.ChooserBlock):
            yield from _stream_strings(data)

    def _embeds_hidden(self, block: wagtail_blocks.StructBlock, data: dict) -> bool:
        for name, child_block in block.child_blocks.items():
            if isinstance(child_block, wagtail_blocks.ListBlock):
                child_block, values = child_block.child_block, _list_values(data.get(name))
            else:
                values = [data.get(name)]
            kind = type(child_block)
            if kind in self.visible:
                shown = self.visible[kind]
                if any(v not in (None, "") and _pk(v) not in shown for v in values):
                    return True
        return False


def _list_values(data: object) -> list:
    """A ListBlock's stored children: {"type": "item", "value": v, "id": …} or bare values."""
    if not isinstance(data, list):
        return []
    return [
        child["value"] if isinstance(child, dict) and child.get("type") == "item" else child
        for child in data
    ]


def _pk(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


def _stream_strings(data: object) -> Iterator[str]:
    """Every human-written string in raw StreamField data (block types and ids skipped)."""
    if isinstance(data, str):
        if any(ch.isalpha() for ch in data) and not data.startswith(("http://", "https://")):
            yield strip_tags(data)
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in ("type", "id"):
                yield from _stream_strings(value)
    elif isinstance(data, list | tuple):
        for value in data:
            yield from _stream_strings(value)


def exhibit_documents(page: Page) -> list[SearchDocument]:
    page = page.specific
    url = page.url
    if not url or page.depth <= 1:
        return []
    return [
        SearchDocument(
            id=f"exhibit:{page.pk}",
            kind="exhibit",
            group=exhibit_group(page.pk),
            url=url,
            group_title=page.title,
            title=page.title,
            body=_page_search_text(page)[:MAX_BODY_CHARS],
            sort_date=page.first_published_at.date() if page.first_published_at else None,
        )
    ]
