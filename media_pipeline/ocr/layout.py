"""Layout analysis of a page from its detected text lines: blocks, columns, reading order.

Works on boxes only (no image, no model), so it is cheap and testable on synthetic boxes. The
boxes are first put in the *reading frame* of the page — turned so that the text reads left to
right and lines follow top to bottom (vertical writing: its columns become rows, the rightmost
first) — and the page is then cut recursively, in the manner of an XY-cut:

1. A *gutter* is a vertical strip of white running through every line of a region, at least a
   line height wide, with text on both sides that looks like running text (lines several
   characters long, more than one of them). A region with a gutter is read column by column,
   left to right, and each column is cut again (a column may hold a heading and sub-columns).
2. A region without a gutter is cut top to bottom into runs of the same column structure: a
   title across the page is one run, the two-column text below it another, a full-width table
   or paragraph below that a third. The cuts come from a likely gutter among the region's
   narrower lines, which the wider ones cross; failing that, from horizontal bands of lines
   that keep the same gutters. Each run is cut again.
3. A region with neither is a block; wider white gaps than the leading between its lines divide
   it into paragraphs. Lines within a block are read in rows, left to right.

Tables and seals are found elsewhere (tables.py); the caller passes each as one box, so it takes
its place in the reading order like a paragraph.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import median

import numpy as np

# A gutter is at least this many line heights wide.
GUTTER_LINE_HEIGHTS = 0.8
# Each side of a gutter holds at least this many lines with a median length of at least this
# many line heights (≈ characters): a form's "label  value" pairs are not columns.
COLUMN_MIN_LINES = 2
COLUMN_MIN_CHARS = 5.0
# Lines at most this share of a region's width may be column lines; a gutter may be crossed
# by this many of them (a short title centred over the columns).
NARROW_SHARE = 0.6
GUTTER_CROSSINGS = 1
# A white gap this many line heights tall between lines starts a new paragraph block.
PARAGRAPH_GAP = 1.2
# A block of at most this many lines, at least this much taller than the page's body lines,
# is a heading.
HEADING_MAX_LINES = 2
HEADING_HEIGHT_RATIO = 1.25
HEADING_MAX_HEIGHT_RATIO = 3.0  # taller: a table or a seal passed in as one box

# Reading frames: how the page's text runs.
LEFT_TO_RIGHT = "ltr"  # horizontal text, upright
UPSIDE_DOWN = "180"  # horizontal text, page turned 180°
TOP_TO_BOTTOM_RTL = "ttb_rtl"  # vertical writing (or a page turned 90° clockwise)
BOTTOM_TO_TOP = "btt"  # a page turned 270° (counter-clockwise)
TOP_TO_BOTTOM_LTR = "ttb_ltr"  # tall lines read left to right (a few on an upright page)

Box = Sequence[float]  # x, y, w, h


@dataclass
class _Item:
    index: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def middle(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Group:
    """A block found by the layout: indices of its boxes in reading order."""

    indices: list[int]
    heading: bool = False
    column: int | None = None  # which column of its region, when it came from a column split
    children: list[Group] = field(default_factory=list)


def to_frame(box: Box, frame: str, width: float, height: float) -> tuple[float, ...]:
    """The box (x, y, w, h in page pixels) in the reading frame, as x0, y0, x1, y1."""
    x, y, w, h = box
    if frame == UPSIDE_DOWN:
        return width - x - w, height - y - h, width - x, height - y
    if frame == TOP_TO_BOTTOM_RTL:
        return y, width - x - w, y + h, width - x
    if frame == BOTTOM_TO_TOP:
        return height - y - h, x, height - y, x + w
    if frame == TOP_TO_BOTTOM_LTR:
        return y, x, y + h, x + w
    return x, y, x + w, y + h


def reading_blocks(
    boxes: Sequence[Box], frame: str = LEFT_TO_RIGHT, page_size: tuple[float, float] = (0, 0)
) -> list[Group]:
    """Blocks of the page in reading order, each with its boxes' indices in reading order."""
    width, height = page_size
    items = [_Item(index, *to_frame(box, frame, width, height)) for index, box in enumerate(boxes)]
    if not items:
        return []
    line_height = median(item.height for item in items)
    blocks = _cut(items, max(line_height, 1.0))
    for block in blocks:
        members = [items[i] for i in block.indices]
        block.heading = (
            len(members) <= HEADING_MAX_LINES
            and HEADING_HEIGHT_RATIO * line_height
            <= min(m.height for m in members)
            <= max(m.height for m in members)
            <= HEADING_MAX_HEIGHT_RATIO * line_height
        )
    return blocks


def _cut(items: list[_Item], line_height: float) -> list[Group]:
    columns = _columns(items, line_height)
    if len(columns) > 1:
        out = []
        for number, column in enumerate(columns):
            for block in _cut(column, line_height):
                block.column = number if block.column is None else block.column
                out.append(block)
        return out
    groups = _gutter_groups(items, line_height)
    if len(groups) < 2:
        groups = _band_groups(items, line_height)
    if len(groups) > 1:
        return [block for group in groups for block in _cut(group, line_height)]
    return [Group(_row_order(paragraph, line_height)) for paragraph in _paragraphs(items)]


def _gaps(items: list[_Item], line_height: float) -> list[tuple[float, float]]:
    """White vertical strips at least a gutter wide between the items' x extents."""
    spans = sorted((item.x0, item.x1) for item in items)
    gaps, reach = [], spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= GUTTER_LINE_HEIGHTS * line_height:
            gaps.append((reach, start))
        reach = max(reach, end)
    return gaps


def _columns(items: list[_Item], line_height: float) -> list[list[_Item]]:
    """The items split at their gutters, left to right; one list when there is no gutter."""
    if len(items) < 2 * COLUMN_MIN_LINES:
        return [items]
    cuts = [(start + end) / 2 for start, end in _gaps(items, line_height)]
    columns = _split(items, cuts)
    # A side that is not running text joins its neighbour across the narrower gap.
    while len(columns) > 1:
        weak = [i for i, column in enumerate(columns) if not _is_text(column, line_height)]
        if not weak:
            break
        i = weak[0]
        if i == 0:
            cut = 0
        elif i == len(columns) - 1:
            cut = i - 1
        else:
            left_gap = min(m.x0 for m in columns[i]) - max(m.x1 for m in columns[i - 1])
            right_gap = min(m.x0 for m in columns[i + 1]) - max(m.x1 for m in columns[i])
            cut = i - 1 if left_gap <= right_gap else i
        columns[cut : cut + 2] = [columns[cut] + columns[cut + 1]]
    return columns


def _split(items: list[_Item], cuts: list[float]) -> list[list[_Item]]:
    columns: list[list[_Item]] = [[] for _ in range(len(cuts) + 1)]
    for item in items:
        columns[sum(1 for cut in cuts if item.x0 > cut)].append(item)
    return [column for column in columns if column]


def _is_text(column: list[_Item], line_height: float) -> bool:
    widths = [item.width for item in column]
    return (
        len(column) >= COLUMN_MIN_LINES and median(widths) >= COLUMN_MIN_CHARS * line_height
    ) or any(item.height >= 2 * line_height for item in column)  # a table or seal box


def _bands(items: list[_Item]) -> list[list[_Item]]:
    """Items in horizontal bands: an item joins the band it overlaps by half its height."""
    bands: list[list[_Item]] = []
    bottom = None
    for item in sorted(items, key=lambda i: (i.y0, i.x0)):
        if bands and bottom is not None and bottom - item.y0 >= item.height / 2:
            bands[-1].append(item)
            bottom = max(bottom, item.y1)
        else:
            bands.append([item])
            bottom = item.y1
    return bands


def _gutter_groups(items: list[_Item], line_height: float) -> list[list[_Item]]:
    """The items cut into runs, top to bottom, by the lines crossing a likely gutter.

    A likely gutter is a strip of white between the region's narrower lines (at most
    `NARROW_SHARE` of its width) that at most `GUTTER_CROSSINGS` of them cross (a short title
    centred over the columns); the lines wider than that, and those few, cross it and so stand
    between the runs of column text. Runs that turn out not to be columns are merged back.
    """
    left, right = min(i.x0 for i in items), max(i.x1 for i in items)
    narrow = [i for i in items if i.width <= NARROW_SHARE * (right - left)]
    if len(narrow) < 2 * COLUMN_MIN_LINES:
        return [items]
    step = max(line_height / 4, 1.0)
    bins = int((right - left) / step) + 1
    coverage = np.zeros(bins, dtype=np.int32)
    for item in narrow:
        coverage[int((item.x0 - left) / step) : int((item.x1 - left) / step) + 1] += 1
    low = coverage <= GUTTER_CROSSINGS
    cuts = []
    for start, end in _runs(low):
        if (end - start) * step < GUTTER_LINE_HEIGHTS * line_height:
            continue
        if coverage[:start].max(initial=0) >= 2 and coverage[end:].max(initial=0) >= 2:
            cuts.append(left + (start + end) / 2 * step)
    if not cuts:
        return [items]
    runs: list[list[_Item]] = []
    crossing = None
    for item in sorted(items, key=lambda i: (i.y0, i.x0)):
        crosses = any(item.x0 < cut < item.x1 for cut in cuts)
        if runs and crosses == crossing:
            runs[-1].append(item)
        else:
            runs.append([item])
        crossing = crosses
    return _merge_unsplit(runs, line_height)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2].tolist(), edges[1::2].tolist(), strict=True))


def _merge_unsplit(groups: list[list[_Item]], line_height: float) -> list[list[_Item]]:
    """Consecutive groups that are not columns (see `_columns`) merged into one."""
    merged: list[list[_Item]] = []
    previous_split = True
    for members in groups:
        split = len(_columns(members, line_height)) > 1
        if merged and not split and not previous_split:
            merged[-1] += members
        else:
            merged.append(members)
        previous_split = split
    return merged


def _band_groups(items: list[_Item], line_height: float) -> list[list[_Item]]:
    """Consecutive bands gathered while they keep the same columns (see the module's doc).

    A group remembers the gutters (middles of the gaps its bands open) that none of its lines
    crosses; a band joins while one of them stays open, or, for a group without gutters, when
    the group's lines all keep to one side of a gutter the band opens. Consecutive groups that
    turn out not to be columns (see `_columns`) are merged back into one.
    """
    groups: list[tuple[list[_Item], list[float]]] = []
    for band in _bands(items):
        cuts = [(start + end) / 2 for start, end in _gaps(band, line_height)]
        if groups:
            members, open_cuts = groups[-1]
            if open_cuts:
                kept = [cut for cut in open_cuts if not _crosses(band, cut)]
            else:
                kept = [cut for cut in cuts if not _crosses(members, cut)] if cuts else []
            if kept or not (open_cuts or cuts):
                groups[-1] = (members + band, kept)
                continue
        groups.append((list(band), cuts))
    return _merge_unsplit([members for members, _cuts in groups], line_height)


def _crosses(items: list[_Item], cut: float) -> bool:
    return any(item.x0 < cut < item.x1 for item in items)


def _paragraphs(items: list[_Item]) -> list[list[_Item]]:
    bands = _bands(items)
    if len(bands) < 2:
        return [items]
    gaps = [
        nxt[0].y0 - max(i.y1 for i in band) for band, nxt in zip(bands, bands[1:], strict=False)
    ]
    heights = median(item.height for item in items)
    out = [list(bands[0])]
    for gap, band in zip(gaps, bands[1:], strict=True):
        if gap >= PARAGRAPH_GAP * heights:
            out.append(list(band))
        else:
            out[-1] += band
    return out


def _row_order(items: list[_Item], line_height: float) -> list[int]:
    """Rows top to bottom, left to right within a row: lines whose middles are closer than half
    a line height share a row, so two fragments of one skewed line are read in order."""
    tolerance = max(median(item.height for item in items) / 2, 1)
    ordered, row, previous = [], 0, None
    rows: dict[int, int] = {}
    for item in sorted(items, key=lambda i: i.middle):
        if previous is not None and item.middle - previous > tolerance:
            row += 1
        rows[item.index] = row
        previous = item.middle
    ordered = sorted(items, key=lambda i: (rows[i.index], i.x0))
    return [item.index for item in ordered]


def union_box(boxes: Sequence[Box]) -> list[int]:
    """The smallest x, y, w, h box holding all of `boxes`."""
    x0 = min(b[0] for b in boxes)
    y0 = min(b[1] for b in boxes)
    x1 = max(b[0] + b[2] for b in boxes)
    y1 = max(b[1] + b[3] for b in boxes)
    return [int(x0), int(y0), int(x1 - x0), int(y1 - y0)]


def join_cell(texts: Sequence[str]) -> str:
    """The lines of one table cell as one string: Chinese lines run on, Latin gets a space."""
    out = ""
    for text in texts:
        if out and (out[-1].isascii() and out[-1].isalnum()) and text[:1].isascii():
            out += " "
        out += text
    return out
