"""The embed pages: an exhibit page or an interview (clip) in a compact, frameable layout.

Both render what an anonymous visitor sees, whoever's browser asks (a signed-in curator's
cookie must not put a restricted record on a partner's page), link back to the full page in
the top window, credit the partner organisations and carry their own `frame-ancestors`.
"""

from __future__ import annotations

import copy

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from archive_collections.oral_history.player import media_file, render_transcript
from archive_site.security import allow_framing
from media_pipeline.models import FileStatus

from .credits import partner_organisations
from .framing import embed_origins
from .targets import BadSpan, embeddable_page, interview_page_url, public_interview, read_span


def as_anonymous(request: HttpRequest) -> HttpRequest:
    """The request as an anonymous visitor makes it: what the access policy reads."""
    public = copy.copy(request)
    public.user = AnonymousUser()
    return public


def _framed(response: HttpResponse) -> HttpResponse:
    allow_framing(response, embed_origins())
    return response


@require_safe
def page_embed(request: HttpRequest, page_id: int) -> HttpResponse:
    page = embeddable_page(page_id)
    public = as_anonymous(request)
    context = page.get_context(public)
    context["full_url"] = page.full_url or request.build_absolute_uri(page.url)
    return _framed(render(public, "partners/embeds/page.html", context))


@require_safe
def interview_embed(request: HttpRequest, identifier: str) -> HttpResponse:
    interview = public_interview(identifier)
    public = as_anonymous(request)
    try:
        span = read_span(request.GET, interview)
    except BadSpan as error:
        response = render(public, "partners/embeds/error.html", {"message": str(error)}, status=400)
        return _framed(response)
    item = interview.item
    segments = interview.transcript.order_by("start_ms", "sort_order")
    if span is not None:
        segments = segments.filter(end_ms__gt=span.start_ms)
        if span.end_ms is not None:
            segments = segments.filter(start_ms__lt=span.end_ms)
    segments = list(segments)
    files = item.files.exclude(status=FileStatus.FAILED).order_by("sequence", "pk")
    recording = media_file(files)
    page_url = interview_page_url(interview)
    full_url = request.build_absolute_uri(page_url)
    if span is not None:
        full_url += f"?t={span.start_ms // 1000}#player"
    context = {
        "interview": interview,
        "item": item,
        "span": span,
        "recording": recording,
        "media_src": (recording.playback_url + (span.fragment if span else ""))
        if recording is not None and recording.playback_url
        else None,
        "transcript_html": render_transcript(segments),
        "has_transcript": bool(segments),
        "full_url": full_url,
        "page_url": full_url,
        "captions_url": reverse(
            "collections:interview_captions", kwargs={"identifier": identifier}
        ),
        "partner_organisations": list(partner_organisations([item.pk])),
    }
    return _framed(render(public, "partners/embeds/interview.html", context))
