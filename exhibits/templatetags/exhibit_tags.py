"""Template tags for exhibit pages."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """`url` as an absolute URL on the host the visitor (or link-preview crawler) asked for.

    Open Graph consumers fetch og:image and og:url from outside the site, so a path alone is
    useless to them; an already absolute URL (e.g. from a storage backend) is kept as it is."""
    request = context.get("request")
    if request is None or not url:
        return url
    return request.build_absolute_uri(url)
