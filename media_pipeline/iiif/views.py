"""IIIF endpoints, each behind the access policy: an invisible item answers 404, like a missing one.

Image requests are answered from the static tiles when one matches (the fast path), otherwise
rendered from the master and cached (render.py); see image_api.py for what is supported.

Image identifiers are the ItemFile's id for its first page and "<id>-<page>" for the further
pages of a multi-page TIFF or a PDF (see media_pipeline/imaging.py for what counts as a page of
an image, media_pipeline/iiif/tiles.py for how PDF pages are rendered).
"""

from __future__ import annotations

import json
import logging

import pyvips
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy
from archive_collections.models import Item

from ..models import ItemFile
from ..serving import StoredFile, serve_stored
from ..storage import derivative_storage
from ..technical import StepError
from . import image_api, render, tiles
from .manifest import build_manifest

IMAGE_PROFILE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
PRESENTATION_PROFILE = (
    'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
)
CACHE_SECONDS = 3600
# info.json "extraFeatures": what this service does beyond its "level0" profile (Image API 3
# §5.7). Level 1 is not claimed: it requires CORS on every response, and restricted items are
# deliberately same-origin only. Upscaling (`^` sizes that enlarge) is not offered.
EXTRA_FEATURES = (
    "baseUriRedirect",
    "canonicalLinkHeader",
    "jsonldMediaType",
    "regionByPct",
    "regionByPx",
    "regionSquare",
    "sizeByConfinedWh",
    "sizeByH",
    "sizeByPct",
    "sizeByW",
    "sizeByWh",
)

# Widths of a region offered to browsers by region_image (an exhibit's detail image).
DETAIL_WIDTHS = (640, 1280)

logger = logging.getLogger(__name__)


class HttpResponseNotImplemented(HttpResponse):
    status_code = 501


def image_identifier(file_id: int, page_number: int = 1) -> str:
    return str(file_id) if page_number == 1 else f"{file_id}-{page_number}"


def service_url(request, file_id: int, page_number: int = 1) -> str:
    """The absolute image service id (its info.json is this plus /info.json)."""
    path = reverse("iiif:image", kwargs={"identifier": image_identifier(file_id, page_number)})
    return request.build_absolute_uri(path)


def region_image(item_file: ItemFile, percent: tuple, widths=DETAIL_WIDTHS, page_number=1):
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
    sizes = set()
    for wanted_width in widths:
        try:
            sizes.add(image_api.parse_size(f"{min(wanted_width, largest[0])},", *box[2:], limit)[0])
        except image_api.BadRequest:
            continue  # a sliver that would be under a pixel high at this width
    sizes = sorted(sizes) or [largest]
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


@require_safe
def image_base(request, identifier: str):
    _visible_page(request, identifier)
    return HttpResponseRedirect(reverse("iiif:info", kwargs={"identifier": identifier}), status=303)


@require_safe
def info(request, identifier: str):
    item_file, page = _visible_page(request, identifier)
    name = f"{tiles.page_prefix(item_file.sha256, page['number'])}/info.json"
    try:
        with derivative_storage().open(name, "rb") as stored:
            data = json.loads(stored.read())
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    data["id"] = service_url(request, item_file.pk, page["number"])
    # The stored document describes the static tiles; what the dynamic renderer adds is set
    # here, so a change of the limits needs no re-tiling.
    limit = image_api.limits()
    data["maxWidth"] = limit.max_width
    data["maxArea"] = limit.max_area
    data["extraFeatures"] = list(EXTRA_FEATURES)
    response = _json(request, data, IMAGE_PROFILE)
    response["ETag"] = (
        f'"{item_file.sha256[:32]}-{page["number"]}-v{_version()}-'
        f'{limit.max_width}-{limit.max_area}-f{len(EXTRA_FEATURES)}"'
    )
    return _finish(response, item_file)


@require_safe
def image(request, identifier: str, region: str, size: str, rotation: str, quality: str, fmt: str):
    item_file, page = _visible_page(request, identifier)
    limit = image_api.limits()
    try:
        wanted = image_api.resolve(
            region, size, rotation, quality, fmt, page["width"], page["height"], limit
        )
    except image_api.BadRequest as exc:
        return _cors(_text(HttpResponseBadRequest, str(exc)), item_file)
    except image_api.UpscalingNotSupported as exc:
        return _cors(_text(HttpResponseNotImplemented, str(exc)), item_file)
    # The static tiles and sizes are the fast path; anything else is rendered (at exactly the
    # size asked for, not snapped to a pyramid level) once and cached.
    snapped = image_api.snap_to_level(wanted, page["scale_factors"])
    prefix = tiles.page_prefix(item_file.sha256, page["number"])
    name = tiles.image_file_name(prefix, snapped.region, snapped.size)
    storage = derivative_storage()
    if storage.exists(name):
        wanted = snapped
    else:
        name = render.cache_name(item_file.sha256, _version(), page["number"], wanted)
        if not storage.exists(name):
            try:
                data = render.render_jpeg(item_file, page, wanted)
            except (StepError, OSError, pyvips.Error):
                # The reason (a damaged or missing master) is for the log, not the public.
                logger.exception("IIIF rendering of %s as %s failed", identifier, name)
                return _text(
                    HttpResponseServerError,
                    "This image could not be rendered from its master file; the archive's "
                    "staff can see why in the server log.",
                )
            render.store(storage, name, data)
    x, y, w, h = wanted.region
    response = serve_stored(
        request,
        StoredFile(
            storage=storage,
            name=name,
            content_type="image/jpeg",
            filename=f"{identifier}-{x}-{y}-{w}-{h}-{wanted.size[0]}x{wanted.size[1]}.jpg",
            etag=f'"{item_file.sha256[:24]}-{page["number"]}-{x},{y},{w},{h}-'
            f'{wanted.size[0]},{wanted.size[1]}-v{_version()}"',
            public=_is_public(item_file),
        ),
    )
    canonical = image_api.canonical_path(wanted, page["width"], page["height"], limit)
    service = service_url(request, item_file.pk, page["number"])
    response["Link"] = f'<{service}/{canonical}>;rel="canonical"'
    return _cors(response, item_file)


@require_safe
def manifest(request, identifier: str):
    item = get_object_or_404(Item.objects.select_related("series__fonds"), identifier=identifier)
    if not AccessPolicy.for_user(request.user).can_view(item):
        raise Http404
    response = _json(request, build_manifest(request, item), PRESENTATION_PROFILE)
    public = AccessPolicy.anonymous().can_view(item)
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=300"
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def tiled_pages(item_file: ItemFile) -> list[dict]:
    """Pages with tiles made by the current `iiif` step (empty until then, or after a failure)."""
    technical = item_file.technical or {}
    step = (technical.get("steps") or {}).get("iiif") or {}
    if step.get("status") != "done" or step.get("sha256") != item_file.sha256:
        return []
    return (technical.get("iiif") or {}).get("pages") or []


def _visible_page(request, identifier: str) -> tuple[ItemFile, dict]:
    file_id, _, page_text = identifier.partition("-")
    if not file_id.isdigit() or (page_text and (not page_text.isdigit() or page_text == "1")):
        raise Http404  # "<id>-1" is not an identifier: the first page is "<id>"
    page_number = int(page_text or 1)
    item_file = get_object_or_404(ItemFile.objects.select_related("item"), pk=int(file_id))
    if not AccessPolicy.for_user(request.user).can_view(item_file.item):
        raise Http404
    page = next((p for p in tiled_pages(item_file) if p["number"] == page_number), None)
    if page is None:
        raise Http404
    return item_file, page


def _version() -> int:
    from ..tasks import STEP_VERSIONS

    return STEP_VERSIONS.get("iiif", 0)


def _json(request, data: dict, profile: str) -> HttpResponse:
    # Image API 3 §6: JSON-LD only when asked for it, plain JSON otherwise.
    accept = request.headers.get("Accept", "")
    content_type = profile if "application/ld+json" in accept else "application/json"
    body = json.dumps(data, ensure_ascii=False, indent=1)
    return HttpResponse(
        body,
        content_type=f"{content_type}; charset=utf-8"
        if (content_type == "application/json")
        else content_type,
    )


def _text(response_class, message: str) -> HttpResponse:
    return response_class(message, content_type="text/plain; charset=utf-8")


def _is_public(item_file: ItemFile) -> bool:
    return AccessPolicy.anonymous().can_view(item_file.item)


def _finish(response: HttpResponse, item_file: ItemFile) -> HttpResponse:
    scope = "public" if _is_public(item_file) else "private"
    response["Cache-Control"] = f"{scope}, max-age={CACHE_SECONDS}"
    return _cors(response, item_file)


def _cors(response: HttpResponse, item_file: ItemFile) -> HttpResponse:
    # Viewers on other sites may load public images; restricted ones stay same-origin.
    if _is_public(item_file):
        response["Access-Control-Allow-Origin"] = "*"
    return response
