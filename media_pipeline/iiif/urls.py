"""IIIF addresses of an ItemFile's pages, for the views, the manifests, the viewer and exhibits.

Image identifiers are the ItemFile's id for its first page and "<id>-<page>" for the further
pages of a multi-page TIFF or a PDF (see media_pipeline/imaging.py for what counts as a page of
an image, media_pipeline/iiif/tiles.py for how PDF pages are rendered). The routes themselves are
media_pipeline/iiif/routes.py. Nothing here checks access: callers have already.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest
from django.urls import reverse

from ..models import ItemFile
from ..results import IiifResult, TiledPage, step_done_for
from . import image_api

# Widths of a region offered to browsers by region_image (an exhibit's detail image).
DETAIL_WIDTHS = (640, 1280)


def image_identifier(file_id: int, page_number: int = 1) -> str:
    return str(file_id) if page_number == 1 else f"{file_id}-{page_number}"


def service_url(request: HttpRequest, file_id: int, page_number: int = 1) -> str:
    """The absolute image service id (its info.json is this plus /info.json)."""
    path = reverse("iiif:image", kwargs={"identifier": image_identifier(file_id, page_number)})
    return request.build_absolute_uri(path)


def tiled_pages(item_file: ItemFile) -> list[TiledPage]:
    """Pages with tiles made by the current `iiif` step (empty until then, or after a failure)."""
    if not step_done_for(item_file.technical, "iiif", item_file.sha256):
        return []
    return IiifResult.of(item_file.technical).pages()


def region_image(
    item_file: ItemFile,
    percent: tuple[float, float, float, float],
    widths: Sequence[int] = DETAIL_WIDTHS,
    page_number: int = 1,
) -> dict[str, object] | None:
    """`<img>` attributes for a region of a page, given in percent of the page (x, y, w, h):
    canonical Image API URLs of the region at a few widths (never wider than the region or the
    service's limits), or None while the page has no image service yet. The caller has already
    checked that the viewer may see the item."""
    page = next((p for p in tiled_pages(item_file) if p["number"] == page_number), None)
    if page is None:
        return None
    width, height = page["width"], page["height"]
    limit = image_api.limits()
    try:
        box = image_api.parse_region(
            "{},{},{},{}".format(*image_api.percent_box(*percent, width, height)), width, height
        )
    except image_api.BadRequest:
        return None  # a region rounding to nothing on this page
    largest = image_api.max_size(box[2], box[3], limit)
    found = set()
    for wanted_width in widths:
        try:
            found.add(image_api.parse_size(f"{min(wanted_width, largest[0])},", *box[2:], limit)[0])
        except image_api.BadRequest:
            continue  # a sliver that would be under a pixel high at this width
    sizes = sorted(found) or [largest]
    base = reverse("iiif:image", kwargs={"identifier": image_identifier(item_file.pk, page_number)})
    urls = [
        f"{base}/"
        + image_api.canonical_path(image_api.ImageRequest(box, size), width, height, limit)
        for size in sizes
    ]
    return {
        "src": urls[0],
        "srcset": ", ".join(f"{url} {size[0]}w" for url, size in zip(urls, sizes, strict=True)),
        "width": sizes[-1][0],
        "height": sizes[-1][1],
    }
