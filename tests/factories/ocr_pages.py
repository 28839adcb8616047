"""Generated page images of archival layouts with known text, for OCR tests and the bench.

`two_column_report` draws a report as the archive holds them: a title across the page, body text
in two columns, then a ruled table with a merged cell. Its truth is the text in the order a reader
takes it (title, left column, right column, table row by row with cells separated by a tab), so a
character error rate against it measures reading order as well as recognition.

Fonts and the text pool are those of tests/media_pipeline/pages.py (fonts-noto-cjk).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from PIL import Image, ImageDraw

from tests.media_pipeline import pages

TABLE_HEADER = ["年份", "项目", "经费（万元）", "负责人"]
TABLE_ROWS = [
    ["一九五六", "风洞实验", "十二", "钱学森"],
    ["一九五七", "燃烧研究", "八", None],  # None: merged with the cell above
    ["一九五八", "材料测试", "十五", "郭永怀"],
]
TITLE = "力学研究所一九五八年工作报告"


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    row_span: int
    column_span: int
    text: str
    box: tuple[int, int, int, int]  # x, y, w, h


@dataclass
class LayoutPage:
    image: Image.Image
    truth: str
    title_box: tuple[int, int, int, int]
    column_boxes: list[tuple[int, int, int, int]]
    table_box: tuple[int, int, int, int]
    cells: list[Cell]


def _wrap(text: str, per_line: int) -> list[str]:
    return [text[i : i + per_line] for i in range(0, len(text), per_line)]


def two_column_report(
    seed: int = 0, dpi: int = 300, font_pt: float = 12, rows: int = 12, table: bool = True
) -> LayoutPage:
    """An A4 report: title, two columns of `rows` lines each (the right one a little shorter),
    and a ruled 4×4 table below them whose last column has a cell merged over two rows."""
    rng = random.Random(seed)
    width, height = round(8.27 * dpi), round(11.69 * dpi)
    size = round(font_pt / 72 * dpi)
    margin = round(dpi * 0.9)
    gutter = round(dpi * 0.45)
    leading = round(size * 1.7)
    column_width = (width - 2 * margin - gutter) // 2
    per_line = column_width // size
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    body = pages.font(size, pages.SIMPLIFIED, pages.SERIF if seed % 2 == 0 else pages.SANS)
    heading = pages.font(round(size * 1.5), pages.SIMPLIFIED, pages.SANS)

    title_width = round(heading.getlength(TITLE))
    title_x, y = (width - title_width) // 2, margin
    draw.text((title_x, y), TITLE, font=heading, fill=0)
    title_box = (title_x, y, title_width, round(size * 1.5))
    y += round(size * 1.5) * 2 + size

    text = "".join(rng.choice(pages.BENCH_LINES) for _ in range(rows * 2))
    lines = _wrap(text, per_line)[: rows * 2 - 2]
    left, right = lines[:rows], lines[rows:]
    column_boxes = []
    for index, column in enumerate((left, right)):
        x = margin + index * (column_width + gutter)
        for number, line in enumerate(column):
            draw.text((x, y + number * leading), line, font=body, fill=0)
        column_boxes.append((x, y, column_width, len(column) * leading))
    y += rows * leading + 2 * size
    truth = [TITLE, *left, *right]
    if not table:
        return LayoutPage(page, "\n".join(truth), title_box, column_boxes, (0, 0, 0, 0), [])

    cells, table_box = _table(draw, body, margin, y, width - 2 * margin, size)
    for row in range(len(TABLE_ROWS) + 1):
        truth.append("\t".join(c.text for c in cells if c.row == row))
    return LayoutPage(page, "\n".join(truth), title_box, column_boxes, table_box, cells)


def _table(draw, face, x0: int, y0: int, table_width: int, size: int):
    rows = [TABLE_HEADER, *TABLE_ROWS]
    row_height = round(size * 2.2)
    weights = [3, 4, 4, 3]
    widths = [table_width * w // sum(weights) for w in weights]
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    ys = [y0 + r * row_height for r in range(len(rows) + 1)]
    rule = max(2, size // 16)
    cells = []
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            span = 1
            while r + span < len(rows) and rows[r + span][c] is None:
                span += 1
            box = (xs[c], ys[r], xs[c + 1] - xs[c], ys[r + span] - ys[r])
            cells.append(Cell(r, c, span, 1, value, box))
            text_y = box[1] + (box[3] - size) // 2 - size // 8
            draw.text((box[0] + size // 2, text_y), value, font=face, fill=0)
    for cell in cells:  # each cell's own border: a merged cell has no rule across it
        x, y, w, h = cell.box
        draw.rectangle((x, y, x + w, y + h), outline=0, width=rule)
    return cells, (xs[0], ys[0], xs[-1] - xs[0], ys[-1] - ys[0])
