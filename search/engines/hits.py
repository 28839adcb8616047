"""What both engines show for a matching document: one Hit, with its snippet and deep link,
built the same way from the stored document whichever engine found it."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from archive_collections.oral_history.timecodes import seconds_text

from .. import analysis
from ..contract import Hit
from ..highlight import matched_line_boxes, snippet

#: Kinds that head a result group (the record itself, not a page or segment inside it).
HEAD_KINDS = ("item", "scientist", "exhibit")


def make_hit(data: dict[str, Any], pieces: list[str], score: float) -> Hit:
    """A Hit from a stored document: snippet from the most telling field, deep-link URL."""
    kind = data.get("kind", "")
    url = data.get("url", "")
    text = data.get("body") or ""
    if kind in HEAD_KINDS and not _has_piece(text, pieces):
        for name in ("title", "names", "subjects", "creators", "places", "body"):
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
    if kind == "page" and page_number:
        hit.line_boxes = matched_line_boxes(data.get("lines") or [], pieces)
        # The page viewer outlines the matched lines (fractions of the page: `hlr`).
        query = _page_location(hit.doc_id, page_number) + [
            ("hlr", ",".join(f"{v:.4f}" for v in box)) for box in hit.line_boxes[:10]
        ]
        hit.url = f"{url}?{urlencode(query)}"
    elif kind in ("segment", "index") and start_ms is not None:
        # The segment's own start, so the player lands on this line, not the one before it.
        hit.url = f"{url}?{urlencode({'t': seconds_text(int(start_ms))})}"
    return hit


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
