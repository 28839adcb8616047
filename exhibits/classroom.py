"""Classroom mode: an exhibit page as a deck of slides for a projector, and chapter covers.

A teacher shows an exhibition, chapter or scientist story one slide at a time
(`ClassroomMixin`, exhibits/models/classroom.py, serves it at `<page URL>classroom/`). The deck is
built here from the page's own fields and StreamField: a title slide, one slide per top-level
block, and a closing slide. A rich-text block longer than one screen is cut between its
paragraphs, lists and headings (a heading always opens a slide) so pupils can read it at a
distance; a single paragraph or a block that is still taller than the screen scrolls inside its
slide (classroom.js moves through it before going on).

The QR code on the title and closing slides is drawn here as inline SVG (segno) for the page's
public URL — the address the canonical link gives, the same for every visitor — so pupils can
open the normal page on their phones and the rendered deck can be kept by the page cache.

`chapter_covers` gives each chapter of an exhibition's landing page a picture: the curator's
listing image, else the first image, record or detail the chapter's body shows that the viewer
may see, fetched in bulk for all chapters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import segno
from bs4 import BeautifulSoup, NavigableString, PageElement, Tag
from django.utils.safestring import SafeString, mark_safe
from wagtail.images import get_image_model
from wagtail.rich_text import RichText, expand_db_html

from archive_collections import bilingual
from archive_collections.access import AccessPolicy
from exhibits.records import ArchiveRecords, first_scan, image_file
from media_pipeline.iiif.urls import region_image

__all__ = [
    "COVER_RENDITION",
    "TEXT_SLIDE_CHARS",
    "ChapterCover",
    "Slide",
    "build_slides",
    "chapter_covers",
    "qr_svg",
    "render_blocks",
    "split_rich_text",
]

# About what fits on a 16:9 screen at the deck's type size (CJK characters; Latin letters count
# the same, which leaves English slides roomier).
TEXT_SLIDE_CHARS = 260
# Blocks that are rich text and may be cut into several slides.
_RICH_TEXT_BLOCKS = {"text"}
COVER_RENDITION = "fill-640x360"
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass
class Slide:
    """One slide: `kind` picks its template (classroom/slide_<kind>.html); a block slide carries
    the StreamField child, a text slide the HTML of its part; `label` names it for screen
    readers and the slide list."""

    kind: str
    label: str = ""
    block: Any = None
    html: SafeString | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    lang: str = ""  # set when the slide shows Chinese in place of missing English

    @property
    def template(self) -> str:
        return f"exhibits/classroom/slide_{self.kind}.html"


def _text_length(node: PageElement) -> int:
    return len("".join(node.get_text().split()))


def split_rich_text(html: str, budget: int = TEXT_SLIDE_CHARS) -> list[SafeString]:
    """Rich text (already expanded, as rendered) cut into parts of about `budget` characters of
    text, only between top-level elements; a heading starts a new part. An element longer than
    the budget is a part of its own (its slide scrolls)."""
    soup = BeautifulSoup(html or "", "html.parser")
    parts: list[list[str]] = []
    current: list[str] = []
    used = 0
    for node in soup.contents:
        if isinstance(node, NavigableString) and not node.strip():
            continue
        length = _text_length(node)
        heading = isinstance(node, Tag) and node.name in _HEADINGS
        if current and (heading or used + length > budget):
            # A heading never ends a part: it goes on with what it heads.
            parts.append(current)
            current, used = [], 0
        current.append(str(node))
        used += length
    if current:
        parts.append(current)
    return [mark_safe("".join(part)) for part in parts]  # noqa: S308 - the page's own rich text


def _block_label(child) -> str:
    value = child.value
    for key in ("heading", "caption", "title"):
        text = value.get(key) if hasattr(value, "get") else None
        if text:
            return str(text)
    return str(child.block.label)


def _text_html(value) -> str:
    source = value.source if isinstance(value, RichText) else str(value or "")
    return expand_db_html(source)


def block_slides(stream: Iterable, lang: str = "") -> list[Slide]:
    """A slide per top-level block; rich-text blocks cut into screen-sized parts."""
    slides: list[Slide] = []
    for child in stream or ():
        if child.block_type in _RICH_TEXT_BLOCKS:
            parts = split_rich_text(_text_html(child.value))
            for number, part in enumerate(parts, start=1):
                extra = {"part": number, "parts": len(parts)}
                slides.append(Slide("text", html=part, extra=extra, lang=lang))
            continue
        slides.append(Slide("block", label=_block_label(child), block=child, lang=lang))
    return slides


def build_slides(page, intro_field: str = "", closing: bool = True) -> list[Slide]:
    """The deck of a page: its title slide, the rich text of `intro_field` (e.g. a curator's
    statement) cut like a text block, the slides of its body, and a closing slide. Text and body
    are the active language's (bilingual.pick: English on the English site when there is some)."""
    slides = [Slide("title", label=str(bilingual.pick(page, "title")))]
    if intro_field:
        intro = bilingual.pick(page, intro_field)
        for number, part in enumerate(split_rich_text(_text_html(intro.value)), start=1):
            slides.append(Slide("text", html=part, extra={"part": number}, lang=intro.lang))
    body = bilingual.pick(page, "body")
    slides.extend(block_slides(body.value or (), lang=body.lang))
    if closing:
        slides.append(Slide("end", label=str(bilingual.pick(page, "title"))))
    return slides


def render_blocks(slides: list[Slide], context: dict) -> list[Slide]:
    """Render each block slide with the page's context (its bulk-loaded records) and drop the
    ones that show nothing to this viewer (a micro-video of a hidden interview prints nothing):
    no empty slide to click through."""
    shown = []
    for slide in slides:
        if slide.kind == "block":
            slide.html = slide.block.render(context=context)
            if not str(slide.html).strip():
                continue
        shown.append(slide)
    return shown


def qr_svg(url: str) -> SafeString:
    """The QR code of `url` as an inline SVG that scales with its box (no width or height of
    its own), dark on light for a projector; medium error correction survives a glare spot."""
    code = segno.make(url, error="m", micro=False)
    svg = code.svg_inline(
        scale=1, border=2, dark="#111", light="#fff", omitsize=True, svgclass="classroom-qr__code"
    )
    return mark_safe(svg)  # noqa: S308 - segno's own markup for a URL it encoded


# Chapter covers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterCover:
    """A chapter's picture on its exhibition's landing page."""

    src: str
    alt: str
    width: int | None = None
    height: int | None = None


_COVER_BLOCKS = ("image", "item", "gallery", "comparison", "deep_zoom")


def _candidates(body) -> list:
    """The body's blocks that can give a picture, in page order."""
    return [child for child in body or () if child.block_type in _COVER_BLOCKS]


def _item_refs(child) -> list:
    value = child.value
    if child.block_type == "item":
        return [value.get("item")]
    if child.block_type == "gallery":
        return list(value.get("items") or ())
    if child.block_type == "comparison":
        return [(value.get(side) or {}).get("item") for side in ("left", "right")]
    return []


def _record_cover(records: ArchiveRecords, child) -> ChapterCover | None:
    if child.block_type == "deep_zoom":
        value = child.value
        item = records.item(value.get("item"))
        page = image_file(item, value.get("page") or 1)
        if page is None:
            return None
        x, y, w, h = (float(value.get(k) or 0) for k in ("x", "y", "width", "height"))
        detail = region_image(page.file, (x, y, max(w, 1), max(h, 1)), page_number=page.number)
        if detail:
            return ChapterCover(str(detail["src"]), value.get("alt") or "")
        return None
    for ref in _item_refs(child):
        item = records.item(ref)
        scan = first_scan(item)
        if item is not None and scan is not None and scan.thumbnail_url:
            return ChapterCover(scan.thumbnail_url, item.title)
    return None


def chapter_covers(chapters: Sequence, request) -> dict[int, ChapterCover]:
    """{chapter pk: cover} for the chapters that have one: the listing image the curator chose,
    else the first picture of the body that this viewer may see. Bodies and listing images are
    read in one query, records in one per kind, renditions in one."""
    if not chapters:
        return {}
    model = type(chapters[0])
    rows = model.objects.filter(pk__in=[c.pk for c in chapters]).only(
        "pk", "body", "listing_image", "listing_image_alt"
    )
    images: dict[int, tuple[int, str]] = {}  # chapter pk: (image pk, alt)
    candidates: dict[int, list] = {}
    for row in rows:
        if row.listing_image_id:
            images[row.pk] = (row.listing_image_id, row.listing_image_alt)
        else:
            candidates[row.pk] = _candidates(row.body)
    record_values = [
        child.value
        for children in candidates.values()
        for child in children
        if child.block_type != "image"
    ]
    policy = AccessPolicy.for_user(getattr(request, "user", None))
    records = ArchiveRecords.for_values(record_values, policy)
    covers: dict[int, ChapterCover] = {}
    for pk, children in candidates.items():
        for child in children:
            if child.block_type == "image":
                image = child.value.get("image")
                if image is not None:
                    images[pk] = (image.pk, child.value.get("alt") or "")
                    break
                continue
            cover = _record_cover(records, child)
            if cover is not None:
                covers[pk] = cover
                break
    covers.update(_image_covers(images))
    return covers


def _image_covers(wanted: dict[int, tuple[int, str]]) -> dict[int, ChapterCover]:
    if not wanted:
        return {}
    images = get_image_model().objects.filter(pk__in={pk for pk, _alt in wanted.values()})
    by_pk = {image.pk: image for image in images.prefetch_renditions(COVER_RENDITION)}
    covers = {}
    for chapter_pk, (image_pk, alt) in wanted.items():
        image = by_pk.get(image_pk)
        if image is None:
            continue
        rendition = image.get_rendition(COVER_RENDITION)
        covers[chapter_pk] = ChapterCover(rendition.url, alt, rendition.width, rendition.height)
    return covers
