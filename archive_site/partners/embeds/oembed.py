"""oEmbed 1.0 (https://oembed.com) for chapters, stories, exhibitions and interview clips.

`/oembed/?url=<address on this site>&format=json[&maxwidth=&maxheight=]` answers a "rich" item
whose `html` is an iframe of the embed page. As the specification says: a format other than
JSON is 501, an address naming nothing embeddable (another site's, a draft, a hidden record) is
404; a missing or unreadable parameter is 400 with the reason. Errors are JSON
`{"error": "…"}`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import Http404, HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Page

from archive_collections import bilingual
from archive_collections.models import Interview

from .targets import BadSpan, Span, read_span, resolve_target

#: Seconds a consumer may keep an answer (the page or record may change or be withdrawn).
CACHE_AGE = 3600
#: The iframe's size when the consumer sets no bound: (width, height) in CSS pixels.
PAGE_SIZE = (640, 800)
INTERVIEW_SIZE = (640, 480)
MAX_DIMENSION = 10_000


def _error(message: str, status: int) -> JsonResponse:
    response = JsonResponse(
        {"error": message}, status=status, json_dumps_params={"ensure_ascii": False}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _dimension(request: HttpRequest, name: str) -> int | None:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_DIMENSION:
        raise ValueError(
            _("%(name)s: “%(value)s” is not a whole number of pixels from 1 to %(max)d.")
            % {"name": name, "value": raw[:40], "max": MAX_DIMENSION}
        )
    return int(raw)


def _fit(size: tuple[int, int], maxwidth: int | None, maxheight: int | None) -> tuple[int, int]:
    width, height = size
    return min(width, maxwidth or width), min(height, maxheight or height)


def _iframe(src: str, title: str, width: int, height: int) -> str:
    return format_html(
        '<iframe src="{}" width="{}" height="{}" title="{}" loading="lazy" '
        'style="border:0;max-width:100%" allow="fullscreen"></iframe>',
        src,
        width,
        height,
        title,
    )


def _page_answer(request: HttpRequest, page: Page) -> tuple[dict, tuple[int, int], str]:
    title = str(bilingual.pick(page, "title"))
    src = request.build_absolute_uri(reverse("embeds:page", kwargs={"page_id": page.pk}))
    return {"title": title}, PAGE_SIZE, src


def _interview_answer(
    request: HttpRequest, interview: Interview, span: Span | None
) -> tuple[dict, tuple[int, int], str]:
    name = interview.interviewee.name
    title = _("Interview with %(name)s") % {"name": name}
    if span is not None:
        title += f" · {span.label}"
    path = reverse("embeds:interview", kwargs={"identifier": interview.item.identifier})
    src = request.build_absolute_uri(path + (span.query() if span else ""))
    # Oral-history citations name the person interviewed as the author (GB/T 7714, Chicago).
    fields = {
        "title": title,
        "author_name": name,
        "author_url": request.build_absolute_uri(interview.interviewee.get_absolute_url()),
    }
    return fields, INTERVIEW_SIZE, src


@require_safe
def oembed(request: HttpRequest) -> JsonResponse:
    fmt = request.GET.get("format", "").strip().lower() or "json"
    if fmt != "json":
        return _error(_("Only format=json is offered."), 501)
    url = request.GET.get("url", "").strip()
    if not url:
        return _error(
            _("url: give the address of a chapter, story or interview of this site."), 400
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _error(
            _("url: “%(url)s” is not an absolute http or https address.") % {"url": url[:200]},
            400,
        )
    try:
        maxwidth, maxheight = _dimension(request, "maxwidth"), _dimension(request, "maxheight")
    except ValueError as error:
        return _error(str(error), 400)
    try:
        target = resolve_target(url, request.get_host())
        if target.interview is not None:
            span = read_span(target.query, target.interview)
            fields, size, src = _interview_answer(request, target.interview, span)
        else:
            fields, size, src = _page_answer(request, target.page)
    except Http404 as error:
        return _error(str(error) or _("Nothing that can be embedded has this address."), 404)
    except BadSpan as error:
        return _error(str(error), 400)
    width, height = _fit(size, maxwidth, maxheight)
    answer = {
        "type": "rich",
        "version": "1.0",
        **fields,
        "provider_name": bilingual.site_name(),
        "provider_url": request.build_absolute_uri("/"),
        "cache_age": CACHE_AGE,
        "html": _iframe(src, fields["title"], width, height),
        "width": width,
        "height": height,
    }
    response = JsonResponse(answer, json_dumps_params={"ensure_ascii": False})
    # Public data only: a partner's page script may read it from its own origin.
    response["Access-Control-Allow-Origin"] = "*"
    return response
