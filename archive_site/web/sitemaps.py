"""The sitemap index and its sections: catalogue records and exhibit pages that anonymous
visitors may open, nothing else.

Each section pages through a `values_list` of just the columns a URL and its lastmod need, in
primary-key order, so a page of 10,000 items is one query of small tuples (plus one count for the
paginator), whatever the size of the catalogue. Who may see what is the catalogue's access policy
for an anonymous visitor (public, not embargoed); exhibit pages must be live, public (no view
restriction on them or an ancestor) and inside a site.

lastmod: items have `updated_at`; scientists, fonds and series keep Wagtail revisions, so their
latest revision's time; their pages also list items, so they change when one of those public
items does; interview pages follow their item; exhibit pages their last publication. Django's
sitemap paginator pages by offset, so a late page also walks the primary-key index entries it
skips; rendering the 10,000 <url> elements costs more than that.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.models import Page, Site

from archive_collections.access import AccessPolicy
from archive_collections.models import Fonds, Interview, Item, Scientist, Series

# The protocol allows 50,000 URLs per sitemap; smaller pages keep each response quick to build
# and to parse. SITEMAP_URLS_PER_PAGE overrides it (tests use a small page).
URLS_PER_PAGE = 10_000


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def _url_template(viewname: str) -> str:
    """The URL of `viewname` with a slot for the identifier: reversing 10,000 times per page
    would cost more than the query."""
    return reverse(viewname, kwargs={"identifier": "__identifier__"}).replace(
        "__identifier__", "{}"
    )


def public_items() -> QuerySet[Item]:
    return Item.objects.visible_to(AccessPolicy.anonymous())


# The newest public item dates four sections of the index (items, and the scientists, fonds and
# series pages that list items); scanning the catalogue for it once per index request is enough.
_index_memo: ContextVar[dict[str, datetime | None] | None] = ContextVar("index_memo", default=None)


@contextmanager
def one_scan_per_index() -> Iterator[None]:
    token = _index_memo.set({})
    try:
        yield
    finally:
        _index_memo.reset(token)


def latest_public_item_change() -> datetime | None:
    memo = _index_memo.get()
    if memo is not None and "items" in memo:
        return memo["items"]
    latest = public_items().aggregate(latest=Max("updated_at"))["latest"]
    if memo is not None:
        memo["items"] = latest
    return latest


def _public_items_changed(path: str) -> Subquery:
    """When a public item reached through `path` (from Item to the outer record) last changed.

    A correlated subquery, evaluated only for the rows of the page asked for through the items'
    own foreign-key index, where a join with GROUP BY would aggregate the whole catalogue for
    every page and for the paginator's count."""
    latest = (
        public_items()
        .filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(latest=Max("updated_at"))
        .values("latest")
    )
    return Subquery(latest)


class PagedSitemap(Sitemap):
    """Pages of SITEMAP_URLS_PER_PAGE URLs (read per request, so a deployment or a test can
    change it)."""

    @property
    def limit(self) -> int:  # type: ignore[override]
        return getattr(settings, "SITEMAP_URLS_PER_PAGE", URLS_PER_PAGE)


class ArchiveSitemap(PagedSitemap, ABC):
    """A section whose `items()` is a queryset of (identifier, moment, …) tuples the paginator
    slices; lastmod is the latest of the moments."""

    viewname = ""

    @cached_property
    def url_template(self) -> str:
        return _url_template(self.viewname)

    @abstractmethod
    def items(self) -> QuerySet[Any, tuple[Any, ...]]:
        """The section's rows, ordered, as (identifier, moment, …) tuples."""

    def location(self, item: tuple[Any, ...]) -> str:
        return self.url_template.format(item[0])

    def lastmod(self, item: tuple[Any, ...]) -> datetime | None:
        return _latest(*item[1:])

    @abstractmethod
    def get_latest_lastmod(self) -> datetime | None:
        """For the index: one aggregate, where Django's default would walk every row."""


class ItemSitemap(ArchiveSitemap):
    viewname = "collections:item"

    def items(self) -> QuerySet[Any, tuple[Any, ...]]:
        return public_items().order_by("pk").values_list("identifier", "updated_at")

    def get_latest_lastmod(self) -> datetime | None:
        return latest_public_item_change()


class InterviewSitemap(ArchiveSitemap):
    viewname = "collections:interview"

    def _interviews(self) -> QuerySet[Interview]:
        return Interview.objects.filter(AccessPolicy.anonymous().item_q("item__"))

    def items(self) -> QuerySet[Any, tuple[Any, ...]]:
        return self._interviews().order_by("pk").values_list("item__identifier", "item__updated_at")

    def get_latest_lastmod(self) -> datetime | None:
        return self._interviews().aggregate(latest=Max("item__updated_at"))["latest"]


class _DescriptionSitemap(ArchiveSitemap):
    """Scientists, fonds and series: their own revisions, and the public items their pages list
    (a scientist's page lists the items of their fonds)."""

    model: type[Scientist] | type[Fonds] | type[Series]
    items_path = ""

    def items(self) -> QuerySet[Any, tuple[Any, ...]]:
        # Imported records have no revision, and the items' change is then their only date.
        return (
            self.model.objects.order_by("pk")
            .annotate(items_changed=_public_items_changed(self.items_path))
            .values_list("identifier", "latest_revision__created_at", "items_changed")
        )

    def get_latest_lastmod(self) -> datetime | None:
        revised = self.model.objects.aggregate(latest=Max("latest_revision__created_at"))
        # Every item sits in a series of a fonds of a scientist, so the newest public item is
        # this section's.
        return _latest(revised["latest"], latest_public_item_change())


class ScientistSitemap(_DescriptionSitemap):
    viewname = "collections:scientist"
    model = Scientist
    items_path = "series__fonds__scientist"


class FondsSitemap(_DescriptionSitemap):
    viewname = "collections:fonds"
    model = Fonds
    items_path = "series__fonds"


class SeriesSitemap(_DescriptionSitemap):
    viewname = "collections:series"
    model = Series
    items_path = "series"


def _in_a_site() -> Q:
    """Pages under some site's root: the others have no URL."""
    roots = Site.objects.values_list("root_page__path", flat=True)
    in_site = Q(pk__in=[])
    for path in roots:
        in_site |= Q(path__startswith=path)
    return in_site


class PageSitemap(PagedSitemap):
    """Exhibit pages (and any other Wagtail page) anonymous visitors can open."""

    def items(self) -> QuerySet[Page]:
        return (
            Page.objects.live()
            .public()
            .filter(_in_a_site())
            .order_by("path")
            .only("pk", "path", "depth", "url_path", "last_published_at")
        )

    def location(self, item: Page) -> str:
        parts = item.get_url_parts()
        return parts[2] if parts else ""

    def lastmod(self, item: Page) -> datetime | None:
        return item.last_published_at

    def get_latest_lastmod(self) -> datetime | None:
        return self.items().aggregate(latest=Max("last_published_at"))["latest"]


# Classes, not instances: the views make one per request, so nothing is resolved or kept between
# requests.
SECTIONS: dict[str, type[Sitemap[Any]] | Sitemap[Any]] = {
    "pages": PageSitemap,
    "scientists": ScientistSitemap,
    "fonds": FondsSitemap,
    "series": SeriesSitemap,
    "items": ItemSitemap,
    "interviews": InterviewSitemap,
}
