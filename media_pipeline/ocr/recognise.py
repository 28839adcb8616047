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
4. Lines are ordered for the layout found (layout.py): blocks and columns as a reader takes
   them, rows top to bottom in horizontal text, columns right to left in vertical text; ruled
   tables (tables.py) are read row by row, cell by cell, and kept as a cell grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import cast

import cv2
import numpy as np
from PIL import Image, ImageOps

from . import layout as page_layout
from . import tables as ruled
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
    # Blocks in reading order: {"kind": text|heading|table|seal, "box", "lines": [indices of
    # `lines`], and for tables "rows", "columns", "cells": [{row, column, spans, box, lines}]}.
    blocks: list[dict] = field(default_factory=list)

    @property
    def text(self) -> str:
        if self.blocks:
            return _blocks_text(self.lines, self.blocks)
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
    tables = ruled.find_tables(grey) if regions else []
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
    _order(page, lines_wide, lines_tall, tables)
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


def _order(page: OcrPage, wide, tall, tables: list[ruled.Table]) -> None:
    """Set the page's lines in reading order and its blocks (layout.py, tables.py).

    Wide and tall lines are laid out apart, each in its own reading frame; titles above the
    tall columns come first, notes below them last. Ruled tables are read on upright horizontal
    pages, where a reader takes them row by row; each takes its place in the reading order as
    one box.
    """
    upright = page.rotation == 0 and page.layout == HORIZONTAL
    tables = [t for t in tables if upright and ruled.accept(t, [e[0].box for e in wide])]
    wide_frame = page_layout.UPSIDE_DOWN if page.rotation == 180 else page_layout.LEFT_TO_RIGHT
    wide_blocks = _lay_out(page, wide, wide_frame, tables)
    tall_frame = {
        90: page_layout.TOP_TO_BOTTOM_RTL,
        180: page_layout.TOP_TO_BOTTOM_LTR,
        270: page_layout.BOTTOM_TO_TOP,
    }.get(page.rotation, page_layout.TOP_TO_BOTTOM_LTR)
    if page.layout == VERTICAL:
        tall_frame = page_layout.TOP_TO_BOTTOM_RTL
    tall_blocks = _lay_out(page, tall, tall_frame, [])
    if tall_blocks and page.rotation != 180:
        top = min(entry[0].box[1] for entry in tall)
        before = [b for b in wide_blocks if b[1]["box"][1] + b[1]["box"][3] / 2 < top]
        after = [b for b in wide_blocks if b[1]["box"][1] + b[1]["box"][3] / 2 >= top]
        ordered = before + tall_blocks + after
    else:
        ordered = wide_blocks + tall_blocks
    page.lines, page.blocks = [], []
    for entries, block in ordered:
        start = len(page.lines)
        page.lines += [
            OcrLine(text=text, box=region.box, confidence=score) for region, text, score in entries
        ]
        block["lines"] = list(range(start, len(page.lines)))
        for cell in block.get("cells", []):
            cell["lines"] = [start + i for i in cell["lines"]]
        page.blocks.append(block)


def _lay_out(page: OcrPage, entries, frame: str, tables: list[ruled.Table]) -> list:
    """(entries in reading order, block dict) for each block of these lines in `frame`."""
    if not entries:
        return []
    units: list = []  # an entry (region, text, score) or a table with its entries
    held: dict[int, list] = {id(t): [] for t in tables}
    for entry in entries:
        table = next((t for t in tables if t.contains(entry[0].box)), None)
        if table is None:
            units.append(entry)
        else:
            held[id(table)].append(entry)
    units += [t for t in tables if held[id(t)]]
    boxes = [u.box if isinstance(u, ruled.Table) else _upright_box(u[0], page) for u in units]
    out = []
    for group in page_layout.reading_blocks(boxes, frame, (page.width, page.height)):
        members = [units[i] for i in group.indices]
        if len(members) == 1 and isinstance(members[0], ruled.Table):
            out.append(_table_block(members[0], held[id(members[0])]))
            continue
        block = {
            "kind": "heading" if group.heading else "text",
            "box": page_layout.union_box([m[0].box for m in members]),
        }
        if group.column is not None:
            block["column"] = group.column
        out.append((members, block))
    return out


def _upright_box(region: _Region, page: OcrPage) -> list[float]:
    """The line's box with the page's skew taken out: its middle turned back about the page's
    middle, its size the quadrilateral's own, so skewed columns keep their gutter."""
    x, y, w, h = region.box
    if not page.skew or region.tall:
        return [x, y, w, h]
    angle = np.radians(-page.skew)
    cx, cy = x + w / 2 - page.width / 2, y + h / 2 - page.height / 2
    ux = cx * np.cos(angle) - cy * np.sin(angle) + page.width / 2
    uy = cx * np.sin(angle) + cy * np.cos(angle) + page.height / 2
    quad = region.quad
    length = float(np.linalg.norm(quad[1] - quad[0]))
    thickness = float(np.linalg.norm(quad[3] - quad[0]))
    return [ux - length / 2, uy - thickness / 2, length, thickness]


def _table_block(table: ruled.Table, entries) -> tuple[list, dict]:
    """The table's lines cell by cell, row by row; each line in the cell holding its middle
    (or the nearest cell, when it sits on a rule)."""
    by_cell: dict[int, list] = {id(cell): [] for cell in table.cells}
    for entry in entries:
        cell = table.cell_at(entry[0].box) or min(
            table.cells, key=lambda c: _distance(c.box, entry[0].box)
        )
        by_cell[id(cell)].append(entry)
    ordered, cells = [], []
    for cell in table.cells:  # sorted by row, then column
        inside = by_cell[id(cell)]
        order = page_layout.reading_blocks([e[0].box for e in inside]) if inside else []
        cell_entries = [inside[i] for group in order for i in group.indices]
        cell.lines = list(range(len(ordered), len(ordered) + len(cell_entries)))
        ordered += cell_entries
        cells.append(cell.as_dict())
    block = {
        "kind": "table",
        "box": table.box,
        "rows": table.rows,
        "columns": table.columns,
        "cells": cells,
    }
    return ordered, block


def _distance(a: list[int], b: list[int]) -> float:
    return abs(a[0] + a[2] / 2 - b[0] - b[2] / 2) + abs(a[1] + a[3] / 2 - b[1] - b[3] / 2)


def _blocks_text(lines: list[OcrLine], blocks: list[dict]) -> str:
    """The page's text block by block: a table row by row, its cells separated by a tab."""
    parts = []
    for block in blocks:
        if block["kind"] != "table":
            parts += [lines[i].text for i in block["lines"]]
            continue
        for row in range(block["rows"]):
            cells = sorted(
                (c for c in block["cells"] if c["row"] == row), key=lambda c: c["column"]
            )
            texts = [page_layout.join_cell([lines[i].text for i in c["lines"]]) for c in cells]
            parts.append("\t".join(texts))
    return "\n".join(parts)
