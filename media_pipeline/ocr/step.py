"""The `ocr` processing step and the per-file OCR switch.

Which files are OCR'd: `ItemFile.ocr` decides when set; when empty (the default), images of
items whose type holds writing (settings.MEDIA_OCR_ITEM_TYPES: manuscripts, letters,
certificates, documents, publications) and the pages of any PDF without a usable text layer.
Photographs, objects and recordings are not OCR'd unless a curator switches it on: reading text
into a portrait adds noise to search.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
import pyvips
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image

from ..models import PageText, PageTextSource
from ..storage import local_path, master_storage
from ..technical import StepError
from .engine import ENGINE, engine_version
from .recognise import recognise


def ocr_wanted(item_file) -> bool:
    if item_file.ocr is not None:
        return item_file.ocr
    if item_file.is_pdf:
        return True
    return item_file.is_image and item_file.item.item_type in settings.MEDIA_OCR_ITEM_TYPES


def set_ocr(item_file, enabled: bool | None) -> None:
    """Switch OCR on/off (None: automatic) and queue the file so the change takes effect."""
    from ..models import FileStatus, ItemFile
    from ..tasks import process_item_file

    with transaction.atomic():
        locked = ItemFile.objects.select_for_update().get(pk=item_file.pk)
        technical = dict(locked.technical or {})
        steps = dict(technical.get("steps") or {})
        steps.pop("ocr", None)  # the step's record is what makes a rerun skip it
        technical["steps"] = steps
        locked.ocr = enabled
        locked.technical = technical
        if locked.status != FileStatus.PROCESSING:
            locked.status = FileStatus.PENDING
        locked.save(update_fields=["ocr", "technical", "status", "updated_at"])
        pk = locked.pk
        transaction.on_commit(lambda: process_item_file.enqueue(pk))
    item_file.refresh_from_db()


def ocr_step(item_file) -> dict:
    """Recognise the file's pages into PageText rows (source "ocr").

    Each page is saved as soon as it is read, tagged with the engine and step version, so a run
    cut short (worker stopped, one page too damaged) resumes where it stopped instead of
    recognising a 300-page PDF from the start; pages read by another version are read again.
    """
    if not ocr_wanted(item_file):
        PageText.objects.filter(item_file=item_file, source=PageTextSource.OCR).delete()
        reason = (
            _("OCR is switched off for this file.")
            if item_file.ocr is False
            else _(
                "Not OCR'd automatically for this item type; switch OCR on for the file to read it."
            )
        )
        return {"ocr": {"status": "skipped", "reason": reason, "pages": 0}}
    if not (item_file.is_pdf or item_file.is_image):
        return {"ocr": {"status": "skipped", "reason": _("Not a page image or PDF."), "pages": 0}}
    version = version_tag()
    opener = _pdf_pages if item_file.is_pdf else _image_pages
    layouts, seconds = {}, []
    with opener(item_file) as (numbers, load):
        current = PageText.objects.filter(
            item_file=item_file, source=PageTextSource.OCR, engine_version=version
        )
        done = set(current.values_list("page_number", flat=True))
        for number in numbers:
            if number in done:
                continue
            record = _page_record(number, load(number))
            replace_page_texts(
                item_file, PageTextSource.OCR, [record], ENGINE, version, only_these_pages=True
            )
            layouts[str(number)] = record["layout"]
            seconds.append(record["seconds"])
    stale = PageText.objects.filter(item_file=item_file, source=PageTextSource.OCR)
    stale.exclude(page_number__in=numbers).delete()
    stored = PageText.objects.filter(item_file=item_file, source=PageTextSource.OCR)
    return {
        "ocr": {
            "status": "done",
            "pages": stored.count(),
            "lines": sum(len(lines) for lines in stored.values_list("lines", flat=True)),
            "engine": f"{ENGINE} {version}",
            "layouts": layouts,
            "seconds_per_page": round(sum(seconds) / len(seconds), 2) if seconds else 0,
        }
    }


def version_tag() -> str:
    """The engine and models, plus this step's version: what a stored page was read with."""
    from ..tasks import STEP_VERSIONS  # tasks imports this module

    return f"{engine_version()}; step {STEP_VERSIONS['ocr']}"


def replace_page_texts(
    item_file,
    source: str,
    pages: list[dict],
    engine: str,
    version: str,
    *,
    only_these_pages: bool = False,
) -> None:
    """Store `pages` atomically, replacing any row on the same pages and, unless
    `only_these_pages`, every other row of this source too."""
    numbers = [page["number"] for page in pages]
    rows = [
        PageText(
            item_file=item_file,
            page_number=page["number"],
            text=page["text"],
            lines=page["lines"],
            source=source,
            engine=engine,
            engine_version=version,
            width=page["width"],
            height=page["height"],
        )
        for page in pages
    ]
    with transaction.atomic():
        if not only_these_pages:
            PageText.objects.filter(item_file=item_file, source=source).delete()
        PageText.objects.filter(item_file=item_file, page_number__in=numbers).delete()
        for row in rows:
            row.save()  # one by one, not bulk_create: post_save tells search to reindex the item


def _page_record(number: int, image: Image.Image) -> dict:
    started = time.monotonic()
    result = recognise(image)
    return {
        "number": number,
        "text": result.text,
        "width": result.width,
        "height": result.height,
        "lines": [line.as_dict() for line in result.lines],
        "layout": f"{result.layout} {result.rotation}°",
        "seconds": time.monotonic() - started,
    }


@contextmanager
def _pdf_pages(item_file) -> Iterator[tuple[list[int], Callable[[int], Image.Image]]]:
    """The PDF's pages without a text layer, and a function rendering one of them."""
    from ..pdf import open_pdf, render_page

    with_text = set(
        PageText.objects.filter(item_file=item_file, source=PageTextSource.PDF_TEXT).values_list(
            "page_number", flat=True
        )
    )
    with local_path(master_storage(), item_file.master.name) as path, open_pdf(path) as document:
        numbers = [n for n in range(1, document.page_count + 1) if n not in with_text]

        def load(number: int) -> Image.Image:
            try:
                return render_page(document.load_page(number - 1))
            except (RuntimeError, ValueError) as exc:
                raise StepError(
                    _("Page %(page)s of the PDF cannot be rendered: %(detail)s")
                    % {"page": number, "detail": str(exc) or exc.__class__.__name__}
                ) from exc

        yield numbers, load


@contextmanager
def _image_pages(item_file) -> Iterator[tuple[list[int], Callable[[int], Image.Image]]]:
    """Each page of the master (multi-page TIFFs: every page), upright as displayed."""
    from .. import imaging

    loader = imaging.loader_for(item_file.mime_type)
    with imaging.master_image_path(item_file) as path:
        found = {
            page.number: page for page in imaging.pages(path, loader, imaging.load(path, loader))
        }

        def load(number: int) -> Image.Image:
            page = found[number]
            try:
                vips_image = imaging.open_page(path, loader, page).colourspace("b-w")
                grey = vips_image.extract_band(0).numpy()
            except pyvips.Error as exc:  # decode errors surface only when pixels are read
                raise StepError(
                    _("Page %(page)s of the image cannot be decoded for OCR: %(detail)s")
                    % {"page": number, "detail": imaging.decode_error(exc)}
                ) from exc
            return Image.fromarray(np.ascontiguousarray(grey, dtype=np.uint8), "L")

        yield sorted(found), load
