"""The public share page of a micro-video, its files, and quote card images.

Everything answers through the catalogue's access policy for the interview's item: a
micro-video or quote card of an interview the visitor may not see is a 404, as the interview
itself is. The download button (an attachment answer of the same file) is for curators: users
who may change micro-videos.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from archive_collections.access import AccessPolicy
from archive_collections.http import content_disposition
from media_pipeline.serving import StoredFile, serve_stored
from media_pipeline.storage import derivative_storage

from .models import CardSize, MicroVideo, QuoteCard
from .tasks import CONTENT_TYPES

CHANGE_PERMISSION = "microvideo.change_microvideo"


def _visible_video(request, pk: int) -> MicroVideo:
    video = get_object_or_404(
        MicroVideo.objects.select_related("interview__item", "interview__interviewee"), pk=pk
    )
    if not AccessPolicy.for_user(request.user).can_view(video.interview.item):
        raise Http404
    return video


def _is_public(item) -> bool:
    return AccessPolicy.anonymous().can_view(item)


@require_GET
def share(request, pk: int):
    video = _visible_video(request, pk)
    if not video.video and not request.user.has_perm(CHANGE_PERMISSION):
        raise Http404
    context = {
        "video": video,
        "interview": video.interview,
        "scientist": video.interview.interviewee,
        "absolute": request.build_absolute_uri,
        "can_download": request.user.has_perm(CHANGE_PERMISSION),
        # Crawlers of share targets are anonymous: only a public record gets Open Graph tags.
        "public": _is_public(video.interview.item),
    }
    return render(request, "microvideo/share.html", context)


@require_GET
def video_file(request, pk: int, name: str):
    video = _visible_video(request, pk)
    stored_name = {
        "video.mp4": video.video,
        "captions.vtt": video.captions,
        "poster.jpg": video.poster,
    }.get(name)
    if not stored_name:
        raise Http404
    download = request.GET.get("download") == "1"
    if download and not request.user.has_perm(CHANGE_PERMISSION):
        raise Http404
    filename = f"{video.interview.item.identifier}-{video.pk}-{video.variant}.{name.split('.')[-1]}"
    response = serve_stored(
        request,
        StoredFile(
            storage=derivative_storage(),
            name=stored_name,
            content_type=CONTENT_TYPES[name],
            filename=filename,
            etag=f'"{video.fingerprint[:32]}-{name}"',
            public=_is_public(video.interview.item),
        ),
    )
    if download:
        response["Content-Disposition"] = content_disposition(filename, attachment=True)
    return response


@require_GET
def quote_card_image(request, pk: int, size: str):
    card = get_object_or_404(QuoteCard.objects.select_related("interview__item"), pk=pk)
    item = card.interview.item if card.interview is not None else None
    if item is not None and not AccessPolicy.for_user(request.user).can_view(item):
        raise Http404
    stored_name = (card.images or {}).get(size)
    if size not in CardSize.values or not stored_name:
        raise Http404
    return serve_stored(
        request,
        StoredFile(
            storage=derivative_storage(),
            name=stored_name,
            content_type="image/png",
            filename=f"quote-{card.pk}-{size}.png",
            etag=f'"{card.fingerprint[:32]}-{size}"',
            public=item is None or _is_public(item),
        ),
    )
