"""The search page (/search/, HTML without JavaScript) and the JSON API (/api/search/). Both read
the same GET parameters and call search.service — never an engine directly. A query the parser
refuses (search.query.QueryError) answers 400 with the reason: on the page above the form that
still holds it, in the API as {"detail", "parameter": "q"} like /api/v1/."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from archive_collections.access import AccessPolicy
from archive_collections.http import content_disposition

from . import exporting, presentation, service, signals, suggestions
from .contract import FACETS, GROUP_KINDS, SORTS, SearchQuery, SearchResults
from .query import QueryError, operator_reading, warning_message

MAX_RAW_QUERY = 20_000  # characters read from the URL at all; the parser keeps 500


def _int(value, default=None, low=None, high=None):
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return default
    if low is not None and number < low:
        return default
    if high is not None and number > high:
        return default
    return number


def query_from_request(request) -> SearchQuery:
    params = request.GET
    return SearchQuery(
        text=params.get("q", "")[:MAX_RAW_QUERY],
        filters={name: params.getlist(name)[:20] for name in FACETS if params.getlist(name)},
        year_from=_int(params.get("from"), low=1, high=9999),
        year_to=_int(params.get("to"), low=1, high=9999),
        sort=params.get("sort", "relevance") if params.get("sort") in SORTS else "relevance",
        page=_int(params.get("page"), 1, 1, 1000),
        per_page=_int(params.get("per_page"), 20, 1, 100),
    )


def _link(request, **changes) -> str:
    """This search's URL with some parameters changed (None removes)."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params.setlist(key, value if isinstance(value, list) else [value])
    return "?" + urlencode(sorted(params.lists()), doseq=True)


def _generic_empty_messages() -> set[str]:
    """The service's sentences for a query with nothing to search (translated when asked)."""
    return {
        warning_message("only_negative"),
        _(
            "The query has nothing to search for: type a word, a "
            "name or a phrase in Chinese, pinyin or English."
        ),
    }


def _refusal(query: SearchQuery) -> QueryError | None:
    """Why the parser refuses this query, or None: asked before any engine runs."""
    try:
        query.parsed  # noqa: B018 — the parse is the check; the query keeps its result
    except QueryError as error:
        return error
    return None


@require_GET
def search_page(request):
    query = query_from_request(request)
    refused = _refusal(query)
    if refused is not None:
        results = SearchResults(query=query, messages=[refused.message])
        context = {"query": query, "results": results, "has_query": False}
        return render(request, "search/search.html", context, status=400)
    policy = AccessPolicy.for_user(request.user)
    results = service.search(query, policy)
    facet_sections = []
    for name, values in results.facets.items():
        selected = request.GET.getlist(name)
        links = [
            {
                "value": v,
                "url": _link(
                    request,
                    page=None,
                    **{
                        name: [s for s in selected if s != v.value]
                        if v.selected
                        else [*selected, v.value]
                    },
                ),
            }
            for v in values[:15]
        ]
        facet_sections.append({"name": name, "title": service.FACET_TITLES[name], "links": links})
    context = {
        "query": query,
        "results": results,
        "facet_sections": facet_sections,
        "sorts": [(key, _link(request, sort=key, page=None)) for key in SORTS],
        "previous_url": _link(request, page=str(query.page - 1)) if query.page > 1 else "",
        "next_url": _link(request, page=str(query.page + 1)) if query.page < results.pages else "",
        "suggestion_links": [(s, _link(request, q=s, page=None)) for s in results.suggestions],
        "has_query": bool(request.GET.get("q", "").strip()) or query.has_criteria,
        # The canonical URL of this search (every filter and the sort, stable order) and its
        # downloads, all pages up to export_limit records.
        "permalink": exporting.permalink(request, query),
        "export_csv_url": exporting.export_url(query, "csv"),
        "export_ris_url": exporting.export_url(query, "ris"),
        "export_limit": exporting.EXPORT_LIMIT,
        "result_views": presentation.group_views(results.groups),
        "chips": presentation.filter_chips(
            query, results, service.FACET_TITLES, lambda **c: _link(request, **c)
        ),
        "clear_url": _link(request, page=None, **dict.fromkeys((*FACETS, "from", "to"))),
        "filter_count": sum(len(v) for v in query.filters.values())
        + bool(query.year_from or query.year_to),
    }
    reading = operator_reading(query.text)
    if reading is not None:
        # Said once, exactly: what the operators did and the literal text as a phrase, in place
        # of the generic "nothing to search for" / "only exclusions" sentences.
        results.messages = [m for m in results.messages if m not in _generic_empty_messages()]
        context["reading"] = reading
        context["phrase_url"] = (
            _link(request, q=reading.phrase, page=None) if reading.phrase else ""
        )
    text = request.GET.get("q", "").strip()
    if text and query.page == 1:
        signals.searched.send(search_page, request=request, query=text, total=results.total)
    return render(request, "search/search.html", context)


@require_GET
def search_api(request):
    query = query_from_request(request)
    refused = _refusal(query)
    if refused is not None:
        return JsonResponse(
            {"detail": f"q: {refused.message}", "parameter": "q", "code": refused.code},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    results = service.search(query, AccessPolicy.for_user(request.user))
    text = request.GET.get("q", "").strip()
    if text and query.page == 1:  # counted as the search page counts its searches
        signals.searched.send(search_api, request=request, query=text, total=results.total)
    return JsonResponse(results.to_dict(), json_dumps_params={"ensure_ascii": False})


def _with_places_and_subjects(named: list, terms: list, limit: int) -> list:
    """People first, then subjects and places (at most half the list), then titles."""
    people = [c for c in named if c.kind == "scientist"]
    titles = [c for c in named if c.kind != "scientist"]
    merged: dict[str, object] = {}
    for completion in (*people, *terms, *titles):
        merged.setdefault(completion.text, completion)
    return list(merged.values())[:limit]


@require_GET
def autocomplete_api(request):
    prefix = request.GET.get("q", "")[:200]
    limit = _int(request.GET.get("limit"), 8, 1, 20)
    policy = AccessPolicy.for_user(request.user)
    completions = _with_places_and_subjects(
        service.autocomplete(prefix, policy, limit),
        suggestions.places_and_subjects(prefix, policy, (limit + 1) // 2),
        limit,
    )
    return JsonResponse(
        {"q": prefix, "results": [c.__dict__ for c in completions]},
        json_dumps_params={"ensure_ascii": False},
    )


def _json(data: dict, status: int = 200) -> JsonResponse:
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


@require_GET
def record_matches_api(request):
    """Every match of `q` inside one record (`record=item:12`): what the record page lists when
    it is opened from a result's "N matches in this record"."""
    record = request.GET.get("record", "")
    kind, _sep, pk = record.partition(":")
    if kind not in GROUP_KINDS or not pk.isdigit() or len(pk) > 18:
        return _json(
            {
                "detail": _("record: expected a record key such as item:12, not %(value)r.")
                % {"value": record[:50]},
                "parameter": "record",
            },
            status=400,
        )
    query = SearchQuery(text=request.GET.get("q", "")[:MAX_RAW_QUERY])
    refused = _refusal(query)
    if refused is not None:
        return _json(
            {"detail": f"q: {refused.message}", "parameter": "q", "code": refused.code}, 400
        )
    matches, through_record = service.record_matches(
        query.text, record, AccessPolicy.for_user(request.user)
    )
    return _json(
        {
            "q": query.text,
            "record": record,
            "total": len(matches),
            # Documents that matched only through what they carry of the record (its people's
            # names on each page): counted in the result's "N matches", not listed.
            "through_record": through_record,
            "matches": [hit.to_dict() for hit in matches],
        }
    )


@require_GET
def export_results(request, fmt: str):
    """The search's results (all pages, at most EXPORT_LIMIT records) as CSV or RIS."""
    if fmt not in exporting.EXPORT_FORMATS:
        return HttpResponse(
            _("No such export format: %(fmt)s. Choose csv or ris.") % {"fmt": fmt[:20]},
            status=404,
            content_type="text/plain; charset=utf-8",
        )
    query = query_from_request(request)
    refused = _refusal(query)
    if refused is None and not query.has_criteria:
        message = _("Nothing to export: search for something or choose a filter first.")
    elif refused is not None:
        message = f"q: {refused.message}"
    else:
        message = ""
    if message:
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    policy = AccessPolicy.for_user(request.user)
    keys = service.ranked_groups(query, policy, exporting.EXPORT_LIMIT)
    records = exporting.export_records(request, keys)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            exporting.csv_file(records), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exporting.ris_file(records),
            content_type="application/x-research-info-systems; charset=utf-8",
        )
    response["Content-Disposition"] = content_disposition(f"search-{stamp}.{fmt}", attachment=True)
    # What a signed-in researcher may see must not sit in a shared cache.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
