"""The counting beacon: `POST /count/` from a page's own script, with the page's signed token, a
one-time number and the referrer the browser saw. Sent without cookies; answered 204 with no
body and no cookie whatever it carried, so a malformed, forged, expired or replayed beacon is
simply not counted and tells its sender nothing."""

from __future__ import annotations

import hmac
import re
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from media_pipeline import signals as pipeline_signals
from media_pipeline.views import public_files_served

from .counting import count, read_token
from .receivers import count_file

NONCE = re.compile(r"[A-Za-z0-9_-]{16,32}")
MAX_BODY = 2048


@csrf_exempt  # no cookie is sent, so there is no session to forge a request for
@require_POST
@never_cache
def beacon(request: HttpRequest) -> HttpResponse:
    _count_beacon(request)
    return HttpResponse(status=204)


def _count_beacon(request: HttpRequest) -> None:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_BODY:
        return
    token, nonce = request.POST.get("t", ""), request.POST.get("n", "")
    referrer = request.POST.get("r", "")[:1000]
    named = read_token(token)
    if named is None or not NONCE.fullmatch(nonce):
        return
    kind, object_id = named
    count(request, kind, object_id, referrer=referrer, nonce=nonce)


#: The media_pipeline routes whose public files the front cache reports (media_pipeline/urls.py).
FILE_ROUTES = frozenset({"master", "derivative", "page_image", "pages_pdf"})


@csrf_exempt  # called by nginx only, with the shared secret; no cookie is used
@never_cache
def front_file(request: HttpRequest) -> HttpResponse:
    """`/count/file/`: nginx's copy (a `mirror` of deploy/nginx/archive.conf) of each /files/
    request it answers, from its cache or not. It carries the shared secret
    (ANALYTICS_FRONT_SECRET; without one nothing is accepted) and the original request's URI,
    method, Range, user agent and address; a public file's reading is counted as the file view
    would count it (media_pipeline.signals.counts_as_view, receivers.count_file). nginx refuses
    this path from outside. 404 for a wrong secret, 204 otherwise, counted or not."""
    secret = str(getattr(settings, "ANALYTICS_FRONT_SECRET", "") or "")
    given = request.headers.get("X-Count-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=404)
    _count_front_file(request)
    return HttpResponse(status=204)


def _count_front_file(request: HttpRequest) -> None:
    method = request.headers.get("X-Count-Method", "")
    if not pipeline_signals.counts_as_view(method, request.headers.get("X-Count-Range", "")):
        return
    try:
        uri = urlsplit(request.headers.get("X-Count-Uri", ""))
        match = resolve(unquote(uri.path))
    except (ValueError, Resolver404):
        return
    if match.namespace != "media_pipeline" or match.url_name not in FILE_ROUTES:
        return
    query = QueryDict(uri.query)
    served = public_files_served(match.url_name, match.kwargs, query)
    address = request.headers.get("X-Count-Address", "")
    agent = request.headers.get("User-Agent", "")
    for item_file_id, download in served:
        count_file(request, item_file_id, download=download, address=address, user_agent=agent)
