"""Cursor pagination: keyset on a unique, stable key, the cursor signed so a client can neither
forge a position nor carry one over to a listing with other filters.

Keyset rather than offset: a page costs the same at the millionth record as at the first, and
records inserted or removed between two requests never shift the rest (no record is served twice
or skipped), which an offset cannot promise."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import signing
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from pydantic import BaseModel

from .http import bad_parameter, respond

SALT = "archive_site.api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Paging parameters are not part of what a cursor is bound to: a client may change its page size.
PAGING = ("cursor", "limit")

M = TypeVar("M", bound=Model)


def listing_scope(resource: str, filters: Mapping[str, Any]) -> str:
    """A short fingerprint of a listing: its resource and every filter but the paging ones."""
    chosen = {k: str(v) for k, v in filters.items() if v is not None and k not in PAGING}
    raw = json.dumps([resource, sorted(chosen.items())], ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def encode_cursor(key: str | int, scope: str) -> str:
    return signing.dumps({"k": key, "s": scope}, salt=SALT, compress=True)


def decode_cursor(cursor: str, scope: str) -> str | int:
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise bad_parameter("cursor", "not a cursor this API issued") from None
    if not isinstance(data, dict) or data.get("s") != scope:
        raise bad_parameter("cursor", "issued for another listing or other filters")
    key = data.get("k")
    if not isinstance(key, (str, int)):
        raise bad_parameter("cursor", "not a cursor this API issued")
    return key


@dataclass(frozen=True)
class KeysetPage(Generic[M]):
    rows: list[M]
    next_cursor: str | None


def keyset_page(
    queryset: QuerySet[M], key: str, limit: int, cursor: str | None, scope: str
) -> KeysetPage[M]:
    """`limit` rows of `queryset` in `key` order after the cursor's position. One query: the
    row after the page, fetched with it, says whether there is a next page."""
    ordered = queryset.order_by(key)
    if cursor:
        ordered = ordered.filter(**{f"{key}__gt": decode_cursor(cursor, scope)})
    rows = list(ordered[: limit + 1])
    if len(rows) <= limit:
        return KeysetPage(rows, None)
    last = rows[limit - 1]
    value = last
    for part in key.split("__"):
        value = getattr(value, part)
    return KeysetPage(rows[:limit], encode_cursor(value, scope))  # type: ignore[arg-type]


def listing_page(
    queryset: QuerySet[M], key: str, resource: str, filters: BaseModel
) -> KeysetPage[M]:
    """The page a listing's filters ask for: their limit, after their cursor, which must have
    been issued for this resource with the same other filters."""
    values = filters.model_dump()
    scope = listing_scope(resource, values)
    return keyset_page(queryset, key, values["limit"], values["cursor"], scope)


def respond_page(
    request: HttpRequest,
    page_schema: type[BaseModel],
    page: KeysetPage[M],
    build: Callable[[HttpRequest, M], Any],
    limit: int,
    *,
    private: bool,
) -> HttpResponse:
    """One page of a listing as every list endpoint answers it: the limit, the next cursor and
    each row built by `build`, sent by `respond` (ETag, caching)."""
    payload = page_schema(
        limit=limit,
        next_cursor=page.next_cursor,
        results=[build(request, row) for row in page.rows],
    )
    return respond(request, payload, private=private)
