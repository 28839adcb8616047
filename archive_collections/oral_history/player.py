"""What the interview player needs, built once per request.

The transcript list is rendered here in Python rather than by a template loop: a three-hour
interview has ~2,000 segments, and a template loop with tags per segment costs several times more
than one pass of string building with the same escaping.

Search inside an interview matches what the site search matches (traditional script, pinyin):
that analysis lives in the search layer above, which gives its matcher through the hook
`oral_history_search_matcher` (a function: query → predicate on a text). Without it, a plain
folded substring match is used.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import quote

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from wagtail import hooks

from archive_collections.models import Interview

from .formats import EXPORTS
from .timecodes import seconds_text, short_timecode

MAX_SEARCH_HITS = 200
SEARCH_MATCHER_HOOK = "oral_history_search_matcher"


def parse_t(value: str | None) -> float | None:
    """`?t=42`, `?t=42.5`, `?t=1:02:03` → seconds; anything else is ignored."""
    if not value:
        return None
    value = value.strip().removesuffix("s")
    try:
        if ":" in value:
            seconds = 0.0
            for part in value.split(":"):
                seconds = seconds * 60 + float(part)
        else:
            seconds = float(value)
    except ValueError:
        return None
    return seconds if 0 <= seconds < 10**7 else None


def fold(text: str) -> str:
    """Search folding: NFKC (full-width → half-width) and case; no word splitting, so Chinese
    matches as a plain substring."""
    return unicodedata.normalize("NFKC", text).casefold()


def current_index(segments, t_ms: int | None) -> int | None:
    """The line playing at `t_ms`. A time in whole seconds (`?t=16`, as citations and older
    links write it) also counts a line starting within that second as reached, so a link to
    a line starting at 16.947 s lands on that line rather than the one before it."""
    if t_ms is None:
        return None
    reach = t_ms + 999 if t_ms % 1000 == 0 else t_ms
    found = None
    for n, segment in enumerate(segments):
        if segment.start_ms <= reach:
            found = n
        else:
            break
    return found


def render_transcript(segments, current: int | None = None) -> SafeString:
    parts = []
    for n, s in enumerate(segments):
        start = seconds_text(s.start_ms)
        mark = (
            ' aria-current="true" class="oh-line is-current"'
            if n == current
            else (' class="oh-line"')
        )
        speaker = f'<span class="oh-speaker">{escape(s.speaker)}</span>' if s.speaker else ""
        text = escape(s.text).replace("\n", "<br>")
        parts.append(
            f'<li id="seg-{n + 1}"{mark} data-start="{start}" '
            f'data-end="{seconds_text(s.end_ms)}"><a class="oh-time" href="?t={start}#seg-{n + 1}">'
            f"{short_timecode(s.start_ms)}</a>{speaker}"
            f'<span class="oh-text">{text}</span></li>'
        )
    return mark_safe("\n".join(parts))  # noqa: S308 — every value above is escaped


@dataclass
class Hit:
    kind: str  # "transcript" | "index"
    start_ms: int
    label: str
    text: str
    segment: int | None = None  # the transcript line's number (its id is seg-N)

    @property
    def seconds(self) -> str:
        return seconds_text(self.start_ms)

    @property
    def timecode(self) -> str:
        return short_timecode(self.start_ms)


def matcher(query: str) -> Callable[[str], bool]:
    """A predicate: does a text match the query? The search layer's, when it gives one."""
    for registered in hooks.get_hooks(SEARCH_MATCHER_HOOK):
        return registered()(query)
    needle = fold(query.strip())
    return lambda text: needle in fold(text)


def search(segments, points, query: str) -> list[Hit]:
    if not fold(query.strip()):
        return []
    matches = matcher(query)
    hits = []
    for p in points:
        fields = (p.title, p.synopsis, p.keywords, p.partial_transcript)
        if any(matches(value) for value in fields if value):
            hits.append(Hit("index", p.start_ms, p.title, p.synopsis))
    for n, s in enumerate(segments, start=1):
        if matches(s.text) or (s.speaker and matches(s.speaker)):
            hits.append(Hit("transcript", s.start_ms, s.speaker, s.text, n))
        if len(hits) >= MAX_SEARCH_HITS:
            break
    return hits


def keyword_links(keywords: str) -> SafeString:
    """An index point's keywords (separated by ；) as searches inside the interview."""
    words = [w.strip() for w in keywords.replace(";", "；").split("；") if w.strip()]
    return mark_safe(  # noqa: S308 — every value is escaped or URL-quoted
        "、".join(
            f'<a class="oh-keyword" href="?q={quote(w)}#oh-search-results">{escape(w)}</a>'
            for w in words
        )
    )


class Playable(Protocol):
    """The media file a player plays (a media_pipeline ItemFile, which the catalogue does not
    import)."""

    @property
    def playback_url(self) -> str | None: ...


@dataclass
class Player:
    interview: Interview
    media: Playable | None
    segments: list
    points: list
    t: float | None
    query: str
    captions_url: str
    page_url: str
    hits: list[Hit] = field(default_factory=list)

    @property
    def media_src(self) -> str | None:
        src = self.media.playback_url if self.media is not None else None
        if not src:
            return None
        return f"{src}#t={self.t:g}" if self.t is not None else src

    @property
    def transcript_html(self) -> SafeString:
        t_ms = round(self.t * 1000) if self.t is not None else None
        return render_transcript(self.segments, current_index(self.segments, t_ms))

    @property
    def exports(self) -> list[dict]:
        identifier = self.interview.item.identifier
        return [
            {
                "url": reverse(
                    "collections:interview_export",
                    kwargs={"identifier": identifier, "filename": name},
                ),
                "label": export.label,
                "filename": name,
            }
            for name, export in EXPORTS.items()
            if self._has_content_for(name)
        ]

    def _has_content_for(self, name: str) -> bool:
        if name == "index.vtt":
            return bool(self.points)
        if name == "ohms.xml":
            return bool(self.points or self.segments)
        return bool(self.segments)

    @property
    def search_url(self) -> str:
        return reverse(
            "collections:interview_search", kwargs={"identifier": self.interview.item.identifier}
        )

    @property
    def index_rows(self) -> list[tuple]:
        """Each index point with its keywords as search links."""
        return [(p, keyword_links(p.keywords)) for p in self.points]

    @property
    def speakers(self) -> list[str]:
        return sorted({s.speaker for s in self.segments if s.speaker})


def media_file(files):
    for item_file in files:
        if (item_file.is_audio or item_file.is_video) and item_file.master_url:
            return item_file
    return None


def build_player(request, interview, files) -> Player:
    identifier = interview.item.identifier
    segments = list(interview.transcript.order_by("start_ms", "sort_order"))
    points = list(interview.index_segments.all())  # prefetched, ordered, by the item view
    query = request.GET.get("q", "")[:100]
    player = Player(
        interview=interview,
        media=media_file(files),
        segments=segments,
        points=points,
        t=parse_t(request.GET.get("t")),
        query=query,
        captions_url=reverse("collections:interview_captions", kwargs={"identifier": identifier}),
        page_url=request.build_absolute_uri(interview.item.get_absolute_url()),
    )
    player.hits = search(segments, points, query) if query else []
    return player
