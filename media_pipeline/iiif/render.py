"""Image API requests the static tiles do not cover, rendered from the master and cached.

A region at a size is cut from the same pixels the `iiif` step tiles (tiles.py): an image page
opened by imaging.open_page (upright, 8-bit sRGB), or a PDF page rendered by MuPDF in the
coordinates of pdf.RENDER_DPI. Memory stays bounded on large scans:

- JPEG masters are decoded at 1/2, 1/4 or 1/8 scale when the output is that much smaller
  (shrink-on-load), and every image is read sequentially, so only the rows of the region (at the
  reduced scale) pass through libvips, a strip at a time;
- PDF pages are rendered by MuPDF clipped to the region and at the output's scale, so the pixmap
  is about the size of the answer, never the whole page.

Renderings are stored in the private derivatives storage under

    iiif-cache/<sha256>/v<iiif step version>/<page>/<x>,<y>,<w>,<h>/<w>,<h>/0/default.jpg

— the request in pixels, so every spelling of it (pct:, square, !w,h …) is one file and a
repeated request is a storage read. The `iiif` step empties iiif-cache/<sha256>/ when it
rebuilds a file's tiles; the folder holds nothing that cannot be rendered again. Its size and
the renders per client are bounded by render_cache.py.
"""

from __future__ import annotations

import math
import os
import tempfile
import threading
from pathlib import Path

import pymupdf
import pyvips
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage

from .. import imaging, pdf
from ..errors import StepError
from ..results import TiledPage
from ..storage import local_path, master_storage
from .image_api import ImageRequest
from .tiles import TILE_QUALITY, cache_prefix

# Decoded bytes above a region's bottom edge that may be held while reading sequentially
# (see _open); a 300-dpi A4 page is 26 MB in all, so its regions are always read that way.
SEQUENTIAL_BUDGET = 64 * 1024 * 1024
# MuPDF contexts are not safe to use from several threads of one process at once.
_PDF_LOCK = threading.Lock()


def cache_name(sha256: str, version: int, page_number: int, wanted: ImageRequest) -> str:
    x, y, w, h = wanted.region
    return (
        f"{cache_prefix(sha256)}/v{version}/{page_number}/{x},{y},{w},{h}/"
        f"{wanted.size[0]},{wanted.size[1]}/0/default.jpg"
    )


def render_jpeg(item_file, page: TiledPage, wanted: ImageRequest) -> bytes:
    """The JPEG of `wanted` on the tiled page `page` (a record of technical["iiif"]["pages"]).

    Raises StepError (the master cannot be decoded or rendered) or OSError (it cannot be read).
    """
    try:
        if item_file.is_pdf:
            with _PDF_LOCK:
                return _render_pdf(item_file, page, wanted)
        return _render_image(item_file, page, wanted)
    finally:
        # Cached operations keep their input open: a master copied from S3 to a temporary file
        # would otherwise keep using disk after the copy is deleted.
        pyvips.cache_set_max(0)
        pyvips.cache_set_max(imaging.VIPS_CACHE_MAX_OPERATIONS)


def jpeg_shrink(wanted: ImageRequest) -> int:
    """1, 2, 4 or 8: the largest JPEG decode scale that still leaves the region at least as large
    as the output, so the final resize only ever reduces."""
    _, _, w, h = wanted.region
    out_w, out_h = wanted.size
    shrink = 1
    while shrink < 8 and w >= out_w * shrink * 2 and h >= out_h * shrink * 2:
        shrink *= 2
    return shrink


def _render_image(item_file, page: TiledPage, wanted: ImageRequest) -> bytes:
    loader = imaging.loader_for(item_file.mime_type)
    number = page["number"]
    # The upright size is the tiled page's (the technical record has the same numbers).
    recorded = next((p for p in imaging.page_list(item_file) if p.number == number), None)
    index = recorded.index if recorded else number - 1
    source = imaging.Page(index, number, page["width"], page["height"])
    with imaging.master_image_path(item_file) as path:
        return render_image_file(path, loader, source, wanted)


def render_image_file(path: Path, loader: str, source: imaging.Page, wanted: ImageRequest):
    """The JPEG of `wanted` on the upright page `source` of the image file at `path`."""
    options = {}
    if loader == "jpegload" and (shrink := jpeg_shrink(wanted)) > 1:
        options["shrink"] = shrink
    image = _open(path, loader, source, wanted, options)
    # A shrunk JPEG is ceil(side / shrink) pixels: map the region by the actual ratio.
    x_ratio, y_ratio = image.width / source.width, image.height / source.height
    x, y, w, h = wanted.region
    left, top = math.floor(x * x_ratio), math.floor(y * y_ratio)
    right = min(image.width, max(left + 1, math.ceil((x + w) * x_ratio)))
    bottom = min(image.height, max(top + 1, math.ceil((y + h) * y_ratio)))
    try:
        region = image.crop(left, top, right - left, bottom - top)
        return _encode(imaging.force_size(region, *wanted.size))
    except pyvips.Error as exc:
        raise StepError(imaging.decode_error(exc)) from exc


def _open(path: Path, loader: str, source: imaging.Page, wanted: ImageRequest, options: dict):
    """The page, upright 8-bit sRGB, read the cheaper way for this region.

    Read sequentially, libvips keeps every decoded row above the region until the region is
    done: cheap for a region near the top (or a small page), up to the whole page for one near
    the bottom of a large scan. Beyond SEQUENTIAL_BUDGET the page is opened for random access
    instead, which libvips decodes into a temporary file when it is larger than its disc
    threshold (VIPS_DISC_THRESHOLD, 100 MB by default), so memory stays bounded either way.
    """
    header = imaging.load(path, loader, page=source.index, **options)
    if imaging.needs_rotation(header):
        return imaging.open_page(path, loader, source, **options)  # random access already
    _, y, _, h = wanted.region
    rows = math.ceil((y + h) * header.height / source.height)
    if rows * header.width * header.bands * _sample_bytes(header) <= SEQUENTIAL_BUDGET:
        return imaging.open_page(path, loader, source, **options)
    image = imaging.load(path, loader, page=source.index, access="random", **options)
    return imaging.to_srgb8(image)


def _sample_bytes(image) -> int:
    return {"uchar": 1, "char": 1, "ushort": 2, "short": 2, "double": 8}.get(image.format, 4)


def _render_pdf(item_file, page: TiledPage, wanted: ImageRequest) -> bytes:
    x, y, w, h = wanted.region
    out_w, out_h = wanted.size
    scale = pdf.page_scale()  # rendered-page pixels per point
    # Rendered at the output's scale (never above RENDER_DPI, the scale of the tiles).
    zoom = scale * min(1.0, max(out_w / w, out_h / h))
    # The clip is in points of the upright page, the space the rendered pixels are scaled from.
    clip = pymupdf.Rect(x / scale, y / scale, (x + w) / scale, (y + h) / scale)
    with local_path(master_storage(), item_file.master.name) as path, pdf.open_pdf(path) as doc:
        try:
            pixmap = doc.load_page(page["number"] - 1).get_pixmap(
                matrix=pymupdf.Matrix(zoom, zoom),
                clip=clip,
                colorspace=pymupdf.csRGB,
                alpha=False,
            )
        except (RuntimeError, ValueError) as exc:
            raise StepError(
                f"Page {page['number']} of the PDF cannot be rendered: "
                f"{str(exc) or exc.__class__.__name__}"
            ) from exc
        # libvips reads the pixmap's buffer in place; `pixmap` outlives the encode below.
        image = pyvips.Image.new_from_memory(
            pixmap.samples_mv, pixmap.width, pixmap.height, pixmap.n, "uchar"
        ).copy(interpretation="srgb")
        # MuPDF rounds the clipped pixmap outward by up to a pixel: bring it to the exact size.
        return _encode(imaging.force_size(image, out_w, out_h))


def _encode(image) -> bytes:
    return image.jpegsave_buffer(Q=TILE_QUALITY, strip=True)


def store(storage: Storage, name: str, data: bytes) -> None:
    """Save `data` at exactly `name`. Two requests may render the same image at once: on local
    storage the file is written aside and renamed into place (readers never see half a file);
    on other storages a duplicate saved under an alternative name is removed again."""
    if isinstance(storage, FileSystemStorage):
        target = Path(storage.path(name))
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".render-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o644)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return
    stored = storage.save(name, ContentFile(data, name=name))
    if stored != name:
        storage.delete(stored)  # another request stored the same rendering first
