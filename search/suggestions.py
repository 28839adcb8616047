"""Places and subjects for the search boxes' suggestions, beside the engines' names and titles.

A subject is a tag of an item the caller may see; a place is one entry of an item's places (or a
scientist's birth or death place) holding the typed text. Read from the catalogue through the
one access policy, so a restricted item's subjects and places are never suggested to those who
may not see it; the engines' index has no field for a single subject or place."""

from __future__ import annotations

import re
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse
from taggit.models import Tag

from archive_collections.access import AccessPolicy
from archive_collections.models import Item, ItemSubject, Scientist

from .contract import Completion

#: What separates several places written in one field (import manifests use ；).
PLACE_SEPARATORS = re.compile(r"\s*[;；,，、/|]\s*")
#: Rows read to find places: enough for a handful of distinct suggestions.
PLACE_ROWS = 200


def places_and_subjects(prefix: str, policy: AccessPolicy, limit: int = 8) -> list[Completion]:
    """Subjects first (curated terms), then places, each holding `prefix`, at most `limit`."""
    text = (prefix or "").strip()[:100]
    if not text:
        return []
    # Tags holding the text (a short table), each kept if one visible item carries it: the
    # EXISTS stops at the first such item instead of joining every tagged item.
    visible = ItemSubject.objects.filter(policy.item_q("content_object__"), tag=OuterRef("pk"))
    subjects = (
        Tag.objects.filter(name__icontains=text)
        .filter(Exists(visible))
        .order_by("name")
        .values_list("name", flat=True)[:limit]
    )
    found = [Completion(text=name, kind="subject", url=_search_url(name)) for name in subjects]
    places: dict[str, None] = {}
    written = [
        *Item.objects.filter(policy.item_q(), places__icontains=text).values_list(
            "places", flat=True
        )[:PLACE_ROWS],
        *Scientist.objects.filter(birth_place__icontains=text).values_list(
            "birth_place", flat=True
        )[:PLACE_ROWS],
        *Scientist.objects.filter(death_place__icontains=text).values_list(
            "death_place", flat=True
        )[:PLACE_ROWS],
    ]
    folded = text.casefold()
    for value in written:
        for place in PLACE_SEPARATORS.split(value or ""):
            if place and folded in place.casefold():
                places.setdefault(place, None)
    found += [Completion(text=place, kind="place", url=_search_url(place)) for place in places]
    return found[:limit]


def _search_url(text: str) -> str:
    return reverse("search:page") + "?" + urlencode({"q": text})
