"""Benchmark the reindex policy against the behaviour before it, measured in the same run.

    .venv/bin/python bench/reindex_bench.py [--pages 300] [--rows 10000]

Two bursts, each run twice — "old" (SEARCH_REINDEX_COALESCE = False: one reindex task per
committed transaction, nothing held, which is what search did before) and "new" (the policy in
search/reindex.py and search/pending.py) — each phase in its own process on its own fresh SQLite
database, tasks run by the immediate backend (so every queued reindex is also timed):

- OCR of a 300-page PDF. Running the OCR engine on 300 pages would take many minutes and
  measure OCR, not indexing, so the pipeline's page-text writes are simulated with OCR-sized
  page texts: "old" writes them as the pipeline did before (each page saved with save() in its
  own transaction as soon as it is read, then the item handed to search directly);
  "new" goes through the pipeline's storage path today (media_pipeline.page_texts.store_page_texts
  page by page, `announce` once, then the file marked done and `file_processed` sent after
  commit, as media_pipeline/runner.py does).
- An import of `--rows` items through the real importer (archive_collections.importer.run_import)
  with a generated manifest (bench/import_bench.py's generator), which announces the import with
  one `catalogue_changed`.

Counted: reindex tasks queued (django-tasks' task_enqueued), groups reindexed, and the wall and
CPU time spent inside search.pending.reindex_groups (building documents and writing the index).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))
sys.path.insert(0, str(ROOT))

from import_bench import write_manifest  # noqa: E402 — the bench folder is not a package

GOAL_TIME_RATIO = 5.0
LINES_PER_PAGE = 20
LINE = "控制论的基本概念与工程系统的稳定性分析方法"


def setup_django(db_path: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "archive_site.settings.test"
    os.environ["DATABASE_URL"] = f"sqlite:///{db_path}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


class Meter:
    """Reindex tasks queued and the time spent reindexing, while `active`."""

    def __init__(self) -> None:
        self.active = False
        self.reset()

    def reset(self) -> None:
        self.tasks: Counter[str] = Counter()
        self.groups: Counter[str] = Counter()
        self.seconds = 0.0
        self.cpu = 0.0

    def enqueued(self, sender: Any, task_result: Any, **kwargs: Any) -> None:
        if self.active and task_result.task.func.__module__.startswith("search."):
            self.tasks[task_result.task.name] += 1

    def wrap(self, reindex_groups: Any) -> Any:
        def timed(keys: Any) -> int:
            keys = list(keys)
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return reindex_groups(keys)
            finally:
                if self.active:
                    self.groups.update(keys)
                    self.seconds += time.perf_counter() - wall
                    self.cpu += time.process_time() - cpu

        return timed

    def result(self, units: int, wall: float, cpu: float) -> dict[str, Any]:
        return {
            "tasks": sum(self.tasks.values()),
            "tasks_by_name": dict(self.tasks),
            "groups_reindexed": sum(self.groups.values()),
            "most_reindexes_of_one_group": max(self.groups.values(), default=0),
            "indexing_seconds": round(self.seconds, 3),
            "indexing_cpu_per_unit": self.cpu / units,
            "burst_seconds": round(wall, 3),
            "burst_cpu_per_unit": cpu / units,
            "units": units,
        }


def measure(meter: Meter, burst: Any, units: int) -> dict[str, Any]:
    meter.reset()
    meter.active = True
    wall, cpu = time.perf_counter(), time.process_time()
    burst()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    meter.active = False
    return meter.result(units, wall, cpu)


def page_record(number: int) -> dict[str, Any]:
    lines = [
        {"text": f"{number}.{n} {LINE}", "box": [80, 60 + 90 * n, 1500, 70], "confidence": 0.97}
        for n in range(LINES_PER_PAGE)
    ]
    text = "\n".join(line["text"] for line in lines)
    return {"number": number, "text": text, "lines": lines, "width": 1654, "height": 2339}


def make_pdf_file(pages: int) -> Any:
    from archive_collections.models import Fonds, Item, Scientist, Series
    from media_pipeline.models import ItemFile

    scientist = Scientist.objects.create(identifier="ocr-author", name="钱学森")
    fonds = Fonds.objects.create(identifier="F-OCR", title="OCR 全宗", scientist=scientist)
    series = Series.objects.create(identifier="S-OCR", title="手稿", fonds=fonds)
    item = Item.objects.create(
        identifier="OCR-300", title="三百页的工程控制论手稿", series=series, item_type="manuscript"
    )
    return ItemFile.objects.create(
        item=item,
        sequence=1,
        master="m/ocr-300.pdf",
        original_filename="ocr-300.pdf",
        sha256="e" * 64,
        size=pages * 50_000,
        mime_type="application/pdf",
        technical={"pages": pages},
    )


def ocr_old(item_file: Any, pages: int) -> None:
    """How the pipeline stored OCR text before: a save() per page, each its own transaction."""
    from django.db import transaction

    from media_pipeline.models import FileStatus, ItemFile, PageText
    from search.reindex import items_changed

    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.PROCESSING)
    for number in range(1, pages + 1):
        page = page_record(number)
        with transaction.atomic():
            PageText.objects.filter(item_file=item_file, page_number=number).delete()
            PageText(
                item_file=item_file,
                page_number=number,
                text=page["text"],
                lines=page["lines"],
                source="ocr",
                engine="rapidocr",
                engine_version="bench",
                width=page["width"],
                height=page["height"],
            ).save()
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.DONE)
    items_changed([item_file.item_id])  # what the pipeline called when a file was done


def ocr_new(item_file: Any, pages: int) -> None:
    """The pipeline's storage path today: page by page without signals, announced once, then
    the file finished and file_processed sent after commit (media_pipeline/runner.py)."""
    from django.db import transaction

    from media_pipeline import signals
    from media_pipeline.models import FileStatus, ItemFile, PageTextSource
    from media_pipeline.page_texts import PageTextRecord, announce, store_page_texts

    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.PROCESSING)
    for number in range(1, pages + 1):
        record = PageTextRecord(**page_record(number))
        store_page_texts(item_file, PageTextSource.OCR, [record], "rapidocr", "bench")
    announce(item_file)
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.DONE)
    transaction.on_commit(
        lambda: signals.file_processed.send(
            sender=ItemFile,
            item_file_id=item_file.pk,
            item_id=item_file.item_id,
            status=FileStatus.DONE,
        )
    )


def run_phase(mode: str, pages: int, rows: int, work: Path) -> dict[str, Any]:
    setup_django(work / f"{mode}.sqlite3")
    from django.conf import settings
    from django_tasks.signals import task_enqueued

    from archive_collections.importer import run_import
    from search import pending
    from search.models import IndexedDocument

    settings.SEARCH_REINDEX_COALESCE = mode == "new"
    # The immediate backend logs every task it runs; thousands of lines would bury the table.
    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    meter = Meter()
    task_enqueued.connect(meter.enqueued, weak=False)
    pending.reindex_groups = meter.wrap(pending.reindex_groups)

    manifest = work / f"manifest-{mode}"
    write_manifest(manifest, rows)

    def import_burst() -> None:
        report = run_import(manifest)
        if not report.ok:
            raise SystemExit(report.as_text())

    item_file = make_pdf_file(pages)
    burst = ocr_new if mode == "new" else ocr_old
    phase = {
        "ocr": measure(meter, lambda: burst(item_file, pages), pages),
        "import": measure(meter, import_burst, rows),
        "page_documents": IndexedDocument.objects.filter(kind="page").count(),
        "item_documents": IndexedDocument.objects.filter(kind="item").count(),
        "load_average": os.getloadavg(),
    }
    return phase


def run_in_subprocess(mode: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    out = work / f"{mode}.json"
    command = [sys.executable, __file__, "--phase", mode, "--work", str(work), "--out", str(out)]
    command += ["--pages", str(args.pages), "--rows", str(args.rows)]
    subprocess.run(command, check=True)
    return json.loads(out.read_text())


def ratio(old: float, new: float) -> float:
    return old / new if new else float("inf")


def report(old: dict[str, Any], new: dict[str, Any], args: argparse.Namespace) -> None:
    print(
        f"\n{'burst':<24}{'mode':<6}{'tasks':>7}{'groups':>8}{'index s':>10}"
        f"{'idx CPU/unit':>14}{'burst s':>10}{'CPU/unit':>10}"
    )
    for burst, label, unit in (
        ("ocr", f"OCR {args.pages} pages", "page"),
        ("import", f"import {args.rows} rows", "row"),
    ):
        for mode, phase in (("old", old), ("new", new)):
            r = phase[burst]
            print(
                f"{label:<24}{mode:<6}{r['tasks']:>7}{r['groups_reindexed']:>8}"
                f"{r['indexing_seconds']:>10.2f}{r['indexing_cpu_per_unit'] * 1000:>11.2f} ms"
                f"{r['burst_seconds']:>10.2f}{r['burst_cpu_per_unit'] * 1000:>7.2f} ms"
            )
        o, n = old[burst], new[burst]
        print(
            f"{'':<24}ratio old/new: tasks {ratio(o['tasks'], n['tasks']):.0f}×, groups "
            f"{ratio(o['groups_reindexed'], n['groups_reindexed']):.1f}×, indexing time "
            f"{ratio(o['indexing_seconds'], n['indexing_seconds']):.1f}×, indexing CPU per {unit} "
            f"{ratio(o['indexing_cpu_per_unit'], n['indexing_cpu_per_unit']):.1f}×"
        )
    loads = {
        mode: tuple(round(x, 2) for x in phase["load_average"])
        for mode, phase in (
            ("old", old),
            ("new", new),
        )
    }
    print(
        f"\nload average (1, 5, 15 min) after each phase: old {loads['old']}, "
        f"new {loads['new']}; {os.cpu_count()} cores shared with other work"
    )
    same = (old["page_documents"], old["item_documents"]) == (
        new["page_documents"],
        new["item_documents"],
    )
    print(
        f"same index both ways: {same} ({new['page_documents']} pages, "
        f"{new['item_documents']} items)"
    )
    ocr = new["ocr"]
    one_per_burst = all(new[b]["most_reindexes_of_one_group"] == 1 for b in ("ocr", "import"))
    time_ratio = ratio(old["ocr"]["indexing_seconds"], ocr["indexing_seconds"])
    print(
        "most reindexes of one group in one burst: old "
        + ", ".join(f"{b} {old[b]['most_reindexes_of_one_group']}" for b in ("ocr", "import"))
        + "; new "
        + ", ".join(f"{b} {new[b]['most_reindexes_of_one_group']}" for b in ("ocr", "import"))
    )
    print(f"goal one reindex per item per burst: {'met' if one_per_burst else 'NOT met'}")
    print(
        f"goal indexing time ≥{GOAL_TIME_RATIO:g}× lower for the {args.pages}-page OCR: "
        f"{time_ratio:.1f}× — {'met' if time_ratio >= GOAL_TIME_RATIO else 'NOT met'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--phase", choices=["old", "new"], help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        result = run_phase(args.phase, args.pages, args.rows, args.work)
        args.out.write_text(json.dumps(result))
        return
    with tempfile.TemporaryDirectory(prefix="reindex-bench-") as tmp:
        work = Path(tmp)
        print(f"reindex_bench: {args.pages}-page OCR burst, {args.rows}-row import", flush=True)
        old = run_in_subprocess("old", args, work)
        new = run_in_subprocess("new", args, work)
    report(old, new, args)


if __name__ == "__main__":
    main()
