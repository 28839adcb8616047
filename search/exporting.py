"""A search's result set as files: CSV for spreadsheets, RIS for reference managers, and the
search's permalink.

Both files list the same records the search page lists, in its order, across all its pages up to
EXPORT_LIMIT (the page says so), under the same access policy: the ranking comes from the
engine's access-filtered ``ranked_groups`` and every record is read again through the
catalogue's own policy before it is written. CSV is written by the catalogue's spreadsheet
writer (UTF-8 with a byte order mark, formula cells guarded); RIS entries are the catalogue's
citation records (items and scientists) and a web-page record for an exhibition page.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from wagtail.models import Page

from archive_collections.access import AccessPolicy
from archive_collections.citations.exports import to_ris
from archive_collections.citations.pages import item_record, scientist_record
from archive_collections.citations.record import Citable, date_parts
from archive_collections.exporting.writers import csv_chunks
from archive_collections.models import Interview, Item, Scientist

from .contract import FACETS, SearchQuery

#: The most records one export holds: a result set larger than this is narrowed first.
EXPORT_LIMIT = 1000
EXPORT_FORMATS = ("csv", "ris")


@dataclass
class ExportRecord:
    """One listed record, read through the catalogue: what both formats write."""

    kind: str  # "item" | "scientist" | "exhibit"
    identifier: str
    title: str
    url: str
    item_type: str = ""
    date_text: str = ""
    scientists: str = ""
    fonds: str = ""
    citable: Citable | None = None


def permalink_params(query: SearchQuery) -> list[tuple[str, str]]:
    """The search's parameters in one stable order, read from the validated query: the text,
    each facet's values (FACETS order, values sorted), the years and the sort. Paging is left
    out: a permalink names the search, not where a reader was in it."""
    params: list[tuple[str, str]] = []
    text = " ".join(query.text.split())
    if text:
        params.append(("q", text))
    for name in FACETS:
        for value in sorted(set(query.filters.get(name, ()))):
            params.append((name, value))
    if query.year_from is not None:
        params.append(("from", str(query.year_from)))
    if query.year_to is not None:
        params.append(("to", str(query.year_to)))
    params.append(("sort", query.sort))
    if query.per_page != SearchQuery().per_page:
        params.append(("per_page", str(query.per_page)))
    return params


def permalink(request: HttpRequest, query: SearchQuery) -> str:
    """The canonical, absolute URL of this search with every filter and the sort."""
    return request.build_absolute_uri(
        f"{reverse('search:page')}?{urlencode(permalink_params(query))}"
    )


def export_url(query: SearchQuery, fmt: str) -> str:
    """Where the search's results download as `fmt` (EXPORT_FORMATS)."""
    params = [(k, v) for k, v in permalink_params(query) if k != "per_page"]
    return f"{reverse('search:export', kwargs={'fmt': fmt})}?{urlencode(params)}"


def export_records(request: HttpRequest, keys: list[str]) -> list[ExportRecord]:
    """The records of the ranked group `keys` the user may see, in the keys' order."""
    policy = AccessPolicy.for_user(request.user)
    ids: dict[str, list[int]] = {"item": [], "scientist": [], "exhibit": []}
    for key in keys:
        kind, _sep, pk = key.partition(":")
        if kind in ids and pk.isdigit():
            ids[kind].append(int(pk))
    found: dict[str, ExportRecord] = {}
    found.update(_items(request, policy, ids["item"]))
    found.update(_scientists(request, ids["scientist"]))
    found.update(_exhibits(request, ids["exhibit"]))
    return [found[key] for key in keys if key in found]


def _items(request: HttpRequest, policy: AccessPolicy, pks: list[int]) -> dict[str, ExportRecord]:
    if not pks:
        return {}
    items = (
        Item.objects.filter(pk__in=pks)
        .filter(policy.item_q(""))
        .select_related("series__fonds")
        .prefetch_related("scientists")
    )
    interviews = {
        i.item_id: i
        for i in Interview.objects.filter(item_id__in=pks).select_related("interviewee")
    }
    out = {}
    for item in items:
        citable = item_record(request, item, interviews.get(item.pk))
        out[f"item:{item.pk}"] = ExportRecord(
            kind="item",
            identifier=item.identifier,
            title=item.title,
            url=str(citable.record["URL"]),
            item_type=str(item.get_item_type_display()),
            date_text=item.date_text,
            scientists="；".join(s.name for s in item.scientists.all()),
            fonds=item.series.fonds.title,
            citable=citable,
        )
    return out


def _scientists(request: HttpRequest, pks: list[int]) -> dict[str, ExportRecord]:
    out = {}
    for scientist in Scientist.objects.filter(pk__in=pks).prefetch_related("fonds"):
        citable = scientist_record(request, scientist)
        out[f"scientist:{scientist.pk}"] = ExportRecord(
            kind="scientist",
            identifier=scientist.identifier,
            title=scientist.name,
            url=str(citable.record["URL"]),
            date_text=scientist.life_dates,
            scientists=scientist.name,
            citable=citable,
        )
    return out


def _exhibits(request: HttpRequest, pks: list[int]) -> dict[str, ExportRecord]:
    out = {}
    today = timezone.localdate()
    for page in Page.objects.live().public().filter(pk__in=pks).specific():
        url = request.build_absolute_uri(page.url or "")
        citable = Citable(
            {
                "id": f"page-{page.pk}",
                "type": "webpage",
                "title": page.title,
                "container-title": settings.WAGTAIL_SITE_NAME,
                "author": [{"literal": settings.WAGTAIL_SITE_NAME}],
                "URL": url,
                "accessed": date_parts(today),
                "language": "zh-Hans",
            }
        )
        out[f"exhibit:{page.pk}"] = ExportRecord(
            kind="exhibit", identifier="", title=page.title, url=url, citable=citable
        )
    return out


def kind_label(kind: str) -> str:
    return {
        "item": _("Archive item"),
        "scientist": _("Scientist"),
        "exhibit": _("Exhibition page"),
    }.get(kind, kind)


def csv_file(records: list[ExportRecord]) -> Iterator[bytes]:
    """UTF-8 with a byte order mark (Excel), formula cells guarded: the catalogue's writer."""
    header = [
        _("Kind"),
        _("Identifier"),
        _("Title"),
        _("Type"),
        _("Date"),
        _("Scientists"),
        _("Fonds"),
        _("Link"),
    ]
    rows = (
        [
            kind_label(r.kind),
            r.identifier,
            r.title,
            r.item_type,
            r.date_text,
            r.scientists,
            r.fonds,
            r.url,
        ]
        for r in records
    )
    return csv_chunks(header, rows)


def ris_file(records: list[ExportRecord]) -> str:
    return "".join(to_ris(r.citable) for r in records if r.citable is not None)
