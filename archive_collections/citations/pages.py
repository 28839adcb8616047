"""What the item, interview and scientist pages show under "Cite this record", built from the
request so that URLs are absolute and a cited moment (`?t=`) is read the way the player reads it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from archive_collections.bilingual import english_active, site_name
from archive_collections.models import Interview, Item, Scientist
from archive_collections.oral_history.player import parse_t
from archive_collections.oral_history.timecodes import short_timecode

from .archival import archival_citation
from .exports import EXPORT_FORMATS
from .meta import coins_title, highwire_tags
from .record import Citable, item_citable, scientist_citable
from .styles import Rendered, render_all

# The formats' own names, the same in every interface language.
DOWNLOAD_LABELS = {"ris": "RIS", "bib": "BibTeX", "json": "CSL-JSON"}


@dataclass
class CitationBlock:
    citable: Citable
    styles: list[Rendered]
    downloads: list[tuple[str, str]]
    archival: str = ""
    moment: str = ""
    coins: str = ""
    highwire: list[tuple[str, str]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return str(self.citable.record["URL"])


def moment_ms(request: HttpRequest, interview: Interview | None) -> int | None:
    """The cited moment in milliseconds, only for an interview and a `t` the player accepts."""
    seconds = parse_t(request.GET.get("t")) if interview is not None else None
    return None if seconds is None else int(seconds * 1000)


def item_record(
    request: HttpRequest, item: Item, interview: Interview | None, english: bool = False
) -> Citable:
    """The item's record; with a cited moment its URL is the interview page at that moment.
    `english`: names in pinyin and the English title beside the title (the English site's)."""
    moment = moment_ms(request, interview)
    path = item.get_absolute_url()
    if moment is not None:
        interview_path = reverse("collections:interview", kwargs={"identifier": item.identifier})
        path = f"{interview_path}?t={moment // 1000}"
    url = request.build_absolute_uri(path)
    return item_citable(item, url, timezone.localdate(), interview, moment, english=english)


def _downloads(route: str, identifier: str, query: str) -> list[tuple[str, str]]:
    suffix = f"?{query}" if query else ""
    return [
        (
            DOWNLOAD_LABELS[fmt],
            reverse(route, kwargs={"identifier": identifier, "fmt": fmt}) + suffix,
        )
        for fmt in EXPORT_FORMATS
    ]


def pdf_urls(request: HttpRequest, files: Iterable[Any]) -> list[str]:
    """PDFs the page offers for download; the page itself is only shown to visitors who may."""
    return [
        request.build_absolute_uri(f.master_url)
        for f in files
        if getattr(f, "mime_type", "") == "application/pdf" and getattr(f, "master_url", None)
    ]


def item_block(
    request: HttpRequest, item: Item, interview: Interview | None, files: Iterable[Any] = ()
) -> CitationBlock:
    citable = item_record(request, item, interview)
    # The three styles follow the interface language; the Chinese archival form, the COinS and
    # the Highwire tags read the record as catalogued.
    styled = item_record(request, item, interview, english=True) if english_active() else citable
    moment = moment_ms(request, interview)
    query = f"t={moment // 1000}" if moment is not None else ""
    return CitationBlock(
        citable=citable,
        styles=render_all(styled),
        downloads=_downloads("collections:item_citation", item.identifier, query),
        archival=archival_citation(citable),
        moment=short_timecode(moment) if moment is not None else "",
        coins=coins_title(citable),
        highwire=highwire_tags(citable, pdf_urls(request, files)),
    )


def scientist_record(request: HttpRequest, scientist: Scientist, english: bool = False) -> Citable:
    holders = sorted(
        {f.collecting_institution for f in scientist.fonds.all() if f.collecting_institution}
    )
    url = request.build_absolute_uri(scientist.get_absolute_url())
    site = site_name() if english else settings.WAGTAIL_SITE_NAME
    return scientist_citable(scientist, url, timezone.localdate(), site, holders, english=english)


def scientist_block(request: HttpRequest, scientist: Scientist) -> CitationBlock:
    citable = scientist_record(request, scientist)
    styled = scientist_record(request, scientist, english=True) if english_active() else citable
    return CitationBlock(
        citable=citable,
        styles=render_all(styled),
        downloads=_downloads("collections:scientist_citation", scientist.identifier, ""),
        coins=coins_title(citable),
    )
