"""What both engines show for a matching document: one Hit, with its snippet and deep link,
built the same way from the stored document whichever engine found it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from archive_collections.oral_history.timecodes import seconds_text

from .. import analysis
from ..contract import SNIPPET_FIELDS, FieldSnippet, Hit
from ..highlight import matched_cells, matched_line_boxes, snippet

#: Kinds that head a result group (the record itself, not a page or segment inside it).
HEAD_KINDS = ("item", "scientist", "exhibit")
#: Where a hit's snippet comes from when its body does not hold the words: a record's other
#: fields, a page's seals (the page matched by what its seal says).
_HEAD_FIELDS = ("title", "names", "subjects", "creators", "places", "body")
_SNIPPET_FALLBACKS = {**dict.fromkeys(HEAD_KINDS, _HEAD_FIELDS), "page": ("seal",)}


def make_hit(data: dict[str, Any], pieces: list[str], score: float) -> Hit:
    """A Hit from a stored document: snippet from the most telling field, deep-link URL."""
    kind = data.get("kind", "")
    url = data.get("url", "")
    text = data.get("body") or ""
    if not _has_piece(text, pieces):
        for name in _SNIPPET_FALLBACKS.get(kind, ()):
            if _has_piece(data.get(name) or "", pieces):
                text = data.get(name) or ""
                break
    page_number = data.get("page_number")
    start_ms = data.get("start_ms")
    hit = Hit(
        doc_id=data.get("id", ""),
        kind=kind,
        url=url,
        snippet=snippet(text, pieces),
        title=data.get("title", ""),
        score=score,
        page_number=page_number,
        start_ms=start_ms,
    )
    hit.fields = field_snippets(data, pieces, hit.timecode)
    if kind == "page" and page_number:
        hit.line_boxes = matched_line_boxes(data.get("lines") or [], pieces)
        hit.cells = matched_cells(data.get("lines") or [], pieces)
        # The page viewer outlines the matched lines (fractions of the page: `hlr`).
        query = _page_location(hit.doc_id, page_number) + [
            ("hlr", ",".join(f"{v:.4f}" for v in box)) for box in hit.line_boxes[:10]
        ]
        hit.url = f"{url}?{urlencode(query)}"
    elif kind in ("segment", "index") and start_ms is not None:
        # The segment's own start, so the player lands on this line, not the one before it.
        hit.url = f"{url}?{urlencode({'t': seconds_text(int(start_ms))})}"
    return hit


#: The most matches one record lists (an OCR'd book can match on hundreds of pages).
RECORD_MATCHES = 200


def own_match(hit: Hit) -> bool:
    """Whether the document's own text holds the query: a page that matched only through the
    item's metadata it carries (its people's names, its title) is not a match ON that page."""
    return bool(hit.fields) or "<mark>" in hit.snippet


def record_matches(hits: list[Hit]) -> list[Hit]:
    """The matches a record page lists: documents whose own text holds the query (own_match),
    the record's own fields first, then in reading order (page, then time)."""
    return reading_order([h for h in hits if own_match(h)])


def reading_order(hits: list[Hit]) -> list[Hit]:
    """A record's documents: its own fields first, then by page, then by time."""
    return sorted(
        hits,
        key=lambda h: (
            h.kind not in HEAD_KINDS,
            h.page_number if h.page_number is not None else -1,
            h.start_ms if h.start_ms is not None else -1,
            h.doc_id,
        ),
    )


#: Fields that only say which people a record is about (every name form joined): named only
#: when nothing else of the document matched, to explain why it is listed.
_NAME_FIELDS = ("scientists", "other_names")


def field_snippets(data: dict[str, Any], pieces: list[str], timecode: str) -> list[FieldSnippet]:
    """A snippet for each field of the document that holds a match, with the field named."""
    kind = data.get("kind", "")
    out: list[FieldSnippet] = []
    for name, code in SNIPPET_FIELDS.get(kind, {}).items():
        text = data.get(name) or ""
        if _has_piece(text, pieces):
            label = _field_label(code, kind, data.get("page_number"), timecode)
            out.append(FieldSnippet(field=code, label=label, snippet=snippet(text, pieces)))
    if any(f.field not in _NAME_FIELDS for f in out):
        out = [f for f in out if f.field not in _NAME_FIELDS]
    return out


def _field_label(code: str, kind: str, page_number: int | None, timecode: str) -> str:
    if code == "page_text":
        if kind == "page" and page_number:
            return _("Page %(number)s") % {"number": page_number}
        return _("Page text")
    if code == "transcript":
        return _("Transcript %(time)s") % {"time": timecode}
    if code == "index_title":
        return _("Interview index %(time)s") % {"time": timecode}
    labels = {
        "title": _("Title"),
        "description": _("Description"),
        "subjects": _("Subjects"),
        "creators": _("Creators"),
        "places": _("Places"),
        "scientists": _("Scientists"),
        "name": pgettext("person", "Name"),
        "other_names": _("Other names"),
        "biography": _("Biography"),
        "speaker": _("Speaker"),
        "index_synopsis": _("Index synopsis"),
        "index_keywords": _("Keywords"),
        "seal": _("Seal"),
    }
    return labels.get(code, code)


def _page_location(doc_id: str, page_number: int) -> list[tuple[str, object]]:
    """?file=F&page=P from a page document's id ("page:F:P"): the viewer counts pages within
    that file exactly, whatever other files (recordings, text files) the item holds."""
    parts = doc_id.split(":")
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return [("file", int(parts[1])), ("page", int(parts[2]))]
    return [("page", page_number)]


def _has_piece(text: str, pieces: list[str]) -> bool:
    if not text or not pieces:
        return False
    normalized = analysis.normalize(text)
    return any(piece in normalized for piece in pieces)
