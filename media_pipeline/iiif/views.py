"""IIIF endpoints, each behind the access policy: an invisible item answers 404, like a missing one.

Collections list only what collections.py's listing policy allows the caller; the Mirador page
opens this site's own manifests and collections with the vendored Mirador 4 (no CDN).

Image requests are answered from the static tiles when one matches (the fast path), otherwise
rendered from the master and cached (render.py); see image_api.py for what is supported.
Renders are bounded by render_cache.py: a byte quota on their cache (least recently used go
first) and a per-client limit on renders (429 with Retry-After past it; tiles, listed sizes and
cached renders never count). A file whose master is gone answers 404 from every image route,
as /files/ does for the master itself; a master that is there but cannot be decoded is a
logged 500.

Image identifiers and the URLs built from them are media_pipeline/iiif/urls.py.
"""

from __future__ import annotations

import json
import logging
from typing import TypeVar
from urllib.parse import urlsplit

import pyvips
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseRedirect,
    HttpResponseServerError,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.views.decorators.http import require_safe

from archive_collections.access import PUBLIC, AccessPolicy
from archive_collections.models import Fonds, Item, Scientist

from ..errors import StepError
from ..models import ItemFile
from ..results import TiledPage
from ..serving import StoredFile, serve_stored
from ..steps import registry
from ..storage import derivative_storage
from . import collections, image_api, render, render_cache, tiles
from .manifest import build_manifest
from .urls import service_url, tiled_pages

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

logger = logging.getLogger(__name__)


# Whatever response came in goes out: a served file is a streaming response, the rest are not.
_Response = TypeVar("_Response", bound=HttpResponseBase)


class HttpResponseNotImplemented(HttpResponse):
    status_code = 501


class HttpResponseTooManyRequests(HttpResponse):
    status_code = 429


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
        if storage.exists(name):
            render_cache.note_hit(storage, name)
        else:
            refused = _render_and_store(request, item_file, page, wanted, name)
            if refused is not None:
                return _cors(refused, item_file)
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


def _render_and_store(request, item_file, page, wanted, name) -> HttpResponse | None:
    """Render `wanted` into the cache at `name`; the response to send instead when refused."""
    slot = render_cache.take_render_slot(request)
    if not slot.allowed:
        response = _text(
            HttpResponseTooManyRequests,
            "Too many images rendered on request from this address; try again in "
            f"{slot.retry_after} seconds. The viewer's tiles are not limited.",
        )
        response["Retry-After"] = str(slot.retry_after)
        return response
    try:
        data = render.render_jpeg(item_file, page, wanted)
    except (StepError, OSError, pyvips.Error):
        render_cache.forget_master(item_file)
        if not render_cache.master_exists(item_file):
            raise Http404 from None  # lost since this request checked: as /files/ answers
        # The reason (a damaged master) is for the log, not the public.
        logger.exception("IIIF rendering of %s as %s failed", item_file.pk, name)
        return _text(
            HttpResponseServerError,
            "This image could not be rendered from its master file; the archive's "
            "staff can see why in the server log.",
        )
    storage = derivative_storage()
    render.store(storage, name, data)
    # Used now, to the sub-second (S3's modification times are whole seconds): a count that
    # runs meanwhile removes older renders before this one.
    render_cache.note_hit(storage, name)
    render_cache.note_stored(len(data))
    return None


@require_safe
def manifest(request, identifier: str):
    item: Item = get_object_or_404(
        Item.objects.select_related("series__fonds"), identifier=identifier
    )
    if not AccessPolicy.for_user(request.user).can_view(item):
        raise Http404
    response = _json(request, build_manifest(request, item), PRESENTATION_PROFILE)
    public = AccessPolicy.anonymous().can_view(item)
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=300"
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def top_collection(request: HttpRequest) -> HttpResponse:
    policy = collections.listing_policy(request.user)
    return _collection_response(request, collections.top_collection(request, policy), policy)


@require_safe
def fonds_collection(
    request: HttpRequest, identifier: str, part: str | None = None
) -> HttpResponse:
    fonds = get_object_or_404(Fonds, identifier=identifier)
    policy = collections.listing_policy(request.user)
    return _listing_response(request, collections.fonds_listing(fonds, policy), part, policy)


@require_safe
def scientist_collection(
    request: HttpRequest, identifier: str, part: str | None = None
) -> HttpResponse:
    scientist = get_object_or_404(Scientist, identifier=identifier)
    policy = collections.listing_policy(request.user)
    return _listing_response(
        request, collections.scientist_listing(scientist, policy), part, policy
    )


# Mirador's own interface languages, by the site's language code.
MIRADOR_LANGUAGES = {"zh-hans": "zh-CN", "en": "en"}
# Routes the viewer page opens: what this site serves as IIIF Presentation resources.
VIEWABLE_ROUTES = {
    "manifest",
    "collection-top",
    "collection-fonds",
    "collection-fonds-part",
    "collection-scientist",
    "collection-scientist-part",
}


@require_safe
def mirador(request: HttpRequest) -> HttpResponse:
    """Mirador 4 on one of this site's manifests (``?manifest=``), the top collection in its
    catalogue. Other sites' URLs are refused: this page is a window on this archive only."""
    wanted = request.GET.get("manifest", "")
    manifest_id = _own_presentation_url(request, wanted) if wanted else None
    if wanted and manifest_id is None:
        return _text(
            HttpResponseBadRequest,
            "manifest: give the address of a manifest or collection of this site "
            "(under /iiif/3/manifest/ or /iiif/3/collection/).",
        )
    top = request.build_absolute_uri(reverse("iiif:collection-top"))
    config = {
        "id": "mirador",
        "language": MIRADOR_LANGUAGES.get(translation.get_language() or "", "zh-CN"),
        "windows": [{"manifestId": manifest_id}] if manifest_id else [],
        "catalog": [{"manifestId": top}] + ([{"manifestId": manifest_id}] if manifest_id else []),
    }
    return TemplateResponse(request, "media_pipeline/mirador.html", {"config": config})


def _own_presentation_url(request: HttpRequest, url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"", "http", "https"} or (
        parts.netloc and parts.netloc != request.get_host()
    ):
        return None
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.namespace != "iiif" or match.url_name not in VIEWABLE_ROUTES:
        return None
    return request.build_absolute_uri(parts.path)


def _listing_response(
    request: HttpRequest, listing: collections.Listing, part: str | None, policy: AccessPolicy
) -> HttpResponse:
    try:
        data = collections.listing_collection(request, listing, int(part) if part else None)
    except collections.PartNotFound as exc:
        raise Http404 from exc
    return _collection_response(request, data, policy)


def _collection_response(
    request: HttpRequest, data: dict[str, object], policy: AccessPolicy
) -> HttpResponse:
    response = _json(request, data, PRESENTATION_PROFILE)
    # What a researcher is shown must not be cached for, or copied to, anyone else.
    public = policy.levels == {PUBLIC}
    response["Cache-Control"] = f"{'public' if public else 'private'}, max-age=300"
    response["Vary"] = "Cookie, Accept"
    if public:
        response["Access-Control-Allow-Origin"] = "*"
    return response


def _visible_page(request, identifier: str) -> tuple[ItemFile, TiledPage]:
    file_id, _, page_text = identifier.partition("-")
    if not file_id.isdigit() or (page_text and (not page_text.isdigit() or page_text == "1")):
        raise Http404  # "<id>-1" is not an identifier: the first page is "<id>"
    page_number = int(page_text or 1)
    item_file = get_object_or_404(ItemFile.objects.select_related("item"), pk=int(file_id))
    # Public records are decided without the session (no Vary: Cookie), as in media_pipeline.views.
    item = item_file.item
    if not (
        AccessPolicy.anonymous().can_view(item)
        or AccessPolicy.for_user(request.user).can_view(item)
    ):
        raise Http404
    page = next((p for p in tiled_pages(item_file) if p["number"] == page_number), None)
    if page is None or not render_cache.master_exists(item_file):
        raise Http404  # a lost master: nothing of the file is served, as by /files/
    return item_file, page


def _version() -> int:
    return registry.version("iiif")


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


def _cors(response: _Response, item_file: ItemFile) -> _Response:
    # Viewers on other sites may load public images; restricted ones stay same-origin.
    if _is_public(item_file):
        response["Access-Control-Allow-Origin"] = "*"
    return response
