"""Masters and derivatives, served only to those the access policy lets see the item.

A file the visitor may not see answers 404, exactly like one that does not exist, so neither
its existence nor its item's is revealed.
"""

from __future__ import annotations

import os

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy

from . import signals
from .av import AV_DERIVATIVES
from .derivatives import DERIVATIVE_NAMES, content_type
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


def _announce(request, item_file: ItemFile, *, download: bool) -> None:
    first = request.headers.get("Range", "bytes=0-").split(",")[0].strip()
    # A later piece of a file, Safari's two-byte probe before it plays, and HEAD are not views.
    if request.method != "GET" or not first.startswith("bytes=0-") or first == "bytes=0-1":
        return
    signals.file_served.send(
        ItemFile, request=request, item_file_id=item_file.pk, download=download
    )


def _visible_file(request, pk: int) -> ItemFile:
    item_file = get_object_or_404(ItemFile.objects.select_related("item"), pk=pk)
    # A public record's file is decided without reading the session, so its answer does not
    # vary by cookie and a front cache can keep one copy for every visitor.
    if not (_is_public(item_file) or AccessPolicy.for_user(request.user).can_view(item_file.item)):
        raise Http404
    return item_file


def _is_public(item_file: ItemFile) -> bool:
    return AccessPolicy.anonymous().can_view(item_file.item)
