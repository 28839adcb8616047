"""Public interview pages, captions and exports — all behind the one access policy.

The interview page answers like the item page (403 for a researchers-level record, 404 for
anything else the visitor may not see); captions and exports answer 404 to anyone who may not
see the item, exactly like a file that does not exist.
"""

from __future__ import annotations

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from archive_collections.access import AccessPolicy
from archive_collections.browsing import item_or_404, refuse_hidden, series_ancestors
from archive_collections.http import content_disposition
from archive_collections.models import Interview, Item

from .formats import EXPORTS, interview_document, render_export
from .player import build_player, media_file, search
from .webvtt import write_webvtt


def _interview(item: Item) -> Interview:
    interview = (
        Interview.objects.filter(item=item)
        .select_related("interviewee")
        .prefetch_related("index_segments")
        .first()
    )
    if interview is None:
        raise Http404(_("This record has no interview."))
    interview.item = item
    return interview


def visible_interview(request, identifier: str) -> Interview:
    item = item_or_404(identifier)
    if not AccessPolicy.for_user(request.user).can_view(item):
        raise Http404(_("No record with this identifier."))
    return _interview(item)


@require_safe
def interview_page(request, identifier):
    item = item_or_404(identifier)
    policy = AccessPolicy.for_user(request.user)
    if not policy.can_view(item):
        return refuse_hidden(request, item, policy)
    interview = _interview(item)
    files = list(item.files.all())
    return render(
        request,
        "collections/oral_history/interview_page.html",
        {
            "item": item,
            "fonds": item.series.fonds,
            "ancestors": series_ancestors(item.series),
            "interview": interview,
            "player": build_player(request, interview, files),
        },
    )


@require_safe
def interview_search(request, identifier):
    """The page's search as JSON, for the player script's search-as-you-type: the same hits
    (traditional script, pinyin) as the search form without JavaScript."""
    interview = visible_interview(request, identifier)
    query = request.GET.get("q", "")[:100]
    segments = list(interview.transcript.order_by("start_ms", "sort_order"))
    hits = search(segments, list(interview.index_segments.all()), query)
    response = JsonResponse(
        {
            "hits": [
                {
                    "kind": hit.kind,
                    "seconds": hit.seconds,
                    "timecode": hit.timecode,
                    "label": hit.label,
                    "text": hit.text,
                    "segment": hit.segment,
                }
                for hit in hits
            ]
        }
    )
    return _private_unless_public(response, interview.item)


def _private_unless_public(response: HttpResponse, item: Item) -> HttpResponse:
    public = AccessPolicy.anonymous().can_view(item)
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def captions(request, identifier):
    interview = visible_interview(request, identifier)
    body = write_webvtt(interview_document(interview).transcript)
    response = HttpResponse(body, content_type="text/vtt; charset=utf-8")
    return _private_unless_public(response, interview.item)


@require_safe
def export(request, identifier, filename):
    if filename not in EXPORTS:
        raise Http404(_("No such export."))
    interview = visible_interview(request, identifier)
    media = media_file(interview.item.files.all())
    document = interview_document(interview)
    body = render_export(
        filename,
        interview,
        document,
        media_url=request.build_absolute_uri(media.master_url) if media else "",
        legacy=request.GET.get("sync") == "legacy",
    )
    spec = EXPORTS[filename]
    text_type = spec.content_type.startswith("text/") or spec.content_type.endswith("xml")
    content_type = f"{spec.content_type}; charset=utf-8" if text_type else spec.content_type
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = content_disposition(
        f"{interview.item.identifier}-{filename}", attachment=True
    )
    return _private_unless_public(response, interview.item)
