"""Interviews (with transcript and index), exhibitions (with chapters and stories) and search
(the search page's contract, answered by search.service)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router

from archive_collections.models import IndexSegment, Interview, Scientist, TranscriptSegment
from exhibits.models.base import BasePage
from exhibits.models.exhibitions import ChapterPage, ExhibitionPage
from exhibits.models.stories import ScientistStoryPage
from search import service
from search.contract import FACETS, SearchQuery
from search.query import QueryError
from search.signals import searched

from . import records, schemas
from .auth import policy_of
from .catalogue import DETAIL, LIST, existing, first_or_404, visible_item
from .filters import InterviewFilters, Paging, SearchParams
from .http import bad_parameter, query_names, reject_unknown, respond
from .paging import listing_page, respond_page

router = Router()
MAX_PAGE_ID = 2**31 - 1


def _interviews() -> QuerySet[Interview]:
    return Interview.objects.select_related("item", "interviewee")


@router.get(
    "/interviews",
    response={200: schemas.InterviewPage, **LIST},
    url_name="interviews",
    tags=["interviews"],
)
def list_interviews(request: HttpRequest, filters: Query[InterviewFilters]) -> HttpResponse:
    reject_unknown(request, query_names(InterviewFilters))
    found = _interviews().filter(policy_of(request).item_q("item__"))
    if filters.scientist:
        found = found.filter(interviewee=existing(Scientist, "scientist", filters.scientist))
    page = listing_page(found, "item__identifier", "interviews", filters)
    return respond_page(
        request, schemas.InterviewPage, page, records.interview, filters.limit, private=True
    )


@router.get(
    "/interviews/{identifier}",
    response={200: schemas.InterviewDetailOut, **DETAIL},
    url_name="interview",
    tags=["interviews"],
)
def get_interview(request: HttpRequest, identifier: str) -> HttpResponse:
    reject_unknown(request, ())
    item = visible_item(request, identifier)
    found = first_or_404(
        _interviews()
        .prefetch_related(
            Prefetch("transcript", queryset=TranscriptSegment.objects.order_by("start_ms", "pk")),
            Prefetch("index_segments", queryset=IndexSegment.objects.order_by("start_ms", "pk")),
        )
        .filter(item=item)
    )
    return respond(request, records.interview_detail(request, found), private=True)


# Exhibitions: published pages open to everyone, as the exhibition index lists them -------------


def _exhibitions() -> QuerySet[ExhibitionPage]:
    return ExhibitionPage.objects.live().public().select_related("hero_image", "listing_image")


@router.get(
    "/exhibitions",
    response={200: schemas.ExhibitionPage, **LIST},
    url_name="exhibitions",
    tags=["exhibitions"],
)
def list_exhibitions(request: HttpRequest, filters: Query[Paging]) -> HttpResponse:
    reject_unknown(request, query_names(Paging))
    page = listing_page(_exhibitions(), "pk", "exhibitions", filters)
    return respond_page(
        request, schemas.ExhibitionPage, page, records.exhibition, filters.limit, private=False
    )


@router.get(
    "/exhibitions/{identifier}",
    response={200: schemas.ExhibitionDetailOut, **DETAIL},
    url_name="exhibition",
    tags=["exhibitions"],
)
def get_exhibition(
    request: HttpRequest,
    # Bounded: a page id past the database's integer range would overflow the query.
    identifier: int = Path(..., ge=1, le=MAX_PAGE_ID),
) -> HttpResponse:
    reject_unknown(request, ())
    exhibition = first_or_404(
        _exhibitions().filter(pk=identifier), "No published exhibition with this id."
    )
    chapters: list[BasePage] = list(
        ChapterPage.objects.child_of(exhibition).live().public().select_related("listing_image")
    )
    stories: list[BasePage] = list(
        ScientistStoryPage.objects.child_of(exhibition)
        .live()
        .public()
        .select_related("listing_image")
    )
    payload = records.exhibition_detail(request, exhibition, chapters, stories)
    return respond(request, payload, private=False)


# Search ------------------------------------------------------------------------------------------


def search_query(params: SearchParams) -> SearchQuery:
    return SearchQuery(
        text=params.q,
        filters={name: getattr(params, name) for name in FACETS if getattr(params, name)},
        year_from=params.year_from,
        year_to=params.year_to,
        sort=params.sort.value,
        page=params.page,
        per_page=params.per_page,
    )


@router.get(
    "/search", response={200: schemas.SearchOut, **LIST}, url_name="search", tags=["search"]
)
def search(request: HttpRequest, params: Query[SearchParams]) -> HttpResponse:
    """The search page's query, filters and facets; groups with their page and time hits."""
    reject_unknown(request, query_names(SearchParams))
    query = search_query(params)
    try:
        query.parsed  # noqa: B018 — parsed once here (kept on the query) to refuse it with a 400
    except QueryError as error:
        raise bad_parameter("q", error.message) from error
    results = service.search(query, policy_of(request))
    if params.q.strip() and params.page == 1:  # counted as the search page counts its searches
        searched.send(search, request=request, query=params.q.strip(), total=results.total)
    return respond(request, schemas.SearchOut(**results.to_dict()), private=True)
