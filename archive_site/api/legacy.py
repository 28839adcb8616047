"""/api/search/ and its autocomplete, which search/urls.py has served since before /api/v1/:
the same views, the same answers, except that a parameter they do not read is now a 400 naming
it instead of being ignored (a client sending `page_size` or `limit` believed it had set the
page size). Values stay as lenient as they were: out-of-range pages are clamped there."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from search import views as search_views
from search.contract import FACETS

from .http import ApiError, error_response, reject_unknown

SEARCH_PARAMETERS = ("q", *FACETS, "from", "to", "sort", "page", "per_page")
AUTOCOMPLETE_PARAMETERS = ("q", "limit")


@require_GET
def search_api(request: HttpRequest) -> HttpResponse:
    try:
        reject_unknown(request, SEARCH_PARAMETERS)
    except ApiError as error:
        return error_response(error)
    return search_views.search_api(request)


@require_GET
def autocomplete_api(request: HttpRequest) -> HttpResponse:
    try:
        reject_unknown(request, AUTOCOMPLETE_PARAMETERS)
    except ApiError as error:
        return error_response(error)
    return search_views.autocomplete_api(request)
