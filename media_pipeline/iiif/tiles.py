"""The `iiif` step: static IIIF Image API 3 level-0 tiles, full-image sizes and info.json.

Layout in the private derivatives storage, one folder per page (1-based):

    iiif/<sha256>/<page>/info.json                          (its "id" is set when served)
    iiif/<sha256>/<page>/<x>,<y>,<w>,<h>/<tw>,<th>/0/default.jpg     tiles, 256 px
    iiif/<sha256>/<page>/0,0,<W>,<H>/<sw>,<sh>/0/default.jpg         sizes (full image)

Regions and sizes are always spelled out in pixels (libvips' "iiif3" layout); the serving view
maps "full", "max" and the other request forms onto them. A tile at scale factor s covering
region w×h is ceil(w/s)×ceil(h/s), the formula of the Image API and of OpenSeadragon.
Tiles are written to a temporary folder first and published only when every page succeeded.
Requests the tiles do not cover are rendered on demand by render.py and cached under
iiif-cache/<sha256>/, which this step empties whenever it rebuilds a file's tiles.
Pages are those of an image (media_pipeline/imaging.py) or of a PDF, rendered by pdf.py at its
RENDER_DPI so the tiles are the raster that PDF text and OCR line boxes are measured in.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyvips
from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage
from django.utils.translation import gettext as _

from .. import imaging, pdf
from ..errors import StepError
from ..results import IiifRecord, IiifResult, TechnicalResult, TiledPage
from ..storage import derivative_storage, local_path, master_storage

TILE_SIZE = 256
TILE_QUALITY = 85
# Full-image renditions listed in info.json "sizes" (thumbnails, the viewer's no-JS fallback).
SIZES_MAX_LONGEST = 1024
IMAGE_CONTEXT = "http://iiif.io/api/image/3/context.json"
UPLOAD_THREADS = 8
# PDF pages tiled per file unless settings.MEDIA_IIIF_MAX_PDF_PAGES says otherwise.
DEFAULT_MAX_PDF_PAGES = 2000

logger = logging.getLogger(__name__)


def tree_prefix(sha256: str) -> str:
    return f"iiif/{sha256}"


def page_prefix(sha256: str, page_number: int) -> str:
    return f"{tree_prefix(sha256)}/{page_number}"


def image_file_name(prefix: str, region: tuple[int, int, int, int], size: tuple[int, int]) -> str:
    x, y, w, h = region
    return f"{prefix}/{x},{y},{w},{h}/{size[0]},{size[1]}/0/default.jpg"


def scale_factors(width: int, height: int) -> list[int]:
    """1, 2, 4… down to the level that fits one tile (libvips' dzsave depth "onetile")."""
    factors = [1]
    while (
        imaging.ceil_div(width, factors[-1]) > TILE_SIZE
        or imaging.ceil_div(height, factors[-1]) > TILE_SIZE
    ):
        factors.append(factors[-1] * 2)
    return factors


def level_size(width: int, height: int, factor: int) -> tuple[int, int]:
    return imaging.ceil_div(width, factor), imaging.ceil_div(height, factor)


# Where render.py caches the images the static tiles do not cover (render_cache.py bounds it).
CACHE_ROOT = "iiif-cache"


def cache_prefix(sha256: str) -> str:
    """Where render.py caches the images of one file the static tiles do not cover."""
    return f"{CACHE_ROOT}/{sha256}"


def make_iiif_tiles(item_file) -> IiifResult:
    """Tile every page of an image or PDF (the `iiif` step's work)."""
    record = make_pdf_tiles(item_file) if item_file.is_pdf else _make_image_tiles(item_file)
    # Renderings cached from the previous tiles' source are dropped with them.
    remove_tree(derivative_storage(), cache_prefix(item_file.sha256))
    return record


def _make_image_tiles(item_file) -> IiifResult:
    loader = imaging.loader_for(item_file.mime_type)
    pages = imaging.page_list(item_file)
    with (
        imaging.master_image_path(item_file) as path,
        tempfile.TemporaryDirectory(prefix="iiif-", dir=settings.FILE_UPLOAD_TEMP_DIR) as work,
    ):
        records = [tile_page(path, loader, page, Path(work) / str(page.number)) for page in pages]
        publish_tree(derivative_storage(), Path(work), tree_prefix(item_file.sha256))
    return IiifResult(IiifRecord(tile_size=TILE_SIZE, pages=records))


def tile_page(path: Path, loader: str, page: imaging.Page, out: Path) -> TiledPage:
    """Write one page's tiles, sizes and info.json into the local folder `out`."""

    def reduced(largest: int):
        options = imaging.jpeg_shrink_for(loader, page, largest)
        return imaging.open_page(path, loader, page, **options)

    return _tile(page.number, out, lambda: imaging.open_page(path, loader, page), reduced)


def max_pdf_pages() -> int:
    return max(int(getattr(settings, "MEDIA_IIIF_MAX_PDF_PAGES", DEFAULT_MAX_PDF_PAGES)), 0)


def make_pdf_tiles(item_file) -> IiifResult:
    """Each PDF page rendered upright at pdf.RENDER_DPI (the raster text-layer and OCR boxes
    refer to) and tiled like an image page; one page in memory at a time.

    Pages beyond MEDIA_IIIF_MAX_PDF_PAGES are not tiled and are named in the record's "note"; an
    encrypted PDF gets no tiles and is left to the `pdf_text` step to report.
    """
    record = IiifRecord(tile_size=TILE_SIZE, pages=[], source="pdf", dpi=pdf.RENDER_DPI)
    encrypted = TechnicalResult.of(item_file.technical).pdf_encrypted()
    cap = max_pdf_pages()
    with local_path(master_storage(), item_file.master.name) as path:
        # Only a user password locks the pages (an owner password merely restricts editing).
        if encrypted and pdf.needs_password(path):
            record["note"] = _("The PDF is encrypted with a password; its pages are not tiled.")
            return IiifResult(record)
        with (
            pdf.open_pdf(path) as document,  # StepError when it is damaged or has no pages
            tempfile.TemporaryDirectory(prefix="iiif-", dir=settings.FILE_UPLOAD_TEMP_DIR) as work,
        ):
            count = document.page_count
            for index in range(min(count, cap)):
                out = Path(work) / str(index + 1)
                record["pages"].append(_tile_pdf_page(document, index, out))
            publish_tree(derivative_storage(), Path(work), tree_prefix(item_file.sha256))
    record["page_count"] = count
    if count > cap:
        record["pages_not_tiled"] = [cap + 1, count]
        record["note"] = _(
            "Only the first %(cap)s of the PDF's %(count)s pages were tiled "
            "(MEDIA_IIIF_MAX_PDF_PAGES); pages %(first)s–%(count)s are in the PDF download only."
        ) % {"cap": cap, "count": count, "first": cap + 1}
        logger.warning("ItemFile %s: %s", item_file.pk, record["note"])
    return IiifResult(record)


def _tile_pdf_page(document, index: int, out: Path) -> TiledPage:
    try:
        page = document.load_page(index)
        pixmap = pdf.render_pixmap(page, colour=True)
        width, height = pdf.page_pixel_size(page)
    except (RuntimeError, ValueError) as exc:
        raise StepError(
            _("Page %(page)s of the PDF cannot be rendered: %(detail)s")
            % {"page": index + 1, "detail": str(exc) or exc.__class__.__name__}
        ) from exc
    # libvips reads the pixmap's buffer in place (no copy); `pixmap` stays referenced until this
    # function returns, after the page is written, and the operation cache is emptied so no
    # cached operation keeps this page's pixels alive while the next pages are tiled.
    image = pyvips.Image.new_from_memory(
        pixmap.samples_mv, pixmap.width, pixmap.height, pixmap.n, "uchar"
    ).copy(interpretation="srgb")
    # MuPDF rounds the pixmap outward by at most a pixel: crop to the size the page's text
    # boxes are expressed in (scale only if it ever came out smaller).
    if image.width >= width and image.height >= height:
        image = image.crop(0, 0, width, height)
    else:
        image = imaging.force_size(image, width, height)
    try:
        return _tile(index + 1, out, lambda: image, lambda _longest: image)
    finally:
        _drop_vips_cache()


def _drop_vips_cache() -> None:
    """Empty libvips' operation cache: cached operations hold their input images, here the
    previous page's pixels. Lowering the limit trims the cache at once."""
    pyvips.cache_set_max(0)
    pyvips.cache_set_max(imaging.VIPS_CACHE_MAX_OPERATIONS)


def _tile(number: int, out: Path, open_full, open_reduced) -> TiledPage:
    """Tiles, sizes and info.json of one page: `open_full()` gives the page at full size,
    `open_reduced(longest)` the same page, possibly pre-shrunk, to make the sizes from."""
    try:
        image = open_full()
        width, height = image.width, image.height
        # libvips writes the pyramid in one sequential pass over the decoded rows.
        image.dzsave(
            str(out),
            layout="iiif3",
            tile_size=TILE_SIZE,
            overlap=0,
            suffix=f".jpg[Q={TILE_QUALITY},strip]",
        )
        sizes = _write_sizes(open_reduced, out, width, height)
    except pyvips.Error as exc:
        raise StepError(imaging.decode_error(exc)) from exc
    for leftover in ("info.json", "vips-properties.xml"):
        (out / leftover).unlink(missing_ok=True)  # ours is written below, with "sizes"
    factors = scale_factors(width, height)
    _check_complete(out, width, height, factors)
    info = info_json(width, height, factors, sizes)
    (out / "info.json").write_text(json.dumps(info, ensure_ascii=False), encoding="utf-8")
    return {
        "number": number,
        "width": width,
        "height": height,
        "scale_factors": factors,
        "sizes": [[w, h] for w, h in sizes],
    }


def _write_sizes(open_reduced, out: Path, width: int, height: int):
    """Full-image renditions at each pyramid level up to SIZES_MAX_LONGEST, from one decode."""
    wanted = [level_size(width, height, f) for f in scale_factors(width, height)]
    wanted = [size for size in wanted if max(size) <= SIZES_MAX_LONGEST] or [wanted[-1]]
    largest = max(max(size) for size in wanted)
    source = imaging.fit(open_reduced(largest), largest).copy_memory()
    for size in wanted:
        target = out / image_file_name("", (0, 0, width, height), size).lstrip("/")
        if target.exists():
            continue  # the one-tile level is also a tile, already written by dzsave
        target.parent.mkdir(parents=True, exist_ok=True)
        imaging.force_size(source, *size).jpegsave(str(target), Q=TILE_QUALITY, strip=True)
    return sorted(wanted)


def _check_complete(out: Path, width: int, height: int, factors: list[int]) -> None:
    """Every tile a client will ask for exists: libvips' naming is relied upon, so verify it."""
    for factor in factors:
        step = TILE_SIZE * factor
        for y in range(0, height, step):
            for x in range(0, width, step):
                region = (x, y, min(step, width - x), min(step, height - y))
                size = level_size(region[2], region[3], factor)
                if not (out / image_file_name("", region, size).lstrip("/")).is_file():
                    raise StepError(
                        _(
                            "libvips did not write the IIIF tile %(region)s at %(size)s; the "
                            "tile layout of this libvips version is not supported."
                        )
                        % {"region": region, "size": size}
                    )


def info_json(width: int, height: int, factors: list[int], sizes) -> dict:
    """The Image API 3 description; "id" is filled in per request by the serving view."""
    return {
        "@context": IMAGE_CONTEXT,
        "id": "",
        "type": "ImageService3",
        "protocol": "http://iiif.io/api/image",
        "profile": "level0",
        "width": width,
        "height": height,
        "sizes": [{"width": w, "height": h} for w, h in sizes],
        "tiles": [{"width": TILE_SIZE, "height": TILE_SIZE, "scaleFactors": factors}],
    }


def publish_tree(storage: Storage, local_root: Path, prefix: str) -> None:
    """Replace the stored tree `prefix` with the contents of `local_root`."""
    if isinstance(storage, FileSystemStorage):
        _swap_local(local_root, Path(storage.path(prefix)))
        return
    delete_tree(storage, prefix)
    files = [p for p in local_root.rglob("*") if p.is_file()]

    def upload(file_path: Path) -> None:
        name = f"{prefix}/{file_path.relative_to(local_root).as_posix()}"
        with file_path.open("rb") as handle:
            stored = storage.save(name, File(handle, name=name))
        if stored != name:
            raise StepError(
                _("The storage saved %(name)s as %(stored)s; the tile tree is inconsistent.")
                % {"name": name, "stored": stored}
            )

    # S3 answers one request per object, so several uploads run at once; django-storages'
    # S3Storage keeps a connection per thread. Other storages are not known to be thread-safe.
    threads = UPLOAD_THREADS if getattr(storage, "bucket_name", None) else 1
    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(upload, files))


def _swap_local(local_root: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.new-{uuid.uuid4().hex}")
    staged.mkdir()
    for child in local_root.iterdir():
        shutil.move(child, staged / child.name)  # a rename on the same disk, else a copy
    retired = target.with_name(f".{target.name}.old-{uuid.uuid4().hex}")
    if target.exists():
        os.replace(target, retired)
    os.replace(staged, target)  # readers see the old tree or the new one, never a mix
    shutil.rmtree(retired, ignore_errors=True)


def remove_tree(storage: Storage, prefix: str) -> None:
    """Remove the stored tree `prefix`, on local storage with its folders."""
    if isinstance(storage, FileSystemStorage):
        shutil.rmtree(storage.path(prefix), ignore_errors=True)
        return
    delete_tree(storage, prefix)


def delete_tree(storage: Storage, prefix: str) -> None:
    """Remove every stored file under `prefix` (storages have no recursive delete)."""
    try:
        folders, files = storage.listdir(prefix)
    except (FileNotFoundError, NotADirectoryError):
        return
    for name in files:
        storage.delete(f"{prefix}/{name}")
    for folder in folders:
        delete_tree(storage, f"{prefix}/{folder}")
