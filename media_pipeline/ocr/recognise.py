"""Recognise the text of one page image: lines in reading order with boxes and confidences.

The PP-OCR models read horizontal lines. Pages come otherwise too: scanned sideways or upside
down, a little skewed, and — in older letters and manuscripts — written in vertical columns read
top to bottom, right to left. The approach:

1. Detect text lines on the page as it is (the detector finds lines in any direction).
2. Cut each line out along its own quadrilateral, which straightens skewed lines (small skew
   needs no page-level rotation).
3. Lines much taller than wide are either vertical writing or horizontal writing on a page turned
   by 90°. A few of the longest are read every plausible way — restacked character by character
   into a horizontal strip (vertical writing), turned clockwise, turned counter-clockwise — and
   the reading with the best mean confidence decides for all tall lines of the page. Wide lines
   are turned by 180° when the line classifier finds most of them upside down.
4. Lines are ordered for the layout found: rows top to bottom, or columns right to left.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import cv2
import numpy as np
from PIL import Image, ImageOps

from .engine import get_engine

# A detected line at least this much taller than wide is vertical (or turned by 90°).
TALL_RATIO = 1.5
# Lines read every way to decide a page's orientation; more is slower and barely surer.
SAMPLE_LINES = 6
MIN_CONFIDENCE = 0.5
# Characters in a vertical column are cut where a row has less ink than this share of the
# column width; pieces are merged while the character stays within this many widths.
INK_ROW_SHARE = 0.02
MAX_CHAR_HEIGHT = 1.15
CELL_GAP = 4
# A page whose darkest and lightest pixels differ less than this holds no writing.
BLANK_CONTRAST = 32

HORIZONTAL = "horizontal"
VERTICAL = "vertical"


@dataclass
class OcrLine:
    text: str
    box: list[int]  # x, y, w, h in page pixels
    confidence: float

    def as_dict(self) -> dict:
        return {"text": self.text, "box": self.box, "confidence": round(self.confidence, 4)}


@dataclass
class OcrPage:
    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)
    layout: str = HORIZONTAL
    rotation: int = 0  # degrees clockwise the page's text was turned from upright
    skew: float = 0.0  # median angle of horizontal lines, degrees

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        if not self.lines:
            return 0.0
        return sum(line.confidence for line in self.lines) / len(self.lines)


@dataclass
class _Region:
    quad: np.ndarray  # 4×2 float32, clockwise from top-left
    crop: np.ndarray  # the line cut out upright along its quadrilateral
    box: list[int]

    @property
    def tall(self) -> bool:
        height, width = self.crop.shape[:2]
        return height >= TALL_RATIO * width


def recognise(image: Image.Image) -> OcrPage:
    """OCR a page image (any mode); boxes are in the pixels of `image` as given."""
    grey_image = ImageOps.grayscale(image) if image.mode != "L" else image
    page = OcrPage(width=image.width, height=image.height)
    low, high = cast(tuple[int, int], grey_image.getextrema())  # one band: (min, max)
    if high - low < BLANK_CONTRAST:
        return page  # an empty page (blank PDF page, flat scan): nothing to detect
    # Faded ink on yellowed paper: stretch the page's tones to full range (ignoring the extreme
    # 0.5 % that noise and dust occupy), which the detector needs to find pale lines at all.
    grey = np.asarray(ImageOps.autocontrast(grey_image, cutoff=0.5))
    regions = _detect(np.ascontiguousarray(np.stack([grey] * 3, axis=-1)))
    if not regions:
        return page
    wide = [region for region in regions if not region.tall]
    tall = [region for region in regions if region.tall]
    wide_turn = _upside_down_vote(wide)
    tall_reading = _choose(tall, _TALL_READINGS)
    lines_wide = _read(wide, _WIDE_READINGS[wide_turn])
    lines_tall = _read(tall, _TALL_READINGS[tall_reading])
    page.skew = _skew(wide)
    if len(tall) > len(wide):
        page.layout = VERTICAL if tall_reading.startswith("vertical") else HORIZONTAL
        page.rotation = {"vertical": 0, "vertical_180": 180, "cw": 90, "ccw": 270}[tall_reading]
    else:
        page.rotation = 180 if wide_turn == "180" else 0
    page.lines = _order(lines_wide, lines_tall, page.rotation, page.layout)
    return page


def _detect(rgb: np.ndarray) -> list[_Region]:
    result = get_engine()(rgb, use_det=True, use_cls=False, use_rec=False)
    if result.boxes is None or len(result.boxes) == 0:
        return []
    height, width = rgb.shape[:2]
    regions = []
    for quad in result.boxes:
        quad = np.asarray(quad, dtype=np.float32)
        crop = _cut(rgb, quad)
        if crop is None:
            continue
        regions.append(_Region(quad=quad, crop=crop, box=_bounding_box(quad, width, height)))
    return regions


def _cut(rgb: np.ndarray, quad: np.ndarray) -> np.ndarray | None:
    width = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    height = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    if width < 2 or height < 2:
        return None
    target = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(quad, target)
    return cv2.warpPerspective(
        rgb, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE, flags=cv2.INTER_CUBIC
    )


def _bounding_box(quad: np.ndarray, width: int, height: int) -> list[int]:
    x0 = int(max(np.floor(quad[:, 0].min()), 0))
    y0 = int(max(np.floor(quad[:, 1].min()), 0))
    x1 = int(min(np.ceil(quad[:, 0].max()), width))
    y1 = int(min(np.ceil(quad[:, 1].max()), height))
    return [x0, y0, max(x1 - x0, 1), max(y1 - y0, 1)]


def _turn(crop: np.ndarray, quarter_turns: int) -> np.ndarray:
    """Rotate counter-clockwise by quarter_turns × 90°."""
    return np.ascontiguousarray(np.rot90(crop, quarter_turns))


def restack_column(crop: np.ndarray) -> np.ndarray:
    """A vertical column as a horizontal strip: its characters cut apart and laid side by side.

    Chinese characters are about square, so a column is cut at the rows without ink, pieces of
    one character (三, 八, 二) are rejoined while they fit in a square, and characters that touch
    are split every character height.
    """
    grey = crop[..., 0] if crop.ndim == 3 else crop
    threshold, ink = cv2.threshold(grey, 0, 1, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    inked_columns = np.flatnonzero(ink.any(axis=0))
    if inked_columns.size == 0:
        return _turn(crop, 1)
    char_size = max(int(inked_columns[-1] - inked_columns[0] + 1), 4)
    row_ink = ink.sum(axis=1) > max(1, INK_ROW_SHARE * char_size)
    cells = _split_long(_merge_pieces(_runs(row_ink), char_size), char_size)
    if not cells:
        return _turn(crop, 1)
    side = crop.shape[1]
    background = int(np.median(grey[~ink.astype(bool)])) if (ink == 0).any() else 255
    pieces = []
    for start, end in cells:
        cell = crop[start:end]
        pad_total = max(side - cell.shape[0], 0)
        top = pad_total // 2
        padded = cv2.copyMakeBorder(
            cell,
            top + CELL_GAP,
            pad_total - top + CELL_GAP,
            CELL_GAP,
            CELL_GAP,
            cv2.BORDER_CONSTANT,
            value=[background] * 3,
        )
        pieces.append(padded)
    height = max(piece.shape[0] for piece in pieces)
    pieces = [
        cv2.copyMakeBorder(
            p, 0, height - p.shape[0], 0, 0, cv2.BORDER_CONSTANT, value=[background] * 3
        )
        for p in pieces
    ]
    return np.ascontiguousarray(np.concatenate(pieces, axis=1))


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _merge_pieces(runs: list[tuple[int, int]], char_size: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and end - merged[-1][0] <= MAX_CHAR_HEIGHT * char_size:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _split_long(cells: list[tuple[int, int]], char_size: int) -> list[tuple[int, int]]:
    out = []
    for start, end in cells:
        count = max(round((end - start) / char_size), 1)
        step = (end - start) / count
        out += [(start + round(i * step), start + round((i + 1) * step)) for i in range(count)]
    return out


# How each kind of line may have to be turned before reading it.
_WIDE_READINGS = {"0": lambda crop: crop, "180": lambda crop: _turn(crop, 2)}
_TALL_READINGS = {
    "vertical": restack_column,
    "vertical_180": lambda crop: restack_column(_turn(crop, 2)),
    "cw": lambda crop: _turn(crop, 1),  # page turned clockwise: turn the line back
    "ccw": lambda crop: _turn(crop, -1),
}


def _choose(regions: list[_Region], readings: dict) -> str:
    """The reading of the page's longest lines with the best mean confidence."""
    first = next(iter(readings))
    if not regions:
        return first
    sample = sorted(regions, key=lambda r: -max(r.crop.shape[:2]))[:SAMPLE_LINES]
    scores = {}
    for name, prepare in readings.items():
        result = _recognise_crops([prepare(region.crop) for region in sample])
        scores[name] = sum(score for _, score in result) / len(result)
    return max(scores, key=lambda name: (scores[name], name == first))


def _upside_down_vote(regions: list[_Region]) -> str:
    """Whether the page is upside down: "180" when most long wide lines are classified so.

    The small 0°/180° line classifier costs a fraction of a recognition pass; a vote over the
    page keeps one odd line (a stamp, a signature) from turning the rest.
    """
    if not regions:
        return "0"
    sample = sorted(regions, key=lambda r: -r.crop.shape[1])[:SAMPLE_LINES]
    _, result = get_engine().cls_and_rotate([region.crop for region in sample])
    upside_down = sum(1 for label, score in result.cls_res if label == "180" and score >= 0.9)
    return "180" if upside_down * 2 > len(sample) else "0"


def _read(regions: list[_Region], prepare) -> list[tuple[_Region, str, float]]:
    if not regions:
        return []
    results = _recognise_crops([prepare(region.crop) for region in regions])
    return [
        (region, text.strip(), score)
        for region, (text, score) in zip(regions, results, strict=True)
        if text.strip() and score >= MIN_CONFIDENCE
    ]


def _recognise_crops(crops: list[np.ndarray]) -> list[tuple[str, float]]:
    output = get_engine().recognize_txt(crops)
    return [(text, float(score)) for text, score in zip(output.txts, output.scores, strict=True)]


def _skew(regions: list[_Region]) -> float:
    angles = [
        np.degrees(np.arctan2(r.quad[1][1] - r.quad[0][1], r.quad[1][0] - r.quad[0][0]))
        for r in regions
        if r.crop.shape[1] > 3 * r.crop.shape[0]
    ]
    return round(float(np.median(angles)), 2) if angles else 0.0


def _order(wide, tall, rotation: int, layout: str) -> list[OcrLine]:
    """Reading order: rows top to bottom, or columns right to left, by the page's layout."""

    def line(entry):
        region, text, score = entry
        return OcrLine(text=text, box=region.box, confidence=score)

    def centre(entry):
        x, y, w, h = entry[0].box
        return x + w / 2, y + h / 2

    if rotation == 180:
        row_of = _rows(wide)
        rows = sorted(wide, key=lambda e: (-row_of[id(e)], -centre(e)[0]))
        return [line(e) for e in rows + sorted(tall, key=lambda e: centre(e)[0])]
    row_of = _rows(wide)
    rows = sorted(wide, key=lambda e: (row_of[id(e)], centre(e)[0]))
    if layout == VERTICAL or rotation == 90:
        columns = sorted(tall, key=lambda e: (-centre(e)[0], centre(e)[1]))
    elif rotation == 270:
        columns = sorted(tall, key=lambda e: (centre(e)[0], -centre(e)[1]))
    else:
        columns = sorted(tall, key=lambda e: (centre(e)[0], centre(e)[1]))
    if not columns:
        return [line(e) for e in rows]
    # Titles above the columns come first, notes below them last.
    top = min(e[0].box[1] for e in columns)
    before = [e for e in rows if centre(e)[1] < top]
    after = [e for e in rows if centre(e)[1] >= top]
    return [line(e) for e in before + columns + after]


def _rows(entries) -> dict[int, int]:
    """Row number of each entry (by id): lines whose centres are closer than half the median
    line height share a row, so two fragments of one skewed line are read left to right."""
    if not entries:
        return {}
    heights = sorted(e[0].box[3] for e in entries)
    tolerance = max(heights[len(heights) // 2] / 2, 1)
    rows, row, previous = {}, 0, None
    for entry in sorted(entries, key=lambda e: e[0].box[1] + e[0].box[3] / 2):
        middle = entry[0].box[1] + entry[0].box[3] / 2
        if previous is not None and middle - previous > tolerance:
            row += 1
        rows[id(entry)] = row
        previous = middle
    return rows
