"""Scientists, fonds, series and items. Items go through the access policy like the pages:
listings hold only what the caller may see; a researcher-only record is a 403 without metadata
for others, an embargoed or staff-only one a 404 like an unknown identifier."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from archive_collections.access import RESEARCHERS, AccessPolicy
from archive_collections.models import Fonds, Interview, Item, Scientist, ScientistName, Series
from media_pipeline.models import ItemFile

from . import records, schemas
from .auth import policy_of
from .filters import FondsFilters, ItemFilters, ScientistFilters, SeriesFilters
from .http import ApiError, bad_parameter, query_names, reject_unknown, respond
from .paging import listing_page, respond_page

router = Router(tags=["catalogue"])

LIST = {304: None, 400: schemas.ErrorOut, 401: schemas.ErrorOut}
DETAIL = {**LIST, 403: schemas.ErrorOut, 404: schemas.ErrorOut}
NOT_FOUND = "No record with this identifier."

M = TypeVar("M", bound=Model)


def first_or_404(found: QuerySet[M], detail: str = NOT_FOUND) -> M:
    """The record a detail endpoint shows, or a 404 saying there is none."""
    record = found.first()
    if record is None:
        raise ApiError(404, detail)
    return record


def _scientists() -> QuerySet[Scientist]:
    return Scientist.objects.prefetch_related(
        Prefetch("names", queryset=ScientistName.objects.order_by("sort_order", "pk")),
        "disciplines",
    )


@router.get("/scientists", response={200: schemas.ScientistPage, **LIST}, url_name="scientists")
def list_scientists(request: HttpRequest, filters: Query[ScientistFilters]) -> HttpResponse:
    reject_unknown(request, query_names(ScientistFilters))
    found = _scientists()
    if filters.discipline:
        found = found.filter(disciplines__name=filters.discipline)
    page = listing_page(found, "identifier", "scientists", filters)
    return respond_page(
        request, schemas.ScientistPage, page, records.scientist, filters.limit, private=False
    )


@router.get(
    "/scientists/{identifier}",
    response={200: schemas.ScientistDetailOut, **DETAIL},
    url_name="scientist",
)
def get_scientist(request: HttpRequest, identifier: str) -> HttpResponse:
    reject_unknown(request, ())
    found = first_or_404(_scientists().prefetch_related("fonds").filter(identifier=identifier))
    return respond(request, records.scientist_detail(request, found), private=False)


@router.get("/fonds", response={200: schemas.FondsPage, **LIST}, url_name="fonds_list")
def list_fonds(request: HttpRequest, filters: Query[FondsFilters]) -> HttpResponse:
    reject_unknown(request, query_names(FondsFilters))
    found = Fonds.objects.select_related("scientist")
    if filters.scientist:
        found = found.filter(scientist=existing(Scientist, "scientist", filters.scientist))
    page = listing_page(found, "identifier", "fonds", filters)
    return respond_page(
        request, schemas.FondsPage, page, records.fonds, filters.limit, private=False
    )


@router.get("/fonds/{identifier}", response={200: schemas.FondsOut, **DETAIL}, url_name="fonds")
def get_fonds(request: HttpRequest, identifier: str) -> HttpResponse:
    reject_unknown(request, ())
    found = first_or_404(Fonds.objects.select_related("scientist").filter(identifier=identifier))
    return respond(request, records.fonds(request, found), private=False)


def _series() -> QuerySet[Series]:
    return Series.objects.select_related("fonds", "parent")


@router.get("/series", response={200: schemas.SeriesPage, **LIST}, url_name="series_list")
def list_series(request: HttpRequest, filters: Query[SeriesFilters]) -> HttpResponse:
    reject_unknown(request, query_names(SeriesFilters))
    found = _series()
    if filters.fonds:
        found = found.filter(fonds=existing(Fonds, "fonds", filters.fonds))
    page = listing_page(found, "identifier", "series", filters)
    return respond_page(
        request, schemas.SeriesPage, page, records.series, filters.limit, private=False
    )


@router.get("/series/{identifier}", response={200: schemas.SeriesOut, **DETAIL}, url_name="series")
def get_series(request: HttpRequest, identifier: str) -> HttpResponse:
    reject_unknown(request, ())
    found = first_or_404(_series().filter(identifier=identifier))
    return respond(request, records.series(request, found), private=False)


# Items ------------------------------------------------------------------------------------------

# What a listing shows of each file: enough for the thumbnail, without the OCR'd text.
_FILE_FIELDS = ("pk", "item_id", "sequence", "technical")


def _with_records() -> QuerySet[Item]:
    return Item.objects.select_related("series__fonds").prefetch_related(
        Prefetch("scientists", queryset=Scientist.objects.only("pk", "identifier")),
        Prefetch(
            "files",
            queryset=ItemFile.objects.only(*_FILE_FIELDS).order_by("sequence", "pk"),
        ),
    )


def existing(model: type[Any], parameter: str, identifier: str) -> Any:
    """The record a filter names by its identifier; an unknown one is a 400 naming the filter."""
    found = model.objects.filter(identifier=identifier).first()
    if found is None:
        raise bad_parameter(parameter, f"no record with the identifier {identifier!r}")
    return found


def _attributes(items: QuerySet[Item], filters: ItemFilters) -> QuerySet[Item]:
    """Filters on an item's own attributes, which match a large share of the archive."""
    if filters.type:
        items = items.filter(item_type=filters.type.value)
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise bad_parameter("date_to", "earlier than date_from")
    if filters.date_from:
        # Ranges overlap: an item dated 1950–1959 is found from 1955; a single date has no end.
        items = items.filter(
            Q(date_end__gte=filters.date_from)
            | Q(date_end__isnull=True, date_start__gte=filters.date_from)
        )
    if filters.date_to:
        items = items.filter(date_start__lte=filters.date_to)
    if filters.access:
        items = items.filter(access_level=filters.access.value)
    if filters.updated_since:
        items = items.filter(updated_at__gte=filters.updated_since)
    return items


def _place(items: QuerySet[Item], filters: ItemFilters) -> QuerySet[Item]:
    """Filters on where an item sits (scientist, fonds, series): few items each."""
    if filters.scientist:
        person = existing(Scientist, "scientist", filters.scientist)
        linked = Item.scientists.through.objects.filter(scientist_id=person.pk).values("item_id")
        items = items.filter(Q(series__fonds__scientist_id=person.pk) | Q(pk__in=linked))
    if filters.fonds:
        items = items.filter(series__fonds=existing(Fonds, "fonds", filters.fonds))
    if filters.series:
        items = items.filter(series=existing(Series, "series", filters.series))
    return items


def listed_items(policy: AccessPolicy, filters: ItemFilters) -> QuerySet[Item]:
    """The items of a listing, to be read in identifier order.

    The access policy and the attribute filters are tested per row inside a correlated EXISTS
    rather than in the listing's own WHERE: given `access_level IN (…)` there, SQLite without
    statistics walks the access index and sorts every visible item to return twenty (50 ms at
    100k items, growing with the archive), while from inside EXISTS they cannot steer the plan,
    which walks the identifier index and stops after a page. The place filters stay outside,
    where their indexes find their few items directly."""
    visible = _attributes(Item.objects.visible_to(policy), filters)
    return _place(_with_records(), filters).filter(Exists(visible.filter(pk=OuterRef("pk"))))


@router.get("/items", response={200: schemas.ItemPage, **LIST}, url_name="items")
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> HttpResponse:
    reject_unknown(request, query_names(ItemFilters))
    found = listed_items(policy_of(request), filters)
    page = listing_page(found, "identifier", "items", filters)
    return respond_page(request, schemas.ItemPage, page, records.item, filters.limit, private=True)


def visible_item(request: HttpRequest, identifier: str) -> Item:
    """The item, or the answer the item page would give: 403 naming nothing for a
    researcher-only record, 404 for an embargoed or staff-only one as for an unknown one."""
    item = first_or_404(
        Item.objects.select_related("series__fonds")
        .annotate(has_interview=Exists(Interview.objects.filter(item=OuterRef("pk"))))
        .filter(identifier=identifier)
    )
    policy = policy_of(request)
    if not policy.can_view(item):
        if item.access_level == RESEARCHERS and not policy.is_embargoed(item):
            raise ApiError(403, "This record is open to researchers: send a researcher token.")
        raise ApiError(404, NOT_FOUND)
    return item


@router.get("/items/{identifier}", response={200: schemas.ItemDetailOut, **DETAIL}, url_name="item")
def get_item(request: HttpRequest, identifier: str) -> HttpResponse:
    reject_unknown(request, ())
    item = visible_item(request, identifier)
    payload = records.item_detail(request, item, item.has_interview)
    return respond(request, payload, private=True)
