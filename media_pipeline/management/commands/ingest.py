"""Ingest a folder of files into the archive, for one item or matched to items by file name.

The report names every file that was not stored and why: refused (content its name contradicts,
empty, too large, no matching item), merged (the item already has these bytes: nothing stored
again) and skipped (hidden files and folders, system files such as Thumbs.db).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from archive_collections.models import Item
from media_pipeline.ingest import (
    IngestError,
    check_content,
    ingest_path_result,
    max_file_bytes,
    sanitize_filename,
)
from media_pipeline.sniff import sniff_file

# "<identifier>_<NNN>.<ext>": the numbered pages of one item; "<identifier>.<ext>": a single file.
_NUMBERED = re.compile(r"^(?P<identifier>.+)_(?P<sequence>\d{1,5})$")
_SKIPPED_NAMES = {"thumbs.db", "desktop.ini"}


@dataclass
class Planned:
    path: Path
    item: Item | None
    sequence: int
    error: str = ""


@dataclass
class Outcome:
    """What became of each file found: (path, why) for all but the ingested."""

    ingested: list[Planned] = field(default_factory=list)
    merged: list[tuple[Path, str]] = field(default_factory=list)
    refused: list[tuple[Path, str]] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


class Command(BaseCommand):
    help = (
        "Ingest the files of FOLDER: all into one item (--item), or each into the item its name "
        "starts with (--match-by-filename, e.g. A001-002_003.tif → item A001-002, page 3)."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument(
            "--item",
            metavar="IDENTIFIER",
            help="Identifier (档号) of the item that receives every file.",
        )
        target.add_argument(
            "--match-by-filename",
            action="store_true",
            help="Find each file's item from its name: <identifier>[_NNN].<ext>.",
        )
        parser.add_argument("--recursive", action="store_true", help="Include sub-folders.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and report what would be ingested; change nothing.",
        )

    def handle(self, *args, folder: Path, item, match_by_filename, recursive, dry_run, **options):
        self.verbosity = options["verbosity"]
        if not folder.is_dir():
            raise CommandError(f"{folder} is not a folder.")
        outcome = Outcome()
        files = self._files(folder, recursive, outcome.skipped)
        if not files and not outcome.skipped:
            raise CommandError(f"{folder} contains no files.")
        plan = self._plan_for_item(files, item) if item else self._plan_by_filename(files)
        outcome.refused.extend((p.path, p.error) for p in plan if p.error)
        self._run([p for p in plan if not p.error], dry_run, outcome)
        self._report(folder, outcome, dry_run)

    def _files(self, folder: Path, recursive: bool, skipped: list) -> list[Path]:
        """The files to ingest, sorted; what is left out goes to `skipped` with the reason."""
        found = []
        for root, dirs, names in os.walk(folder):
            here = Path(root)
            for name in sorted(dirs) if recursive else []:
                if name.startswith("."):
                    skipped.append((here / name, "hidden folder (name starts with “.”), not read"))
            dirs[:] = sorted(d for d in dirs if recursive and not d.startswith("."))
            for name in names:
                path = here / name
                if name.startswith("."):
                    skipped.append((path, "hidden file (name starts with “.”)"))
                elif name.lower() in _SKIPPED_NAMES:
                    skipped.append((path, "system file, not part of the archive"))
                elif path.is_file():
                    found.append(path)
        skipped.sort()
        return sorted(found)

    def _plan_for_item(self, files: list[Path], identifier: str) -> list[Planned]:
        item = Item.objects.filter(identifier=identifier).first()
        if item is None:
            raise CommandError(f"No item has the identifier {identifier!r}.")
        return [Planned(path, item, number) for number, path in enumerate(files, start=1)]

    def _plan_by_filename(self, files: list[Path]) -> list[Planned]:
        stems = {path: path.stem for path in files}
        candidates = set(stems.values())
        candidates |= {m["identifier"] for s in stems.values() if (m := _NUMBERED.match(s))}
        items = {i.identifier: i for i in Item.objects.filter(identifier__in=candidates)}
        return [self._match(path, stems[path], items) for path in files]

    def _match(self, path: Path, stem: str, items: dict) -> Planned:
        # The whole stem wins over "<identifier>_<NNN>": identifiers may end in _digits.
        if stem in items:
            return Planned(path, items[stem], 0)
        numbered = _NUMBERED.match(stem)
        if numbered and numbered["identifier"] in items:
            return Planned(path, items[numbered["identifier"]], int(numbered["sequence"]))
        return Planned(
            path,
            None,
            0,
            f"no item has the identifier {stem!r}"
            + (f" or {numbered['identifier']!r}" if numbered else ""),
        )

    def _run(self, plan: list[Planned], dry_run: bool, outcome: Outcome) -> None:
        for planned in tqdm(
            plan,
            desc="dry run" if dry_run else "ingest",
            unit="file",
            disable=not plan or self.verbosity == 0,
        ):
            try:
                if dry_run:
                    self._check(planned.path)
                    outcome.ingested.append(planned)
                    continue
                result = ingest_path_result(planned.item, planned.path, sequence=planned.sequence)
            except (IngestError, OSError) as exc:
                outcome.refused.append((planned.path, str(exc)))
                continue
            if result.created:
                outcome.ingested.append(planned)
            else:
                outcome.merged.append((planned.path, self._merged(planned, result.item_file)))

    def _merged(self, planned: Planned, item_file) -> str:
        identifier = planned.item.identifier if planned.item else "?"
        return (
            f"{identifier} already has these bytes as “{item_file.original_filename}” "
            f"(file {item_file.pk}); nothing stored again"
        )

    def _check(self, path: Path) -> None:
        size = path.stat().st_size
        if size == 0:
            raise IngestError(f"{sanitize_filename(path.name)} is empty (0 bytes).")
        if size > max_file_bytes():
            raise IngestError(
                f"{sanitize_filename(path.name)} is larger than the "
                f"{max_file_bytes():,}-byte limit (MEDIA_MAX_FILE_BYTES)."
            )
        with path.open("rb") as fileobj:
            sniffed = sniff_file(fileobj, path.name)
        check_content(sniffed, sanitize_filename(path.name))
        for warning in sniffed.warnings:
            self.stdout.write(f"  {path}: {warning}")

    def _report(self, folder: Path, outcome: Outcome, dry_run: bool) -> None:
        verb = "Would ingest" if dry_run else "Ingested"
        for planned in outcome.ingested if self.verbosity >= 2 else []:
            identifier = planned.item.identifier if planned.item else "?"
            self.stdout.write(f"  {planned.path.name} → {identifier} #{planned.sequence}")
        count = len(outcome.ingested)
        self.stdout.write(self.style.SUCCESS(f"{verb} {count} file(s) from {folder}."))
        self._list(
            self.stdout, folder, f"Merged {len(outcome.merged)} duplicate(s)", outcome.merged
        )
        self._list(
            self.stdout,
            folder,
            f"Skipped {len(outcome.skipped)} file(s) or folder(s)",
            outcome.skipped,
        )
        refused = outcome.refused
        self._list(self.stderr, folder, f"Refused {len(refused)} file(s)", refused)
        if refused:
            raise CommandError(f"{len(refused)} file(s) could not be ingested (listed above).")

    def _list(self, stream, folder: Path, heading: str, entries: list) -> None:
        if not entries:
            return
        stream.write(f"{heading}:")
        for path, why in entries:
            stream.write(f"  {path.relative_to(folder)}: {why}")
