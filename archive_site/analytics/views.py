"""The counting beacon: `POST /count/` from a page's own script, with the page's signed token, a
one-time number and the referrer the browser saw. Sent without cookies; answered 204 with no
body and no cookie whatever it carried, so a malformed, forged, expired or replayed beacon is
simply not counted and tells its sender nothing."""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .counting import count, read_token

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
