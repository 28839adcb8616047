"""What an import found and did: problems by row and column, counts per kind, encodings.

The same report object is printed by the management command, rendered as a table in the admin and
exported as CSV for curators to fix their spreadsheet against.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

KINDS = ("scientists", "fonds", "series", "items", "interviews")
VALUE_PREVIEW = 80
# A spreadsheet treats a cell starting with one of these as a formula (or a formula in disguise);
# OWASP's CSV injection list. The problem report and the exports (schema.guard_formula) share it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def truncate(value: object, limit: int = VALUE_PREVIEW) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def neutralise(cell: str) -> str:
    """Make a cell inert for spreadsheets: a leading apostrophe stops formula evaluation."""
    return "'" + cell if cell.startswith(FORMULA_TRIGGERS) else cell


@dataclass(frozen=True)
class Problem:
    kind: str
    row: int | None  # as a spreadsheet shows it: header = 1; None for whole-file problems
    column: str
    value: str
    reason: str

    def location(self) -> str:
        parts = [self.kind or _("manifest")]
        if self.row is not None:
            parts.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            parts.append(_("column %(column)s") % {"column": self.column})
        return ", ".join(parts)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    problems: list[Problem] = field(default_factory=list)
    counts: dict[str, Counts] = field(default_factory=dict)
    encodings: dict[str, str] = field(default_factory=dict)
    files: int = 0  # files handed (or, in a dry run, to be handed) to the media pipeline
    file_errors: list[str] = field(default_factory=list)
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, kind: str, row: int | None, column: str, value: object, reason: str) -> None:
        self.problems.append(Problem(kind, row, column, truncate(value), str(reason)))

    def count(self, kind: str) -> Counts:
        return self.counts.setdefault(kind, Counts())

    def sorted_problems(self) -> list[Problem]:
        order = {kind: i for i, kind in enumerate(KINDS)}
        return sorted(self.problems, key=lambda p: (order.get(p.kind, -1), p.row or 0))

    def count_rows(self) -> list[tuple[str, Counts]]:
        return [(kind, self.counts[kind]) for kind in KINDS if kind in self.counts]

    def as_text(self) -> str:
        lines = [_("Manifest: %(source)s") % {"source": self.source}]
        for name, encoding in self.encodings.items():
            lines.append(_("  %(name)s: %(encoding)s") % {"name": name, "encoding": encoding})
        if self.problems:
            lines.append(_("%(n)d problem(s); nothing was written:") % {"n": len(self.problems)})
            for problem in self.sorted_problems():
                value = f" “{problem.value}”" if problem.value else ""
                lines.append(f"  {problem.location()}{value}: {problem.reason}")
            return "\n".join(lines)
        if self.dry_run:
            lines.append(_("Dry run: nothing was written. The import would do this:"))
        for kind, counts in self.count_rows():
            lines.append(
                _("  %(kind)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged")
                % {
                    "kind": kind,
                    "created": counts.created,
                    "updated": counts.updated,
                    "unchanged": counts.unchanged,
                }
            )
        if self.files:
            message = (
                _("  %(n)d file(s) to hand to the media pipeline")
                if self.dry_run
                else _("  %(n)d file(s) handed to the media pipeline")
            )
            lines.append(message % {"n": self.files})
        if self.file_errors:
            lines.append(_("The records were saved, but these files could not be ingested:"))
            lines.extend(f"  {error}" for error in self.file_errors)
        return "\n".join(lines)

    def problems_csv(self) -> str:
        """The problems as CSV (UTF-8 with BOM so Excel reads Chinese correctly)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("kind"), _("row"), _("column"), _("value"), _("reason")])
        for problem in self.sorted_problems():
            cells = [
                problem.kind,
                "" if problem.row is None else str(problem.row),
                problem.column,
                problem.value,
                problem.reason,
            ]
            writer.writerow([neutralise(cell) for cell in cells])
        return "\ufeff" + buffer.getvalue()
