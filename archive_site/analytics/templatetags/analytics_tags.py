"""`{% count_beacon %}`: the script that counts a page or record view (base.html writes it).

The page names what it shows in a signed token, so the beacon cannot be pointed at another page
or record, and the same page can be kept by the page cache and the front cache for everyone: the
beacon is sent from each visitor's browser, so pages served from a cache are counted too."""

from __future__ import annotations

from typing import Any

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html
from wagtail.models import Page

from ..counting import enabled, make_token
from ..models import Kind

register = template.Library()

# URL name of a public record page → its kind and the context variable holding the record.
RECORD_VIEWS = {
    "collections:item": (Kind.ITEM, "item"),
    "collections:scientist": (Kind.SCIENTIST, "scientist"),
    "collections:fonds": (Kind.FONDS, "fonds"),
    "collections:interview": (Kind.INTERVIEW, "interview"),
    "resources:resource": (Kind.RESOURCE, "resource"),
}


def counted(context: Any) -> tuple[Kind, int] | None:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if match is None:
        return None
    if match.view_name == "wagtail_serve":
        page = context.get("page")
        return (Kind.PAGE, page.pk) if isinstance(page, Page) and page.pk else None
    kind_and_name = RECORD_VIEWS.get(match.view_name)
    if kind_and_name is None:
        return None
    kind, name = kind_and_name
    record = context.get(name)
    pk = getattr(record, "pk", None)
    return (kind, pk) if pk else None


@register.simple_tag(takes_context=True)
def count_beacon(context: Any) -> str:
    if not enabled():
        return ""
    what = counted(context)
    if what is None:
        return ""
    return format_html(
        '<script src="{}" data-count="{}" data-url="{}" defer></script>',
        static("analytics/beacon.js"),
        make_token(*what),
        reverse("analytics:beacon"),
    )
