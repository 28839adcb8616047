"""What the viewer offers to take away: one page as a JPEG, or a range of pages as one PDF.

Pages are counted as the viewer and the IIIF manifest count them: every tiled page of the Item's
image and PDF files, file by file (``item_pages``). Both downloads answer 404, like an unknown
record, to whoever the access policy does not let see the Item, and are announced with
``signals.file_served`` (``download=True``) once per file, as the original's download is.

- The page image is the whole page through the IIIF renderer, longest side ``PAGE_IMAGE_SIDE``
  (or the page's own size when smaller): a static size when one matches, else rendered once
  into the bounded render cache (iiif/render_cache.py), under the same per-client limit.
- The PDF starts with a cover page stamped with the Item's title, identifier, rights statement,
  citation, the pages it holds and the date of the download, then the pages: a PDF file's own
  pages copied as they are (text layer included), an image page as its JPEG at
  ``PDF_IMAGE_SIDE``. A range past the last page is refused naming the last page (400); a range
  longer than ``max_range_pages()`` is cut to its first pages, and the cover says so.

Chinese on the cover uses the CJK font PyMuPDF carries (Droid Sans Fallback, simplified forms),
as the impact report does: the system's Noto CJK collection opens only at its Japanese face in
PyMuPDF, MuPDF cannot subset its CFF outlines (a 13 MB font in every PDF) and subsetting it with
fontTools takes seconds per request.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass

import pymupdf
from django.conf import settings
from django.core.files.storage import Storage
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive_collections.citations.archival import chinese_citation

from . import pdf
from .iiif import image_api, render, render_cache, tiles
from .iiif.urls import tiled_pages
from .models import ItemFile
from .results import TiledPage
from .steps import registry
from .storage import derivative_storage, local_path, master_storage

PAGE_IMAGE_SIDE = 2000
PDF_IMAGE_SIDE = 1600
PDF_IMAGE_DPI = 150  # how large an image page is printed: its pixels at this many per inch
DEFAULT_MAX_RANGE_PAGES = 50
A4 = pymupdf.paper_rect("a4")
MARGIN = 56
FONT = "cjk"


def max_range_pages() -> int:
    return max(1, int(getattr(settings, "MEDIA_PDF_MAX_PAGES", DEFAULT_MAX_RANGE_PAGES)))


@dataclass(frozen=True)
class DocumentPage:
    number: int  # 1-based, across the Item
    item_file: ItemFile
    page: TiledPage


def item_pages(files) -> list[DocumentPage]:
    """Every tiled page of the image and PDF files, in the viewer's and manifest's order."""
    pages: list[DocumentPage] = []
    for item_file in files:
        if not (item_file.is_image or item_file.is_pdf):
            continue
        for page in tiled_pages(item_file):
            pages.append(DocumentPage(len(pages) + 1, item_file, page))
    return pages


# The range ------------------------------------------------------------------------------------


class RangeRefused(ValueError):
    """A page range that cannot be served; the message says why, for the visitor."""


@dataclass(frozen=True)
class PageRange:
    first: int
    last: int  # after the cap
    asked_last: int

    @property
    def capped(self) -> bool:
        return self.last < self.asked_last


def parse_range(params, total: int) -> PageRange:
    """The pages asked for by ``from`` and ``to`` (both 1-based; the whole document when both
    are absent), refused with the reason when they are not pages of a `total`-page document."""
    first_text = (params.get("from") or "").strip()
    last_text = (params.get("to") or "").strip()
    if not first_text and not last_text:
        first, last = 1, total
    else:
        first_text = first_text or last_text
        last_text = last_text or first_text
        if not (first_text.isascii() and first_text.isdigit()) or not (
            last_text.isascii() and last_text.isdigit()
        ):
            raise RangeRefused(
                _("Give the first and last page as whole numbers between 1 and %(total)s.")
                % {"total": total}
            )
        first, last = int(first_text), int(last_text)
    if first < 1:
        raise RangeRefused(_("Pages are counted from 1; there is no page 0."))
    if first > last:
        raise RangeRefused(
            _("The first page (%(first)s) comes after the last page (%(last)s).")
            % {"first": first, "last": last}
        )
    if last > total:
        raise RangeRefused(
            ngettext(
                "This document has %(total)s page; pages %(first)s–%(last)s cannot be downloaded.",
                "This document has %(total)s pages; pages %(first)s–%(last)s cannot be downloaded.",
                total,
            )
            % {"total": total, "first": max(first, total + 1), "last": last}
        )
    return PageRange(first, min(last, first + max_range_pages() - 1), last)


# One page's JPEG ------------------------------------------------------------------------------


class RenderRefused(Exception):
    """The client has had its renders for now; retry after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


@dataclass(frozen=True)
class StoredJpeg:
    storage: Storage
    name: str
    size: tuple[int, int]


def page_jpeg(request, item_file: ItemFile, page: TiledPage, side: int) -> StoredJpeg:
    """Where the whole page is stored as a JPEG, longest side at most `side`: a static size
    when one matches, else a render kept in the render cache. Raises RenderRefused past the
    client's render limit, StepError or OSError when the master cannot be rendered."""
    limit = image_api.limits()
    side = min(side, limit.max_width)
    wanted = image_api.resolve(
        "full", f"!{side},{side}", "0", "default", "jpg", page["width"], page["height"], limit
    )
    storage = derivative_storage()
    snapped = image_api.snap_to_level(wanted, page["scale_factors"])
    prefix = tiles.page_prefix(item_file.sha256, page["number"])
    name = tiles.image_file_name(prefix, snapped.region, snapped.size)
    if storage.exists(name):
        return StoredJpeg(storage, name, snapped.size)
    name = render.cache_name(item_file.sha256, registry.version("iiif"), page["number"], wanted)
    if storage.exists(name):
        render_cache.note_hit(storage, name)
        return StoredJpeg(storage, name, wanted.size)
    slot = render_cache.take_render_slot(request)
    if not slot.allowed:
        raise RenderRefused(slot.retry_after)
    data = render.render_jpeg(item_file, page, wanted)
    render.store(storage, name, data)
    render_cache.note_hit(storage, name)
    render_cache.note_stored(len(data))
    return StoredJpeg(storage, name, wanted.size)


def page_file_name(item, number: int) -> str:
    return f"{item.identifier}-p{number}.jpg"


# The PDF --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stamp:
    """What the cover page says."""

    title: str
    identifier: str
    rights_label: str
    rights_uri: str
    citation: str
    url: str
    pages_line: str
    cap_line: str
    date_line: str


def stamp_for(item, url: str, wanted: PageRange, total: int, today: datetime.date) -> Stamp:
    cap_line = ""
    if wanted.capped:
        cap_line = _(
            "You asked for pages %(first)s–%(asked)s; one PDF holds at most %(cap)s pages, so "
            "this one ends at page %(last)s."
        ) % {"first": wanted.first, "asked": wanted.asked_last, "cap": max_range_pages(),
             "last": wanted.last}  # fmt: skip
    return Stamp(
        title=item.title,
        identifier=item.identifier,
        rights_label=str(item.get_rights_statement_display()),
        rights_uri=item.rights_statement,
        citation=chinese_citation(item, url, today),
        url=url,
        pages_line=_("Pages %(first)s–%(last)s of %(total)s")
        % {"first": wanted.first, "last": wanted.last, "total": total},
        cap_line=cap_line,
        date_line=today.isoformat(),
    )


class _Cover:
    """Lines of text set top to bottom on an A4 page, wrapped at the margin character by
    character (Chinese has no spaces to break at)."""

    def __init__(self, doc: pymupdf.Document) -> None:
        self.font = pymupdf.Font(FONT)
        self.page = doc.new_page(width=A4.width, height=A4.height)
        self.page.insert_font(fontname=FONT, fontbuffer=self.font.buffer)
        self.y = float(MARGIN)

    def block(self, text: str, size: float = 11, colour=(0, 0, 0), gap: float = 8) -> None:
        room = A4.width - 2 * MARGIN
        for line in self._wrap(text, size, room):
            self.y += size * 1.45
            self.page.insert_text(
                (MARGIN, self.y), line, fontname=FONT, fontsize=size, color=colour
            )
        self.y += gap

    def field(self, label: str, value: str) -> None:
        self.block(label, size=9, colour=(0.35, 0.35, 0.35), gap=0)
        self.block(value)

    def _wrap(self, text: str, size: float, room: float) -> Iterator[str]:
        for paragraph in text.splitlines() or [""]:
            line = ""
            for char in paragraph:
                if line and self.font.text_length(line + char, fontsize=size) > room:
                    yield line
                    line = char.lstrip()
                else:
                    line += char
            yield line


def _cover(doc: pymupdf.Document, stamp: Stamp) -> None:
    cover = _Cover(doc)
    cover.block(stamp.title, size=18, gap=4)
    cover.block(stamp.identifier, size=11, colour=(0.35, 0.35, 0.35), gap=16)
    cover.field(_("Pages in this PDF"), stamp.pages_line)
    if stamp.cap_line:
        cover.block(stamp.cap_line, colour=(0.6, 0.1, 0.1))
    cover.field(_("Rights"), f"{stamp.rights_label}\n{stamp.rights_uri}")
    cover.field(_("Cite as"), stamp.citation)
    cover.field(_("Stable address"), stamp.url)
    cover.field(_("Date of download"), stamp.date_line)


def build_pdf(request, pages: list[DocumentPage], stamp: Stamp) -> bytes:
    """The cover, then each page: PDF pages copied from their file, image pages as JPEGs.
    Raises RenderRefused, StepError or OSError as page_jpeg does."""
    doc = pymupdf.open()
    try:
        _cover(doc, stamp)
        for item_file, run in _runs(pages):
            if item_file.is_pdf:
                _copy_pdf_pages(doc, item_file, run)
            else:
                for page in run:
                    _add_image_page(request, doc, item_file, page.page)
        doc.set_metadata(
            {
                "title": f"{stamp.title} ({stamp.identifier}) · {stamp.pages_line}",
                "subject": stamp.citation,
                "keywords": f"{stamp.identifier}; {stamp.rights_uri}",
                "creator": stamp.url,
            }
        )
        doc.subset_fonts()
        return doc.tobytes(garbage=3, deflate=True)
    finally:
        doc.close()


def _runs(pages: list[DocumentPage]) -> Iterator[tuple[ItemFile, list[DocumentPage]]]:
    """Consecutive pages of one file together, so a PDF master is opened once per run."""
    run: list[DocumentPage] = []
    for page in pages:
        if run and run[-1].item_file.pk != page.item_file.pk:
            yield run[0].item_file, run
            run = []
        run.append(page)
    if run:
        yield run[0].item_file, run


def _copy_pdf_pages(doc: pymupdf.Document, item_file: ItemFile, run: list[DocumentPage]) -> None:
    first, last = run[0].page["number"] - 1, run[-1].page["number"] - 1
    with (
        local_path(master_storage(), item_file.master_name) as path,
        pdf.open_pdf(path) as source,
    ):
        doc.insert_pdf(source, from_page=first, to_page=last, annots=False, links=False)


def _add_image_page(request, doc: pymupdf.Document, item_file: ItemFile, page: TiledPage) -> None:
    jpeg = page_jpeg(request, item_file, page, PDF_IMAGE_SIDE)
    with jpeg.storage.open(jpeg.name, "rb") as stored:
        data = stored.read()
    scale = 72 / PDF_IMAGE_DPI
    out = doc.new_page(width=jpeg.size[0] * scale, height=jpeg.size[1] * scale)
    out.insert_image(out.rect, stream=data)


def pdf_file_name(item, wanted: PageRange) -> str:
    return f"{item.identifier}-p{wanted.first}-{wanted.last}.pdf"
