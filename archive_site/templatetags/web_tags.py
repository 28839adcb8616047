"""Tags for what crawlers read in a page's head: `{% record_head record %}` for archive record
pages (canonical link, Open Graph, JSON-LD) and `{% page_jsonld page %}` for exhibit pages.

The catalogue's and exhibits' templates load this library by name; neither app imports it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from archive_site.web.page_jsonld import page_jsonld as build_page_jsonld
from archive_site.web.share import record_head as build_record_head

register = template.Library()

# The characters that could close the <script> element or open an HTML comment or entity inside
# it, as JSON escapes: the same table Django's json_script uses, which only writes
# type="application/json".
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def ld_json_script(data: dict[str, Any]) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)
    # The escapes above leave nothing in `text` that HTML would read inside a script element.
    safe = mark_safe(text)  # noqa: S308
    return format_html('<script type="application/ld+json">{}</script>', safe)


def _absolute(context: template.Context) -> Callable[[str], str]:
    request = context.get("request")
    if request is None:
        return lambda path: path
    return request.build_absolute_uri


@register.inclusion_tag("web/_record_head.html", takes_context=True)
def record_head(context: template.Context, record: object) -> dict[str, Any]:
    values: dict[str, Any] = {str(key): value for key, value in context.flatten().items()}
    head = build_record_head(record, values, _absolute(context))
    return {"head": head, "jsonld_script": ld_json_script(head.jsonld)}


@register.simple_tag(takes_context=True)
def page_jsonld(context: template.Context, page: Any) -> SafeString:
    return ld_json_script(build_page_jsonld(page.specific, _absolute(context)))
