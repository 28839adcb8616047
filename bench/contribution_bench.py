"""Benchmark the partner contributions' review (issue #13): a batch of scans reaching the
reviewer, and the review queue at 10,000 pending submissions.

    .venv/bin/python bench/contribution_bench.py [--section batch|queue|all] [--scans 200]
                                                 [--pending 10000] [--requests 30] [--workers N]
                                                 [--no-ocr]

A temporary SQLite database (WAL, as production's SQLite settings) is migrated in a temporary
folder; bench/contribution_settings.py points the masters and derivatives there and runs tasks on
the database backend, as `make demo` does.

- batch: one contributor of a 地方科协 submits one archive material with `--scans` generated A4
  300-dpi page scans (Chinese text; nine in ten JPEG, one in ten PNG), through
  `submitting.create` and `add_files` (the contribution area's one path: sniffed, size-limited,
  queued). `--workers` `manage.py db_worker` processes (default: one per core, OCR on one thread
  each, as scripts/demo.sh starts them) run the pipeline. A reviewer (策展人) polls the review page
  through Django's test client every two seconds; the figure is the time from the submission's
  start until the page shows every scan with its thumbnail, and, apart, until every file's
  processing (OCR included) is done. Baseline in the same run, by the same workers:
  `--baseline-scans` of the same pages uploaded to an ordinary catalogue item through the same
  ingest (no contribution, no review page), its thumbnails read off the files; the ratio is the
  contribution's scans per minute over the baseline's. The workers are started (and given
  15 s to load) before either is timed, as production's are always running. Goal: ≤ 180 s on
  two cores.
- queue: `--pending` contributions awaiting review (each with its record, from 40
  organisations of every kind and region, 200 contributors, one file on one in five) written by
  bulk_create; a reviewer's queue (first page, a filtered page, a deep page) against the admin
  item listing with the same number of records (the contributions' records), as a superuser
  sees it, in the same run. Goal: queue p95 ≤ 300 ms.

Printed: p50/p95 per case, the ratio against the baseline, CPU seconds per unit (this process;
the workers' CPU is read from /proc for the batch) and the load average before and after (the
machine is shared; read the timings with it). Writes bench/results/contribution_bench.json,
where a run replaces its own sections' figures ("batch", "batch_without_ocr" with --no-ocr,
"queue") and keeps the others'.
"""

from __future__ import annotations

import argparse
import atexit
import io
import json
import logging
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "contribution_bench.json"
sys.path.insert(0, str(ROOT))

from bench.timing import percentile, timed  # noqa: E402 — after the path insert

BATCH_GOAL_S = 180.0
QUEUE_GOAL_MS = 300.0
CHUNK = 2000
POLL_SECONDS = 2.0
WORKER_START_S = 15.0
THUMBNAIL = re.compile(r'<li class="partners-review__file">\s*<a [^>]*><img src="')


def setup_django(folder: Path, ocr: bool) -> None:
    os.environ["CONTRIBUTION_BENCH_DIR"] = str(folder)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.contribution_settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.pop("ELASTICSEARCH_URL", None)
    if not ocr:
        os.environ["MEDIA_OCR_ITEM_TYPES"] = ""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    logging.disable(logging.INFO)


def load() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


# People and places ----------------------------------------------------------------------------


def world() -> dict[str, Any]:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from archive_collections.models import Scientist
    from archive_site.partners.models import Membership, Organisation

    users = get_user_model()
    scientist = Scientist.objects.create(identifier="qian-xuesen", name="钱学森")
    organisation = Organisation.objects.create(
        name="陕西省科学技术协会", code="sxkx", kind="association", region="61"
    )
    contributor = users.objects.create_user("bench-contributor", password="pw")  # noqa: S106 (a throwaway database)
    membership = Membership.objects.create(user=contributor, organisation=organisation)
    reviewer = users.objects.create_user("bench-curator", password="pw")  # noqa: S106 (a throwaway database)
    reviewer.groups.add(Group.objects.get(name="策展人"))
    admin = users.objects.create_superuser("bench-admin", "a@example.org", "pw")
    return {
        "scientist": scientist,
        "membership": membership,
        "reviewer": reviewer,
        "admin": admin,
    }


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


# The batch ------------------------------------------------------------------------------------


def scans(count: int, seed: int = 13) -> list[tuple[str, bytes]]:
    """`count` distinct A4 300-dpi pages: eight typeset pages, each copy stamped with its page
    number (so no two files are the same), nine in ten JPEG and one in ten PNG."""
    from PIL import ImageDraw

    from tests.media_pipeline import pages

    bases = [pages.a4_page(seed + n)[0] for n in range(8)]
    stamp = pages.font(60)
    files = []
    for number in range(count):
        page = bases[number % len(bases)].copy()
        ImageDraw.Draw(page).text((1100, 3350), f"第{number + 1}页", font=stamp, fill=0)
        buffer = io.BytesIO()
        if number % 10 == 9:
            page.save(buffer, "PNG", optimize=False, compress_level=3)
            name = f"扫描-{number + 1:03d}.png"
        else:
            page.save(buffer, "JPEG", quality=85)
            name = f"扫描-{number + 1:03d}.jpg"
        files.append((name, buffer.getvalue()))
    return files


def uploads(files: list[tuple[str, bytes]]) -> list:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return [SimpleUploadedFile(name, data) for name, data in files]


def start_workers(count: int, folder: Path) -> list[subprocess.Popen]:
    env = {**os.environ, "OCR_THREADS": "1"}
    log = (folder / "workers.log").open("ab")
    return [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--queue-name",
                "default",
                "--no-startup-delay",
                "--no-reload",
                "--interval",
                "0.2",
                "-v",
                "0",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        for _ in range(count)
    ]


def children_cpu(workers: list[subprocess.Popen]) -> float:
    """CPU seconds the running workers have used (utime + stime, from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for worker in workers:
        try:
            fields = Path(f"/proc/{worker.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def stop_workers(workers: list[subprocess.Popen]) -> None:
    for worker in workers:
        if worker.poll() is None:
            worker.terminate()
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()


def wait_for(
    shown: Callable[[], int], processed: Callable[[], int], count: int, workers, timeout: float
) -> dict[str, float | None]:
    """Poll until `shown()` reaches `count` (thumbnails) and `processed()` too (every file
    done or failed); seconds from now for each, None if the timeout came first."""
    started = time.perf_counter()
    seen_at = done_at = None
    while time.perf_counter() - started < timeout:
        if seen_at is None and shown() >= count:
            seen_at = time.perf_counter() - started
        if done_at is None and processed() >= count:
            done_at = time.perf_counter() - started
        if seen_at is not None and done_at is not None:
            break
        if any(worker.poll() is not None for worker in workers):
            raise SystemExit("a task worker exited; see workers.log in the bench folder")
        time.sleep(POLL_SECONDS)
    return {
        "thumbnails_s": round(seen_at, 1) if seen_at is not None else None,
        "processed_s": round(done_at, 1) if done_at is not None else None,
    }


def run_batch(args, folder: Path, people: dict[str, Any]) -> dict[str, Any]:
    from django.urls import reverse

    from archive_collections.models import Fonds, Item, Series
    from archive_site.partners import submitting
    from media_pipeline.admin_upload import ingest_uploads
    from media_pipeline.models import FileStatus, ItemFile

    print(f"generating {args.scans} A4 scans …", flush=True)
    files = scans(args.scans)
    megabytes = sum(len(data) for _name, data in files) / 1e6
    print(f"  {megabytes:.0f} MB", flush=True)
    reviewer = client_for(people["reviewer"])

    def finished(item) -> Callable[[], int]:
        done = (FileStatus.DONE, FileStatus.FAILED)
        return lambda: ItemFile.objects.filter(item=item, status__in=done).count()

    # Baseline: the same scans on an ordinary catalogue item, thumbnails read off the files.
    fonds = Fonds.objects.create(identifier="BASE", title="基线", scientist=people["scientist"])
    series = Series.objects.create(identifier="BASE-1", title="基线", fonds=fonds)
    item = Item.objects.create(
        identifier="BASE-1-1", title="基线扫描", series=series, item_type="document"
    )
    count = min(args.baseline_scans, args.scans)
    renamed = [(f"base-{name}", data + b"\0") for name, data in files[:count]]  # new checksums
    load_before = load()
    workers = start_workers(args.workers, folder)
    atexit.register(stop_workers, workers)  # also when a wait fails
    time.sleep(WORKER_START_S)  # running workers, as in production: their start is not timed
    started = time.perf_counter()
    ingest_uploads(item, uploads(renamed), 1, "")
    upload_s = time.perf_counter() - started

    def base_shown() -> int:
        return sum(1 for f in ItemFile.objects.filter(item=item) if f.thumbnail_url)

    base = wait_for(base_shown, finished(item), count, workers, args.timeout)
    base_cpu = children_cpu(workers)
    base = {k: (round(v + upload_s, 1) if v is not None else None) for k, v in base.items()}
    base.update(
        scans=count,
        upload_s=round(upload_s, 1),
        workers_cpu_s=round(base_cpu, 1),
        scans_per_minute=round(60 * count / base["thumbnails_s"], 1)
        if base["thumbnails_s"]
        else None,
    )
    print(f"  baseline (catalogue item): {base}", flush=True)

    # The contribution: created, its files added, the reviewer polling the review page.
    started = time.perf_counter()
    cpu = time.process_time()
    contribution = submitting.create(
        people["membership"],
        submitting.Submission(
            kind="material",
            title="钱学森在西安的讲演记录（扫描件）",
            licence="cc-by-nc-4.0",
            source_statement="陕西省科协档案室藏原件，本会扫描。",
            scientists=[people["scientist"]],
            item={"item_type": "document", "date_text": "1956年"},
        ),
    )
    results = submitting.add_files(contribution, uploads(files))
    upload_s = time.perf_counter() - started
    submit_cpu = time.process_time() - cpu
    refused = [r for r in results if r.outcome != "stored"]
    if refused:
        raise SystemExit(f"{len(refused)} scans refused: {refused[:3]}")
    url = reverse("partners_review:review", args=[contribution.pk])
    polls: list[float] = []

    def shown() -> int:
        poll = time.perf_counter()
        response = reviewer.get(url)
        polls.append((time.perf_counter() - poll) * 1000)
        return len(THUMBNAIL.findall(response.content.decode()))

    measured = wait_for(shown, finished(contribution.item), args.scans, workers, args.timeout)
    workers_cpu = children_cpu(workers) - base_cpu
    stop_workers(workers)
    load_after = load()
    ours = {
        key: (value + upload_s if value is not None else None) for key, value in measured.items()
    }
    ours.update(
        upload_s=round(upload_s, 1),
        submit_cpu_s_per_scan=round(submit_cpu / args.scans, 4),
        workers_cpu_s=round(workers_cpu, 1),
        workers_cpu_s_per_scan=round(workers_cpu / args.scans, 2),
        review_page_p95_ms=round(percentile(polls, 0.95), 1) if polls else None,
        scans_per_minute=round(60 * args.scans / ours["thumbnails_s"], 1)
        if ours["thumbnails_s"]
        else None,
    )
    # Throughput against the pipeline alone: below 1, the contribution's path is slower.
    ratio = (
        round(ours["scans_per_minute"] / base["scans_per_minute"], 2)
        if ours["scans_per_minute"] and base["scans_per_minute"]
        else None
    )
    failed = ItemFile.objects.filter(item=contribution.item, status=FileStatus.FAILED).count()
    print(f"  contribution: {ours}", flush=True)
    return {
        "scans": args.scans,
        "megabytes": round(megabytes, 1),
        "workers": args.workers,
        "ocr": not args.no_ocr,
        "contribution": ours,
        "baseline_catalogue_item": base,
        "ratio_vs_baseline": ratio,
        "failed_files": failed,
        "goal_s": BATCH_GOAL_S,
        "meets_goal": bool(ours["thumbnails_s"] and ours["thumbnails_s"] <= BATCH_GOAL_S),
        "load_average_before": load_before,
        "load_average_after": load_after,
    }


# The queue ------------------------------------------------------------------------------------


def pending(count: int, people: dict[str, Any], seed: int = 17) -> None:
    """`count` contributions awaiting review, with their staff-only records, by bulk_create."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from archive_collections.models import Item
    from archive_site.partners import regions
    from archive_site.partners.models import (
        Contribution,
        ContributionEvent,
        Membership,
        Organisation,
        OrganisationKind,
    )
    from archive_site.partners.submitting import contribution_series
    from media_pipeline.models import ItemFile

    rng = random.Random(seed)
    codes = [code for code, _name in regions.CHOICES]
    kinds = OrganisationKind.values
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"合作单位{number:02d}",
            code=f"org{number:02d}",
            kind=kinds[number % len(kinds)],
            region=codes[number % len(codes)],
        )
        for number in range(40)
    )
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"contributor{number:03d}") for number in range(200)
    )
    Membership.objects.bulk_create(
        Membership(user=user, organisation=organisations[number % 40])
        for number, user in enumerate(users)
    )
    series = contribution_series(people["scientist"])
    now = timezone.now()
    words = "讲演 手稿 书信 照片 证书 笔记 报告 访谈 纪念 合影 日记 讲义".split()
    for start in range(0, count, CHUNK):
        numbers = range(start, min(start + CHUNK, count))
        items = Item.objects.bulk_create(
            Item(
                identifier=f"GJ-Q-{n:06d}",
                title="".join(rng.choice(words) for _ in range(3)),
                series=series,
                item_type="document",
                access_level="staff",
                position=n,
            )
            for n in numbers
        )
        contributions = Contribution.objects.bulk_create(
            Contribution(
                organisation=organisations[n % 40],
                submitter=users[n % 200],
                kind=("material", "case", "product")[n % 3],
                product_kind="video" if n % 3 == 2 else "",
                title=item.title,
                licence="cc-by-4.0",
                source_statement="本单位藏",
                item=item,
                submitted_at=now - timedelta(minutes=count - n),
            )
            for n, item in zip(numbers, items, strict=True)
        )
        ContributionEvent.objects.bulk_create(
            ContributionEvent(contribution=c, actor_id=c.submitter_id, action="submitted")
            for c in contributions
        )
        ItemFile.objects.bulk_create(
            ItemFile(
                item_id=item.pk,
                sequence=1,
                master=f"bench/{item.pk}.jpg",
                original_filename=f"{item.identifier}.jpg",
                sha256=f"{item.pk:064d}",
                size=1,
                mime_type="image/jpeg",
                status="done" if item.position % 2 else "pending",
            )
            for item in items
            if item.position % 5 == 0
        )


def run_queue(args, people: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from archive_collections.models import Item

    print(f"writing {args.pending} pending contributions …", flush=True)
    started = time.perf_counter()
    pending(args.pending, people)
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    reviewer = client_for(people["reviewer"])
    admin = client_for(people["admin"])
    queue = reverse("partners_review:index")
    listing = reverse("wagtailsnippets_collections_item:list")
    deep = args.pending // 50 // 2

    def get(client, url, query=None):
        def call():
            response = client.get(url, query or {})
            assert response.status_code == 200, (url, response.status_code)
            return response

        return call

    def queries(call) -> int:
        with CaptureQueriesContext(connection) as captured:
            call()
        return len(captured)

    load_before = load()
    cases = {
        "queue_first_page": get(reviewer, queue),
        "queue_region_filter": get(reviewer, queue, {"region": "61", "kind": "case"}),
        "queue_deep_page": get(reviewer, queue, {"p": deep}),
        "queue_search": get(reviewer, queue, {"q": "GJ-Q-0042"}),
        "item_listing_first_page": get(admin, listing),
        "item_listing_deep_page": get(admin, listing, {"p": deep}),
    }
    result: dict[str, Any] = {"pending": args.pending, "items": Item.objects.count()}
    for name, call in cases.items():
        result[name] = timed(call, args.requests)
        result[name]["queries"] = queries(call)
        print(f"  {name}: {result[name]}", flush=True)
    result["ratio_vs_item_listing"] = round(
        result["queue_first_page"]["p95_ms"] / result["item_listing_first_page"]["p95_ms"], 2
    )
    result["goal_ms"] = QUEUE_GOAL_MS
    result["meets_goal"] = all(
        result[name]["p95_ms"] <= QUEUE_GOAL_MS for name in cases if name.startswith("queue")
    )
    result["load_average_before"] = load_before
    result["load_average_after"] = load()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--section", choices=("batch", "queue", "all"), default="all")
    parser.add_argument("--scans", type=int, default=200)
    parser.add_argument("--pending", type=int, default=10000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline-scans", type=int, default=40)
    parser.add_argument("--timeout", type=float, default=1800.0)
    parser.add_argument("--no-ocr", action="store_true", help="the pipeline without OCR")
    args = parser.parse_args()
    # Stopped with SIGTERM: clean up (the workers, the folder) as on any other exit.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    folder = Path(tempfile.mkdtemp(prefix="contribution-bench-"))
    try:
        setup_django(folder, ocr=not args.no_ocr)
        people = world()
        result: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "database": "sqlite",
            },
        }
        if args.section in ("batch", "all"):
            batch = "batch_without_ocr" if args.no_ocr else "batch"
            result[batch] = run_batch(args, folder, people)
        if args.section in ("queue", "all"):
            result["queue"] = run_queue(args, people)
        print(json.dumps(result, ensure_ascii=False, indent=2))
        RESULTS.parent.mkdir(exist_ok=True)
        # Each section replaces its own figures; the others' stay from their last run.
        merged = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        merged.update(result)
        RESULTS.write_text(json.dumps(merged, ensure_ascii=False, indent=2) + "\n")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
