"""Read a manifest (XLSX workbook, folder of CSVs or one CSV) into raw sheets of text cells.

Readers only know about files, encodings and rows; what the columns mean is schema.py's business.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from archive_collections.textcodec import UndecodableText, decode_text

from .report import KINDS, ImportReport

SHEET_ALIASES = {
    "scientists": {"scientists", "scientist", "科学家"},
    "fonds": {"fonds", "全宗"},
    "series": {"series", "系列"},
    "items": {"items", "item", "条目", "档案"},
    "interviews": {"interviews", "interview", "访谈"},
}


class ManifestError(Exception):
    """The manifest as a whole cannot be read; carries a reason fit for the report."""


@dataclass
class Sheet:
    kind: str
    source: str  # file or sheet name, for messages
    header: list[str]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


def kind_of(name: str) -> str | None:
    """Map a sheet name or a file stem to a kind: `items`, `条目`, `2024-batch-items`."""
    cleaned = name.strip().lower()
    for kind, aliases in SHEET_ALIASES.items():
        if cleaned in aliases:
            return kind
    last_word = re.split(r"[-_]", cleaned)[-1]
    return last_word if last_word in KINDS else None


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a manifest as UTF-8 (with or without BOM) or GB18030, strictly: (text, encoding)."""
    try:
        return decode_text(data, wide=False)
    except UndecodableText as exc:
        if exc.problem == "bom":
            message = _(
                "%(name)s starts with a UTF-8 byte order mark but line %(line)d, byte offset "
                "%(offset)d is not valid UTF-8"
            )
        else:
            message = _(
                "%(name)s is neither UTF-8 nor GB18030: line %(line)d, byte offset %(offset)d "
                "(bytes %(bytes)s) cannot be decoded; save the file as UTF-8 CSV"
            )
        values = {"name": name, "line": exc.line, "offset": exc.offset, "bytes": exc.bad_bytes}
        raise ManifestError(message % values) from exc


def read_bytes_checked(path: Path, budget: list[int]) -> bytes:
    """Read a manifest file, enforcing ARCHIVE_IMPORT_MAX_BYTES across the whole manifest."""
    size = path.stat().st_size
    budget[0] += size
    if budget[0] > settings.ARCHIVE_IMPORT_MAX_BYTES:
        raise ManifestError(
            _("the manifest is larger than the limit of %(limit)d bytes (ARCHIVE_IMPORT_MAX_BYTES)")
            % {"limit": settings.ARCHIVE_IMPORT_MAX_BYTES}
        )
    return path.read_bytes()


def _is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


def _check_width(sheet: Sheet, row: int, cells: list[str], report: ImportReport) -> bool:
    width = len(sheet.header)
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        report.add(
            sheet.kind,
            row,
            "",
            extra[0],
            _(
                "the row has %(cells)d cells but the header has %(width)d columns; "
                "check for an unquoted separator or a missing header"
            )
            % {"cells": len(cells), "width": width},
        )
        return False
    return True


def parse_csv(text: str, kind: str, name: str, report: ImportReport) -> Sheet | None:
    """Split CSV text into a header and data rows; a structural error stops the sheet."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    sheet: Sheet | None = None
    record = 0
    while True:
        first_line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            report.add(
                kind,
                record + 1,
                "",
                "",
                _(
                    "malformed CSV in %(name)s: the record starting on line %(line)d cannot "
                    "be read (%(error)s); check for an unbalanced quote"
                )
                % {"name": name, "line": first_line, "error": exc},
            )
            return None
        record += 1
        if sheet is None:
            sheet = Sheet(kind, name, cells)
            continue
        if _is_blank(cells):
            continue
        if not _check_width(sheet, record, cells, report):
            return None
        # Blank cells past the header (a trailing comma, as spreadsheet programs write) are
        # dropped as the XLSX reader drops them: the validator pairs cells with columns exactly.
        cells = cells[: len(sheet.header)]
        sheet.rows.append((record, cells + [""] * (len(sheet.header) - len(cells))))
    if sheet is None:
        report.add(
            kind, None, "", "", _("%(name)s is empty: it needs a header row") % {"name": name}
        )
    return sheet


def read_csv(path: Path, kind: str, report: ImportReport, budget: list[int]) -> Sheet | None:
    data = read_bytes_checked(path, budget)
    text, encoding = decode(data, path.name)
    report.encodings[path.name] = encoding
    return parse_csv(text, kind, path.name, report)


def cell_text(value: object) -> str:
    """An XLSX cell as the text a curator sees: whole numbers without `.0`, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def read_xlsx(path: Path, report: ImportReport, budget: list[int]) -> list[Sheet]:
    from openpyxl import load_workbook

    read_bytes_checked(path, budget)
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or non-XLSX file
        raise ManifestError(
            _("%(name)s cannot be opened as an XLSX workbook: %(error)s")
            % {"name": path.name, "error": exc}
        ) from exc
    report.encodings[path.name] = "XLSX"
    sheets: list[Sheet] = []
    try:
        for worksheet in workbook.worksheets:
            kind = kind_of(worksheet.title)
            if kind is None:
                report.add(
                    "",
                    None,
                    "",
                    worksheet.title,
                    _("sheet “%(sheet)s” is not a record kind; name sheets %(kinds)s")
                    % {"sheet": worksheet.title, "kinds": ", ".join(KINDS)},
                )
                continue
            if any(sheet.kind == kind for sheet in sheets):
                report.add(
                    kind,
                    None,
                    "",
                    worksheet.title,
                    _("two sheets hold %(kind)s; use one sheet per kind") % {"kind": kind},
                )
                continue
            sheet = _read_worksheet(worksheet, kind, report)
            if sheet is not None:
                sheets.append(sheet)
    finally:
        workbook.close()
    return sheets


def _read_worksheet(worksheet, kind: str, report: ImportReport) -> Sheet | None:
    sheet: Sheet | None = None
    for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
        cells = [cell_text(value) for value in values]
        if sheet is None:
            while cells and not cells[-1].strip():
                cells.pop()  # read-only sheets often report trailing empty columns
            sheet = Sheet(kind, worksheet.title, cells)
            continue
        if _is_blank(cells):
            continue
        if not _check_width(sheet, number, cells, report):
            return None
        cells = cells[: len(sheet.header)]
        sheet.rows.append((number, cells + [""] * (len(sheet.header) - len(cells))))
    if sheet is None:
        report.add(
            kind,
            None,
            "",
            "",
            _("sheet “%(sheet)s” is empty: it needs a header row") % {"sheet": worksheet.title},
        )
    return sheet


def read_folder(folder: Path, report: ImportReport, budget: list[int]) -> list[Sheet]:
    csv_files = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
    if not csv_files:
        workbooks = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".xlsx")
        if len(workbooks) == 1:
            return read_xlsx(workbooks[0], report, budget)
        raise ManifestError(
            _(
                "%(folder)s holds no CSV files named after a kind (%(kinds)s) and not exactly one "
                "XLSX workbook"
            )
            % {"folder": folder.name, "kinds": ", ".join(KINDS)}
        )
    seen: dict[str, Path] = {}
    sheets = []
    for path in csv_files:
        kind = kind_of(path.stem)
        if kind is None:
            report.add(
                "",
                None,
                "",
                path.name,
                _("%(name)s is not named after a record kind (%(kinds)s)")
                % {"name": path.name, "kinds": ", ".join(KINDS)},
            )
            continue
        if kind in seen:
            report.add(
                kind,
                None,
                "",
                path.name,
                _("both %(first)s and %(second)s hold %(kind)s; use one file per kind")
                % {"first": seen[kind].name, "second": path.name, "kind": kind},
            )
            continue
        seen[kind] = path
        if (sheet := read_csv(path, kind, report, budget)) is not None:
            sheets.append(sheet)
    return sheets


def read_manifest(path: Path, report: ImportReport, kind: str | None = None) -> list[Sheet]:
    """All sheets of a manifest, in import order. Raises ManifestError for unreadable input."""
    budget = [0]
    if not path.exists():
        raise ManifestError(_("%(path)s does not exist") % {"path": path})
    if path.is_dir():
        sheets = read_folder(path, report, budget)
    elif path.suffix.lower() == ".xlsx":
        sheets = read_xlsx(path, report, budget)
    elif path.suffix.lower() == ".csv":
        kind = kind or kind_of(path.stem)
        if kind not in KINDS:
            raise ManifestError(
                _(
                    "cannot tell the kind of %(name)s: end its name with one of %(kinds)s or give "
                    "--kind"
                )
                % {"name": path.name, "kinds": ", ".join(KINDS)}
            )
        sheet = read_csv(path, kind, report, budget)
        sheets = [sheet] if sheet is not None else []
    else:
        raise ManifestError(
            _("%(name)s is not a manifest: give an .xlsx workbook, a .csv file or a folder")
            % {"name": path.name}
        )
    _check_row_limit(sheets)
    return sorted(sheets, key=lambda sheet: KINDS.index(sheet.kind))


def _check_row_limit(sheets: list[Sheet]) -> None:
    total = sum(len(sheet.rows) for sheet in sheets)
    if total > settings.ARCHIVE_IMPORT_MAX_ROWS:
        raise ManifestError(
            _(
                "the manifest has %(rows)d rows, more than the limit of %(limit)d "
                "(ARCHIVE_IMPORT_MAX_ROWS); split it into several imports"
            )
            % {"rows": total, "limit": settings.ARCHIVE_IMPORT_MAX_ROWS}
        )
