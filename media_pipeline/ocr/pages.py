"""The pages of a master as images for recognition, rendered one at a time: colour scans and
PDF pages in colour (OCR sets seals apart by their ink), the rest greyscale."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pyvips
from django.utils.translation import gettext as _
from PIL import Image

from .. import imaging, pdf
from ..errors import StepError
from ..models import ItemFile, PageText, PageTextSource
from ..storage import local_path, master_storage

PageSource = Iterator[tuple[list[int], Callable[[int], Image.Image]]]
GREY = ("b-w", "grey16")


@contextmanager
def pdf_pages(item_file: ItemFile) -> PageSource:
    """The PDF's pages without a text layer, and a function rendering one of them."""
    with_text = set(
        PageText.objects.filter(item_file=item_file, source=PageTextSource.PDF_TEXT).values_list(
            "page_number", flat=True
        )
    )
    with (
        local_path(master_storage(), item_file.master_name) as path,
        pdf.open_pdf(path) as document,
    ):
        numbers = [n for n in range(1, document.page_count + 1) if n not in with_text]

        def load(number: int) -> Image.Image:
            try:
                return _rendered_in_colour(document.load_page(number - 1))
            except (RuntimeError, ValueError) as exc:
                raise StepError(
                    _("Page %(page)s of the PDF cannot be rendered: %(detail)s")
                    % {"page": number, "detail": str(exc) or exc.__class__.__name__}
                ) from exc

        yield numbers, load


def _rendered_in_colour(page) -> Image.Image:
    """The PDF page upright at the text layer's resolution, in colour: a scanned letter's red or
    blue seal is told from the writing by its hue, which a greyscale rendering loses."""
    pixmap = pdf.render_pixmap(page, colour=True)
    image = Image.frombytes("RGB", (pixmap.width, pixmap.height), pixmap.samples)
    size = pdf.page_pixel_size(page)
    # MuPDF rounds the pixmap outward by a pixel; boxes are expressed in the page's own size.
    return image if image.size == size else image.resize(size)


@contextmanager
def image_pages(item_file: ItemFile) -> PageSource:
    """Each page of the master (multi-page TIFFs: every page), upright as displayed."""
    loader = imaging.loader_for(item_file.mime_type)
    with imaging.master_image_path(item_file) as path:
        found = {
            page.number: page for page in imaging.pages(path, loader, imaging.load(path, loader))
        }

        def load(number: int) -> Image.Image:
            page = found[number]
            try:
                vips_image = imaging.open_page(path, loader, page)
                if vips_image.bands >= 3 and vips_image.interpretation not in GREY:
                    # In colour: OCR sets stamp and ruling ink apart from writing by its hue.
                    rgb = vips_image.colourspace("srgb").extract_band(0, n=3).cast("uchar")
                    return Image.fromarray(np.ascontiguousarray(rgb.numpy()), "RGB")
                grey = vips_image.colourspace("b-w").extract_band(0).numpy()
            except pyvips.Error as exc:  # decode errors surface only when pixels are read
                raise StepError(
                    _("Page %(page)s of the image cannot be decoded for OCR: %(detail)s")
                    % {"page": number, "detail": imaging.decode_error(exc)}
                ) from exc
            return Image.fromarray(np.ascontiguousarray(grey, dtype=np.uint8), "L")

        yield sorted(found), load
