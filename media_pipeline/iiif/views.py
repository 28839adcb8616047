"""IIIF endpoints, each behind the access policy: an invisible item answers 404, like a missing one.

Image identifiers are the ItemFile's id for its first page and "<id>-<page>" for the further
pages of a multi-page TIFF or a PDF (see media_pipeline/imaging.py for what counts as a page of
an image, media_pipeline/iiif/tiles.py for how PDF pages are rendered).
"""

from __future__ import annotations

import json

from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy
from archive_collections.models import Item

from ..models import ItemFile
from ..serving import StoredFile, serve_stored
from ..storage import derivative_storage
from . import image_api, tiles
from .manifest import build_manifest

IMAGE_PROFILE = 'application/ld+json;profile="http://iiif.io/api/image/3/context.json"'
PRESENTATION_PROFILE = (
    'application/ld+json;profile="http://iiif.io/api/presentation/3/context.json"'
)
CACHE_SECONDS = 3600


def image_identifier(file_id: int, page_number: int = 1) -> str:
    return str(file_id) if page_number == 1 else f"{file_id}-{page_number}"


def service_url(request, file_id: int, page_number: int = 1) -> str:
    """The absolute image service id (its info.json is this plus /info.json)."""
    path = reverse("iiif:image", kwargs={"identifier": image_identifier(file_id, page_number)})
    return request.build_absolute_uri(path)


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
    response = _json(request, data, IMAGE_PROFILE)
    response["ETag"] = f'"{item_file.sha256[:32]}-{page["number"]}-v{_version()}"'
    return _finish(response, item_file)


@require_safe
def image(request, identifier: str, region: str, size: str, rotation: str, quality: str, fmt: str):
    item_file, page = _visible_page(request, identifier)
    try:
        wanted = image_api.resolve(
            region, size, rotation, quality, fmt, page["width"], page["height"]
        )
    except image_api.BadRequest as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    except image_api.NotAvailable as exc:
        raise Http404(str(exc)) from exc
    wanted = image_api.snap_to_level(wanted, page["scale_factors"])
    prefix = tiles.page_prefix(item_file.sha256, page["number"])
    name = tiles.image_file_name(prefix, wanted.region, wanted.size)
    storage = derivative_storage()
    if not storage.exists(name):
        raise Http404("This level-0 service has no image at that region and size.")
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
