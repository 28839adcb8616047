"""What partners may embed, and how an address on this site names it.

Pages: live exhibition landing pages, chapters and scientist stories with no view restriction
(`Page.public()`). Interviews: oral-history records anonymous visitors may see, whole or a span
(`?start=120&end=180`, or `?t=120-180`; times as seconds, mm:ss or hh:mm:ss). Anything else —
another page type, a draft, a restricted page, a hidden or unknown record — answers like
something that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from django.http import Http404, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from wagtail.models import Page, Site

from archive_collections.access import AccessPolicy
from archive_collections.models import Interview, format_timecode
from archive_collections.oral_history.validation import media_duration_ms
from exhibits.blocks.media import parse_timecode
from exhibits.models import ChapterPage, ExhibitionPage, ScientistStoryPage

EMBEDDABLE_PAGES = (ChapterPage, ScientistStoryPage, ExhibitionPage)


class BadSpan(ValueError):
    """A clip's start or end that cannot be read, or that does not fit the recording."""


def embeddable_page(page_id: int) -> Page:
    page = Page.objects.live().public().type(*EMBEDDABLE_PAGES).filter(pk=page_id).first()
    if page is None or page.url is None:
        raise Http404(_("No page of this site can be embedded with this number."))
    return page.specific


def public_interview(identifier: str) -> Interview:
    """The interview of a record everyone may see; 404 for hidden and unknown ones alike."""
    interview = (
        Interview.objects.select_related("item__series__fonds", "interviewee")
        .filter(item__identifier=identifier)
        .first()
    )
    if interview is None or not AccessPolicy.anonymous().can_view(interview.item):
        raise Http404(_("No public interview with this identifier."))
    return interview


@dataclass(frozen=True)
class Span:
    start_ms: int
    end_ms: int | None  # None: to the end of the recording

    @property
    def label(self) -> str:
        end = format_timecode(self.end_ms) if self.end_ms is not None else ""
        return f"{format_timecode(self.start_ms)}–{end}"

    @property
    def fragment(self) -> str:
        """The media fragment (`#t=start,end`) that plays just this span."""
        start = f"{self.start_ms / 1000:g}"
        return f"#t={start},{self.end_ms / 1000:g}" if self.end_ms is not None else f"#t={start}"

    def query(self) -> str:
        end = f"&end={self.end_ms / 1000:g}" if self.end_ms is not None else ""
        return f"?start={self.start_ms / 1000:g}{end}"


def _time(name: str, text: str) -> int:
    try:
        return parse_timecode(text)
    except ValueError as error:
        raise BadSpan(f"{name}: {error}") from error


def read_span(query: QueryDict, interview: Interview) -> Span | None:
    """The span the query asks for (None: the whole interview). Raises BadSpan naming the
    parameter for a time that cannot be read, an end not after the start, or a time past the
    end of the recording."""
    start_text, end_text = query.get("start", "").strip(), query.get("end", "").strip()
    if not start_text and not end_text and (t := query.get("t", "").strip()):
        start_text, _dash, end_text = t.partition("-")
        start_text, end_text = start_text.strip(), end_text.strip()
    if not start_text and not end_text:
        return None
    start = _time("start", start_text) if start_text else 0
    end = _time("end", end_text) if end_text else None
    if end is not None and end <= start:
        raise BadSpan(_("end: the clip must end after it starts."))
    duration = media_duration_ms(interview)
    for name, ms in (("start", start), ("end", end)):
        if duration and ms is not None and ms > duration:
            raise BadSpan(
                _("%(name)s: %(time)s is past the end of the recording (%(duration)s).")
                % {
                    "name": name,
                    "time": format_timecode(ms),
                    "duration": format_timecode(duration),
                }
            )
    return Span(start, end)


def interview_page_url(interview: Interview) -> str:
    return reverse("collections:interview", kwargs={"identifier": interview.item.identifier})


@dataclass(frozen=True)
class Target:
    """What an address on this site names for oEmbed: a page, or an interview (and a span)."""

    page: Page | None = None
    interview: Interview | None = None
    query: QueryDict = field(default_factory=QueryDict)


def _site_for(host: str, port: int | None, scheme: str) -> Site | None:
    port = port or (443 if scheme == "https" else 80)
    sites = list(Site.objects.select_related("root_page").filter(hostname=host))
    return next((s for s in sites if s.port == port), None) or (sites[0] if sites else None)


def resolve_target(url: str, request_host: str) -> Target:
    """The page or interview an absolute URL of this site names. Raises Http404 for an address
    of another site, or one naming nothing embeddable."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.netloc.lower() != request_host.lower():
        site = _site_for(host, parts.port, parts.scheme)
        if site is None:
            raise Http404(_("This address is not on this site."))
    else:
        site = (
            _site_for(host, parts.port, parts.scheme)
            or Site.objects.filter(is_default_site=True).select_related("root_page").first()
        )
    path = unquote(parts.path or "/")
    query = QueryDict(parts.query)
    try:
        match = resolve(path)
    except Resolver404 as error:
        raise Http404(_("Nothing on this site has this address.")) from error
    if match.view_name == "collections:interview":
        return Target(interview=public_interview(match.kwargs["identifier"]), query=query)
    if match.view_name == "embeds:interview":
        return Target(interview=public_interview(match.kwargs["identifier"]), query=query)
    if match.view_name == "embeds:page":
        return Target(page=embeddable_page(match.kwargs["page_id"]))
    if site is None:
        raise Http404(_("Nothing on this site has this address."))
    return Target(page=_page_at(site, path))


def _page_at(site: Site, path: str) -> Page:
    if not path.endswith("/"):
        path += "/"
    url_path = site.root_page.url_path.rstrip("/") + path
    page = Page.objects.live().public().type(*EMBEDDABLE_PAGES).filter(url_path=url_path).first()
    if page is None:
        raise Http404(_("No page that can be embedded has this address."))
    return page.specific
