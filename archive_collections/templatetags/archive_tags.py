"""Template helpers for the public site: site name, language tags, dates, counts, query strings."""

from django import template
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import pgettext

from archive_collections import bilingual
from archive_collections.access import AccessPolicy
from archive_collections.browsing import counts_by_type
from archive_collections.models import Item

register = template.Library()

_SCRIPT_SUBTAGS = {"hans": "Hans", "hant": "Hant"}


@register.simple_tag
def site_name() -> str:
    return bilingual.site_name()


@register.filter
def bcp47(language_code: str) -> str:
    """Django's lower-case codes as BCP 47 language tags for lang="": zh-hans → zh-Hans."""
    if not language_code:
        return ""
    primary, _sep, rest = language_code.partition("-")
    if not rest:
        return primary
    return f"{primary}-{_SCRIPT_SUBTAGS.get(rest.lower(), rest.upper())}"


@register.filter
def year_label(year) -> str:
    """A calendar year as the active language writes it (1955 → 1955年 in Chinese)."""
    if year in (None, ""):
        return ""
    return pgettext("calendar year", "%(year)s") % {"year": year}


@register.filter
def date_range(record) -> str:
    """The normalised range parsed from a written date, in the active language's date style."""
    start, end = getattr(record, "date_start", None), getattr(record, "date_end", None)
    if start is None:
        return ""
    first = date_format(start, "DATE_FORMAT")
    if end is None or end == start:
        text = first
    else:
        text = pgettext("date range", "%(start)s – %(end)s") % {
            "start": first,
            "end": date_format(end, "DATE_FORMAT"),
        }
    if getattr(record, "date_approximate", False):
        text = pgettext("approximate date", "c. %(date)s") % {"date": text}
    return text


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (a None value removes one), so
    paging keeps the active filters."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else None
    if params is None:
        params = QueryDict(mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def visible_item_counts(context) -> dict:
    """Counts of the items the current visitor may see, by type and in total."""
    request = context.get("request")
    policy = AccessPolicy.for_user(getattr(request, "user", None))
    by_type = counts_by_type(Item.objects.visible_to(policy))
    return {"by_type": by_type, "total": sum(row["count"] for row in by_type)}
