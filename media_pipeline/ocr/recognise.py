"""Recognise the text of one page image: lines in reading order with boxes and confidences.

The PP-OCR models read horizontal lines. Pages come otherwise too: scanned sideways or upside
down, a little skewed, and — in older letters and manuscripts — written in vertical columns read
top to bottom, right to left. The approach:

1. Clean the page (clean.py): seal and ruling ink set apart from the writing by colour, seals
   kept as regions, isolated specks swept, tones stretched.
2. Turn it so that its lines run across (orientation.py, from ink profiles, before anything is
   detected: the detector misses most lines of a degraded page lying sideways). Vertical
   writing is turned too: its columns become lines in reading order, and the recogniser reads
   glyphs lying on their side as well as upright ones.
3. Detect the lines and cut each out along its own quadrilateral, which straightens skewed
   lines. The line classifier, its confidences summed over many whole lines, says whether the
   turned page is upside down; the detected lines are then turned with it, not detected again.
   A line still much taller than wide (a vertical note on a horizontal page) is turned the way
   the classifier finds for such lines.
4. Read every line in batches; a line that is only a punctuation mark read without confidence
   (a speck) is dropped. One script per page (script.py): stray characters of the other script
   are folded to the page's, the reading as recognised kept on the line.
5. Lines are ordered for the layout found (layout.py): blocks and columns as a reader takes
   them, rows top to bottom in horizontal text, columns right to left in vertical text; ruled
   tables (tables.py) are read row by row, cell by cell, and kept as a cell grid.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

from . import clean as cleaning
from . import layout as page_layout
from . import orientation, script, seals
from . import tables as ruled
from .engine import get_engine

# A detected line at least this much taller than wide is vertical (or turned by 90°).
TALL_RATIO = 1.5
# Lines the classifier votes with on which way is up: the longest, as they carry the most
# characters; a dozen cost ~0.1 s and outvote a stamp or a signature.
SAMPLE_LINES = 12
MIN_CONFIDENCE = 0.5
# A line made only of punctuation is kept only when read at least this surely (specks of a
# mimeographed page are read as 。 ·, less surely than printed marks).
PUNCTUATION_CONFIDENCE = 0.9
PUNCTUATION = set("，。、；：？！·・.,;:?!'\"“”‘’「」『』（）()《》〈〉【】—–-…·•○◦°*~_|/\\")

HORIZONTAL = "horizontal"
VERTICAL = "vertical"
# Sheets of paper (A4, B5, 16开, letter) are at most this much taller than wide.
SHEET_ASPECT = 1.6
# Why a page has no text: it is blank, nothing on it reads as writing, or only seals are on it.
BLANK = "blank"
NO_TEXT = "no_text"
SEAL_ONLY = "seal_only"


@dataclass
class OcrLine:
    text: str
    box: list[int]  # x, y, w, h in page pixels
    confidence: float
    raw: str = ""  # the reading before script folding, when folding changed it
    cell: list[int] | None = None  # [row, column] of the table cell holding the line

    def as_dict(self) -> dict:
        out = {"text": self.text, "box": self.box, "confidence": round(self.confidence, 4)}
        if self.raw and self.raw != self.text:
            out["raw"] = self.raw
        if self.cell is not None:
            out["cell"] = self.cell
        return out


@dataclass
class OcrPage:
    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)
    layout: str = HORIZONTAL
    rotation: int = 0  # degrees clockwise the page's text was turned from upright
    skew: float = 0.0  # median angle of horizontal lines, degrees
    script: str = ""  # simplified | traditional, when the page's characters tell
    empty: str = ""  # blank | no_text | seal_only for a page without text
    # Blocks in reading order: {"kind": text|heading|table|seal, "box", "lines": [indices of
    # `lines`], and for tables "rows", "columns", "cells": [{row, column, spans, box, lines}];
    # a seal adds its "shape" and, when read surely (seals.py), its "text" and "confidence"}.
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
    page = OcrPage(width=image.width, height=image.height)
    cleaned = cleaning.clean(image)
    if cleaned.blank:
        return _without_text(page, image, cleaned.seals, BLANK)
    # Turned a quarter counter-clockwise when the lines run down the page, then half a turn more
    # when the classifier finds the turned page upside down.
    turns = 1 if orientation.line_direction(cleaned.grey) == orientation.DOWN else 0
    work = np.ascontiguousarray(np.rot90(cleaned.grey, turns)) if turns else cleaned.grey
    rgb = np.ascontiguousarray(np.stack([work] * 3, axis=-1))
    regions = _detect(rgb)
    if not regions:
        return _without_text(page, image, cleaned.seals, NO_TEXT)
    if sum(region.tall for region in regions) * 2 > len(regions):
        # The detector's boxes have the last word on which way the lines run (the profiles can
        # be unsure on a page of one or two lines): its lines are turned, not detected again.
        work, regions = _turned(work, regions, 1)
        turns += 1
    if _upside_down_vote([region for region in regions if not region.tall]) == "180":
        work, regions = _turned(work, regions, 2)
        turns += 2
    wide = [region for region in regions if not region.tall]
    tall = [region for region in regions if region.tall]
    upright = OcrPage(width=work.shape[1], height=work.shape[0])
    lines_wide = _read(wide, _WIDE_READINGS["0"])
    lines_tall = _read(tall, _TALL_READINGS[_choose(tall, _TALL_READINGS)])
    if not lines_wide and not lines_tall or _lone_glyph(lines_wide + lines_tall):
        return _without_text(page, image, cleaned.seals, NO_TEXT)
    upright.skew = _skew(wide)
    tables = ruled.find_tables(work)
    _order(upright, lines_wide, lines_tall, tables)
    page.skew = upright.skew
    page.rotation = (90 * turns) % 360
    if page.rotation == 90 and image.width < image.height <= SHEET_ASPECT * image.width:
        # Columns read top to bottom, right to left on a sheet standing upright: vertical
        # writing. A sheet of horizontal writing turned sideways lies on its long side; a strip
        # cut from one is far narrower than a sheet. (The recogniser reads glyphs on their side
        # as well as upright ones, so the text is the same either way; only this label is not.)
        page.layout, page.rotation = VERTICAL, 0
    _fold_script(upright)
    page.script = upright.script
    page.lines = [
        OcrLine(
            text=line.text,
            box=_unturned(line.box, turns % 4, image.width, image.height),
            confidence=line.confidence,
            raw=line.raw,
            cell=line.cell,
        )
        for line in upright.lines
    ]
    page.blocks = [_unturned_block(b, turns % 4, image.width, image.height) for b in upright.blocks]
    page.blocks += seals.seal_blocks(image, cleaned.seals)  # each with its text when read surely
    return page


def _without_text(page: OcrPage, image: Image.Image, boxes: list[list[int]], why: str) -> OcrPage:
    page.empty = SEAL_ONLY if boxes else why
    page.blocks = seals.seal_blocks(image, boxes)
    return page


def _turned(work: np.ndarray, regions: list[_Region], quarters: int):
    """The page and its detected lines turned `quarters` × 90° counter-clockwise."""
    for _ in range(quarters):
        width = work.shape[1]
        work = np.rot90(work, 1)
        turned = []
        for region in regions:
            # A point (x, y) goes to (y, width - x); the top-right corner becomes the top-left.
            quad = np.stack([region.quad[:, 1], width - region.quad[:, 0]], axis=1)
            quad = np.ascontiguousarray(quad[[1, 2, 3, 0]], dtype=np.float32)
            box = _bounding_box(quad, work.shape[1], work.shape[0])
            turned.append(_Region(quad=quad, crop=_turn(region.crop, 1), box=box))
        regions = turned
    return np.ascontiguousarray(work), regions


def _unturned(box, turns: int, width: int, height: int) -> list[int]:
    """A box on the page turned `turns` quarters counter-clockwise, on the page as given
    (`width` × `height`)."""
    x, y, w, h = box
    points = [(x, y), (x + w, y + h)]
    for turn in reversed(range(turns)):
        before = width if turn % 2 == 0 else height  # the width before that quarter turn
        points = [(before - py, px) for px, py in points]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return [round(min(xs)), round(min(ys)), round(max(xs) - min(xs)), round(max(ys) - min(ys))]


def _unturned_block(block: dict, turns: int, width: int, height: int) -> dict:
    out = dict(block, box=_unturned(block["box"], turns, width, height))
    if "cells" in block:
        out["cells"] = [
            dict(cell, box=_unturned(cell["box"], turns, width, height)) for cell in block["cells"]
        ]
    return out


def _fold_script(page: OcrPage) -> None:
    """Keep each block to one script: the block's own majority, or the page's when the block
    has too few characters of one script alone to tell."""
    page.script = script.majority(script.census(line.text for line in page.lines)) or ""
    groups = [block["lines"] for block in page.blocks if block.get("lines")]
    if not groups:
        groups = [list(range(len(page.lines)))]
    for indices in groups:
        texts = [page.lines[i].text for i in indices]
        chosen = script.majority(script.census(texts), fallback=page.script or None)
        if not chosen:
            continue
        for i in indices:
            line = page.lines[i]
            folded = script.fold(line.text, chosen)
            if folded != line.text:
                line.raw, line.text = line.text, folded


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


# How each kind of line may have to be turned before reading it.
_WIDE_READINGS = {"0": lambda crop: crop, "180": lambda crop: _turn(crop, 2)}
_TALL_READINGS = {
    "cw": lambda crop: _turn(crop, 1),  # written downwards (or turned clockwise): turn it back
    "ccw": lambda crop: _turn(crop, -1),  # written upwards
}


def _choose(regions: list[_Region], readings: dict) -> str:
    """How to turn the page's tall lines: the line classifier's summed vote on whole lines
    turned counter-clockwise ("0": they now read upright, "180": the other way).

    Vertical writing counts as written downwards: turned, its glyphs lie on their side, which
    the recogniser reads in order. Comparing the recogniser's confidences instead was fooled:
    it reads glyphs lying on their side confidently either way.
    """
    first = next(iter(readings))
    if not regions:
        return first
    return "ccw" if _vote([_turn(region.crop, 1) for region in _longest(regions)]) else first


def _upside_down_vote(regions: list[_Region]) -> str:
    """Whether the page is upside down: "180" when the line classifier's confidences for
    upside down, summed over the longest wide lines, outweigh those for upright.

    The small 0°/180° classifier costs a fraction of a recognition pass; on a poor copy it is
    unsure of each line (0.5-0.8) but right on most, so the sum over many lines decides, and one
    odd line (a stamp, a signature) does not turn the rest.
    """
    if not regions:
        return "0"
    return "180" if _vote([region.crop for region in _longest(regions)]) else "0"


def _longest(regions: list[_Region]) -> list[_Region]:
    return sorted(regions, key=lambda r: -max(r.crop.shape[:2]))[:SAMPLE_LINES]


def _vote(crops: list[np.ndarray]) -> bool:
    """True when the classifier's summed confidence says the crops are upside down."""
    _, result = get_engine().cls_and_rotate(crops)
    balance = sum(float(score) * (1 if label == "180" else -1) for label, score in result.cls_res)
    return balance > 0


def _read(regions: list[_Region], prepare) -> list[tuple[_Region, str, float]]:
    if not regions:
        return []
    results = _recognise_crops([prepare(region.crop) for region in regions])
    return [
        (region, text.strip(), score)
        for region, (text, score) in zip(regions, results, strict=True)
        if text.strip() and score >= MIN_CONFIDENCE and not _speck(text.strip(), score)
    ]


def _lone_glyph(lines: list[tuple[_Region, str, float]]) -> bool:
    """The page's only reading is one character, read unsurely: a shape in a photograph or a
    stain taken for a glyph (a photograph's discs read as 品 at 0.83), not writing."""
    return len(lines) == 1 and len(lines[0][1]) == 1 and lines[0][2] < PUNCTUATION_CONFIDENCE


def _speck(text: str, score: float) -> bool:
    """A line of one or two punctuation marks alone, or of marks read unsurely: a speck."""
    if not set(text) <= PUNCTUATION:
        return False
    return len(text) <= 2 or score < PUNCTUATION_CONFIDENCE


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
            for index in cell["lines"]:  # so a search hit on the line can name its cell
                page.lines[index].cell = [cell["row"], cell["column"]]
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
        block: dict = {
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
    ordered: list = []
    cells: list[dict] = []
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
