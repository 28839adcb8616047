"""The query parameters of each listing, as schemas: ninja validates them (a bad date or an
oversized limit is a 400 naming the parameter) and the OpenAPI description lists them."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from ninja import Schema
from pydantic import Field

from archive_collections.models import AccessLevel, ItemType
from search.contract import MAX_PAGE, MAX_PER_PAGE, SORTS

from .paging import DEFAULT_LIMIT, MAX_LIMIT

# Identifiers as the page URLs take them (archive_collections/urls.py): never a '/'.
IDENTIFIER = r"^[\w.\-]+$"

ItemTypeCode = StrEnum("ItemTypeCode", [(code, code) for code in ItemType.values])  # type: ignore[misc]
AccessCode = StrEnum("AccessCode", [(code, code) for code in AccessLevel.values])  # type: ignore[misc]
SortCode = StrEnum("SortCode", [(code, code) for code in SORTS])  # type: ignore[misc]


def _identifier(description: str) -> Any:
    return Field(None, pattern=IDENTIFIER, max_length=80, description=description)


class Paging(Schema):
    limit: int = Field(
        DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description=f"Records per page, at most {MAX_LIMIT}."
    )
    cursor: str | None = Field(
        None, max_length=500, description="`next_cursor` of the previous page."
    )


class ScientistFilters(Paging):
    discipline: str | None = Field(None, max_length=100, description="A discipline's name.")


class FondsFilters(Paging):
    scientist: str | None = _identifier("A scientist's identifier.")


class SeriesFilters(Paging):
    fonds: str | None = _identifier("A fonds's identifier.")


class ItemFilters(Paging):
    type: ItemTypeCode | None = None
    scientist: str | None = _identifier("Items in the scientist's fonds or about them.")
    fonds: str | None = _identifier("A fonds's identifier.")
    series: str | None = _identifier("A series's identifier (its sub-series not included).")
    date_from: date | None = Field(None, description="Dated on or after (range overlap).")
    date_to: date | None = Field(None, description="Dated on or before (range overlap).")
    access: AccessCode | None = Field(
        None, description="Only records at this access level (among those you may see)."
    )
    updated_since: datetime | None = Field(None, description="Changed at or after (ISO 8601).")


class InterviewFilters(Paging):
    scientist: str | None = _identifier("The interviewee's identifier.")


class SearchParams(Schema):
    """The search page's parameters (search/views.py), typed: values the page would quietly
    clamp are refused here with the limit named."""

    q: str = Field("", max_length=500)
    type: list[str] = Field(default_factory=list, max_length=20)
    scientist: list[str] = Field(default_factory=list, max_length=20)
    fonds: list[str] = Field(default_factory=list, max_length=20)
    decade: list[str] = Field(default_factory=list, max_length=20)
    discipline: list[str] = Field(default_factory=list, max_length=20)
    language: list[str] = Field(default_factory=list, max_length=20)
    has_transcript: list[str] = Field(default_factory=list, max_length=20)
    has_scan: list[str] = Field(default_factory=list, max_length=20)
    year_from: int | None = Field(None, ge=1, le=9999, alias="from")
    year_to: int | None = Field(None, ge=1, le=9999, alias="to")
    sort: SortCode = SortCode("relevance")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    per_page: int = Field(20, ge=1, le=MAX_PER_PAGE)
