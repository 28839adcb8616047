"""The `ocr` step: recognise the text of page images and of PDF pages without a text layer.

Which files are OCR'd: `ItemFile.ocr` decides when set; when empty (the default), images of
items whose type holds writing (settings.MEDIA_OCR_ITEM_TYPES: manuscripts, letters,
certificates, documents, publications) and the pages of any PDF without a usable text layer.
Photographs, objects and recordings are not OCR'd unless a curator switches it on: reading text
into a portrait adds noise to search. Curators switch it with `media_pipeline.actions.set_ocr`.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from ..models import ItemFile, PageText, PageTextSource
from ..ocr import pages
from ..ocr.engine import ENGINE, engine_version
from ..ocr.recognise import recognise
from ..page_texts import (
    PageTextRecord,
    announce,
    delete_page_texts,
    store_page_texts,
)
from ..results import OcrResult
from .base import Step, is_page_file


def ocr_wanted(item_file: ItemFile) -> bool:
    if item_file.ocr is not None:
        return item_file.ocr
    if item_file.is_pdf:
        return True
    return item_file.is_image and item_file.item.item_type in settings.MEDIA_OCR_ITEM_TYPES


class OcrStep(Step):
    name = "ocr"
    # 2: layout analysis — columns read one after the other, ruled tables row by row with their
    # cell grid, blocks stored in PageText.blocks (issue 18). A stored page of another version
    # is read again when the step next runs on its file.
    # 3: a line in a table names its cell (search hits say which cell matched), PDF pages are
    # read in colour (seals told from writing), poor photocopies' noise filtered, blue seals.
    # 4: each seal's text is read from its own ink (round seals unwrapped along the ring, square
    # ones upright) and kept on its `seal` block, only when read surely; search finds a page by
    # its seal (a field of its own, never the page's text). Re-run, a sealed letter gains it.
    # 5: a poor photocopy's noise is filtered without losing a serif face's thin strokes (the
    # filtered paper, left mottled, is smoothed and turned white). Re-run, such copies read
    # better: the bench's degraded pages turned sideways CER 0.038 -> 0.019.
    version = 5
    late = True  # read after every queued file's thumbnails and tiles (runner.py)

    def applies_to(self, item_file: ItemFile) -> bool:
        return ocr_wanted(item_file) and is_page_file(item_file)

    def skip(self, item_file: ItemFile) -> OcrResult:
        if ocr_wanted(item_file):
            return OcrResult(status="skipped", reason=_("Not a page image or PDF."))
        if delete_page_texts(item_file, PageTextSource.OCR):
            announce(item_file)
        if item_file.ocr is False:
            reason = _("OCR is switched off for this file.")
        else:
            reason = _(
                "Not OCR'd automatically for this item type; switch OCR on for the file to read it."
            )
        return OcrResult(status="skipped", reason=reason)

    def version_tag(self) -> str:
        """The engine and models, plus this step's version: what a stored page was read with."""
        return f"{engine_version()}; step {self.version}"

    def run(self, item_file: ItemFile) -> OcrResult:
        """Recognise the file's pages into PageText rows (source "ocr").

        Each page is stored as soon as it is read, tagged with the engine and step version, so a
        run cut short (worker stopped, one page too damaged) resumes where it stopped instead of
        recognising a 300-page PDF from the start; pages read by another version are read again.
        Search is told once, when the run has finished.
        """
        version = self.version_tag()
        opener = pages.pdf_pages if item_file.is_pdf else pages.image_pages
        layouts: dict[str, str] = {}
        seconds: list[float] = []
        with opener(item_file) as (numbers, load):
            done = set(
                PageText.objects.filter(
                    item_file=item_file, source=PageTextSource.OCR, engine_version=version
                ).values_list("page_number", flat=True)
            )
            for number in numbers:
                if number in done:
                    continue
                record, layout, took = _read_page(number, load(number))
                store_page_texts(item_file, PageTextSource.OCR, [record], ENGINE, version)
                layouts[str(number)] = layout
                seconds.append(took)
        delete_page_texts(item_file, PageTextSource.OCR, keep=numbers)
        announce(item_file)
        stored = PageText.objects.filter(item_file=item_file, source=PageTextSource.OCR)
        return OcrResult(
            status="done",
            pages=stored.count(),
            lines=sum(len(lines) for lines in stored.values_list("lines", flat=True)),
            engine=f"{ENGINE} {version}",
            layouts=layouts,
            seconds_per_page=round(sum(seconds) / len(seconds), 2) if seconds else 0,
        )


def _read_page(number: int, image: Image.Image) -> tuple[PageTextRecord, str, float]:
    """The page's text record, its layout ("horizontal 0°") and the seconds it took."""
    started = time.monotonic()
    result = recognise(image)
    record = PageTextRecord(
        number=number,
        text=result.text,
        width=result.width,
        height=result.height,
        lines=[line.as_dict() for line in result.lines],
        blocks=result.blocks,
    )
    # A page without text says why (blank, no_text, seal_only) where others give their layout.
    layout = result.empty or f"{result.layout} {result.rotation}°"
    return record, layout, time.monotonic() - started
