"""Golden shapes: every key a resource carries and the JSON type of its value. A key added,
dropped or retyped fails the test until this file (and docs/API.md) says so."""

from __future__ import annotations

from typing import Any

NULL = type(None)
STR, INT, FLOAT, BOOL, LIST, DICT = str, int, float, bool, list, dict

NAME_VARIANT = {"name": STR, "kind": STR, "note": STR}
SCIENTIST = {
    "id": STR,
    "name": STR,
    "name_pinyin": STR,
    "name_variants": [NAME_VARIANT],
    "gender": STR,
    "birth_year": (INT, NULL),
    "death_year": (INT, NULL),
    "life_dates": STR,
    "disciplines": [STR],
    "summary": STR,
    "url": STR,
    "api_url": STR,
}
SCIENTIST_DETAIL = {**SCIENTIST, "birth_place": STR, "death_place": STR, "fonds": [STR]}
FONDS = {
    "id": STR,
    "title": STR,
    "scientist": STR,
    "date_text": STR,
    "extent": STR,
    "scope_content": STR,
    "collecting_institution": STR,
    "url": STR,
    "api_url": STR,
}
SERIES = {
    "id": STR,
    "title": STR,
    "fonds": STR,
    "parent": (STR, NULL),
    "level": STR,
    "position": INT,
    "date_text": STR,
    "scope_content": STR,
    "url": STR,
    "api_url": STR,
}
ITEM = {
    "id": STR,
    "title": STR,
    "type": STR,
    "level": STR,
    "series": STR,
    "fonds": STR,
    "scientists": [STR],
    "date_text": STR,
    "date_start": (STR, NULL),
    "date_end": (STR, NULL),
    "language": STR,
    "access_level": STR,
    "updated_at": STR,
    "thumbnail": (STR, NULL),
    "url": STR,
    "api_url": STR,
}
FILE = {
    "id": INT,
    "sequence": INT,
    "label": STR,
    "kind": STR,
    "mime_type": STR,
    "size": INT,
    "page_count": (INT, NULL),
    "status": STR,
    "thumbnail": (STR, NULL),
    "master_url": (STR, NULL),
    "iiif_info": [STR],
}
ITEM_DETAIL = {
    **ITEM,
    "creators": STR,
    "description": STR,
    "subjects": [STR],
    "places": STR,
    "extent": STR,
    "provenance": STR,
    "rights_statement": STR,
    "files": [FILE],
    "iiif_manifest": (STR, NULL),
    "interview": (STR, NULL),
}
INTERVIEW = {
    "id": STR,
    "title": STR,
    "interviewee": STR,
    "interviewers": STR,
    "interview_date": (STR, NULL),
    "place": STR,
    "language": STR,
    "dialect": STR,
    "duration_ms": (INT, NULL),
    "url": STR,
    "api_url": STR,
}
INTERVIEW_DETAIL = {
    **INTERVIEW,
    "transcript": [{"start_ms": INT, "end_ms": INT, "speaker": STR, "text": STR}],
    "index": [
        {
            "start_ms": INT,
            "title": STR,
            "synopsis": STR,
            "keywords": [STR],
            "partial_transcript": STR,
        }
    ],
}
CARD = {"id": INT, "title": STR, "url": STR, "intro": STR, "image": (STR, NULL)}
EXHIBITION = {
    **CARD,
    "subtitle": STR,
    "opening_date": (STR, NULL),
    "closing_date": (STR, NULL),
    "api_url": STR,
}
EXHIBITION_DETAIL = {**EXHIBITION, "chapters": [CARD], "stories": [CARD]}
HIT = {
    "doc_id": STR,
    "kind": STR,
    "url": STR,
    "snippet": STR,
    "title": STR,
    "score": (FLOAT, INT),
    "page_number": (INT, NULL),
    "start_ms": (INT, NULL),
    "line_boxes": LIST,
    "timecode": STR,
}
SEARCH = {
    "query": {
        "q": STR,
        "filters": DICT,
        "year_from": (INT, NULL),
        "year_to": (INT, NULL),
        "sort": STR,
        "page": INT,
        "per_page": INT,
    },
    "total": INT,
    "pages": INT,
    "groups": [
        {
            "key": STR,
            "kind": STR,
            "title": STR,
            "url": STR,
            "score": (FLOAT, INT),
            "identifier": STR,
            "item_type": STR,
            "date_text": STR,
            "hits": [HIT],
            "hit_count": INT,
        }
    ],
    "facets": DICT,
    "suggestions": [STR],
    "notice": STR,
    "messages": [STR],
    "engine": STR,
}


def page_of(shape: dict[str, Any]) -> dict[str, Any]:
    return {"limit": INT, "next_cursor": (STR, NULL), "results": [shape]}


def mismatches(value: Any, shape: Any, where: str = "$") -> list[str]:
    """Where `value` departs from `shape`: a dict of keys (exactly those keys), a one-element
    list (every element has that shape; empty lists are checked elsewhere), or a type/tuple."""
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not an object"]
        found = (
            [f"{where}: keys differ: {sorted(set(value) ^ set(shape))}"]
            if set(value) != set(shape)
            else []
        )
        for key in set(value) & set(shape):
            found += mismatches(value[key], shape[key], f"{where}.{key}")
        return found
    if isinstance(shape, list):
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        return [m for i, v in enumerate(value) for m in mismatches(v, shape[0], f"{where}[{i}]")]
    wanted = shape if isinstance(shape, tuple) else (shape,)
    if isinstance(value, bool) and BOOL not in wanted:
        return [f"{where}: a boolean"]
    return [] if isinstance(value, wanted) else [f"{where}: {type(value).__name__}"]
