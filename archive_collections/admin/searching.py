"""The admin's search box and the item chooser's file columns, as seams an upper app fills.

The catalogue alone searches its listings and choosers with a substring match on each view's
search fields (the ORM). The search app, which finds names in every form (汉字, traditional,
pinyin, Wade–Giles) and the text inside files, plugs itself in under ADMIN_SEARCH_HOOK; the
media pipeline gives the item chooser its thumbnails and "has files" filter under
ITEM_FILES_HOOK. The last function registered under a hook is used.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Protocol

from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, StrIndex
from wagtail import hooks
from wagtail.admin.paginator import WagtailPaginator

#: A function registered under this hook returns an `AdminSearcher`.
ADMIN_SEARCH_HOOK = "register_archive_admin_search"
#: A function registered under this hook returns an `ItemFiles`.
ITEM_FILES_HOOK = "register_archive_item_files"


@dataclass
class SearchFilters:
    """What a chooser's filters narrow to, in the terms a search engine can apply before it
    ranks (so its best matches are taken among the filtered records, not before)."""

    item_type: str = ""
    scientist: str = ""  # Scientist.identifier
    fonds: str = ""  # Fonds.identifier
    year_from: int | None = None
    year_to: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


class AdminSearcher(Protocol):
    def __call__(
        self, queryset: QuerySet, text: str, user, filters: SearchFilters | None
    ) -> list[int] | None:
        """Primary keys of the records of `queryset.model` matching `text` that `user` may
        see, best first; None when this kind is not searched here (the ORM search runs)."""


class ItemFiles(Protocol):
    def with_files(self, queryset: QuerySet) -> QuerySet:
        """The items of `queryset` that have at least one file."""

    def thumbnails(self, items: Sequence) -> dict[int, str]:
        """Item pk → URL of its first file's thumbnail, for the items that have one (a
        constant number of queries for the whole page)."""


def orm_search(queryset: QuerySet, fields: Iterable[str], query: str) -> QuerySet:
    """Records whose any of `fields` contains `query` (case-insensitive substring)."""
    fields = list(fields)
    if not query or not fields:
        return queryset
    return queryset.filter(reduce(or_, (Q(**{f"{f}__icontains": query}) for f in fields)))


def registered(hook_name: str):
    found = hooks.get_hooks(hook_name)
    return found[-1]() if found else None


def listed_order(pks: Sequence[int]) -> StrIndex:
    """An ORDER BY expression putting records in the order of `pks`: where ",pk," occurs in
    one string of them all (a CASE of a thousand branches cost a second to compile)."""
    listed = Value("," + ",".join(str(int(pk)) for pk in pks) + ",")
    return StrIndex(listed, Concat(Value(","), Cast("pk", output_field=CharField()), Value(",")))


def ranked(queryset: QuerySet, pks: Sequence[int]) -> QuerySet:
    """`queryset` narrowed to `pks` and ordered as they are listed."""
    if not pks:
        return queryset.none()
    return queryset.filter(pk__in=pks).order_by(listed_order(pks), "pk")


def searched_pks(
    queryset: QuerySet, text: str, user, filters: SearchFilters | None = None
) -> list[int] | None:
    """The registered searcher's answer for `text` among `queryset` (best first), or None
    when none is registered or it does not search this kind."""
    searcher = registered(ADMIN_SEARCH_HOOK)
    return searcher(queryset, text, user, filters) if searcher is not None else None


def records_found(
    queryset: QuerySet,
    text: str,
    fields: Iterable[str],
    pks: list[int] | None,
    *,
    by_relevance: bool,
) -> QuerySet:
    """`queryset` narrowed to the searcher's `pks` (ordered as they are when `by_relevance`,
    else keeping the queryset's order), or by substring over `fields` when `pks` is None."""
    if pks is None:
        return orm_search(queryset, fields, text).distinct()
    if by_relevance:
        return ranked(queryset, pks)
    return queryset.filter(pk__in=pks) if pks else queryset.none()


def search_records(
    queryset: QuerySet,
    text: str,
    user,
    fields: Iterable[str],
    *,
    by_relevance: bool,
    filters: SearchFilters | None = None,
) -> QuerySet:
    """`queryset` narrowed to the records matching `text` for `user`: through the registered
    searcher when there is one for this kind (ordered best first when `by_relevance`, else
    keeping the queryset's order), else by substring over `fields`."""
    pks = searched_pks(queryset, text, user, filters)
    return records_found(queryset, text, fields, pks, by_relevance=by_relevance)


class RankedPaginator(WagtailPaginator):
    """Pages of `ranked(base, pks)` (its object_list), each read by the keys it can hold.

    A page's rows are those of rank bottom..top among the `pks` the base queryset holds.
    Ordering every one of a thousand keys by its place in their list (listed_order) cost
    12 ms a page; ordering only the first `top` keys costs a twentieth of it, and answers
    the same rows when all of them are in the base queryset, which a page of top - bottom
    rows shows. Otherwise (a key the listing's filters leave out) the page is read from the
    whole list as before."""

    def __init__(self, object_list, per_page, *, base: QuerySet, pks: Sequence[int], **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.base = base
        self.pks = list(pks)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(self.rows(bottom, top), number, self)

    def rows(self, bottom: int, top: int):
        if top < len(self.pks):
            window = list(ranked(self.base, self.pks[:top])[bottom:top])
            if len(window) == top - bottom:
                return window
        return self.object_list[bottom:top]
