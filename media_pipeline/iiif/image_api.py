"""IIIF Image API 3 request URLs mapped onto the stored level-0 files.

A level-0 service only has the tiles and sizes its info.json lists, but clients spell the same
image several ways ("full" or "0,0,W,H", "max" or "W,H", "w," …). Each request is resolved to
pixels — region (x, y, w, h) and output size (w, h) — which is how tiles.py names the files.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_INT = r"\d+"
_FLOAT = r"\d+(?:\.\d+)?"
_REGION_PX = re.compile(rf"^({_INT}),({_INT}),({_INT}),({_INT})$")
_REGION_PCT = re.compile(rf"^pct:({_FLOAT}),({_FLOAT}),({_FLOAT}),({_FLOAT})$")
_SIZE = re.compile(rf"^(\^)?(!)?(?:({_INT})?,({_INT})?|pct:({_FLOAT}))$")


class BadRequest(ValueError):
    """The URL is not a valid Image API request (HTTP 400)."""


class NotAvailable(LookupError):
    """A valid request for something a level-0 service does not have (HTTP 404)."""


@dataclass(frozen=True)
class ImageRequest:
    region: tuple[int, int, int, int]
    size: tuple[int, int]


def resolve(
    region: str, size: str, rotation: str, quality: str, fmt: str, width: int, height: int
) -> ImageRequest:
    box = parse_region(region, width, height)
    out = parse_size(size, box[2], box[3])
    if not re.fullmatch(r"!?\d+(?:\.\d+)?", rotation):
        raise BadRequest(f"Invalid rotation {rotation!r}.")
    if quality not in {"default", "color", "gray", "bitonal"}:
        raise BadRequest(f"Invalid quality {quality!r}.")
    if float(rotation.lstrip("!")) % 360 or rotation.startswith("!") or quality != "default":
        raise NotAvailable("Only unrotated images of the default quality are available.")
    if fmt != "jpg":
        raise NotAvailable("Only JPEG images are available.")
    return ImageRequest(box, out)


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if match := _REGION_PX.match(region):
        x, y, w, h = (int(v) for v in match.groups())
    elif match := _REGION_PCT.match(region):
        px, py, pw, ph = (float(v) for v in match.groups())
        x, y = round(px * width / 100), round(py * height / 100)
        w, h = round(pw * width / 100), round(ph * height / 100)
    else:
        raise BadRequest(f"Invalid region {region!r}.")
    if w == 0 or h == 0 or x >= width or y >= height:
        raise BadRequest(f"The region {region!r} is empty or outside the image.")
    # The Image API crops a region reaching past the edges to the image.
    return x, y, min(w, width - x), min(h, height - y)


def parse_size(size: str, region_w: int, region_h: int) -> tuple[int, int]:
    if size in {"max", "^max"}:
        return region_w, region_h
    match = _SIZE.match(size)
    if not match:
        raise BadRequest(f"Invalid size {size!r}.")
    upscale, confined, w_text, h_text, pct = match.groups()
    if pct is not None:
        scale = float(pct) / 100
        out = (max(1, round(region_w * scale)), max(1, round(region_h * scale)))
    elif w_text is None and h_text is None:
        raise BadRequest(f"Invalid size {size!r}.")
    elif confined:
        if w_text is None or h_text is None:
            raise BadRequest(f"Invalid size {size!r}: !w,h needs both.")
        scale = min(int(w_text) / region_w, int(h_text) / region_h)
        out = (max(1, math.floor(region_w * scale)), max(1, math.floor(region_h * scale)))
    elif h_text is None:
        w = int(w_text)
        out = (w, max(1, round(region_h * w / region_w)))
    elif w_text is None:
        h = int(h_text)
        out = (max(1, round(region_w * h / region_h)), h)
    else:
        out = (int(w_text), int(h_text))
    if 0 in out:
        raise BadRequest(f"Invalid size {size!r}: zero pixels.")
    if not upscale and (out[0] > region_w or out[1] > region_h):
        raise BadRequest(f"The size {size!r} is larger than the region; use ^ to upscale.")
    return out


def snap_to_level(wanted: ImageRequest, factors: list[int]) -> ImageRequest:
    """Rounding differs between size forms ("w,", "!w,h", "pct:"): within a pixel of a pyramid
    level's size (ceil(region/scale), the name the files are stored under) means that level."""
    _, _, region_w, region_h = wanted.region
    for factor in factors:
        level = (math.ceil(region_w / factor), math.ceil(region_h / factor))
        if all(abs(a - b) <= 1 for a, b in zip(level, wanted.size, strict=True)):
            return ImageRequest(wanted.region, level)
    return wanted
