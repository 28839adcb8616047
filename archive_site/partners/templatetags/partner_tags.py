"""The partner network's parts of other apps' pages (reached by library name from exhibit and
interview templates, as `web_tags` is):

{% partner_credits %}            the organisations whose approved contributions the page shows
{% oembed_discovery url title %} <link rel="alternate" type="application/json+oembed" …>
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from exhibits.records import CONTEXT_KEY

from ..embeds.credits import partner_organisations, shown_item_keys

register = template.Library()


@register.simple_tag(takes_context=True)
def partner_credits(context) -> SafeString:
    organisations = list(partner_organisations(shown_item_keys(context.get(CONTEXT_KEY))))
    if not organisations:
        return SafeString("")
    return SafeString(
        render_to_string(
            "partners/embeds/_partner_credits.html",
            {"organisations": organisations},
            request=context.get("request"),
        )
    )


@register.simple_tag(takes_context=True)
def oembed_discovery(context, url: str, title: str = "") -> SafeString:
    """The oEmbed discovery link for the page at `url` (absolute, or a path on this site)."""
    request = context.get("request")
    if request is not None:
        url = request.build_absolute_uri(url)
    endpoint = reverse("embeds:oembed") + "?" + urlencode({"url": url, "format": "json"})
    if request is not None:
        endpoint = request.build_absolute_uri(endpoint)
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        endpoint,
        title,
    )
