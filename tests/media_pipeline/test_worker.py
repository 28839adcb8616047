"""A real `manage.py db_worker` killed mid-step, stale files, and retries with backoff."""

from __future__ import annotations

import datetime
import io
import os
import signal
import socket
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from media_pipeline import retry
from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.steps import registry
from tests.factories import ItemFactory

from . import av_samples
from .av_samples import needs_ffmpeg

WORKER_START_TIMEOUT = 120  # a cold Django + Wagtail import on a busy 2-core machine


def _worker_settings(tmp_path) -> str:
    """A settings module for worker subprocesses: this test's database and storages."""
    db = connection.settings_dict
    database = {
        key: db[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    }
    module = tmp_path / "worker_settings.py"
    module.write_text(
        "import os\n"
        "from archive_site.settings.test import *  # noqa\n"
        f"DATABASES = {{'default': {database!r}}}\n"
        f"STORAGES = {django_settings.STORAGES!r}\n"
        "TASKS = {'default': {'BACKEND': 'django_tasks_db.DatabaseBackend'}}\n"
        "MEDIA_TEST_STEP_DELAYS = {'av': float(os.environ.get('TEST_AV_STEP_DELAY', '0'))}\n",
        encoding="utf-8",
    )
    return module.stem


def _worker(tmp_path, *args, delay: float = 0):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": _worker_settings(tmp_path),
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(django_settings.BASE_DIR)]),
        "TEST_AV_STEP_DELAY": str(delay),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "db_worker",
            "--no-startup-delay",
            "--no-reload",
            "--interval",
            "0.2",
            "-v",
            "0",
            *args,
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def _wait_until(condition, worker, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if worker.poll() is not None:
            pytest.fail(f"the worker exited before {what}: {worker.stdout.read().decode()}")
        time.sleep(0.2)
    worker.kill()
    pytest.fail(f"timed out waiting for {what}")


def _in_av_step(pk: int) -> bool:
    """Every step before `av` is recorded and the file is still being processed."""
    item_file = ItemFile.objects.get(pk=pk)
    steps = (item_file.technical or {}).get("steps", {})
    order = registry.names()
    before = order[: order.index("av")]
    return item_file.status == FileStatus.PROCESSING and all(s in steps for s in before)


@needs_ffmpeg
@pytest.mark.django_db(transaction=True)
def test_worker_killed_mid_step_leaves_the_file_retryable_never_done(
    settings, media_root, tmp_path
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    item_file = ingest_fileobj(
        ItemFactory(item_type="audio"), io.BytesIO(av_samples.flac_bytes()), "访谈.flac"
    )
    worker = _worker(tmp_path, delay=600)
    try:
        _wait_until(
            lambda: _in_av_step(item_file.pk),
            worker,
            WORKER_START_TIMEOUT,
            "the worker to reach the av step",
        )
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PROCESSING  # never DONE
    assert "av" not in item_file.technical["steps"]
    assert item_file.worker == f"{socket.gethostname()}:{worker.pid}"
    assert not (media_root / "derivatives" / "derivatives" / item_file.sha256 / "web.m4a").exists()
    # A second worker alone does not touch it: the killed task is still "running" in the queue.
    assert list(retry.stale_files().values_list("pk", flat=True)) == [item_file.pk]
    killed = DBTaskResult.objects.get(args_kwargs__args=[item_file.pk])
    assert killed.status == "RUNNING"

    call_command("retry_files", verbosity=0)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING
    dead_worker = f"{socket.gethostname()}:{worker.pid}"
    assert "worker died" in item_file.error and dead_worker in item_file.error
    # The killed run's row is closed, saying why, instead of staying RUNNING forever.
    killed.refresh_from_db()
    assert (killed.status, killed.exception_class_path) == (
        "FAILED",
        "media_pipeline.retry.WorkerDied",
    )
    assert "worker died" in killed.traceback and dead_worker in killed.traceback
    assert killed.finished_at is not None

    again = _worker(tmp_path, "--batch")
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output.decode()
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE, item_file.error
    assert item_file.technical["steps"]["av"]["status"] == "done"
    assert item_file.web_media_url.endswith("/web.m4a")
    assert item_file.worker == "" and item_file.error == ""
    rerun = DBTaskResult.objects.filter(args_kwargs__args=[item_file.pk]).exclude(pk=killed.pk)
    assert list(rerun.values_list("status", flat=True)) == ["SUCCESSFUL"]
    assert not DBTaskResult.objects.running().exists()


@pytest.mark.django_db
def test_stale_processing_files_are_found_by_dead_worker_or_timeout(
    settings, ingest, django_capture_on_commit_callbacks
):
    settings.MEDIA_PROCESSING_TIMEOUT = 3600
    item = ItemFactory()
    here = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    files = {
        name: ingest(item, av_samples.blob(n), f"{name}.bin")
        for n, name in enumerate(["alive", "dead", "elsewhere_recent", "elsewhere_old"], 1)
    }
    old = timezone.now() - datetime.timedelta(hours=2)
    workers = {
        "alive": f"{here}:{os.getpid()}",
        "dead": f"{here}:{dead.pid}",
        "elsewhere_recent": "other-host:1",
        "elsewhere_old": "other-host:2",
    }
    for name, item_file in files.items():
        ItemFile.objects.filter(pk=item_file.pk).update(
            status=FileStatus.PROCESSING,
            worker=workers[name],
            updated_at=old if name == "elsewhere_old" else timezone.now(),
        )
    stale = set(retry.stale_files().values_list("pk", flat=True))
    assert stale == {files["dead"].pk, files["elsewhere_old"].pk}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_files", verbosity=0)  # immediate backend: processed right away
    statuses = dict(ItemFile.objects.values_list("pk", "status"))
    assert statuses[files["dead"].pk] == statuses[files["elsewhere_old"].pk] == FileStatus.DONE
    assert statuses[files["alive"].pk] == FileStatus.PROCESSING


@pytest.mark.django_db
def test_duplicate_task_for_a_file_being_processed_does_nothing(ingest):
    from media_pipeline.tasks import process_item_file

    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    ItemFile.objects.filter(pk=item_file.pk).update(status=FileStatus.PROCESSING, technical={})
    assert process_item_file.enqueue(item_file.pk).return_value == "busy"
    assert ItemFile.objects.get(pk=item_file.pk).technical == {}


def _unreachable_s3_masters(settings, port: int):
    """Masters on an S3 endpoint where nothing listens: a real connection-refused error."""
    from botocore.config import Config

    settings.STORAGES = {
        **settings.STORAGES,
        "masters": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "archive",
                "endpoint_url": f"http://127.0.0.1:{port}",
                "access_key": "test",
                "secret_key": "test",
                "region_name": "us-east-1",
                "client_config": Config(
                    retries={"max_attempts": 1, "mode": "standard"}, connect_timeout=2
                ),
            },
        },
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db
def test_storage_outage_is_retried_with_backoff_then_succeeds(
    settings, ingest, django_capture_on_commit_callbacks
):
    settings.MEDIA_RETRY_BACKOFF_SECONDS = 30
    settings.MEDIA_RETRY_MAX_ATTEMPTS = 3
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    local_masters = settings.STORAGES["masters"]
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})

    _unreachable_s3_masters(settings, _free_port())
    before = timezone.now()
    from media_pipeline.tasks import process_item_file

    assert process_item_file.enqueue(item_file.pk).return_value == FileStatus.PENDING
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING
    assert item_file.attempts == 1
    assert "Step “fixity” hit a temporary error (attempt 1 of 3)" in item_file.error
    assert before + datetime.timedelta(seconds=29) < item_file.next_attempt_at
    assert item_file.next_attempt_at < timezone.now() + datetime.timedelta(seconds=31)
    assert "fixity" not in item_file.technical.get("steps", {})  # not recorded as failed

    assert process_item_file.enqueue(item_file.pk).return_value == FileStatus.PENDING
    item_file.refresh_from_db()
    assert item_file.attempts == 2
    assert item_file.next_attempt_at > timezone.now() + datetime.timedelta(seconds=55)  # doubled

    # Storage is back; once due, retry_files runs it to the end.
    settings.STORAGES = {**settings.STORAGES, "masters": local_masters}
    call_command("retry_files", verbosity=0)
    assert ItemFile.objects.get(pk=item_file.pk).status == FileStatus.PENDING  # not due yet
    ItemFile.objects.filter(pk=item_file.pk).update(next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        call_command("retry_files", verbosity=0)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.DONE, item_file.error
    assert (item_file.attempts, item_file.next_attempt_at, item_file.error) == (0, None, "")


@pytest.mark.django_db
def test_storage_outage_gives_up_after_the_maximum_attempts(settings, ingest):
    settings.MEDIA_RETRY_MAX_ATTEMPTS = 2
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    ItemFile.objects.filter(pk=item_file.pk).update(technical={})
    _unreachable_s3_masters(settings, _free_port())
    from media_pipeline.tasks import process_item_file

    process_item_file.enqueue(item_file.pk)
    assert process_item_file.enqueue(item_file.pk).return_value == FileStatus.FAILED
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.FAILED
    assert "failed 2 times with a temporary error; gave up" in item_file.error
    assert item_file.next_attempt_at is None


@pytest.mark.django_db(transaction=True)
def test_retry_is_deferred_on_the_database_backend(settings, media_root):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_RETRY_BACKOFF_SECONDS = 120
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO(av_samples.blob()), "a.bin")
    _unreachable_s3_masters(settings, _free_port())
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING and item_file.attempts == 1
    deferred = DBTaskResult.objects.filter(status="READY").get()
    assert deferred.run_after == item_file.next_attempt_at
    assert deferred.args_kwargs["args"] == [item_file.pk]
