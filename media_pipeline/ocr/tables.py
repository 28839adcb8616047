"""Ruled tables on a page image: their boxes and cell grids, found with OpenCV morphology.

1. Ink is the page's dark pixels (adaptive threshold, so a yellowed page and a grey rule both
   count). An opening with a long, one-pixel-thin kernel keeps only straight runs of ink longer
   than a few characters: the horizontal rules with one kernel, the vertical with the other.
2. The rules together form connected frames; a frame holding at least two rows and two columns
   of enclosed white regions is a table, and each enclosed region is a cell. A cell merged over
   two rows or columns has no rule across it, so it is one region: merged cells come out once,
   with their spans, without any special case.
3. The caller checks the table against the text lines: when many lines run across cell borders
   it is ruled paper (方格稿纸, letter paper), not a table — see `accept`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

# Pages are searched for rules at most this long side (a 300-dpi A4 scan is halved).
WORKING_SIDE = 1800
# A rule is a straight run of ink at least this share of the page's longer side.
RULE_SHARE = 1 / 30
# ... and at least this many pixels (small images).
RULE_MIN_PIXELS = 24
# Pixels a rule is thickened by across its length before the search: rules up to ~2° askew.
RULE_SLACK = 5
# Enclosed regions smaller than this many pixels (each side) are gaps in a rule, not cells.
CELL_MIN_SIDE = 8
# At least this share of a grid's row × column positions are cells of their own (the rest are
# covered by merged cells).
MIN_FILLED_SHARE = 0.5
# Rows (columns) whose cell edges lie this close (share of the median cell side) are one.
EDGE_TOLERANCE = 0.25
# A table whose text lines cross cell borders this often is ruled paper.
MAX_CROSSING_SHARE = 0.3


@dataclass
class Cell:
    row: int
    column: int
    row_span: int
    column_span: int
    box: list[int]  # x, y, w, h in page pixels
    lines: list[int] = field(default_factory=list)  # indices of page lines, in reading order

    def as_dict(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "row_span": self.row_span,
            "column_span": self.column_span,
            "box": self.box,
            "lines": self.lines,
        }


@dataclass
class Table:
    box: list[int]
    rows: int
    columns: int
    cells: list[Cell]

    def cell_at(self, box: list[int]) -> Cell | None:
        """The cell holding the middle of `box`."""
        x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
        for cell in self.cells:
            cx, cy, cw, ch = cell.box
            if cx <= x < cx + cw and cy <= y < cy + ch:
                return cell
        return None

    def scaled(self, factor: float) -> Table:
        def scale(box: list[int]) -> list[int]:
            return [round(v * factor) for v in box]

        cells = [Cell(c.row, c.column, c.row_span, c.column_span, scale(c.box)) for c in self.cells]
        return Table(scale(self.box), self.rows, self.columns, cells)

    def contains(self, box: list[int]) -> bool:
        x, y = box[0] + box[2] / 2, box[1] + box[3] / 2
        tx, ty, tw, th = self.box
        return tx <= x < tx + tw and ty <= y < ty + th


def find_tables(grey: np.ndarray) -> list[Table]:
    """Ruled tables on a greyscale page (dark ink on light paper), top to bottom."""
    scale = min(1.0, WORKING_SIDE / max(grey.shape[:2]))
    if scale < 1.0:  # rules survive halving; the morphology costs a quarter
        small = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        return [table.scaled(1 / scale) for table in find_tables(small)]
    height, width = grey.shape[:2]
    length = max(RULE_MIN_PIXELS, round(max(width, height) * RULE_SHARE))
    ink = cv2.adaptiveThreshold(
        grey, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    horizontal = _rules(ink, (length, 1))
    vertical = _rules(ink, (1, length))
    if not horizontal.any() or not vertical.any():
        return []
    frame = cv2.dilate(horizontal | vertical, np.ones((3, 3), np.uint8))
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(frame, connectivity=8)
    tables = []
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        if w < 2 * length or h < length:
            continue
        table = _grid(frame[y : y + h, x : x + w], x, y)
        if table is not None:
            tables.append(table)
    return sorted(tables, key=lambda t: (t.box[1], t.box[0]))


def _rules(ink: np.ndarray, kernel_size: tuple[int, int]) -> np.ndarray:
    # Close small breaks along the rule first (a worn photocopy's rules are dotted), and
    # thicken it across, so a rule a little askew still holds a straight run of the kernel.
    along = (max(kernel_size[0] // 10, 1), max(kernel_size[1] // 10, 1))
    closed = cv2.morphologyEx(
        ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, along)
    )
    across = (1, RULE_SLACK) if kernel_size[0] > 1 else (RULE_SLACK, 1)
    closed = cv2.dilate(closed, cv2.getStructuringElement(cv2.MORPH_RECT, across))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, kernel_size)
    return cv2.morphologyEx(closed, cv2.MORPH_OPEN, kernel)


def _grid(frame: np.ndarray, left: int, top: int) -> Table | None:
    """The cells enclosed by one frame of rules, placed on a row/column grid; None if the
    frame does not enclose at least two rows and two columns of cells."""
    white = np.where(frame > 0, 0, 255).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(white, connectivity=4)
    height, width = frame.shape
    boxes = []
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        touches_edge = x == 0 or y == 0 or x + w >= width or y + h >= height
        if touches_edge or w < CELL_MIN_SIDE or h < CELL_MIN_SIDE:
            continue  # outside the table, or a gap in a rule
        boxes.append((x, y, w, h))
    if len(boxes) < 4:
        return None
    tolerance_y = EDGE_TOLERANCE * float(np.median([b[3] for b in boxes]))
    tolerance_x = EDGE_TOLERANCE * float(np.median([b[2] for b in boxes]))
    row_edges = _edges([b[1] for b in boxes] + [b[1] + b[3] for b in boxes], tolerance_y)
    column_edges = _edges([b[0] for b in boxes] + [b[0] + b[2] for b in boxes], tolerance_x)
    rows, columns = len(row_edges) - 1, len(column_edges) - 1
    if rows < 2 or columns < 2 or len(boxes) < MIN_FILLED_SHARE * rows * columns:
        return None  # not a grid: ruled lines crossing a picture, or a frame with a gap
    cells = []
    for x, y, w, h in boxes:
        row, row_end = _nearest(row_edges, y), _nearest(row_edges, y + h)
        column, column_end = _nearest(column_edges, x), _nearest(column_edges, x + w)
        cells.append(
            Cell(
                row=row,
                column=column,
                row_span=max(row_end - row, 1),
                column_span=max(column_end - column, 1),
                box=[left + x, top + y, w, h],
            )
        )
    cells.sort(key=lambda c: (c.row, c.column))
    return Table(box=[left, top, width, height], rows=rows, columns=columns, cells=cells)


def _edges(values: list[int], tolerance: float) -> list[float]:
    """Positions of grid lines: the values clustered within `tolerance` of each other."""
    edges: list[list[int]] = []
    for value in sorted(values):
        if edges and value - edges[-1][-1] <= max(tolerance, 4):
            edges[-1].append(value)
        else:
            edges.append([value])
    return [sum(group) / len(group) for group in edges]


def _nearest(edges: list[float], value: float) -> int:
    return min(range(len(edges)), key=lambda i: abs(edges[i] - value))


def accept(table: Table, line_boxes: list[list[int]]) -> bool:
    """Whether the text lines inside `table` keep to its cells (a table) rather than running
    across its rules (ruled or squared writing paper)."""
    inside = [box for box in line_boxes if table.contains(box)]
    if not inside:
        return False
    crossing = sum(1 for box in inside if _crosses_border(table, box))
    return crossing <= MAX_CROSSING_SHARE * len(inside)


def _crosses_border(table: Table, box: list[int]) -> bool:
    cell = table.cell_at(box)
    if cell is None:
        return True
    x, y, w, h = box
    cx, cy, cw, ch = cell.box
    slack_x, slack_y = 0.25 * h, 0.25 * h  # detector boxes reach a little past the ink
    return (
        x < cx - slack_x
        or x + w > cx + cw + slack_x
        or y < cy - slack_y
        or y + h > cy + ch + slack_y
    )
