"""The page django-axes answers a locked-out login with (settings: AXES_LOCKOUT_CALLABLE).

Axes' own response states its cool-off as an ISO 8601 duration; visitors read minutes, in
Chinese, and clients get the wait in Retry-After as for any 429."""

from __future__ import annotations

import math

from axes.helpers import get_cool_off, get_failure_limit
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

TEMPLATE = "axes/lockout.html"


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, object] | None = None,
) -> HttpResponse:
    cool_off = get_cool_off(request)
    seconds = max(1, math.ceil(cool_off.total_seconds())) if cool_off else 0
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, math.ceil(seconds / 60)),
    }
    response = TemplateResponse(request, TEMPLATE, context, status=429)
    response.render()
    if seconds:
        response["Retry-After"] = str(seconds)
    response["Cache-Control"] = "no-store"
    return response
