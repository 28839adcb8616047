"""Print a coverage run as one total line and a line per package (scripts/test.sh runs it).

Usage: ``COVERAGE_FILE=var/coverage/sqlite python -m tests.coverage_summary sqlite``. Files are
grouped by the package (folder) they sit in, so ``media_pipeline/iiif/views.py`` counts towards
``media_pipeline.iiif``; the table is the per-file report folded to a size one can read.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import coverage


@dataclass
class Tally:
    statements: int = 0
    missing: int = 0

    @property
    def percent(self) -> float:
        return (
            100.0 * (self.statements - self.missing) / self.statements if self.statements else 100.0
        )


def package_of(path: str) -> str:
    return ".".join(Path(path).parent.parts) or "."


def tally_by_package(files: dict[str, dict]) -> dict[str, Tally]:
    packages: dict[str, Tally] = defaultdict(Tally)
    for path, report in files.items():
        tally = packages[package_of(path)]
        tally.statements += report["summary"]["num_statements"]
        tally.missing += report["summary"]["missing_lines"]
    return packages


def read_report() -> dict:
    cov = coverage.Coverage()
    cov.load()
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "coverage.json"
        cov.json_report(outfile=str(target))
        return json.loads(target.read_text(encoding="utf-8"))


def render(name: str, report: dict) -> list[str]:
    totals = report["totals"]
    lines = [
        f"coverage {name}: {totals['percent_covered']:.1f}% of "
        f"{totals['num_statements']} statements ({totals['missing_lines']} not run)",
        f"  {'package':<36} {'stmts':>6} {'miss':>6} {'cover':>6}",
    ]
    for package, tally in sorted(tally_by_package(report["files"]).items()):
        if not tally.statements:  # only empty __init__ modules
            continue
        lines.append(
            f"  {package:<36} {tally.statements:>6} {tally.missing:>6} {tally.percent:>5.1f}%"
        )
    return lines


def main(argv: list[str]) -> int:
    name = argv[1] if len(argv) > 1 else "tests"
    print("\n".join(render(name, read_report())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
