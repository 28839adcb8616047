"""The "Cite this record" section and the citation meta tags, as tags the page templates
include, so that the item, interview and scientist views stay unaware of citations."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.http import HttpRequest

from archive_collections.citations.meta import highwire_tags
from archive_collections.citations.pages import (
    CitationBlock,
    item_block,
    item_record,
    pdf_urls,
    scientist_block,
)
from archive_collections.models import Interview, Item, Scientist

register = template.Library()


def _request(context: template.Context) -> HttpRequest:
    return context["request"]


@register.inclusion_tag("collections/_citation_meta.html", takes_context=True)
def citation_meta(
    context: template.Context, item: Item, interview: Interview | None, files: Iterable[Any] = ()
) -> dict[str, Any]:
    request = _request(context)
    citable = item_record(request, item, interview)
    return {"tags": highwire_tags(citable, pdf_urls(request, files))}


@register.inclusion_tag("collections/_cite.html", takes_context=True)
def cite_item(
    context: template.Context, item: Item, interview: Interview | None, files: Iterable[Any] = ()
) -> dict[str, Any]:
    return {"cite": item_block(_request(context), item, interview, files)}


@register.inclusion_tag("collections/_cite.html", takes_context=True)
def cite_scientist(context: template.Context, scientist: Scientist) -> dict[str, CitationBlock]:
    return {"cite": scientist_block(_request(context), scientist)}
