"""The quarterly report as files: an XLSX workbook (openpyxl) and a PDF with its charts.

The PDF is drawn with PyMuPDF, already here for the pipeline's PDFs: lines, bars and text placed
directly, so no browser or node runs on the server and the charts are vectors. ECharts draws the
same numbers in the admin; the PDF's charts are simpler (a line chart per day, bars for the top
lists) because they are printed. Chinese text uses the CJK font PyMuPDF carries (Droid Sans
Fallback, simplified forms): the system's Noto CJK collection opens only at its Japanese face in
PyMuPDF, which draws some characters in their Japanese forms. The font is subset on save.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

import pymupdf
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from .dashboard import SECTION_LABELS, SERIES_LABELS, TOTAL_LABELS, Report, Row

# Colours of the four daily series (the dashboard's ECharts palette uses the same).
COLOURS = {
    "pages": (0.16, 0.38, 0.62),
    "records": (0.80, 0.42, 0.10),
    "downloads": (0.20, 0.56, 0.33),
    "searches": (0.55, 0.27, 0.60),
}
PDF_SECTIONS = ("exhibitions", "chapters", "scientists", "items", "downloads", "referrers")
TABLE_SECTIONS = ("searches", "zero", "devices")


def title(report: Report) -> str:
    f = report.filters
    scope = f" · {f.exhibition.title}" if f.exhibition else ""
    scope += f" · {f.organisation.name}" if f.organisation else ""
    return _("Impact report %(start)s – %(end)s%(scope)s") % {
        "start": f.start.isoformat(),
        "end": f.end.isoformat(),
        "scope": scope,
    }


def filename(report: Report, extension: str) -> str:
    f = report.filters
    scope = f"-{f.organisation.code}" if f.organisation else ""
    return f"impact-{f.start.isoformat()}-{f.end.isoformat()}{scope}.{extension}"


# XLSX ---------------------------------------------------------------------------------------------


def _text(value: Any) -> Any:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _append(sheet: Any, values: Sequence[Any]) -> None:
    sheet.append([_text(v) for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"  # a visitor's search text is never a formula


def xlsx(report: Report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("Summary")[:31]
    summary.append([title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    for key, label in TOTAL_LABELS.items():
        _append(summary, [str(label), report.totals[key]])
    summary.column_dimensions["A"].width = 36

    daily = workbook.create_sheet(_("Per day")[:31])
    _append(daily, [_("Day"), *[str(SERIES_LABELS[k]) for k in report.series]])
    for index, day in enumerate(report.days):
        _append(daily, [day, *[values[index] for values in report.series.values()]])
    daily.column_dimensions["A"].width = 12

    for key, rows in report.top.items():
        sheet = workbook.create_sheet(str(SECTION_LABELS[key])[:31])
        header = [pgettext("listed object", "Name"), _("Count")]
        if key in ("searches", "zero"):
            header = [
                _("Search terms"),
                _("Searches") if key == "searches" else _("Searches with no results"),
                _("Searches with no results") if key == "searches" else _("Searches"),
            ]
        _append(sheet, header)
        for row in rows:
            _append(sheet, [row.label, row.value, *([row.extra] if len(header) == 3 else [])])
        sheet.column_dimensions["A"].width = 48
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# PDF ----------------------------------------------------------------------------------------------

A4 = pymupdf.paper_rect("a4")
MARGIN = 48
FONT = "cjk"


class _Pages:
    """A4 pages filled top to bottom; a block that does not fit starts a new page."""

    def __init__(self, heading: str) -> None:
        self.doc = pymupdf.open()
        self.font = pymupdf.Font(FONT)
        self.heading = heading
        self.page: Any = None
        self.y = 0.0
        self._new_page()

    def _new_page(self) -> None:
        self.page = self.doc.new_page(width=A4.width, height=A4.height)
        self.page.insert_font(fontname=FONT, fontbuffer=self.font.buffer)
        self.text(MARGIN, A4.height - 24, self.heading, size=8, colour=(0.45, 0.45, 0.45))
        self.text(A4.width - MARGIN - 20, A4.height - 24, str(self.doc.page_count), size=8)
        self.y = MARGIN

    def need(self, height: float) -> None:
        if self.y + height > A4.height - MARGIN:
            self._new_page()

    def text(
        self,
        x: float,
        y: float,
        value: str,
        size: float = 10,
        colour: tuple[float, float, float] = (0, 0, 0),
    ) -> None:
        self.page.insert_text((x, y), value, fontname=FONT, fontsize=size, color=colour)

    def width(self, value: str, size: float) -> float:
        return float(self.font.text_length(value, fontsize=size))

    def fit(self, value: str, size: float, room: float) -> str:
        while value and self.width(value, size) > room:
            value = value[:-2] + "…" if len(value) > 2 else ""
        return value

    def save(self) -> bytes:
        self.doc.subset_fonts()
        return self.doc.tobytes(garbage=3, deflate=True)


def pdf(report: Report) -> bytes:
    heading = title(report)
    out = _Pages(heading)
    out.text(MARGIN, out.y + 8, heading, size=16)
    out.y += 34
    _totals(out, report)
    _line_chart(out, report)
    for key in PDF_SECTIONS:
        _bar_chart(out, str(SECTION_LABELS[key]), report.top[key])
    for key in TABLE_SECTIONS:
        _table(out, str(SECTION_LABELS[key]), report.top[key], key)
    return out.save()


def _number(value: int) -> str:
    return formats.number_format(value, force_grouping=True)


def _totals(out: _Pages, report: Report) -> None:
    column = (A4.width - 2 * MARGIN) / 2
    for index, (key, label) in enumerate(TOTAL_LABELS.items()):
        x = MARGIN + (index % 2) * column
        if index % 2 == 0 and index:
            out.y += 18
        out.text(x, out.y, str(label), size=10, colour=(0.3, 0.3, 0.3))
        out.text(x + column - 80, out.y, _number(report.totals[key]), size=10)
    out.y += 30


def _section_title(out: _Pages, value: str, height: float) -> None:
    out.need(height + 26)
    out.text(MARGIN, out.y + 12, value, size=12)
    out.y += 24


def _line_chart(out: _Pages, report: Report) -> None:
    height, width = 180.0, A4.width - 2 * MARGIN
    _section_title(out, _("Views per day"), height + 30)
    left, top = MARGIN + 36, out.y
    plot_w, plot_h = width - 36, height
    peak = max([1, *[v for values in report.series.values() for v in values]])
    shape = out.page.new_shape()
    for step in range(5):  # grid lines with their values
        y = top + plot_h - plot_h * step / 4
        shape.draw_line((left, y), (left + plot_w, y))
        out.text(MARGIN, y + 3, _number(round(peak * step / 4)), size=7, colour=(0.4, 0.4, 0.4))
    shape.finish(color=(0.85, 0.85, 0.85), width=0.5)
    count = max(1, len(report.days) - 1)
    for name, values in report.series.items():
        points = [
            (left + plot_w * i / count, top + plot_h - plot_h * v / peak)
            for i, v in enumerate(values)
        ]
        if len(points) == 1:
            points.append((points[0][0] + 1, points[0][1]))
        shape.draw_polyline(points)
        shape.finish(color=COLOURS[name], width=1.4, closePath=False)
    shape.commit()
    for i in (0, len(report.days) // 2, len(report.days) - 1):
        day = report.days[i]
        out.text(left + plot_w * i / count - 22, top + plot_h + 12, day, size=7)
    x: float = left
    for name in report.series:  # the legend
        label = str(SERIES_LABELS[name])
        out.page.draw_rect(
            pymupdf.Rect(x, top + plot_h + 20, x + 10, top + plot_h + 26),
            color=None,
            fill=COLOURS[name],
        )
        out.text(x + 14, top + plot_h + 26, label, size=8)
        x += 24 + out.width(label, 8)
    out.y = top + plot_h + 44


def _bar_chart(out: _Pages, heading: str, rows: list[Row]) -> None:
    bar = 14.0
    _section_title(out, heading, max(1, len(rows)) * (bar + 4) + 8)
    if not rows:
        out.text(MARGIN, out.y + 6, _("No views in this period."), size=9, colour=(0.4, 0.4, 0.4))
        out.y += 20
        return
    label_w, width = 200.0, A4.width - 2 * MARGIN
    peak = max(r.value for r in rows) or 1
    for row in rows:
        out.text(MARGIN, out.y + 10, out.fit(row.label, 9, label_w - 8), size=9)
        length = (width - label_w - 50) * row.value / peak
        out.page.draw_rect(
            pymupdf.Rect(MARGIN + label_w, out.y, MARGIN + label_w + max(length, 1), out.y + bar),
            color=None,
            fill=COLOURS["pages"],
        )
        out.text(MARGIN + label_w + length + 4, out.y + 10, _number(row.value), size=8)
        out.y += bar + 4
    out.y += 10


def _table(out: _Pages, heading: str, rows: list[Row], key: str) -> None:
    _section_title(out, heading, 16 * min(len(rows), 5) + 8)
    if not rows:
        out.text(MARGIN, out.y + 6, _("None in this period."), size=9, colour=(0.4, 0.4, 0.4))
        out.y += 20
        return
    for row in rows:
        out.need(16)
        out.text(MARGIN, out.y + 10, out.fit(row.label, 9, 300), size=9)
        out.text(MARGIN + 320, out.y + 10, _number(row.value), size=9)
        if key in ("searches", "zero"):
            extra = _("no results: %(n)s") if key == "searches" else _("searches: %(n)s")
            out.text(MARGIN + 390, out.y + 10, extra % {"n": _number(row.extra)}, size=8)
        out.y += 16
    out.y += 10
