"""Descriptive properties shared by the manifests and the collections: who provides the archive,
the attribution a reuser must show, and the link to an item's record in the JSON API.

Settings (all optional):
- ``IIIF_PROVIDER_LABEL``: the provider's name (default: ``WAGTAIL_SITE_NAME``);
- ``IIIF_API_ITEM_ROUTE``: the URL name of an item's JSON API record, taking ``identifier``
  (default ``api-v1:item``, i.e. ``/api/v1/items/<identifier>``). It is reversed when a manifest
  is built, so this package needs no import of the API's code (which lives in a layer above); when
  the name is not routed, or the setting is empty, the manifest simply has no ``seeAlso``.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from archive_collections.models import Item

LABEL_LANGUAGES = ("zh-Hans", "en")
DEFAULT_API_ITEM_ROUTE = "api-v1:item"
#: Catalogue language codes that name no single language a value could be tagged with.
NO_SINGLE_LANGUAGE = frozenset({"", "mul", "zxx"})

# Labels that the site's translation catalogue does not carry yet, written in both languages here
# so a manifest never shows an English word under a Chinese interface.
LABELS: dict[str, dict[str, list[str]]] = {
    "Title": {"zh-Hans": ["题名"], "en": ["Title"]},
    "Attribution": {"zh-Hans": ["署名与权利"], "en": ["Attribution"]},
    "Transcript": {"zh-Hans": ["逐字稿"], "en": ["Transcript"]},
    "API record": {"zh-Hans": ["API 记录"], "en": ["API record"]},
    "All fonds": {"zh-Hans": ["全部全宗"], "en": ["All fonds"]},
}


def label(name: str) -> dict[str, list[str]]:
    return {language: list(values) for language, values in LABELS[name].items()}


def catalogue_language(item: Item) -> str:
    """The language of the item's catalogue text when that is a single known one, else "none"."""
    return item.language if item.language not in NO_SINGLE_LANGUAGE else "none"


def homepage(url: str, page_label: dict[str, list[str]]) -> dict[str, object]:
    """A `homepage` entry: the HTML page at `url`."""
    return {"id": url, "type": "Text", "label": page_label, "format": "text/html"}


def provider_name() -> str:
    return str(getattr(settings, "IIIF_PROVIDER_LABEL", "") or settings.WAGTAIL_SITE_NAME)


def provider(request: HttpRequest) -> list[dict[str, object]]:
    """The institution behind the archive, as a Presentation 3 Agent."""
    home = request.build_absolute_uri("/")
    name = {"zh-Hans": [provider_name()]}
    return [
        {
            "id": home,
            "type": "Agent",
            "label": name,
            "homepage": [homepage(home, name)],
        }
    ]


def required_statement(item: Item) -> dict[str, dict[str, list[str]]]:
    """Who holds the item and under which rights statement, in each interface language."""
    holder = item.series.fonds.collecting_institution or provider_name()
    values = {}
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            rights = str(item.get_rights_statement_display())
        values[language] = [
            f"{holder}；{rights}" if language == "zh-Hans" else f"{holder}; {rights}"
        ]
    return {"label": label("Attribution"), "value": values}


def see_also(request: HttpRequest, item: Item) -> list[dict[str, object]]:
    """The item's record in the JSON API, or nothing when the API is not routed here."""
    route = getattr(settings, "IIIF_API_ITEM_ROUTE", DEFAULT_API_ITEM_ROUTE)
    if not route:
        return []
    try:
        path = reverse(route, kwargs={"identifier": item.identifier})
    except NoReverseMatch:
        return []
    return [
        {
            "id": request.build_absolute_uri(path),
            "type": "Dataset",
            "label": label("API record"),
            "format": "application/json",
        }
    ]
