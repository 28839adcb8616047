"""The archive admin's search box and choosers, answered by the product's search engines.

Registered under the catalogue's ADMIN_SEARCH_HOOK (search/wagtail_hooks.py), so the listings
and choosers of scientists, fonds, series, items and interviews find a record by its name in
any form (汉字, traditional, pinyin, Wade–Giles), its identifier, description, OCR and
transcript text — what the search page finds — instead of a substring of a few columns.

The engine ranks the groups (items, scientists) the user's access policy lets them see; the
listing then narrows its own queryset to those keys, so its filters, the access filter of the
admin views and its pagination stay the listing's, one query each per page whatever the page
size. Fonds and series are not documents of the index: they match by their own identifier and
title (a substring, as before) and through their scientist, whose names the engine knows in
every form.

The engine returns at most ADMIN_SEARCH_LIMIT best matches: a two-character query may match
tens of thousands of items, and a listing is read from its top. Whatever narrowed the listing
or chooser before the search (its filters, the access filter) narrows the engine's ranking
itself: the engine takes its best matches among those records (engines.within), so a filter
finds its records however far down the whole match set they rank. The chooser's type,
scientist, fonds and years are also the engine's own filters.

The ranking is the engine's `top_groups`: the phrase match's score without the search page's
whole-word bonus, which cost a second full-text pass over the whole match set (tens of
thousands of documents for a two-character word) and changes little in a list read by title
and identifier.
"""

from __future__ import annotations

import logging
import re

from django.db.models import Q, QuerySet

from archive_collections.access import AccessPolicy
from archive_collections.admin.searching import SearchFilters, orm_search
from archive_collections.models import Fonds, Interview, Item, ItemType, Scientist, Series

from .contract import SearchQuery
from .engines import EngineUnavailable, get_database_engine, get_engine
from .engines.within import Within

log = logging.getLogger(__name__)

ADMIN_SEARCH_LIMIT = 1000
# What a typed 档号 fragment looks like: the engine matches whole words ("QXS 01"), a curator
# also types the beginning of one ("QXS-000").
IDENTIFIER_LIKE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def ranked_keys(
    query: SearchQuery, policy: AccessPolicy, limit: int, within: Within | None = None
) -> list[str]:
    """The best group keys for `query` among `within` on the configured engine; from the
    database engine while that one cannot be reached."""
    engine = get_engine()
    try:
        return engine.top_groups(query, policy, limit, within)
    except EngineUnavailable as exc:
        if engine.name == "database":
            log.error("admin search: database engine failed: %s", exc)
            return []
        log.warning(
            "admin search: %s unavailable, answering from the database: %s", engine.name, exc
        )
        return get_database_engine().top_groups(query, policy, limit, within)


def narrowed(queryset: QuerySet, kind: str, path: str = "pk") -> Within | None:
    """The records `queryset` holds when something (a filter, the access filter) narrowed it;
    None when it holds every record."""
    return Within(queryset, kind, path) if queryset.query.has_filters() else None


def _pks(keys: list[str], kind: str) -> list[int]:
    prefix = f"{kind}:"
    return [int(key[len(prefix) :]) for key in keys if key.startswith(prefix)]


def _engine_query(text: str, kind: str, filters: SearchFilters | None) -> SearchQuery:
    facets: dict[str, list[str]] = {}
    year_from = year_to = None
    if filters is not None:
        for facet, value in (
            ("type", filters.item_type),
            ("scientist", filters.scientist),
            ("fonds", filters.fonds),
        ):
            if value:
                facets[facet] = [value]
        year_from, year_to = filters.year_from, filters.year_to
    return SearchQuery(
        text=text,
        filters=facets,
        year_from=year_from,
        year_to=year_to,
        kinds=(kind,),
        per_page=1,
    )


def item_pks(
    text: str,
    policy: AccessPolicy,
    filters: SearchFilters | None = None,
    within: Within | None = None,
) -> list[int]:
    keys = ranked_keys(_engine_query(text, "item", filters), policy, ADMIN_SEARCH_LIMIT, within)
    return _pks(keys, "item")


def scientist_pks(text: str, policy: AccessPolicy, within: Within | None = None) -> list[int]:
    query = _engine_query(text, "scientist", None)
    return _pks(ranked_keys(query, policy, ADMIN_SEARCH_LIMIT, within), "scientist")


def _by_own_text_then_scientist(
    queryset: QuerySet, text: str, fields: tuple[str, ...], scientist_path: str, policy
) -> list[int]:
    """Records whose own fields contain `text` first, then those of the matching scientists
    in the engine's order."""
    own = list(orm_search(queryset, fields, text).values_list("pk", flat=True))
    scientists = scientist_pks(text, policy)
    if not scientists:
        return own
    rows = queryset.filter(Q(**{f"{scientist_path}__in": scientists})).values_list(
        "pk", scientist_path
    )
    rank = {pk: position for position, pk in enumerate(scientists)}
    through = [pk for pk, sid in sorted(rows, key=lambda row: (rank[row[1]], row[0]))]
    return list(dict.fromkeys(own + through))


def identifier_pks(
    queryset: QuerySet, text: str, policy: AccessPolicy, path: str, item_path: str | None
) -> list[int]:
    """Records whose identifier begins with `text`, in identifier order; `item_path` reaches
    the Item whose access decides (None: the record has no access level)."""
    if not IDENTIFIER_LIKE.fullmatch(text):
        return []
    matches = queryset.filter(**{f"{path}__istartswith": text})
    if item_path is not None:
        matches = matches.filter(policy.item_q(item_path))
    return list(matches.order_by(path).values_list("pk", flat=True)[:ADMIN_SEARCH_LIMIT])


def admin_searcher(
    queryset: QuerySet, text: str, user, filters: SearchFilters | None
) -> list[int] | None:
    """The catalogue's AdminSearcher: primary keys of matching records, best first."""
    policy = AccessPolicy.for_user(user)
    model = queryset.model
    if model is Item:
        own = identifier_pks(queryset, text, policy, "identifier", "")
        found = item_pks(text, policy, filters, narrowed(queryset, "item"))
        return list(dict.fromkeys(own + found))
    if model is Interview:
        item_filters = filters or SearchFilters()
        item_filters.item_type = ItemType.ORAL_HISTORY
        items = item_pks(text, policy, item_filters, narrowed(queryset, "item", "item_id"))
        by_item = dict(queryset.filter(item_id__in=items).values_list("item_id", "pk"))
        own = identifier_pks(queryset, text, policy, "item__identifier", "item__")
        return list(dict.fromkeys(own + [by_item[pk] for pk in items if pk in by_item]))
    if model is Scientist:
        own = identifier_pks(queryset, text, policy, "identifier", None)
        found = scientist_pks(text, policy, narrowed(queryset, "scientist"))
        return list(dict.fromkeys(own + found))
    if model is Fonds:
        return _by_own_text_then_scientist(
            queryset, text, ("identifier", "title"), "scientist_id", policy
        )
    if model is Series:
        return _by_own_text_then_scientist(
            queryset, text, ("identifier", "title"), "fonds__scientist_id", policy
        )
    return None
