"""PDFs through PyMuPDF: basics, the text layer per page with line boxes, and page rendering.

PyMuPDF is pinned to 1.28.x on purpose: 2.0 also installs pymupdf4llm, a layout model on
onnxruntime, networkx and more, none of which this archive uses.

Page coordinates: every box and rendered image is expressed in pixels of the page as rendered
upright at RENDER_DPI, so text-layer lines and OCR lines of the same PDF use one coordinate
system and a viewer scales them by `width`/`height` of the PageText.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pymupdf
from django.conf import settings
from django.utils.translation import gettext as _
from PIL import Image

from .errors import StepError
from .results import PdfRecord

RENDER_DPI = 200
POINTS_PER_INCH = 72
# A page with fewer characters than this that also carries an image is taken for a scan with a
# stray printed stamp or page number, and is OCR'd.
MIN_TEXT_CHARS = 10
# Text layers of fonts without a Unicode map come out as U+FFFD; such a layer is no text.
MAX_REPLACEMENT_SHARE = 0.3
ENGINE = "pymupdf"
ENGINE_VERSION = pymupdf.VersionBind

# MuPDF prints repair chatter to stderr; it is collected per document instead (see _warnings).
pymupdf.TOOLS.mupdf_display_errors(False)
pymupdf.TOOLS.mupdf_display_warnings(False)


@dataclass
class PdfPage:
    number: int  # 1-based
    width: int
    height: int
    text: str = ""
    lines: list[dict] = field(default_factory=list)
    has_text_layer: bool = False


def _open_document(path: Path | str) -> pymupdf.Document:
    try:
        return pymupdf.open(str(path), filetype="pdf")
    except (pymupdf.FileDataError, RuntimeError, ValueError) as exc:
        raise StepError(
            _("The PDF cannot be opened; it is damaged or not a PDF (%(detail)s).")
            % {"detail": str(exc) or exc.__class__.__name__}
        ) from exc


@contextmanager
def open_pdf(path: Path | str) -> Iterator[pymupdf.Document]:
    """Open a PDF for reading or raise StepError saying why it cannot be read."""
    document = _open_document(path)
    try:
        if document.needs_pass:
            raise StepError(
                _(
                    "The PDF is encrypted with a password, so its pages cannot be read. Ingest an "
                    "unencrypted copy."
                )
            )
        if _page_count(document) == 0:
            raise StepError(_("The PDF has no readable pages; it is damaged or truncated."))
        yield document
    finally:
        document.close()


def needs_password(path: Path | str) -> bool:
    """True for a PDF whose pages cannot be read without its user password."""
    try:
        with pymupdf.open(str(path), filetype="pdf") as document:
            return bool(document.needs_pass)
    except (pymupdf.FileDataError, RuntimeError, ValueError):
        return False  # unreadable for another reason, which open_pdf reports


def pdf_info(path: Path | str) -> PdfRecord:
    """Technical metadata: PDF version, page count, encryption, whether it needed repair.

    An encrypted PDF is described, not refused: its page count is known without the password,
    and the text step reports that its content is locked.
    """
    pymupdf.TOOLS.reset_mupdf_warnings()
    document = _open_document(path)
    with document:
        fmt = (document.metadata or {}).get("format") or ""
        info: PdfRecord = {
            "version": fmt.removeprefix("PDF ").strip() or None,
            "page_count": _page_count(document),
            "encrypted": bool(document.is_encrypted or document.needs_pass),
        }
        if document.is_repaired:
            info["repaired"] = True
            info["warnings"] = _warnings()
        if info["page_count"] == 0 and not info["encrypted"]:
            raise StepError(_("The PDF has no readable pages; it is damaged or truncated."))
    return info


def _warnings() -> list[str]:
    text = pymupdf.TOOLS.mupdf_warnings(reset=True) or ""
    return [line for line in text.splitlines() if line.strip()][:10]


def _page_count(document: pymupdf.Document) -> int:
    """The page count, 0 when the page tree is too damaged to count."""
    try:
        return document.page_count
    except (RuntimeError, ValueError):
        return 0


def page_scale() -> float:
    return RENDER_DPI / POINTS_PER_INCH


def read_page(page: pymupdf.Page) -> PdfPage:
    """The text layer of one page as lines with boxes in rendered-page pixels."""
    scale = page_scale()
    matrix = page.rotation_matrix * pymupdf.Matrix(scale, scale)
    width, height = _pixel_size(page)
    lines: list[dict[str, Any]] = []
    flags = pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_MEDIABOX_CLIP
    for block in page.get_text("dict", flags=flags, sort=True)["blocks"]:
        for line in block.get("lines", []):
            text = "".join(span["text"] for span in line["spans"]).strip()
            if not text:
                continue
            rect = (pymupdf.Rect(line["bbox"]) * matrix) & pymupdf.Rect(0, 0, width, height)
            lines.append({"text": text, "box": _box(rect), "confidence": 1.0})
    text = "\n".join(line["text"] for line in lines)
    result = PdfPage(page.number + 1, width, height, text, lines)
    result.has_text_layer = _is_real_text(text, bool(page.get_images(full=False)))
    return result


def _is_real_text(text: str, has_images: bool) -> bool:
    chars = "".join(text.split())
    if not chars:
        return False
    if chars.count("\ufffd") / len(chars) > MAX_REPLACEMENT_SHARE:
        return False
    return not (has_images and len(chars) < MIN_TEXT_CHARS)


def _box(rect: pymupdf.Rect) -> list[int]:
    x0, y0 = max(rect.x0, 0), max(rect.y0, 0)
    return [round(x0), round(y0), max(round(rect.x1 - x0), 1), max(round(rect.y1 - y0), 1)]


def _pixel_size(page: pymupdf.Page) -> tuple[int, int]:
    rect = page.rect  # already rotated: the page as displayed
    scale = page_scale()
    return max(round(rect.width * scale), 1), max(round(rect.height * scale), 1)


def render_page(page: pymupdf.Page) -> Image.Image:
    """The page as an upright greyscale image at RENDER_DPI (the size read_page reports)."""
    pixmap = render_pixmap(page)
    image = Image.frombytes("L", (pixmap.width, pixmap.height), pixmap.samples)
    width, height = _pixel_size(page)
    if image.size != (width, height):
        # MuPDF rounds the pixmap outward; keep the size boxes are expressed in.
        image = image.resize((width, height))
    return image


def render_pixmap(page: pymupdf.Page, *, colour: bool = False) -> pymupdf.Pixmap:
    """The page rendered upright at RENDER_DPI, greyscale for OCR or RGB for viewing.

    MuPDF may round the pixmap outward by a pixel; callers bring it to `page_pixel_size(page)`,
    the size text-layer and OCR boxes are expressed in. Refused above MEDIA_MAX_IMAGE_PIXELS.
    """
    width, height = _pixel_size(page)
    limit = int(getattr(settings, "MEDIA_MAX_IMAGE_PIXELS", 200_000_000))
    if width * height > limit:
        raise StepError(
            _(
                "Page %(page)s would render to %(width)s×%(height)s pixels at %(dpi)s dpi, above "
                "MEDIA_MAX_IMAGE_PIXELS."
            )
            % {"page": page.number + 1, "width": width, "height": height, "dpi": RENDER_DPI}
        )
    scale = page_scale()
    return page.get_pixmap(
        matrix=pymupdf.Matrix(scale, scale),
        colorspace=pymupdf.csRGB if colour else pymupdf.csGRAY,
        alpha=False,
    )


def page_pixel_size(page: pymupdf.Page) -> tuple[int, int]:
    """Width and height in pixels of the page rendered upright at RENDER_DPI."""
    return _pixel_size(page)


def read_pages(path: Path | str) -> list[PdfPage]:
    """Every page's text layer; raises StepError naming the page that cannot be read."""
    pages = []
    with open_pdf(path) as document:
        for index in range(document.page_count):
            try:
                pages.append(read_page(document.load_page(index)))
            except (RuntimeError, ValueError) as exc:
                raise StepError(
                    _("Page %(page)s of the PDF cannot be read: %(detail)s")
                    % {"page": index + 1, "detail": str(exc) or exc.__class__.__name__}
                ) from exc
    return pages
