"""A contributor's batch: an items manifest plus the files it names, each row one contribution.

The manifest is read by the importer's own readers (CSV in UTF-8 or GB18030, or an XLSX sheet
named items/条目) and its cells by the importer's column parsers, so a sheet a curator could
import reads the same here. What differs is what a contributor may say: the columns the reviewers
decide (series, access, rights, embargo, provenance, position) are refused, an identifier is
optional and may not name a record that is not this organisation's, and files are the uploads
sent with the manifest, matched by name, instead of paths on the server.

Every row is checked first; nothing is written if any row fails. Then all rows are written in one
transaction through submitting.create and add_files, and a file the ingest refuses undoes the
whole batch too, with its row named.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from archive_collections.importer import ImportReport
from archive_collections.importer.readers import ManifestError, read_manifest
from archive_collections.importer.schema import CellError, header_lookup, unguard_formula
from archive_collections.models import Item, Scientist
from media_pipeline.admin_upload import UploadResult
from media_pipeline.ingest import sanitize_filename

from .. import submitting
from ..models import Contribution, ContributionKind, Membership

KIND = "items"
#: The importer's item columns a contribution takes, and the Submission field each fills.
TAKEN = {
    "identifier": "identifier",
    "title": "title",
    "type": "item_type",
    "date": "date_text",
    "creators": "creators",
    "scientists": "scientists",
    "description": "description",
    "places": "places",
    "language": "language",
    "extent": "extent",
    "files": "files",
}
#: Item columns the reviewers decide or a contribution does not carry.
DECIDED_BY_REVIEWERS = {"series", "access", "rights", "embargo_until", "provenance", "position"}
REQUIRED = ("title", "type", "scientists")


class Rollback(Exception):
    """Raised inside the batch's transaction to undo it when a row fails while writing."""


@dataclass
class Row:
    number: int
    values: dict = field(default_factory=dict)
    scientists: list[Scientist] = field(default_factory=list)
    files: list[str] = field(default_factory=list)


@dataclass
class RowResult:
    row: int
    contribution: Contribution
    files: list[UploadResult]


@dataclass
class BatchOutcome:
    report: ImportReport
    written: list[RowResult] = field(default_factory=list)


def _upload_name(uploaded) -> str:
    return sanitize_filename(PurePath(uploaded.name.replace("\\", "/")).name)


def read_rows(manifest, report: ImportReport) -> list[Row]:
    """The manifest's item rows, parsed; problems go into the report."""
    name = sanitize_filename(PurePath(manifest.name.replace("\\", "/")).name)
    suffix = PurePath(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        report.add("", None, "", name, _("The manifest must be a .csv file or an .xlsx workbook."))
        return []
    with tempfile.TemporaryDirectory(prefix="contribute-") as folder:
        path = Path(folder) / (name if PurePath(name).name == name else f"manifest{suffix}")
        with path.open("wb") as out:
            for chunk in manifest.chunks():
                out.write(chunk)
        try:
            sheets = read_manifest(path, report, KIND if suffix == ".csv" else None)
        except ManifestError as exc:
            report.add("", None, "", name, str(exc))
            return []
    rows: list[Row] = []
    for sheet in sheets:
        if sheet.kind != KIND:
            report.add(
                sheet.kind,
                None,
                "",
                sheet.source,
                _("A contribution manifest holds items only; remove the %(kind)s sheet.")
                % {"kind": sheet.kind},
            )
            continue
        columns = _columns(sheet.header, report)
        if columns is None:
            continue
        rows.extend(_row(number, columns, cells, report) for number, cells in sheet.rows)
    if not rows and report.ok:
        report.add(KIND, None, "", "", _("The manifest has no rows."))
    return rows


def _columns(header: list[str], report: ImportReport):
    lookup = header_lookup(KIND)
    columns, seen, failed = [], set(), False
    for raw in header:
        column = lookup.get(" ".join(raw.split()).lower()) if raw.strip() else None
        if raw.strip() and column is None:
            known = ", ".join(sorted(TAKEN))
            reason = _("unknown column; a contribution manifest's columns are %(known)s") % {
                "known": known
            }
            report.add(KIND, 1, raw.strip(), "", reason)
            failed = True
        elif column is not None and column.name in DECIDED_BY_REVIEWERS:
            reason = _("is decided by the reviewers, not in a contribution; remove this column")
            report.add(KIND, 1, column.name, "", reason)
            failed = True
        elif column is not None and column.name not in TAKEN:
            reason = _("a contribution does not carry this column; remove it")
            report.add(KIND, 1, column.name, "", reason)
            failed = True
        elif column is not None and column.name in seen:
            report.add(KIND, 1, column.name, "", _("the column appears twice"))
            failed = True
        if column is not None:
            seen.add(column.name)
        columns.append(column if column is not None and column.name in TAKEN else None)
    for name in ("title", "type"):
        if name not in seen:
            report.add(KIND, 1, name, "", _("a required column is missing"))
            failed = True
    return None if failed else columns


def _row(number: int, columns, cells: list[str], report: ImportReport) -> Row:
    row = Row(number)
    for column, raw in zip(columns, cells, strict=False):
        if column is None:
            continue
        cell = unguard_formula(raw.strip())
        if not cell:
            continue
        try:
            row.values[column.name] = column.parse(cell)
        except CellError as exc:
            report.add(KIND, number, column.name, cell, str(exc))
    return row


def check(rows: list[Row], uploads, membership: Membership, report: ImportReport) -> dict:
    """Every row against the archive and the uploaded files; the uploads by name."""
    by_name: dict[str, object] = {}
    for uploaded in uploads:
        name = _upload_name(uploaded)
        if name in by_name:
            report.add(KIND, None, "files", name, _("two uploaded files have this name"))
        by_name[name] = uploaded
    wanted = {value for row in rows for value in row.values.get("scientists", ())}
    scientists = {s.identifier: s for s in Scientist.objects.filter(identifier__in=wanted)}
    identifiers = [row.values["identifier"] for row in rows if row.values.get("identifier")]
    taken = {
        item.identifier: item
        for item in Item.objects.filter(identifier__in=identifiers).select_related(
            "contribution__organisation"
        )
    }
    first: dict[str, int] = {}
    named: set[str] = set()
    for row in rows:
        for name in REQUIRED:
            if name not in row.values and not _already_reported(report, row.number, name):
                report.add(KIND, row.number, name, "", _("a value is required"))
        for identifier in row.values.get("scientists", ()):
            if identifier in scientists:
                row.scientists.append(scientists[identifier])
            else:
                report.add(
                    KIND,
                    row.number,
                    "scientists",
                    identifier,
                    _("no scientist has this identifier"),
                )
        _check_identifier(row, taken, first, membership, report)
        for raw in row.values.get("files", ()):
            name = sanitize_filename(PurePath(raw.replace("\\", "/")).name)
            if name not in by_name:
                report.add(
                    KIND, row.number, "files", raw, _("is not among the files uploaded with it")
                )
            else:
                row.files.append(name)
                named.add(name)
    for name in sorted(set(by_name) - named):
        report.add(KIND, None, "files", name, _("was uploaded but no row names it"))
    return by_name


def _already_reported(report: ImportReport, row: int, column: str) -> bool:
    return any(p.row == row and p.column == column for p in report.problems)


def _check_identifier(row: Row, taken: dict, first: dict, membership, report) -> None:
    identifier = row.values.get("identifier")
    if not identifier:
        return
    if identifier in first:
        report.add(
            KIND,
            row.number,
            "identifier",
            identifier,
            _("duplicate identifier: already used on row %(row)d") % {"row": first[identifier]},
        )
        return
    first[identifier] = row.number
    item = taken.get(identifier)
    if item is None:
        return
    contribution = getattr(item, "contribution", None)
    if contribution is None:
        reason = _("belongs to a record in the archive that your organisation did not contribute")
    elif contribution.organisation_id != membership.organisation_id:
        reason = _("belongs to another organisation's contribution")
    else:
        reason = _(
            "is already your organisation's contribution “%(title)s”; change it on its own page"
        ) % {"title": contribution.title}
    report.add(KIND, row.number, "identifier", identifier, reason)


def _submission(row: Row, licence: str, source_statement: str) -> submitting.Submission:
    values = row.values
    item = {TAKEN[name]: values.get(name, "") for name in ("date", "creators", "places", "extent")}
    item["description"] = values.get("description", "")
    item["item_type"] = values["type"]
    if values.get("language"):
        item["language"] = values["language"]
    return submitting.Submission(
        kind=ContributionKind.MATERIAL,
        title=values["title"],
        licence=licence,
        source_statement=source_statement,
        scientists=row.scientists,
        identifier=values.get("identifier", ""),
        item=item,
    )


def run(membership: Membership, manifest, uploads, licence: str, source_statement: str):
    """Check the whole batch, then write it in one transaction or not at all."""
    report = ImportReport(source=sanitize_filename(manifest.name))
    outcome = BatchOutcome(report)
    rows = read_rows(manifest, report)
    if not rows:
        return outcome
    by_name = check(rows, uploads, membership, report)
    if not report.ok:
        return outcome
    try:
        with transaction.atomic():
            for row in rows:
                _write(row, membership, by_name, licence, source_statement, outcome)
            if not report.ok:
                raise Rollback
    except Rollback:
        outcome.written = []
    return outcome


def _write(row: Row, membership, by_name, licence, source_statement, outcome) -> None:
    report = outcome.report
    try:
        contribution = submitting.create(membership, _submission(row, licence, source_statement))
    except ValidationError as exc:
        for column, messages in _errors(exc):
            report.add(KIND, row.number, column, row.values.get(column, ""), "; ".join(messages))
        return
    results = submitting.add_files(contribution, [by_name[name] for name in row.files])
    for result in results:
        if result.outcome == "refused":
            report.add(KIND, row.number, "files", result.filename, result.message)
    outcome.written.append(RowResult(row.number, contribution, results))


_FIELD_COLUMNS = {"item_type": "type", "date_text": "date", "__all__": ""}


def _errors(exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            yield _FIELD_COLUMNS.get(name, name), errors
    else:
        yield "", exc.messages
