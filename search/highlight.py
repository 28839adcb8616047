"""Snippets and OCR line boxes, computed from the ORIGINAL text so both engines mark the same
characters: the query's phrases are found in the normalised text (search.analysis) and mapped
back through the normalisation offsets, then the original is HTML-escaped around <mark>."""

from __future__ import annotations

from django.utils.html import escape

from . import analysis
from .query import ParsedQuery

__all__ = ["highlight_pieces", "matched_cells", "matched_line_boxes", "snippet"]

SNIPPET_CHARS = 120


def highlight_pieces(parsed: ParsedQuery, fields: set[str] | None = None) -> list[str]:
    """Normalised strings to mark: each positive phrase split into its CJK runs and words.
    Terms restricted to a field outside `fields` are skipped."""
    pieces: set[str] = set()
    for term in parsed.positive_terms():
        if term.field in ("type", "identifier"):
            continue
        if fields is not None and term.field is not None and term.field not in fields:
            continue
        for phrase in term.phrases:
            for _kind, piece in analysis.split_runs(" ".join(_restore(phrase))):
                pieces.add(piece)
    return sorted(pieces, key=len, reverse=True)


def _restore(phrase) -> list[str]:
    """Token phrase → the words/runs it spells (钱学 学 学森 → 钱学森)."""
    out: list[str] = []
    previous_cjk = False
    for token in phrase:
        is_cjk = analysis.cjk_char(token[0])
        if is_cjk and previous_cjk and out:
            last = out[-1]
            if len(token) == 2 and last.endswith(token[0]):
                out[-1] = last + token[1]
            elif len(token) == 1 and last.endswith(token):
                pass
            else:
                out[-1] = last + token
        else:
            out.append(token)
        previous_cjk = is_cjk
    return out


def _spans(normalized: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of pieces in the normalised text."""
    taken = [False] * len(normalized)
    spans: list[tuple[int, int]] = []
    for piece in pieces:
        latin = not analysis.cjk_char(piece[0])
        start = normalized.find(piece)
        while start != -1:
            end = start + len(piece)
            boundary_ok = not latin or (
                (start == 0 or not normalized[start - 1].isalnum())
                and (
                    end == len(normalized)
                    or not normalized[end].isalnum()
                    or analysis.cjk_char(normalized[end])
                )
            )
            if boundary_ok and not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = normalized.find(piece, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        # Adjacent marks (火箭|推进 from a segmented query) read as one.
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _original_spans(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    normalized, offsets = analysis.normalize_with_offsets(text)
    return [(offsets[s], offsets[e - 1] + 1) for s, e in _spans(normalized, pieces)]


def snippet(text: str, pieces: list[str], max_chars: int = SNIPPET_CHARS) -> str:
    """HTML: a window of `text` around the first match, escaped, matches in <mark>. Without a
    match, the opening of the text."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    spans = _original_spans(text, pieces) if pieces else []
    if spans:
        first = spans[0][0]
        start = max(0, min(first - max_chars // 4, len(text) - max_chars))
    else:
        start = 0
    end = min(len(text), start + max_chars)
    out: list[str] = ["…" if start > 0 else ""]
    cursor = start
    for s, e in spans:
        if s < start or e > end:
            continue
        out.append(escape(text[cursor:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        cursor = e
    out.append(escape(text[cursor:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def matched_line_boxes(lines: list[dict], pieces: list[str]) -> list[list[float]]:
    """Boxes [x, y, w, h] of the OCR lines containing a match (for the page viewer). A phrase
    broken across two lines marks neither line alone; the snippet still shows it."""
    boxes: list[list[float]] = []
    if not pieces:
        return boxes
    for line in lines or []:
        bbox = line.get("bbox") if isinstance(line, dict) else None
        if not bbox or len(bbox) != 4:
            continue
        if _original_spans(str(line.get("text", "")), pieces):
            boxes.append([float(v) for v in bbox])
    return boxes


def matched_cells(lines: list[dict], pieces: list[str]) -> list[list[int]]:
    """[row, column] (from 0) of each table cell whose OCR line holds a match, once each, in
    the page's reading order."""
    cells: list[list[int]] = []
    if not pieces:
        return cells
    for line in lines or []:
        cell = line.get("cell") if isinstance(line, dict) else None
        if cell and cell not in cells and _original_spans(str(line.get("text", "")), pieces):
            cells.append(cell)
    return cells
