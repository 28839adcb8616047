"""Images through libvips (pyvips): technical metadata and normalised access renderings.

Why libvips: it streams images through small buffers (sequential access), so a 300-dpi scan or a
200-megapixel photograph is processed in tens of megabytes, and JPEGs can be decoded at a reduced
scale for thumbnails. Every master is opened with the loader its sniffed format names (never by
libvips' own guess), so a file can only reach the decoder curators' formats need; ImageMagick
and other catch-all loaders are never used.

Pages: each page (IFD) of a multi-page TIFF is one image and becomes one IIIF canvas, in file
order — except pages that are exact power-of-two reductions of the first page (the pyramid levels
some scanners and tiled TIFF writers store as extra pages), which are resolutions, not pages.
Other formats contribute one image: the first frame of an animated GIF, the primary image of a
HEIF. See docs/IIIF.md.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyvips
from django.conf import settings
from django.utils.translation import gettext as _

from .errors import StepError
from .results import ImagePage, ImageRecord, TechnicalResult
from .storage import local_path, master_storage

DEFAULT_MAX_IMAGE_PIXELS = 200_000_000

# Which libvips loader reads which sniffed format. Nothing else is ever decoded.
LOADERS = {
    "image/jpeg": "jpegload",
    "image/png": "pngload",
    "image/tiff": "tiffload",
    "image/webp": "webpload",
    "image/gif": "gifload",
    "image/heic": "heifload",
    "image/heif": "heifload",
    "image/avif": "heifload",
    "image/jp2": "jp2kload",
    "image/jpx": "jp2kload",
    "image/x-jp2-codestream": "jp2kload",
}
PAGED_LOADERS = {"tiffload"}
# Operation cache: libvips keeps recent operations (and the pixels they reference) for reuse.
# A pipeline worker never repeats an operation, so a small cache only bounds memory.
VIPS_CACHE_MAX_OPERATIONS = 20
VIPS_CACHE_MAX_MEMORY = 64 * 1024 * 1024
WHITE = [255, 255, 255]
# Sample formats converted without a first pass over the pixels (see to_srgb8); others need
# their minimum and maximum, hence random access.
STREAMABLE_FORMATS = {"uchar", "ushort", "short"}
_MODES = {
    (1, False): "L",
    (2, True): "LA",
    (3, False): "RGB",
    (4, True): "RGBA",
}

# libvips reports every resampling decision at INFO level; those are not worth a log line.
logging.getLogger("pyvips").setLevel(logging.WARNING)
pyvips.cache_set_max(VIPS_CACHE_MAX_OPERATIONS)
pyvips.cache_set_max_mem(VIPS_CACHE_MAX_MEMORY)


@dataclass(frozen=True)
class Page:
    """One image of a master: `index` is the loader's page number, `number` its 1-based place."""

    index: int
    number: int
    width: int
    height: int


def max_image_pixels() -> int:
    return int(getattr(settings, "MEDIA_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def loader_for(mime_type: str) -> str:
    try:
        return LOADERS[mime_type]
    except KeyError:
        raise StepError(
            _("Images in the format %(mime)s cannot be processed here.") % {"mime": mime_type}
        ) from None


@contextmanager
def master_image_path(item_file) -> Iterator[Path]:
    """A local path of the master: libvips reads files (S3 masters are copied to a temp file)."""
    with local_path(master_storage(), item_file.master.name) as path:
        yield path


def load(path: Path, loader: str, *, page: int = 0, access: str = "sequential", **options):
    """Open one page lazily: only the header is read until pixels are asked for.

    `fail_on="error"` turns truncated or corrupt data into an exception instead of the grey
    fill libvips would otherwise paint, so a damaged scan is reported, not published.
    """
    if loader in PAGED_LOADERS:
        options["page"] = page
    try:
        return getattr(pyvips.Image, loader)(str(path), access=access, fail_on="error", **options)
    except pyvips.Error as exc:
        raise StepError(decode_error(exc)) from exc


def decode_error(exc: pyvips.Error) -> str:
    """A curator-readable reason from a libvips error (its first line names the operation)."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    detail = "; ".join(line for line in lines if not line.startswith("unable to call"))
    detail = detail or (lines[0] if lines else exc.__class__.__name__)
    lowered = detail.lower()
    if any(
        word in lowered
        for word in (
            "premature end",
            "truncated",
            "unexpected end",
            "not enough data",
            "read error",
            "out of order",
        )
    ):
        return _("The image data is truncated or damaged (libvips: %(detail)s).") % {
            "detail": detail
        }
    return _("The image could not be decoded (libvips: %(detail)s).") % {"detail": detail}


def check_pixels(width: int, height: int) -> None:
    limit = max_image_pixels()
    if width * height > limit:
        raise StepError(
            _(
                "The image is %(width)s×%(height)s pixels (%(pixels)s), above the limit of "
                "%(limit)s (MEDIA_MAX_IMAGE_PIXELS); it was not decoded because it may be a "
                "decompression bomb."
            )
            % {
                "width": width,
                "height": height,
                "pixels": f"{width * height:,}",
                "limit": f"{limit:,}",
            }
        )


def pages(path: Path, loader: str, first) -> list[Page]:
    """The images of a master that are pages, each checked against the pixel limit."""
    count = _page_count(first) if loader in PAGED_LOADERS else 1
    check_pixels(first.width, first.height)
    found = [Page(0, 1, *upright_size(first))]
    for index in range(1, count):
        image = load(path, loader, page=index)
        check_pixels(image.width, image.height)
        if _is_reduction_of(image, first):
            continue
        found.append(Page(index, len(found) + 1, *upright_size(image)))
    return found


def upright_size(image) -> tuple[int, int]:
    """Width and height as displayed: orientations 5–8 turn the image by a quarter."""
    if (_orientation(image) or 1) >= 5:
        return image.height, image.width
    return image.width, image.height


def _page_count(image) -> int:
    return image.get("n-pages") if image.get_typeof("n-pages") else 1


def _is_reduction_of(image, first) -> bool:
    """True for a stored pyramid level: the first page halved k times (rounded either way)."""
    for level in range(1, 16):
        scale = 2**level
        if (
            abs(image.width - first.width / scale) < 1
            and abs(image.height - first.height / scale) < 1
        ):
            return True
        if first.width / scale < 1:
            break
    return False


def image_info(item_file) -> ImageRecord:
    """The `technical["image"]` record: read from headers only, no pixels decoded."""
    loader = loader_for(item_file.mime_type)
    with master_image_path(item_file) as path:
        first = load(path, loader)
        found = pages(path, loader, first)
        frames = _page_count(first) if loader in PAGED_LOADERS else 1
    return {
        "width": first.width,
        "height": first.height,
        "bands": first.bands,
        "mode": _mode(first),
        "band_format": first.format,
        "bits": _bits(first.format),
        "interpretation": first.interpretation,
        "format": first.get("vips-loader").removesuffix("_file").removesuffix("load").upper(),
        "frames": frames,
        "pages": [
            ImagePage(number=p.number, index=p.index, width=p.width, height=p.height) for p in found
        ],
        "dpi": _dpi(first),
        "orientation": _orientation(first),
        "icc_profile": first.get_typeof("icc-profile-data") != 0,
    }


def _mode(image) -> str:
    if image.interpretation == "cmyk":
        return "CMYK"
    mode = _MODES.get((image.bands, image.hasalpha()), f"{image.bands} bands")
    return mode if image.format == "uchar" else f"{mode};{_bits(image.format)}"


def _bits(band_format: str) -> int:
    return {
        "uchar": 8,
        "char": 8,
        "ushort": 16,
        "short": 16,
        "uint": 32,
        "int": 32,
        "float": 32,
        "double": 64,
    }.get(band_format, 8)


def _dpi(image) -> list[float] | None:
    # libvips keeps resolution in pixels per millimetre; 1 (its default) means "not recorded".
    xres, yres = image.xres, image.yres
    if xres <= 1 and yres <= 1:
        return None
    return [round(xres * 25.4, 2), round(yres * 25.4, 2)]


def _orientation(image) -> int | None:
    if not image.get_typeof("orientation"):
        return None
    value = image.get("orientation")
    return value if 1 <= value <= 8 else None


def needs_rotation(image) -> bool:
    return (_orientation(image) or 1) != 1


def open_page(path: Path, loader: str, page: Page, **options):
    """A page ready for rendering: upright, 8-bit sRGB, no alpha (flattened onto white).

    Turning a page by its EXIF orientation reads rows out of order, so only such pages (and
    pages whose range must be measured first) are opened for random access; libvips then keeps
    large ones in a temporary file, not in memory.
    """
    image = load(path, loader, page=page.index, **options)
    if needs_rotation(image) or image.format not in STREAMABLE_FORMATS:
        image = load(path, loader, page=page.index, access="random", **options).autorot()
    return to_srgb8(image)


def to_srgb8(image):
    """Convert to 8-bit sRGB with three bands, keeping the tones as recorded.

    Sixteen-bit samples are scaled by 1/257 (the full 0–65535 range onto 0–255), as a scanner's
    own preview would show them; stretching each image to its own histogram would brighten dark
    photographs and falsify the record. Embedded ICC profiles are honoured.
    """
    if image.get_typeof("icc-profile-data") and image.format in ("uchar", "ushort"):
        try:
            image = image.icc_transform("srgb", embedded=True, intent="relative", depth=8)
        except pyvips.Error:
            image = image.copy()  # an unreadable profile: fall back to the declared colourspace
    if image.format == "ushort":
        image = (image / 257).cast("uchar")
    elif image.format == "short":
        image = ((image + 32768) / 257).cast("uchar")
    elif image.format != "uchar":
        image = _stretch_to_uchar(image)
    if image.hasalpha():
        image = image.flatten(background=WHITE)
    if image.interpretation in ("cmyk", "lab", "labs", "lch", "xyz", "scrgb", "hsv", "yxy"):
        image = image.colourspace("srgb")
    if image.bands == 1:
        image = image.bandjoin([image, image])
    elif image.bands > 3:
        image = image.extract_band(0, n=3)
    return image.copy(interpretation="srgb").cast("uchar")


def _stretch_to_uchar(image):
    """Integer and floating-point data (instruments, HDR) has no fixed range: use its own."""
    low, high = image.min(), image.max()
    scale = 255 / (high - low) if high > low else 1
    return ((image - low) * scale).cast("uchar")


def fit(image, longest: int):
    """Shrink (never enlarge) so the longest side is at most `longest` pixels."""
    if max(image.width, image.height) <= longest:
        return image
    return image.thumbnail_image(longest, height=longest, size="down")


def force_size(image, width: int, height: int):
    """Exactly width×height (IIIF sizes are exact); the aspect ratio is already the same."""
    if (image.width, image.height) == (width, height):
        return image
    return image.thumbnail_image(width, height=height, size="force")


def jpeg_shrink_for(loader: str, page: Page, longest: int) -> dict:
    """Loader options that decode a JPEG at 1/2, 1/4 or 1/8 scale when that is still enough."""
    if loader != "jpegload":
        return {}
    side = max(page.width, page.height)
    shrink = 1
    while shrink < 8 and side / (shrink * 2) >= longest:
        shrink *= 2
    return {"shrink": shrink} if shrink > 1 else {}


def page_list(item_file) -> list[Page]:
    """The pages recorded by the technical step (one for single-image files)."""
    recorded = TechnicalResult.of(item_file.technical).image_pages()
    return [Page(p["index"], p["number"], p["width"], p["height"]) for p in recorded]


def ceil_div(value: int, divisor: int) -> int:
    return math.ceil(value / divisor)
