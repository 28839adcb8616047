"""IIIF Presentation 3 Collections of the archive, for viewers and harvesters that browse by IIIF.

- the top collection (``iiif:collection-top``): one Collection per fonds that has a listed item;
- a fonds (``iiif:collection-fonds``): its items' manifests, in archival order (series, then
  position within the series);
- a scientist (``iiif:collection-scientist``): the manifests of the items the scientist's page
  lists (their fonds, and items catalogued as about them).

A fonds or scientist with more listed items than ``IIIF_COLLECTION_PAGE_SIZE`` (default 100) is
split into numbered part Collections (``…/part/<n>``), each listing at most that many manifests;
Presentation 3 has no paging of its own, so nesting is how a viewer walks a large fonds.

What is listed: the caller's access policy, never wider than researcher level. Staff-only and
embargoed items are never listed, even to staff (whose manifests still open directly): a
collection is a browsing surface that gets copied into viewers and caches, not an admin listing.
A fonds whose items are all hidden from the caller is an empty Collection (200 with no items), not
a 404: the fonds itself is public (its page is), and answering the same way whatever is inside it
says nothing about the hidden items.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from archive_collections.access import PUBLIC, RESEARCHERS, AccessPolicy
from archive_collections.models import Fonds, Item, Scientist
from archive_collections.views import scientist_items

from ..models import ItemFile
from .describe import catalogue_language, homepage, label, provider, provider_name
from .manifest import PRESENTATION_CONTEXT, first_page_thumbnail, manifest_url

DEFAULT_PAGE_SIZE = 100
LISTED_LEVELS = frozenset({PUBLIC, RESEARCHERS})


class PartNotFound(LookupError):
    """A part number outside 1…the number of parts (the view answers 404)."""


@dataclass(frozen=True)
class Listing:
    """What one collection lists: its address, label and homepage, and the items inside."""

    route: str
    key: str
    label: dict[str, list[str]]
    homepage: str
    items: QuerySet[Item]


def listing_policy(user: object) -> AccessPolicy:
    """The caller's policy with staff-only levels and embargoes taken away."""
    policy = AccessPolicy.for_user(user)
    return AccessPolicy(policy.levels & LISTED_LEVELS, False, policy.today)


def page_size() -> int:
    return max(1, int(getattr(settings, "IIIF_COLLECTION_PAGE_SIZE", DEFAULT_PAGE_SIZE)))


def top_collection(request: HttpRequest, policy: AccessPolicy) -> dict[str, object]:
    listed = Item.objects.visible_to(policy).filter(series__fonds=OuterRef("pk"))
    fonds = Fonds.objects.filter(Exists(listed)).order_by("identifier")
    return {
        **_header(request, _url(request, "iiif:collection-top"), _top_label()),
        "homepage": [
            homepage(request.build_absolute_uri(reverse("collections:index")), _top_label())
        ],
        "items": [
            {
                "id": _url(request, "iiif:collection-fonds", f.identifier),
                "type": "Collection",
                "label": {"none": [f.title]},
            }
            for f in fonds
        ],
    }


def fonds_listing(fonds: Fonds, policy: AccessPolicy) -> Listing:
    items = (
        Item.objects.visible_to(policy)
        .filter(series__fonds=fonds)
        .order_by("series__position", "series__identifier", "position", "identifier")
    )
    return Listing(
        "iiif:collection-fonds",
        fonds.identifier,
        {"none": [fonds.title]},
        fonds.get_absolute_url(),
        items,
    )


def scientist_listing(scientist: Scientist, policy: AccessPolicy) -> Listing:
    names = {"zh-Hans": [scientist.name]}
    if scientist.name_pinyin:
        names["en"] = [scientist.name_pinyin]
    return Listing(
        "iiif:collection-scientist",
        scientist.identifier,
        names,
        scientist.get_absolute_url(),
        scientist_items(scientist, policy).order_by("identifier"),
    )


def listing_collection(
    request: HttpRequest, listing: Listing, part: int | None = None
) -> dict[str, object]:
    """The collection itself, or one numbered part of it; PartNotFound for a part not there."""
    size = page_size()
    count = listing.items.count()
    parts = max(1, -(-count // size))
    own_id = _url(request, listing.route, listing.key)
    if part is None:
        collection = {
            **_header(request, own_id, listing.label),
            "homepage": [homepage(request.build_absolute_uri(listing.homepage), listing.label)],
            "partOf": [{"id": _url(request, "iiif:collection-top"), "type": "Collection"}],
        }
        if count <= size:
            return {**collection, "items": _manifest_refs(request, listing.items)}
        return {
            **collection,
            "items": [_part_ref(request, listing, n, parts) for n in range(1, parts + 1)],
        }
    if count <= size or not 1 <= part <= parts:
        raise PartNotFound(part)
    start = (part - 1) * size
    return {
        **_header(request, _part_url(request, listing, part), _part_label(listing, part, parts)),
        "partOf": [{"id": own_id, "type": "Collection"}],
        "items": _manifest_refs(request, listing.items[start : start + size]),
    }


def _manifest_refs(request: HttpRequest, items: QuerySet[Item]) -> list[dict[str, object]]:
    files = ItemFile.objects.order_by("sequence", "pk")
    refs = []
    for item in items.prefetch_related(Prefetch("files", queryset=files)):
        ref: dict[str, object] = {
            "id": manifest_url(request, item),
            "type": "Manifest",
            "label": {catalogue_language(item): [item.title]},
        }
        if thumbnail := first_page_thumbnail(request, list(item.files.all())):
            ref["thumbnail"] = thumbnail
        refs.append(ref)
    return refs


def _part_ref(request: HttpRequest, listing: Listing, part: int, parts: int) -> dict[str, object]:
    return {
        "id": _part_url(request, listing, part),
        "type": "Collection",
        "label": _part_label(listing, part, parts),
    }


def _part_label(listing: Listing, part: int, parts: int) -> dict[str, list[str]]:
    title = next(iter(listing.label.values()))[0]
    return {
        "zh-Hans": [f"{title}（第 {part} 部分，共 {parts} 部分）"],
        "en": [f"{title} (part {part} of {parts})"],
    }


def _header(
    request: HttpRequest, own_id: str, own_label: dict[str, list[str]]
) -> dict[str, object]:
    return {
        "@context": PRESENTATION_CONTEXT,
        "id": own_id,
        "type": "Collection",
        "label": own_label,
        "provider": provider(request),
    }


def _top_label() -> dict[str, list[str]]:
    every = label("All fonds")
    return {language: [f"{names[0]} · {provider_name()}"] for language, names in every.items()}


def _url(request: HttpRequest, route: str, key: str | None = None) -> str:
    kwargs = {"identifier": key} if key is not None else {}
    return request.build_absolute_uri(reverse(route, kwargs=kwargs))


def _part_url(request: HttpRequest, listing: Listing, part: int) -> str:
    path = reverse(f"{listing.route}-part", kwargs={"identifier": listing.key, "part": part})
    return request.build_absolute_uri(path)
