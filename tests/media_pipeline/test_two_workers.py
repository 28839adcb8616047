"""Two task workers on one Redis queue share the processing of 50 files, none twice.

Scale-out runs `manage.py rqworker` on several machines against one Redis (docs/DEPLOYMENT.md);
here two real worker processes (django-tasks-rq, as in production) drain one queue of 50 files
ingested at once. Each file must be processed by exactly one task execution, every step recorded
once, its derivatives written once, and both workers must have taken part.

Needs REDIS_TEST_URL (the `redis_url` fixture of test_worker_redis.py: skipped without it
locally, a failure under CI=true).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from PIL import Image

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, ItemFile
from tests.factories import ItemFactory

from .test_worker_redis import QUEUE, redis_url  # noqa: F401 — the fixture, with its markers

pytestmark = [pytest.mark.redis, pytest.mark.slow]

FILES = 50
WORKERS = ("worker-a", "worker-b")
# Django's storage adds "_" and seven characters to a name that is taken: a second run of a
# step writing the same derivative would leave such a copy.
DUPLICATE_NAME = re.compile(r"_[A-Za-z0-9]{7}(\.[a-z0-9]+)?$")


def scan(n: int) -> bytes:
    """A small page scan, different in every file (so no two share a master)."""
    image = Image.new("RGB", (320, 240), (n * 5 % 256, 90, 160))
    image.putpixel((n % 320, n // 320), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def worker_settings(folder: Path, redis: str) -> None:
    db = connection.settings_dict
    database = {
        key: db[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    }
    (folder / "two_workers_settings.py").write_text(
        "from archive_site.settings.test import *  # noqa\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'django_rq']\n"
        f"DATABASES = {{'default': {database!r}}}\n"
        f"STORAGES = {django_settings.STORAGES!r}\n"
        f"MEDIA_ROOT = {str(django_settings.MEDIA_ROOT)!r}\n"
        f"RQ_QUEUES = {{{QUEUE!r}: {{'URL': {redis!r}}}}}\n"
        "TASKS = {'default': {'BACKEND': 'django_tasks_rq.RQBackend', "
        f"'QUEUES': [{QUEUE!r}]}}}}\n"
        # A tenth of a second in the first step: however unevenly the two workers start, the
        # queue lasts long enough for both to take files from it.
        "MEDIA_TEST_STEP_DELAYS = {'technical': 0.1}\n",
        encoding="utf-8",
    )


def start_worker(folder: Path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "two_workers_settings",
        "PYTHONPATH": os.pathsep.join([str(folder), str(django_settings.BASE_DIR)]),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            QUEUE,
            "--burst",
            "--name",
            name,
            "--job-class",
            "django_tasks_rq.backend.Job",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_fifty_files_and_process_each_once(redis_url, media_root, tmp_path):  # noqa: F811
    import django_rq

    from media_pipeline.tasks import process_item_file

    item = ItemFactory()
    files = [ingest_fileobj(item, io.BytesIO(scan(n)), f"page-{n:02d}.png") for n in range(FILES)]
    queue = django_rq.get_queue(QUEUE)
    jobs = [job for job in queue.jobs if job.func_name == "media_pipeline.tasks.process_item_file"]
    assert sorted(job.args[0] for job in jobs) == sorted(f.pk for f in files)

    worker_settings(tmp_path, redis_url)
    workers = [start_worker(tmp_path, name) for name in WORKERS]
    outputs = []
    try:
        for worker in workers:
            output, _ = worker.communicate(timeout=600)
            outputs.append(output.decode(errors="replace"))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for worker, output in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, output[-3000:]
    log = "\n".join(output[-2000:] for output in outputs)
    assert queue.count == 0, log

    backend = process_item_file.get_backend()
    runs_per_file: Counter[int] = Counter()
    done_by: Counter[str] = Counter()
    for job in jobs:
        result = backend.get_result(job.id)
        # One execution of the task per file (rq keeps one result per execution), which
        # claimed the file and ran its steps to the end ("busy" would be a second worker
        # finding it claimed).
        assert len(result.worker_ids) == 1, (job.args, result.worker_ids)
        assert result.return_value == FileStatus.DONE, (job.args, result.return_value)
        runs_per_file[job.args[0]] += 1
        done_by[result.worker_ids[0]] += 1
    assert runs_per_file == Counter({f.pk: 1 for f in files})
    # And no other execution of the task happened (a file queued again while being processed,
    # a retry): every processing job the queue ran or failed is one of those 50.
    ran = [
        *queue.finished_job_registry.get_job_ids(),
        *queue.failed_job_registry.get_job_ids(),
    ]
    processing = [
        job_id
        for job_id in ran
        if queue.fetch_job(job_id).func_name == "media_pipeline.tasks.process_item_file"
    ]
    assert sorted(processing) == sorted(job.id for job in jobs)
    assert set(done_by) == set(WORKERS), done_by
    assert all(count > 0 for count in done_by.values())
    assert sum(done_by.values()) == FILES

    derivatives_root = Path(django_settings.STORAGES["derivatives"]["OPTIONS"]["location"])
    for item_file in ItemFile.objects.filter(pk__in=[f.pk for f in files]):
        assert item_file.status == FileStatus.DONE, item_file.error
        assert item_file.worker == ""
        steps = item_file.technical["steps"]
        assert all(record["status"] == "done" for record in steps.values()), steps
        made = item_file.derivatives
        assert {"thumb.jpg", "web.jpg"} <= set(made)
        folder = derivatives_root / "derivatives" / item_file.sha256
        stored = {p.name for p in folder.iterdir() if p.is_file()}
        # Exactly the derivatives the file records, each written once: no second copy.
        assert stored == {Path(d["path"]).name for d in made.values()}, stored
        assert not [name for name in stored if DUPLICATE_NAME.search(name)]
