"""The interview index as IIIF Presentation 3 structures, for the Item's manifest.

`interview_iiif_structures(interview, canvas_id)` returns
`{"structures": [Range…], "annotations": [AnnotationPage]}`: one top-level Range (the table of
contents) with a Range per index segment pointing at its stretch of the canvas (`#t=start,end`),
and one AnnotationPage of `describing` annotations carrying each segment's title, synopsis,
keywords and partial transcript. The manifest builder merges both into the canvas/manifest it
writes.
"""

from __future__ import annotations

from .timecodes import seconds_text
from .validation import media_duration_ms

LANGUAGE = "zh-Hans"


def _label(text: str) -> dict:
    return {LANGUAGE: [text]}


def _body(point) -> str:
    parts = [point.title]
    if point.synopsis:
        parts.append(point.synopsis)
    if point.keywords:
        parts.append("关键词：" + point.keywords)
    if point.partial_transcript:
        parts.append("“" + point.partial_transcript + "”")
    return "\n".join(parts)


def interview_iiif_structures(interview, canvas_id: str, points=None) -> dict:
    points = list(
        points
        if points is not None
        else interview.index_segments.order_by("start_ms", "sort_order")
    )
    duration = media_duration_ms(interview)
    ranges, annotations = [], []
    for n, point in enumerate(points, start=1):
        end = points[n].start_ms if n < len(points) else duration
        fragment = f"t={seconds_text(point.start_ms)}"
        if end is not None and end > point.start_ms:
            fragment += f",{seconds_text(end)}"
        target = f"{canvas_id}#{fragment}"
        ranges.append(
            {
                "id": f"{canvas_id}/range/index/{n}",
                "type": "Range",
                "label": _label(point.title),
                "items": [{"id": target, "type": "Canvas"}],
            }
        )
        annotations.append(
            {
                "id": f"{canvas_id}/annotation/index/{n}",
                "type": "Annotation",
                "motivation": "describing",
                "body": {
                    "type": "TextualBody",
                    "value": _body(point),
                    "format": "text/plain",
                    "language": LANGUAGE,
                },
                "target": target,
            }
        )
    structures = []
    if ranges:
        structures.append(
            {
                "id": f"{canvas_id}/range/index",
                "type": "Range",
                "label": _label("访谈索引"),
                "items": ranges,
            }
        )
    pages = []
    if annotations:
        pages.append(
            {"id": f"{canvas_id}/annotations/index", "type": "AnnotationPage", "items": annotations}
        )
    return {"structures": structures, "annotations": pages}
