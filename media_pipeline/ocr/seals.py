"""The text of a page's seals, read from the seal's own ink.

clean.py sets stamp ink apart from writing and keeps each seal's box; this module reads what
the seal says, so a search can find a letter by the institution that sealed it. The seal is
read from its colour alone (red ink over paper, or blue for a ringed blue seal), never from
the grey page: there the seal has been turned to paper, and the writing beneath it would
break into its characters.

- A round (or oval) official seal has its name arched along the ring, the tops of the
  characters outward, read clockwise from the lower left. The ring is unwrapped into a
  straight strip (a polar transform about the seal's centre) that begins in the gap where the
  name does not run (usually under the star), and the strip is read as one line by the
  product's own recogniser.
- A square or oblong seal (its frame inked through the box's corners) is read upright: its
  inside is detected and read like a small page, rows top to bottom, or columns right to left
  when its lines stand upright.

What is read is kept only when the recogniser is sure and it holds at least two characters
that are writing: a faint, smudged or half-pressed seal gives a seal region without text,
never a guess.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from PIL import Image

from .engine import get_engine

# A reading is kept only at least this sure and with at least this many characters of writing.
# Measured on the bench's sealed letters and the demo's: right readings at 0.995 and above;
# wrong ones (a character dropped or mistaken where writing or a JPEG's halved colour
# resolution cut into it) at 0.95-0.965.
SEAL_CONFIDENCE = 0.98
MIN_CHARACTERS = 2
# Colour ink at least this strong (0-255 over paper) counts when the seal's extent is measured.
INK_LEVEL = 40
# Darker than this in every channel is writing (black or blue-black), whatever lies under it.
WRITING_VALUE = 110
# Where a round seal's name runs: from just inside the ring to this share of its radius (the
# star and any line across the middle lie further in).
BAND_INNER = 0.55
# A corner square this share of the box's side wide: a frame inks it, a ring leaves it bare.
CORNER = 0.12
CORNER_INK = 0.15
# The name's gap: the widest run of angles with less than this share of the band's densest ink.
GAP_INK = 0.08
MIN_GAP_DEGREES = 12
STRIP_SCALE = 2
ROUND = "round"
SQUARE = "square"


def seal_blocks(image: Image.Image, boxes: list[list[int]]) -> list[dict]:
    """A `seal` block for each box (x, y, w, h in `image`'s pixels): its shape, and its "text"
    and "confidence" when the seal's text was read surely."""
    if not boxes:
        return []
    rgb = np.asarray(image.convert("RGB")) if image.mode != "RGB" else np.asarray(image)
    return [_block(rgb, box) for box in boxes]


def _block(rgb: np.ndarray, box: list[int]) -> dict:
    block: dict = {"kind": "seal", "box": box, "lines": []}
    ink = _seal_ink(rgb, box)
    if ink is None:
        return block
    shape = SQUARE if _framed(ink) else ROUND
    block["shape"] = shape
    text, confidence = (_read_square if shape == SQUARE else _read_round)(ink)
    # A seal's name is words: a mark the recogniser took for punctuation is a speck of ink.
    text = "".join(char for char in text if char.isalnum())
    if _sure(text, confidence):
        block["text"], block["confidence"] = text, round(confidence, 4)
    return block


def _seal_ink(rgb: np.ndarray, box: list[int]) -> np.ndarray | None:
    """The seal's ink strength (float32, 0 on paper) cut to the seal's extent, or None.

    Red ink leaves the red channel high and takes the others down; blue ink the reverse; black
    writing under the seal takes all three down alike and so does not count."""
    x, y, w, h = box
    grow = 8 + max(w, h) // 20  # the box was found on a shrunk page: its rim may lie outside
    height, width = rgb.shape[:2]
    x0, y0 = max(x - grow, 0), max(y - grow, 0)
    x1, y1 = min(x + w + grow, width), min(y + h + grow, height)
    crop = rgb[y0:y1, x0:x1].astype(np.int16)
    if crop.size == 0:
        return None
    red, green, blue = crop[..., 0], crop[..., 1], crop[..., 2]
    reds = np.clip(red - np.maximum(green, blue), 0, 255)
    blues = np.clip(blue - np.maximum(red, green), 0, 255)
    colour = reds if reds.sum() >= blues.sum() else blues
    # Yellowed paper is a little red itself: its own level is no ink.
    level = np.clip(colour - np.median(colour), 0, 255).astype(np.uint8)
    # Where writing crosses the seal, its dark ink hides the seal's: filled in from the seal's
    # ink around it, so a signature's stroke does not cut a character of the name in two.
    writing = (crop.max(axis=2) < WRITING_VALUE).astype(np.uint8)
    if writing.any():
        writing = cv2.dilate(writing, np.ones((3, 3), np.uint8))
        level = np.asarray(cv2.inpaint(level, writing, 3, cv2.INPAINT_TELEA), dtype=np.uint8)
    ink = level.astype(np.float32)
    ys, xs = np.nonzero(ink > INK_LEVEL)
    if xs.size < 50:
        return None
    # The extent of the seal's ink: the outer 0.2 % on each side may be a stray mark.
    left, right = np.percentile(xs, [0.2, 99.8])
    top, bottom = np.percentile(ys, [0.2, 99.8])
    extent = ink[int(top) : int(bottom) + 1, int(left) : int(right) + 1]
    return extent if min(extent.shape) >= 16 else None


def _framed(ink: np.ndarray) -> bool:
    """Whether the seal is square or oblong: its four corners inked (a frame runs through
    them; a ring leaves them bare)."""
    height, width = ink.shape
    side = max(int(CORNER * min(height, width)), 2)
    inked = ink > INK_LEVEL
    corners = [
        inked[:side, :side],
        inked[:side, width - side :],
        inked[height - side :, :side],
        inked[height - side :, width - side :],
    ]
    return min(float(corner.mean()) for corner in corners) >= CORNER_INK


def _read_round(ink: np.ndarray) -> tuple[str, float]:
    """The name along a round seal's ring: unwrapped into a strip, the tops of its characters
    (outward on the seal) up, clockwise left to right, beginning in the gap of the name."""
    height, width = ink.shape
    cx, cy = (width - 1) / 2, (height - 1) / 2
    rx, ry = width / 2, height / 2
    outer = _ring_inner_edge(ink, cx, cy, rx, ry)
    # Sampled at twice the page's resolution along the middle of the band (a seal on a
    # 150-dpi scan has characters of some 30 pixels, which the recogniser reads better enlarged).
    middle = (outer + BAND_INNER) / 2
    columns = max(int(2 * math.pi * middle * max(rx, ry) * STRIP_SCALE), 64)
    rows = max(int((outer - BAND_INNER) * max(rx, ry) * STRIP_SCALE), 16)
    start = _gap_middle(ink, cx, cy, rx, ry, outer)
    strip = _unwrapped(ink, cx, cy, rx, ry, (outer, BAND_INNER), start, (rows, columns))
    return _read_strip(strip)


def _unwrapped(ink, cx, cy, rx, ry, band, start, size) -> np.ndarray:
    """The ring band from `band[0]` (top of the strip) to `band[1]` (bottom) of the radius,
    clockwise from the angle `start` (radians, image axes: 0 right, π/2 down)."""
    rows, columns = size
    rho = np.linspace(band[0], band[1], rows, dtype=np.float32)[:, None]
    theta = (start + np.linspace(0, 2 * math.pi, columns, endpoint=False)).astype(np.float32)
    map_x = (cx + rx * rho * np.cos(theta)[None, :]).astype(np.float32)
    map_y = (cy + ry * rho * np.sin(theta)[None, :]).astype(np.float32)
    return cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderValue=0)


def _ring_inner_edge(ink: np.ndarray, cx, cy, rx, ry) -> float:
    """The share of the radius where the ring's ink ends inward (the name starts inside it)."""
    rho = np.linspace(1.0, 0.6, 81, dtype=np.float32)
    theta = np.linspace(0, 2 * math.pi, 360, endpoint=False, dtype=np.float32)
    map_x = (cx + rx * rho[:, None] * np.cos(theta)[None, :]).astype(np.float32)
    map_y = (cy + ry * rho[:, None] * np.sin(theta)[None, :]).astype(np.float32)
    profile = cv2.remap(ink, map_x, map_y, cv2.INTER_LINEAR, borderValue=0).mean(axis=1)
    peak = int(np.argmax(profile[:30]))  # the ring lies in the outer 15 %
    below = np.flatnonzero(profile[peak:] < profile[peak] / 3)
    if below.size == 0:
        return 0.93
    return float(rho[min(peak + int(below[0]) + 1, len(rho) - 1)])


def _gap_middle(ink: np.ndarray, cx, cy, rx, ry, outer: float) -> float:
    """The angle in the middle of the widest gap of the name (the bottom when there is none)."""
    strip = _unwrapped(ink, cx, cy, rx, ry, (outer, BAND_INNER), 0.0, (24, 720))
    profile = strip.mean(axis=0)
    # Smoothed over 5° around the circle, so the gaps between characters do not count.
    profile = np.convolve(np.concatenate([profile[-5:], profile, profile[:5]]), np.ones(11) / 11)
    profile = profile[10:-10] if profile.size > 20 else profile
    empty = profile < GAP_INK * max(float(profile.max()), 1e-6)
    if empty.all() or not empty.any():
        return math.pi / 2
    # The longest circular run of empty angles.
    turn = int(np.argmin(empty))  # start the walk on an inked angle so runs do not wrap
    rolled = np.roll(empty, -turn)
    best, best_start, run_start = 0, 0, None
    for index, value in enumerate(np.append(rolled, False)):
        if value and run_start is None:
            run_start = index
        elif not value and run_start is not None:
            if index - run_start > best:
                best, best_start = index - run_start, run_start
            run_start = None
    if best * 0.5 < MIN_GAP_DEGREES:
        return math.pi / 2
    middle = (best_start + best / 2 + turn) % empty.size
    return 2 * math.pi * middle / empty.size


def _read_strip(strip: np.ndarray) -> tuple[str, float]:
    grey = _as_writing(strip)
    output = get_engine().recognize_txt([np.ascontiguousarray(np.stack([grey] * 3, axis=-1))])
    if not output.txts:
        return "", 0.0
    return str(output.txts[0]).strip(), float(output.scores[0])


def _as_writing(ink: np.ndarray) -> np.ndarray:
    """Ink strength as dark writing on white paper, its strongest ink black."""
    top = float(np.percentile(ink, 99.5)) or 1.0
    return (255 - np.clip(ink / top * 255, 0, 255)).astype(np.uint8)


def _read_square(ink: np.ndarray) -> tuple[str, float]:
    """A square seal's inside read upright: rows top to bottom, or columns right to left when
    its lines stand or its characters form a grid (a name seal's two columns of two); the
    least sure line is the reading's confidence."""
    height, width = ink.shape
    inset = max(int(0.08 * min(height, width)), 2)
    inside = _as_writing(ink[inset : height - inset, inset : width - inset])
    padded = cv2.copyMakeBorder(inside, 24, 24, 24, 24, cv2.BORDER_CONSTANT, value=255)
    lines = _lines(padded)
    if not lines:
        return "", 0.0
    standing = sum(h > 1.5 * w for (_x, _y, w, h), _crop in lines) * 2 > len(lines)
    squarish = max(height, width) < 1.3 * min(height, width)
    grid = len(lines) >= 2 and all(w < 2.5 * h for (_x, _y, w, h), _crop in lines)
    if standing or (squarish and grid):
        # Turned a quarter counter-clockwise, the right-hand column is the top row and each
        # column reads left to right (the recogniser reads glyphs lying on their side).
        lines = _lines(np.ascontiguousarray(np.rot90(padded, 1)))
    lines.sort(key=lambda entry: entry[0][1] + entry[0][3] / 2)  # top to bottom
    if not lines:
        return "", 0.0
    output = get_engine().recognize_txt([crop for _box, crop in lines])
    texts = [str(text).strip() for text in output.txts]
    if not any(texts):
        return "", 0.0
    return "".join(texts), min(float(score) for score in output.scores)


def _lines(grey: np.ndarray) -> list[tuple[tuple[int, int, int, int], np.ndarray]]:
    """The lines the detector finds on a small grey image: (x, y, w, h) and the RGB crop."""
    rgb = np.ascontiguousarray(np.stack([grey] * 3, axis=-1))
    found = get_engine()(rgb, use_det=True, use_cls=False, use_rec=False)
    if found.boxes is None or len(found.boxes) == 0:
        return []
    lines = []
    for quad in found.boxes:
        quad = np.asarray(quad, dtype=np.float32)
        x0, y0 = (max(int(v), 0) for v in np.floor(quad.min(axis=0)))
        x1, y1 = (int(v) for v in np.ceil(quad.max(axis=0)))
        crop = rgb[y0:y1, x0:x1]
        if crop.shape[0] >= 4 and crop.shape[1] >= 4:
            lines.append(((x0, y0, x1 - x0, y1 - y0), np.ascontiguousarray(crop)))
    return lines


def _sure(text: str, confidence: float) -> bool:
    """Whether a reading is the seal's text, not a guess at smudges."""
    return confidence >= SEAL_CONFIDENCE and len(text) >= MIN_CHARACTERS
