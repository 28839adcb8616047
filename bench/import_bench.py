"""Benchmark the bulk importer against a naive per-row loop, measured in the same run.

    .venv/bin/python bench/import_bench.py [--rows 10000]

Each phase runs in its own process on its own fresh SQLite database, so timings and peak memory
(ru_maxrss) are not polluted by the other phase. Writes bench/results/import_bench.json.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "import_bench.json"
GOAL_SECONDS_PER_10K = 30.0
DATES = [
    "1956",
    "1956年3月",
    "约1950年",
    "1950年代",
    "1956—1958",
    "民国三十八年",
    "不详",
    "1962年10月1日",
]
TYPES = ["manuscript", "letter", "photograph", "certificate", "document"]


def write_manifest(folder: Path, rows: int) -> None:
    """Scientists, fonds and series in proportion to `rows` items, as a folder of CSVs."""
    scientists = max(1, rows // 100)
    series_per_fonds = 5
    folder.mkdir(parents=True, exist_ok=True)
    _write(
        folder / "scientists.csv",
        ["identifier", "name", "birth", "disciplines"],
        ([f"s-{n}", f"科学家{n}", f"{1900 + n % 50}年", "力学；物理学"] for n in range(scientists)),
    )
    _write(
        folder / "fonds.csv",
        ["identifier", "title", "scientist", "date"],
        ([f"F{n:04d}", f"科学家{n}学术成长资料", f"s-{n}", "1930—2000"] for n in range(scientists)),
    )
    _write(
        folder / "series.csv",
        ["identifier", "title", "fonds", "position"],
        (
            [f"S{n:04d}.{k}", f"系列{k}", f"F{n:04d}", str(k)]
            for n in range(scientists)
            for k in range(series_per_fonds)
        ),
    )
    _write(
        folder / "items.csv",
        [
            "identifier",
            "title",
            "type",
            "series",
            "date",
            "creators",
            "scientists",
            "subjects",
            "access",
            "position",
        ],
        (
            [
                f"IT-{n:06d}",
                f"第{n}号档案：关于力学研究的手稿与通信",
                TYPES[n % len(TYPES)],
                f"S{(n // 100) % scientists:04d}.{n % series_per_fonds}",
                DATES[n % len(DATES)],
                f"科学家{n % scientists}",
                f"s-{n % scientists}",
                f"主题{n % 40}；力学",
                "public" if n % 7 else "researchers",
                str(n),
            ]
            for n in range(rows)
        ),
    )


def _write(path: Path, header: list[str], rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def run_importer(manifest: Path) -> dict:
    from archive_collections.importer import run_import

    started = time.perf_counter()
    report = run_import(manifest)
    elapsed = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(report.as_text())
    rerun_started = time.perf_counter()
    rerun = run_import(manifest)
    rerun_elapsed = time.perf_counter() - rerun_started
    assert rerun.counts["items"].unchanged == report.counts["items"].created
    return {"seconds": elapsed, "rerun_seconds": rerun_elapsed}


def run_baseline(manifest: Path) -> dict:
    """What a first implementation would do: look up, full_clean() and save() row by row."""
    from archive_collections.models import Fonds, Item, Scientist, Series

    def rows(kind):
        with (manifest / f"{kind}.csv").open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)

    started = time.perf_counter()
    for row in rows("scientists"):
        _clean_save(
            Scientist(identifier=row["identifier"], name=row["name"], birth_date_text=row["birth"])
        )
    for row in rows("fonds"):
        _clean_save(
            Fonds(
                identifier=row["identifier"],
                title=row["title"],
                date_text=row["date"],
                scientist=Scientist.objects.get(identifier=row["scientist"]),
            )
        )
    for row in rows("series"):
        _clean_save(
            Series(
                identifier=row["identifier"],
                title=row["title"],
                position=int(row["position"]),
                fonds=Fonds.objects.get(identifier=row["fonds"]),
            )
        )
    for row in rows("items"):
        item = Item(
            identifier=row["identifier"],
            title=row["title"],
            item_type=row["type"],
            date_text=row["date"],
            creators=row["creators"],
            access_level=row["access"],
            position=int(row["position"]),
            series=Series.objects.get(identifier=row["series"]),
        )
        item.scientists = list(Scientist.objects.filter(identifier=row["scientists"]))
        item.subjects.set(row["subjects"].split("；"))
        _clean_save(item)
    return {"seconds": time.perf_counter() - started}


def _clean_save(obj) -> None:
    obj.full_clean()
    obj.save()


def phase(name: str, rows: int) -> None:
    """Child process: one fresh database, one measurement, JSON on stdout."""
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        tmp_path = Path(tmp)
        setup_django(tmp_path / "bench.sqlite3")
        manifest = tmp_path / "manifest"
        write_manifest(manifest, rows)
        result = run_importer(manifest) if name == "importer" else run_baseline(manifest)
    result["peak_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(name: str, rows: int) -> dict:
    completed = subprocess.run(
        [sys.executable, __file__, "--rows", str(rows), "--phase", name],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    result["rows_per_second"] = rows / result["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000, help="item rows to import")
    parser.add_argument("--phase", choices=["importer", "baseline"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return phase(args.phase, args.rows)
    importer = measure("importer", args.rows)
    baseline = measure("baseline", args.rows)
    ratio = importer["rows_per_second"] / baseline["rows_per_second"]
    goal = GOAL_SECONDS_PER_10K * args.rows / 10_000
    for label, result in (("importer", importer), ("baseline (per-row save)", baseline)):
        print(
            f"{label:<24} {result['seconds']:8.2f} s  {result['rows_per_second']:9.0f} rows/s"
            f"  peak RSS {result['peak_rss_mib']:7.1f} MiB"
        )
    print(f"importer re-run (all unchanged) {importer['rerun_seconds']:.2f} s")
    print(
        f"ratio vs baseline: {ratio:.2f}x  (goal: {args.rows} rows in ≤ {goal:.0f} s: "
        f"{'met' if importer['seconds'] <= goal else 'NOT met'})"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "import_bench",
                "rows": args.rows,
                "importer": importer,
                "baseline": baseline,
                "ratio_vs_baseline": ratio,
                "goal_seconds": goal,
                "goal_met": importer["seconds"] <= goal,
                "python": platform.python_version(),
                "machine": platform.machine(),
                "measured_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
