"""`{% iiif_viewer files %}`: the deep-zoom viewer for an Item's image and PDF pages.

Query parameters of the item page it understands (search results link with them):

- ``page=N`` — open the N-th page of the Item (1-based, in the order of the IIIF manifest's
  image canvases: image pages and PDF pages, file by file); with ``file=<ItemFile id>``, N
  counts the pages of that file only.
- ``hl=x,y,w,h`` — outline a rectangle, in pixels of the page image (the upright master, or a
  PDF page rendered at 200 dpi: the pixels OCR and text-layer line boxes are stored in); repeat
  the parameter or separate rectangles with ";".
- ``hlr=x,y,w,h`` — the same with fractions of the page's width and height (0–1), which is how
  search results link: they need not know the page's size.

Pages read by OCR with layout analysis carry their blocks (headings, text columns, tables and
their cells; PageText.blocks) scaled to the page's pixels: the viewer's "Show layout" button
outlines them.

Beside the image: a strip of thumbnails of every page (each a static IIIF size, so no render;
only the pages near the current one carry their image in the HTML, the others are loaded by
viewer.js as the strip scrolls to them, so a 500-page PDF does not fetch 500 images), a go-to-page
box (a page past the last one is named in a message, never silently replaced), the current page
as a JPEG and a range of pages as a PDF (media_pipeline/page_downloads.py).

Without JavaScript the page's largest IIIF size is shown as a plain image, with the same
outlines; with it, OpenSeadragon (served from our static files, never a CDN) replaces it.
"""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from ..iiif.urls import image_identifier, tiled_pages
from ..models import PageText
from ..page_downloads import max_range_pages

register = template.Library()

_RECT = re.compile(
    r"^\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,\s*(\d+(?:\.\d+)?)\s*,"
    r"\s*(\d+(?:\.\d+)?)\s*$"
)
MAX_HIGHLIGHTS = 50
# Thumbnails in the strip: the smallest static size at least this long, so none is rendered.
THUMB_SIDE = 150
# Pages either side of the current one whose thumbnails are in the HTML; viewer.js loads the
# others when they scroll into the strip.
THUMBS_NEAR = 8


@register.inclusion_tag("media_pipeline/_viewer.html", takes_context=True)
def iiif_viewer(context, files):
    request = context["request"]
    pages = image_pages(files)
    if not pages:
        return {"pages": []}
    current, page_error = _current_index(request.GET, pages)
    page = pages[current]
    boxes = highlights(request.GET, page["width"], page["height"])
    item = context.get("item")
    layouts = page_layouts(files, pages)
    return {
        "manifest_url": reverse("iiif:manifest", kwargs={"identifier": item.identifier})
        if item is not None
        else None,
        "pages": pages,
        "current": page,
        "current_index": current,
        "page_error": page_error,
        "strip": strip(pages, current),
        "pdf_url": reverse("media_pipeline:pages_pdf", kwargs={"identifier": item.identifier})
        if item is not None
        else None,
        "pdf_cap": max_range_pages(),
        "highlights": boxes,
        # The page's Content-Security-Policy nonce (django-csp), for the viewer's one <style>.
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "viewer_data": {
            "highlights": [{key: box[key] for key in "xywh"} for box in boxes],
            "pages": [
                {
                    "info": p["info"],
                    "label": p["label"],
                    "width": p["width"],
                    "height": p["height"],
                    "blocks": layouts.get((p["file_id"], p["number"]), []),
                    "download": p["download"],
                }
                for p in pages
            ],
            "start": current,
            "messages": {
                "out_of_range": _("There is no page {number}: this document has {total} pages."),
                "not_a_number": _("Type a page number from 1 to {total}."),
                "range_order": _("The first page must not come after the last page."),
            },
            "layout_labels": {
                "text": _("Text block"),
                "heading": _("Heading"),
                "table": _("Table"),
                "seal": _("Seal"),
                "cell": _("Table cell"),
            },
        },
        "has_layout": bool(layouts),
    }


def page_layouts(files, pages: list[dict]) -> dict[tuple[int, int], list[dict]]:
    """(file id, page number) -> the page's OCR blocks as {kind, box, cells: [box]}, with boxes
    in the pixels of the tiled page (the OCR read the same page, maybe at another size)."""
    sizes = {(p["file_id"], p["number"]): (p["width"], p["height"]) for p in pages}
    rows = PageText.objects.filter(item_file__in=list({p["file_id"] for p in pages})).values_list(
        "item_file_id", "page_number", "width", "height", "blocks"
    )
    layouts = {}
    for file_id, number, width, height, blocks in rows:
        if not blocks or (file_id, number) not in sizes or not width or not height:
            continue
        page_width, page_height = sizes[file_id, number]
        sx, sy = page_width / width, page_height / height

        def scale(box, sx=sx, sy=sy):
            return [
                round(box[0] * sx, 1),
                round(box[1] * sy, 1),
                round(box[2] * sx, 1),
                round(box[3] * sy, 1),
            ]

        layouts[file_id, number] = [
            {
                "kind": block.get("kind", "text"),
                "box": scale(block["box"]),
                "cells": [scale(cell["box"]) for cell in block.get("cells", [])],
            }
            for block in blocks
            if block.get("box")
        ]
    return layouts


def image_pages(files) -> list[dict]:
    """Every tiled page of the Item's image and PDF files, in manifest order."""
    pages = []
    for item_file in files:
        if not (item_file.is_image or item_file.is_pdf):
            continue
        tiled = tiled_pages(item_file)
        for page in tiled:
            identifier = image_identifier(item_file.pk, page["number"])
            width, height = page["sizes"][-1]
            label = item_file.label or item_file.original_filename
            thumb_width, thumb_height = _thumb_size(page["sizes"])
            pages.append(
                {
                    "file_id": item_file.pk,
                    "number": page["number"],
                    "label": f"{label} · {page['number']}" if len(tiled) > 1 else label,
                    "width": page["width"],
                    "height": page["height"],
                    "info": reverse("iiif:info", kwargs={"identifier": identifier}),
                    "fallback": _size_url(identifier, width, height),
                    "fallback_width": width,
                    "fallback_height": height,
                    "thumb": _size_url(identifier, thumb_width, thumb_height),
                    "thumb_width": thumb_width,
                    "thumb_height": thumb_height,
                    "download": reverse(
                        "media_pipeline:page_image",
                        kwargs={"pk": item_file.pk, "number": page["number"]},
                    ),
                }
            )
    return pages


def _size_url(identifier: str, width: int, height: int) -> str:
    return reverse(
        "iiif:image-request",
        kwargs={
            "identifier": identifier,
            "region": "full",
            "size": f"{width},{height}",
            "rotation": "0",
            "quality": "default",
            "fmt": "jpg",
        },
    )


def _thumb_size(sizes: list[list[int]]) -> tuple[int, int]:
    """The smallest static size whose longer side reaches THUMB_SIDE (else the largest)."""
    for width, height in sorted(sizes, key=lambda size: max(size)):
        if max(width, height) >= THUMB_SIDE:
            return width, height
    width, height = max(sizes, key=lambda size: max(size))
    return width, height


def strip(pages: list[dict], current: int) -> list[dict]:
    """The thumbnail strip: each page's link, with its image in the HTML only near `current`."""
    return [
        {
            "number": index + 1,
            "label": page["label"],
            "thumb": page["thumb"],
            "width": page["thumb_width"],
            "height": page["thumb_height"],
            "eager": abs(index - current) <= THUMBS_NEAR,
        }
        for index, page in enumerate(pages)
    ]


def _current_index(params, pages: list[dict]) -> tuple[int, str]:
    """The page to open and, when the page asked for does not exist, a message naming it."""
    asked = params.get("page")
    number = _positive_int(asked) or 1
    file_id = _positive_int(params.get("file"))
    candidates = list(range(len(pages)))
    if file_id:
        candidates = [i for i in candidates if pages[i]["file_id"] == file_id] or candidates
    error = ""
    if asked is not None and (not _positive_int(asked) or number > len(candidates)):
        error = _("There is no page %(page)s: this document has %(total)s pages.") % {
            "page": asked[:20],
            "total": len(candidates),
        }
        number = 1
    return candidates[number - 1], error


def _positive_int(value) -> int | None:
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def highlights(params, width: int, height: int) -> list[dict]:
    """Valid rectangles inside the page, as pixels and as percentages for the plain image."""
    found: list[dict] = []
    rects = [(value, 1, 1) for value in params.getlist("hl")]
    rects += [(value, width, height) for value in params.getlist("hlr")]
    for value, x_scale, y_scale in rects:
        for part in value.split(";"):
            match = _RECT.match(part)
            if not match or len(found) >= MAX_HIGHLIGHTS:
                continue
            x, y, w, h = (float(v) for v in match.groups())
            x, y, w, h = x * x_scale, y * y_scale, w * x_scale, h * y_scale
            if w <= 0 or h <= 0 or x >= width or y >= height:
                continue
            w, h = min(w, width - x), min(h, height - y)
            found.append(
                {
                    "x": x,
                    "y": y,
                    "w": w,
                    "h": h,
                    "left": round(100 * x / width, 3),
                    "top": round(100 * y / height, 3),
                    "width": round(100 * w / width, 3),
                    "height": round(100 * h / height, 3),
                }
            )
    return found
