"""Masters and derivatives, served only to those the access policy lets see the item.

A file the visitor may not see answers 404, exactly like one that does not exist, so neither
its existence nor its item's is revealed.
"""

from __future__ import annotations

import os

import pyvips
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy
from archive_collections.http import content_disposition
from archive_collections.models import Item

from . import page_downloads, signals
from .av import AV_DERIVATIVES
from .derivatives import DERIVATIVE_NAMES, content_type
from .errors import StepError
from .iiif.urls import tiled_pages
from .models import ItemFile
from .serving import StoredFile, serve_stored
from .steps import registry
from .storage import derivative_storage, master_storage


@require_safe
def master(request, pk: int, filename: str):
    item_file = _visible_file(request, pk)
    if filename != item_file.original_filename:
        raise Http404
    _announce(request, item_file, download=True)
    return serve_stored(
        request,
        StoredFile(
            storage=master_storage(),
            name=item_file.master_name,
            content_type=item_file.mime_type,
            filename=item_file.original_filename,
            etag=f'"{item_file.sha256}"',
            public=_is_public(item_file),
        ),
    )


@require_safe
def derivative(request, pk: int, name: str):
    item_file = _visible_file(request, pk)
    details = item_file.derivatives.get(name)
    if (name not in DERIVATIVE_NAMES and name not in AV_DERIVATIVES) or not details:
        raise Http404
    # web.m4a / web.mp4 / poster.jpg come from the `av` step, the others from `derivatives`.
    step = "av" if name in AV_DERIVATIVES else "derivatives"
    stem = os.path.splitext(item_file.original_filename)[0]
    if name.startswith("web."):
        _announce(request, item_file, download=False)
    return serve_stored(
        request,
        StoredFile(
            storage=derivative_storage(),
            name=details["path"],
            content_type=AV_DERIVATIVES.get(name) or content_type(name),
            filename=f"{stem}-{name}",
            # A new derivatives step version may redraw the image: the version is part of the tag.
            etag=f'"{item_file.sha256[:32]}-{name}-v{registry.version(step)}"',
            public=_is_public(item_file),
        ),
    )


@require_safe
def page_image(request, pk: int, number: int):
    """One page of an image or PDF file as a JPEG download (page_downloads.py)."""
    item_file = _visible_file(request, pk)
    page = next((p for p in tiled_pages(item_file) if p["number"] == number), None)
    if page is None:
        raise Http404
    try:
        jpeg = page_downloads.page_jpeg(request, item_file, page, page_downloads.PAGE_IMAGE_SIDE)
    except page_downloads.RenderRefused as refused:
        return _too_many(request, item_file.item, refused)
    except (StepError, OSError, pyvips.Error) as exc:
        raise Http404 from exc  # a lost or unreadable master: nothing of the file is served
    _announce(request, item_file, download=True)
    response = serve_stored(
        request,
        StoredFile(
            storage=jpeg.storage,
            name=jpeg.name,
            content_type="image/jpeg",
            filename=page_downloads.page_file_name(item_file.item, number),
            etag=f'"{item_file.sha256[:24]}-p{number}-{jpeg.size[0]}x{jpeg.size[1]}-'
            f'v{registry.version("iiif")}"',
            public=_is_public(item_file),
        ),
    )
    response["Content-Disposition"] = content_disposition(
        page_downloads.page_file_name(item_file.item, number), attachment=True
    )
    return response


@require_safe
def pages_pdf(request, identifier: str):
    """A range of the Item's pages (``?from=&to=``, the whole document without them) as one PDF
    with a stamped cover; a range past the last page is refused naming it (400)."""
    item = get_object_or_404(Item.objects.select_related("series__fonds"), identifier=identifier)
    if not AccessPolicy.for_user(request.user).can_view(item):
        raise Http404
    pages = page_downloads.item_pages(item.files.all())
    if not pages:
        raise Http404  # nothing with pages (yet): no PDF to make
    try:
        wanted = page_downloads.parse_range(request.GET, len(pages))
    except page_downloads.RangeRefused as refused:
        return _range_refused(request, item, len(pages), str(refused))
    url = request.build_absolute_uri(item.get_absolute_url())
    stamp = page_downloads.stamp_for(item, url, wanted, len(pages), timezone.localdate())
    chosen = pages[wanted.first - 1 : wanted.last]
    try:
        data = page_downloads.build_pdf(request, chosen, stamp)
    except page_downloads.RenderRefused as refused:
        return _too_many(request, item, refused)
    except (StepError, OSError, pyvips.Error) as exc:
        raise Http404 from exc
    if request.method == "GET" and not _front_counts(request, item):
        for file_id in dict.fromkeys(page.item_file.pk for page in chosen):
            signals.file_served.send(ItemFile, request=request, item_file_id=file_id, download=True)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        page_downloads.pdf_file_name(item, wanted), attachment=True
    )
    # The cover carries the day of the download: kept for a short while only.
    response["Cache-Control"] = f"{'public' if _item_is_public(item) else 'private'}, max-age=600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def public_files_served(route: str, kwargs: dict, query) -> list[tuple[int, bool]]:
    """What a GET of one of these routes (its url_name, its kwargs, its query) serves of public
    files and would announce, as (item_file_id, download) pairs; empty when it serves nothing
    public or nothing announced (a thumbnail, a missing page, a range refused). A front cache
    that counts the public files it serves asks this (signals.FRONT_COUNTS_HEADER)."""
    if route == "pages_pdf":
        item = Item.objects.filter(identifier=kwargs["identifier"]).first()
        if item is None or not _item_is_public(item):
            return []
        pages = page_downloads.item_pages(item.files.all())
        try:
            wanted = page_downloads.parse_range(query, len(pages)) if pages else None
        except page_downloads.RangeRefused:
            return []
        if wanted is None:
            return []
        chosen = pages[wanted.first - 1 : wanted.last]
        return [(file_id, True) for file_id in dict.fromkeys(p.item_file.pk for p in chosen)]
    pk = kwargs.get("pk")
    if not isinstance(pk, int) or not 0 < pk < 2**63:
        return []
    item_file = ItemFile.objects.select_related("item").filter(pk=pk).first()
    if item_file is None or not _is_public(item_file):
        return []
    if route == "master" and kwargs["filename"] == item_file.original_filename:
        return [(item_file.pk, True)]
    if route == "derivative":
        name = kwargs["name"]
        known = name in DERIVATIVE_NAMES or name in AV_DERIVATIVES
        if known and name.startswith("web.") and item_file.derivatives.get(name):
            return [(item_file.pk, False)]
    if route == "page_image":
        if any(p["number"] == kwargs["number"] for p in tiled_pages(item_file)):
            return [(item_file.pk, True)]
    return []


def _range_refused(request, item: Item, total: int, reason: str) -> HttpResponse:
    return render(
        request,
        "media_pipeline/viewer_download_refused.html",
        {
            "reason": reason,
            "total": total,
            "title": item.title,
            "cap": page_downloads.max_range_pages(),
            "item_url": item.get_absolute_url(),
        },
        status=400,
    )


def _too_many(request, item: Item, refused: page_downloads.RenderRefused) -> HttpResponse:
    """Past the client's render limit (the IIIF renderer's): what was rendered so far is kept
    in the render cache, so the same download asked again later goes faster."""
    response = render(
        request,
        "media_pipeline/viewer_download_refused.html",
        {
            "reason": _(
                "Many page images were made for downloads from your address just now; please "
                "try again in %(seconds)s seconds."
            )
            % {"seconds": refused.retry_after},
            "item_url": item.get_absolute_url(),
        },
        status=429,
    )
    response["Retry-After"] = str(refused.retry_after)
    return response


def _announce(request, item_file: ItemFile, *, download: bool) -> None:
    if _front_counts(request, item_file.item):
        return
    if not signals.counts_as_view(request.method, request.headers.get("Range", "")):
        return
    signals.file_served.send(
        ItemFile, request=request, item_file_id=item_file.pk, download=download
    )


def _front_counts(request, item: Item) -> bool:
    """The front cache counts a public file itself, whether it answers from its cache or from
    here (signals.FRONT_COUNTS_HEADER); a restricted one passes through it uncounted."""
    return bool(request.headers.get(signals.FRONT_COUNTS_HEADER)) and _item_is_public(item)


def _visible_file(request, pk: int) -> ItemFile:
    item_file = get_object_or_404(ItemFile.objects.select_related("item"), pk=pk)
    # A public record's file is decided without reading the session, so its answer does not
    # vary by cookie and a front cache can keep one copy for every visitor.
    if not (_is_public(item_file) or AccessPolicy.for_user(request.user).can_view(item_file.item)):
        raise Http404
    return item_file


def _is_public(item_file: ItemFile) -> bool:
    return _item_is_public(item_file.item)


def _item_is_public(item: Item) -> bool:
    return AccessPolicy.anonymous().can_view(item)
