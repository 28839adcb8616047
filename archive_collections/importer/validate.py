"""Check every row of every kind before anything is written.

Produces a Manifest of normalised records. Problems go into the report; the caller writes only
when there are none.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.utils.translation import gettext as _

from archive_collections.models import (
    AccessLevel,
    ConsentStatus,
    Fonds,
    Interview,
    Item,
    Scientist,
    Series,
)

from .paths import PathRefused, import_roots, resolve_manifest_path
from .readers import Sheet
from .report import KINDS, ImportReport
from .schema import KEY_COLUMN, CellError, map_header, unguard_formula
from .timed_text import IndexCue, TimedTextError, TranscriptCue, parse_index, parse_transcript

CHUNK = 500
T = TypeVar("T")


@dataclass
class Record:
    kind: str
    row: int
    key: str
    values: dict[str, Any]
    files: list[Path] = field(default_factory=list)
    portrait: Path | None = None
    transcript: list[TranscriptCue] | None = None
    index: list[IndexCue] | None = None


@dataclass
class Manifest:
    base: Path
    records: dict[str, list[Record]] = field(default_factory=dict)
    columns: dict[str, set[str]] = field(default_factory=dict)
    unreadable: set[str] = field(default_factory=set)
    # Identifiers of rows that failed: references to them are not reported a second time.
    rejected: dict[str, set[str]] = field(default_factory=dict)

    def by_key(self, kind: str) -> dict[str, Record]:
        return {record.key: record for record in self.records.get(kind, [])}


def chunked(values: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Lists of up to `size` values, read as they are needed: a streamed queryset (the exports'
    primary keys) is never held whole."""
    iterator = iter(values)
    while chunk := list(islice(iterator, size)):
        yield chunk


def in_database(model, keys: Iterable[str], *extra: str) -> dict[str, tuple]:
    """Which of `keys` exist as `model.identifier`, with the `extra` values of each."""
    found = {}
    for chunk in chunked(set(keys)):
        for identifier, *rest in model.objects.filter(identifier__in=chunk).values_list(
            "identifier", *extra
        ):
            found[identifier] = tuple(rest)
    return found


class Validator:
    def __init__(self, sheets: list[Sheet], base: Path, report: ImportReport, progress):
        self.sheets, self.report, self.progress = sheets, report, progress
        self.manifest = Manifest(base)
        self.roots = import_roots()

    def run(self) -> Manifest:
        bar = self.progress(sum(len(sheet.rows) for sheet in self.sheets), _("validating"))
        try:
            for sheet in self.sheets:
                self.read_sheet(sheet, bar)
        finally:
            bar.close()
        check_references(self.manifest, self.report)
        return self.manifest

    def read_sheet(self, sheet: Sheet, bar) -> None:
        columns, header_problems = map_header(sheet.kind, sheet.header)
        for position, reason in header_problems:
            header = sheet.header[position] if position >= 0 else ""
            self.report.add(sheet.kind, 1, header, "", reason)
        if header_problems:
            self.manifest.unreadable.add(sheet.kind)
            bar.update(len(sheet.rows))
            return
        self.manifest.columns[sheet.kind] = {c.name for c in columns if c is not None}
        records = self.manifest.records.setdefault(sheet.kind, [])
        first_row: dict[str, int] = {}
        for row, cells in sheet.rows:
            record = self.read_row(sheet.kind, row, columns, cells)
            bar.update(1)
            if record is None:
                continue
            if record.key in first_row:
                self.report.add(
                    sheet.kind,
                    row,
                    KEY_COLUMN[sheet.kind],
                    record.key,
                    _("duplicate identifier: already used on row %(row)d")
                    % {"row": first_row[record.key]},
                )
                continue
            first_row[record.key] = row
            records.append(record)

    def read_row(self, kind: str, row: int, columns, cells: list[str]) -> Record | None:
        values, failed = {}, False
        for column, raw in zip(columns, cells, strict=True):
            if column is None:
                continue
            cell = unguard_formula(raw.strip())
            if not cell:
                if column.required:
                    self.report.add(kind, row, column.name, "", _("a value is required"))
                    failed = True
                values[column.name] = column.empty
                continue
            try:
                values[column.name] = column.parse(cell)
            except CellError as exc:
                self.report.add(kind, row, column.name, cell, str(exc))
                failed = True
        if failed:
            key = values.get(KEY_COLUMN[kind])
            if key:
                self.manifest.rejected.setdefault(kind, set()).add(key)
            return None
        record = Record(kind, row, values[KEY_COLUMN[kind]], values)
        return record if self.attach_files(record) else None

    def resolve(self, record: Record, column: str, raw: str) -> Path | None:
        try:
            return resolve_manifest_path(raw, self.manifest.base, self.roots)
        except PathRefused as exc:
            self.report.add(record.kind, record.row, column, raw, str(exc))
            return None

    def attach_files(self, record: Record) -> bool:
        values, ok = record.values, True
        for raw in values.get("files", ()):
            path = self.resolve(record, "files", raw)
            ok = ok and path is not None
            if path is not None:
                record.files.append(path)
        if values.get("portrait"):
            record.portrait = self.resolve(record, "portrait", values["portrait"])
            ok = ok and record.portrait is not None and self.check_image(record)
        for column, parser in (("transcript", parse_transcript), ("index", parse_index)):
            if values.get(column):
                ok = self.attach_timed_text(record, column, parser) and ok
        return ok

    def check_image(self, record: Record) -> bool:
        assert record.portrait is not None, "called once the portrait path is resolved"
        extension = record.portrait.suffix.lower().lstrip(".")
        if extension in settings.WAGTAILIMAGES_EXTENSIONS:
            return True
        self.report.add(
            record.kind,
            record.row,
            "portrait",
            record.values["portrait"],
            _("a portrait must be an image (%(extensions)s)")
            % {"extensions": ", ".join(settings.WAGTAILIMAGES_EXTENSIONS)},
        )
        return False

    def attach_timed_text(self, record: Record, column: str, parser) -> bool:
        path = self.resolve(record, column, record.values[column])
        if path is None:
            return False
        try:
            setattr(record, column, parser(path))
        except TimedTextError as exc:
            self.report.add(record.kind, record.row, column, record.values[column], str(exc))
            return False
        return True


def validate(sheets: list[Sheet], base: Path, report: ImportReport, progress) -> Manifest:
    return Validator(sheets, base, report, progress).run()


class References:
    """Resolves identifiers against the manifest first, then the database (one query a chunk)."""

    def __init__(self, manifest: Manifest):
        self.manifest = manifest
        self.series_records = manifest.by_key("series")
        self.scientists = set(manifest.by_key("scientists"))
        self.fonds = set(manifest.by_key("fonds"))
        self.series = {key: r.values["fonds"] for key, r in manifest.by_key("series").items()}
        self.items = {key: r.values["type"] for key, r in manifest.by_key("items").items()}
        self._load_database()

    def _wanted(self, kind: str, column: str) -> set[str]:
        wanted: set[str] = set()
        for record in self.manifest.records.get(kind, []):
            value = record.values.get(column)
            if isinstance(value, tuple):
                wanted.update(entry[0] if isinstance(entry, tuple) else entry for entry in value)
            elif value:
                wanted.add(value)
        return wanted

    def _load_database(self) -> None:
        scientist_refs = (
            self._wanted("fonds", "scientist")
            | self._wanted("items", "scientists")
            | self._wanted("interviews", "interviewee")
            | self._wanted("scientists", "relations")
        ) - self.scientists
        self.scientists |= set(in_database(Scientist, scientist_refs))
        self.fonds |= set(in_database(Fonds, self._wanted("series", "fonds") - self.fonds))
        series_refs = (self._wanted("items", "series") | self._wanted("series", "parent")) - set(
            self.series
        )
        self.series |= {
            key: extra[0]
            for key, extra in in_database(Series, series_refs, "fonds__identifier").items()
        }
        item_refs = self._wanted("interviews", "item") - set(self.items)
        self.items |= {
            key: extra[0] for key, extra in in_database(Item, item_refs, "item_type").items()
        }

    def series_parent(self, key: str) -> str | None:
        record = self.series_records.get(key)
        if record is not None:
            return record.values.get("parent")
        row = Series.objects.filter(identifier=key).values_list("parent__identifier", flat=True)
        return row.first()


def check_references(manifest: Manifest, report: ImportReport) -> None:
    refs = References(manifest)
    checks = (_check_scientists, _check_fonds, _check_series, _check_items, _check_interviews)
    for kind, check in zip(KINDS, checks, strict=True):
        for record in manifest.records.get(kind, []):
            check(record, refs, report, manifest)
    check_consent(manifest, report)


def check_consent(manifest: Manifest, report: ImportReport) -> None:
    """An interview without a signed release cannot be public (Interview.clean): a row that
    would leave one so is refused, on the interview's row when the manifest has one (column
    consent), else on the item's (column access). A column the manifest leaves out keeps the
    stored value, or the model's default for a new record (public; consent pending)."""
    items, interviews = manifest.by_key("items"), manifest.by_key("interviews")
    keys = sorted(set(items) | set(interviews))
    stored_access: dict[str, str] = {}
    stored_consent: dict[str, str] = {}
    for chunk in chunked(keys):
        stored_access.update(
            Item.objects.filter(identifier__in=chunk).values_list("identifier", "access_level")
        )
        stored_consent.update(
            Interview.objects.filter(item__identifier__in=chunk).values_list(
                "item__identifier", "consent"
            )
        )
    released = ConsentStatus.released()
    for key in keys:
        item, interview = items.get(key), interviews.get(key)
        access = _effective(item, "access", stored_access.get(key), AccessLevel.PUBLIC.value)
        consent = _effective(
            interview, "consent", stored_consent.get(key), ConsentStatus.PENDING.value
        )
        if access != AccessLevel.PUBLIC or consent is None or consent in released:
            continue
        record, column = (interview, "consent") if interview else (item, "access")
        assert record is not None  # one of the two is in the manifest: the key came from it
        report.add(
            record.kind,
            record.row,
            column,
            record.values.get(column, ""),
            _(
                "item %(item)s is public, so its interview needs a signed release (consent "
                "signed or restricted, 已签署 or 有限制); or make the item researchers or staff "
                "only"
            )
            % {"item": key},
        )


def _effective(record: Record | None, column: str, stored: str | None, default: str):
    """The value a row leaves: its own, else the stored one, else a new record's default;
    None when there is no such record at all."""
    if record is not None and column in record.values:
        return record.values[column]
    if stored is not None:
        return stored
    return default if record is not None else None


def _missing(report, record, column, value, target, manifest: Manifest) -> None:
    if target in manifest.unreadable or value in manifest.rejected.get(target, ()):
        return  # the target already has a problem; a second message about it would be noise
    report.add(
        record.kind,
        record.row,
        column,
        value,
        _("no %(target)s with identifier “%(value)s” in this manifest or the archive")
        % {"target": target, "value": value},
    )


def _check_scientists(record, refs, report, manifest) -> None:
    for other, _kind in record.values.get("relations", ()):
        if other == record.key:
            report.add(
                record.kind,
                record.row,
                "relations",
                other,
                _("a scientist cannot be related to themselves"),
            )
        elif other not in refs.scientists:
            _missing(report, record, "relations", other, "scientists", manifest)


def _check_fonds(record, refs, report, manifest) -> None:
    if record.values["scientist"] not in refs.scientists:
        _missing(report, record, "scientist", record.values["scientist"], "scientists", manifest)


def _check_series(record, refs, report, manifest) -> None:
    fonds, parent = record.values["fonds"], record.values.get("parent")
    if fonds not in refs.fonds:
        _missing(report, record, "fonds", fonds, "fonds", manifest)
    if not parent:
        return
    if parent not in refs.series:
        _missing(report, record, "parent", parent, "series", manifest)
    elif refs.series[parent] != fonds:
        report.add(
            record.kind,
            record.row,
            "parent",
            parent,
            _("the parent series belongs to fonds %(other)s, not %(fonds)s")
            % {"other": refs.series[parent], "fonds": fonds},
        )
    elif _has_cycle(record.key, refs):
        report.add(
            record.kind,
            record.row,
            "parent",
            parent,
            _("the series would be inside itself (a loop of parent series)"),
        )


def _has_cycle(key: str, refs: References) -> bool:
    seen, current = {key}, refs.series_parent(key)
    while current:
        if current in seen:
            return True
        seen.add(current)
        current = refs.series_parent(current)
    return False


def _check_items(record, refs, report, manifest) -> None:
    if record.values["series"] not in refs.series:
        _missing(report, record, "series", record.values["series"], "series", manifest)
    for scientist in record.values.get("scientists", ()):
        if scientist not in refs.scientists:
            _missing(report, record, "scientists", scientist, "scientists", manifest)


def _check_interviews(record, refs, report, manifest) -> None:
    item, interviewee = record.values["item"], record.values["interviewee"]
    if item in manifest.rejected.get("items", ()):
        pass
    elif item not in refs.items:
        _missing(report, record, "item", item, "items", manifest)
    elif refs.items[item] != "oral_history":
        report.add(
            record.kind,
            record.row,
            "item",
            item,
            _("item %(item)s is of type %(type)s; interviews belong to oral_history items")
            % {"item": item, "type": refs.items[item]},
        )
    if interviewee not in refs.scientists:
        _missing(report, record, "interviewee", interviewee, "scientists", manifest)
