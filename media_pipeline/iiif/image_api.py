"""IIIF Image API 3 request URLs resolved to pixels, with the canonical form of each request.

Clients spell the same image several ways ("full" or "0,0,W,H", "max" or "W,H", "w,", "pct:" …).
Each request is resolved to pixels — region (x, y, w, h) and output size (w, h) — which is how
tiles.py names the static files and render.py names its cached renderings, so every spelling of
one image is one stored file.

Supported (info.json "extraFeatures" lists them, see views.EXTRA_FEATURES): regions `full`,
`square`, `x,y,w,h`, `pct:x,y,w,h`; sizes `max`, `w,`, `,h`, `w,h`, `!w,h`, `pct:n`, each up to
the server's limits (maxWidth = maxHeight, maxArea); rotation `0`; quality `default`; format
`jpg`. Sizes prefixed with `^` are served when they need no upscaling; upscaling itself is not
implemented (501, as the specification asks). Everything else is a 400 naming the parameter.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from django.conf import settings

_INT = r"\d+"
_FLOAT = r"\d+(?:\.\d+)?"
# Matched with fullmatch and re.ASCII: "$" alone lets a trailing newline through (%0A in a URL)
# and "\d" alone takes any script's digits (１, ٣), spellings that are not the API's.
_REGION_PX = re.compile(rf"({_INT}),({_INT}),({_INT}),({_INT})", re.ASCII)
_REGION_PCT = re.compile(rf"pct:({_FLOAT}),({_FLOAT}),({_FLOAT}),({_FLOAT})", re.ASCII)
_SIZE = re.compile(rf"(\^)?(?:(max)|(!)?({_INT})?,({_INT})?|pct:({_FLOAT}))", re.ASCII)
_ROTATION = re.compile(rf"(!)?({_FLOAT})", re.ASCII)
QUALITIES = {"default", "color", "gray", "bitonal"}
# Image API 3 §4.5 format names; only jpg is made here.
FORMATS = {"jpg", "tif", "png", "gif", "jp2", "pdf", "webp"}
# Longer parameters are not requests anyone makes; refusing them keeps float parsing finite.
MAX_PARAMETER_CHARS = 64
# Defaults of the limits (settings MEDIA_IIIF_MAX_WIDTH / MEDIA_IIIF_MAX_AREA); the static sizes
# and tiles must stay within them (Image API 3 §5.2), hence the floor.
DEFAULT_MAX_WIDTH = 4000
DEFAULT_MAX_AREA = 12_000_000
MIN_LIMIT_SIDE = 1024


class BadRequest(ValueError):
    """The URL is not a request this service can answer (HTTP 400); the message says why."""


class UpscalingNotSupported(ValueError):
    """A `^` size that would enlarge the region (HTTP 501, Image API 3 §4.2)."""


@dataclass(frozen=True)
class Limits:
    """The largest output: maxWidth (which is also maxHeight) and maxArea in info.json."""

    max_width: int
    max_area: int

    def fits(self, width: int, height: int) -> bool:
        return max(width, height) <= self.max_width and width * height <= self.max_area


def limits() -> Limits:
    width = int(getattr(settings, "MEDIA_IIIF_MAX_WIDTH", DEFAULT_MAX_WIDTH))
    area = int(getattr(settings, "MEDIA_IIIF_MAX_AREA", DEFAULT_MAX_AREA))
    return Limits(max(width, MIN_LIMIT_SIDE), max(area, MIN_LIMIT_SIDE * MIN_LIMIT_SIDE))


@dataclass(frozen=True)
class ImageRequest:
    region: tuple[int, int, int, int]
    size: tuple[int, int]
    # How far snap_to_level may move the size by rounding: "both" (max, pct:n), "height" (w,),
    # "width" (,h), "confined" (!w,h: not beyond `bound`) or "none" (w,h is exact).
    flexible: str = "none"
    bound: tuple[int, int] | None = None


def resolve(
    region: str,
    size: str,
    rotation: str,
    quality: str,
    fmt: str,
    width: int,
    height: int,
    limit: Limits | None = None,
) -> ImageRequest:
    """Parameters in the order the specification applies them; the first bad one is reported."""
    limit = limit or limits()
    for name, value in (
        ("region", region),
        ("size", size),
        ("rotation", rotation),
        ("quality", quality),
        ("format", fmt),
    ):
        if len(value) > MAX_PARAMETER_CHARS:
            raise BadRequest(
                f"The {name} parameter is longer than {MAX_PARAMETER_CHARS} characters."
            )
    box = parse_region(region, width, height)
    wanted = parse_size(size, box[2], box[3], limit)
    parse_rotation(rotation)
    if quality not in QUALITIES:
        raise BadRequest(f"Invalid quality {quality!r}: use default, color, gray or bitonal.")
    if quality != "default":
        raise BadRequest(f"The quality {quality!r} is not supported here; use default.")
    if fmt not in FORMATS:
        raise BadRequest(f"Invalid format {fmt!r}.")
    if fmt != "jpg":
        raise BadRequest(f"The format {fmt!r} is not supported here; use jpg.")
    return ImageRequest(box, *wanted)


def parse_region(region: str, width: int, height: int) -> tuple[int, int, int, int]:
    if region == "full":
        return 0, 0, width, height
    if region == "square":
        side = min(width, height)
        return (width - side) // 2, (height - side) // 2, side, side
    if match := _REGION_PX.fullmatch(region):
        x, y, w, h = (int(v) for v in match.groups())
    elif match := _REGION_PCT.fullmatch(region):
        px, py, pw, ph = (float(v) for v in match.groups())
        x, y, w, h = percent_box(px, py, pw, ph, width, height)
    else:
        raise BadRequest(
            f"Invalid region {region!r}: use full, square, x,y,w,h (pixels) or pct:x,y,w,h."
        )
    if w == 0 or h == 0:
        raise BadRequest(f"The region {region!r} has no width or no height.")
    if x >= width or y >= height:
        raise BadRequest(f"The region {region!r} lies outside the {width}×{height} image.")
    # The Image API crops a region reaching past the edges to the image.
    return x, y, min(w, width - x), min(h, height - y)


def percent_box(
    px: float, py: float, pw: float, ph: float, width: int, height: int
) -> tuple[int, int, int, int]:
    """`pct:x,y,w,h` in pixels of a width×height image (not yet cropped to it)."""
    x, y = round(px * width / 100), round(py * height / 100)
    return x, y, round(pw * width / 100), round(ph * height / 100)


def max_size(
    region_w: int, region_h: int, limit: Limits, *, upscale: bool = False
) -> tuple[int, int]:
    """`max`: the region itself, or scaled down (aspect kept) to fit maxWidth and maxArea;
    `^max` (upscale=True): scaled to the limits even when that enlarges the region."""
    scale = min(
        limit.max_width / region_w,
        limit.max_width / region_h,
        math.sqrt(limit.max_area / (region_w * region_h)),
    )
    if scale == 1 or (scale > 1 and not upscale):
        return region_w, region_h
    return max(1, math.floor(region_w * scale)), max(1, math.floor(region_h * scale))


def parse_size(
    size: str, region_w: int, region_h: int, limit: Limits | None = None
) -> tuple[tuple[int, int], str, tuple[int, int] | None]:
    """(output size, how snap_to_level may round it, the confining box of !w,h)."""
    limit = limit or limits()
    match = _SIZE.fullmatch(size)
    if not match:
        raise BadRequest(f"Invalid size {size!r}: use max, w,  ,h  w,h  !w,h or pct:n.")
    upscale, is_max, confined, w_text, h_text, pct = match.groups()
    bound = None
    if is_max:
        out, flexible = max_size(region_w, region_h, limit, upscale=bool(upscale)), "both"
    elif pct is not None:
        scale = float(pct) / 100
        out, flexible = (round(region_w * scale), round(region_h * scale)), "both"
    elif w_text is None and h_text is None:
        raise BadRequest(f"Invalid size {size!r}: give a width, a height or both.")
    elif confined:
        if w_text is None or h_text is None:
            raise BadRequest(f"Invalid size {size!r}: !w,h needs both a width and a height.")
        bound = (int(w_text), int(h_text))
        out, flexible = _confined(bound, region_w, region_h, upscale, limit), "confined"
    elif h_text is None:
        w = int(w_text)
        out, flexible = (w, round(region_h * w / region_w)), "height"
    elif w_text is None:
        h = int(h_text)
        out, flexible = (round(region_w * h / region_h), h), "width"
    else:
        out, flexible = (int(w_text), int(h_text)), "none"
    if 0 in out:
        raise BadRequest(f"The size {size!r} gives an image less than one pixel wide or high.")
    if out[0] > region_w or out[1] > region_h:
        if upscale:
            raise UpscalingNotSupported(
                f"The size {size!r} would enlarge the {region_w}×{region_h} region; "
                "upscaling is not supported."
            )
        raise BadRequest(
            f"The size {size!r} is larger than the {region_w}×{region_h} region "
            "(sizes may not enlarge the region)."
        )
    if not limit.fits(*out):
        raise BadRequest(
            f"The size {size!r} gives {out[0]}×{out[1]} pixels, above this service's limits "
            f"(maxWidth {limit.max_width}, maxArea {limit.max_area}); ask for a smaller size."
        )
    return out, flexible, bound


def _confined(bound, region_w: int, region_h: int, upscale, limit: Limits) -> tuple[int, int]:
    """`!w,h`: as large as possible within w×h, the region (unless ^) and the server's limits."""
    w, h = bound
    if w == 0 or h == 0:
        return 0, 0
    # Integer arithmetic: the side that binds is exact, the other rounded down.
    if w * region_h <= h * region_w:
        out = (w, region_h * w // region_w)
    else:
        out = (region_w * h // region_h, h)
    if not upscale and (out[0] > region_w or out[1] > region_h):
        out = (region_w, region_h)
    largest = max_size(region_w, region_h, limit, upscale=bool(upscale))
    if out[0] > largest[0] or out[1] > largest[1]:
        out = largest
    return out


def parse_rotation(rotation: str) -> None:
    match = _ROTATION.fullmatch(rotation)
    if not match:
        raise BadRequest(f"Invalid rotation {rotation!r}: use a number of degrees, e.g. 0.")
    mirrored, degrees = match.groups()
    if float(degrees) > 360:
        raise BadRequest(f"The rotation {rotation!r} is out of range (0–360).")
    if mirrored or float(degrees) != 0:
        raise BadRequest(f"The rotation {rotation!r} is not supported here; use 0.")


def snap_to_level(wanted: ImageRequest, factors: list[int]) -> ImageRequest:
    """Rounding differs between size forms ("w,", "!w,h", "pct:"): within a pixel of a pyramid
    level's size (ceil(region/scale), the name the static files are stored under) means that
    level, where the form leaves that pixel to the server's rounding."""
    _, _, region_w, region_h = wanted.region
    if wanted.flexible == "none":
        return wanted
    for factor in factors:
        level = (math.ceil(region_w / factor), math.ceil(region_h / factor))
        if level == wanted.size or not all(
            abs(a - b) <= 1 for a, b in zip(level, wanted.size, strict=True)
        ):
            continue
        if (
            (wanted.flexible == "height" and level[0] != wanted.size[0])
            or (wanted.flexible == "width" and level[1] != wanted.size[1])
            or (
                wanted.flexible == "confined"
                and wanted.bound is not None
                and (level[0] > wanted.bound[0] or level[1] > wanted.bound[1])
            )
        ):
            continue
        return ImageRequest(wanted.region, level, wanted.flexible, wanted.bound)
    return wanted


def canonical_path(wanted: ImageRequest, width: int, height: int, limit: Limits) -> str:
    """`{region}/{size}/0/default.jpg` in the canonical form of Image API 3 §4.8."""
    x, y, w, h = wanted.region
    region = "full" if wanted.region == (0, 0, width, height) else f"{x},{y},{w},{h}"
    size = "max" if wanted.size == max_size(w, h, limit) else f"{wanted.size[0]},{wanted.size[1]}"
    return f"{region}/{size}/0/default.jpg"
