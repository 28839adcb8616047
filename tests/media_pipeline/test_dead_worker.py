"""A task whose worker died: its queue row is closed as FAILED with the reason, the file requeued.

The state is the one `kill -9` of a `db_worker` leaves (test_worker.py makes it with a real
worker): the task row RUNNING, the file PROCESSING by a host:pid that no longer exists.
"""

from __future__ import annotations

import datetime
import socket
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from media_pipeline.models import FileStatus, ItemFile
from media_pipeline.tasks import process_item_file
from tests.factories import ItemFactory

from . import av_samples

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _running_task(settings, file_id: int, *, started: datetime.datetime) -> DBTaskResult:
    """The row a database-backend worker leaves when it is killed while running the task."""
    immediate = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    try:
        row = DBTaskResult.objects.get(pk=process_item_file.enqueue(file_id).id)
    finally:
        settings.TASKS = immediate
    row.claim("worker-that-died")
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=started)
    return row


def _processing(item_file: ItemFile, worker: str, moved: datetime.datetime) -> None:
    ItemFile.objects.filter(pk=item_file.pk).update(
        status=FileStatus.PROCESSING, worker=worker, updated_at=moved
    )


def test_retry_files_closes_the_dead_workers_task_row_with_the_reason(
    settings, ingest, dead_pid, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    worker = f"{socket.gethostname()}:{dead_pid}"
    row = _running_task(settings, item_file.pk, started=timezone.now())
    _processing(item_file, worker, timezone.now())

    with django_capture_on_commit_callbacks(execute=False):
        call_command("retry_files", verbosity=0)

    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.finished_at is not None
    assert row.exception_class_path == "media_pipeline.retry.WorkerDied"
    assert "worker died" in row.traceback and worker in row.traceback
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING
    assert "worker died" in item_file.error and worker in item_file.error


def test_a_task_row_running_past_the_timeout_is_closed_even_when_its_file_moved_on(
    settings, ingest, django_capture_on_commit_callbacks
):
    """A row an earlier retry_files left RUNNING (the file was requeued and processed since)."""
    settings.MEDIA_PROCESSING_TIMEOUT = 3600
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    assert item_file.status == FileStatus.DONE
    old = _running_task(
        settings, item_file.pk, started=timezone.now() - datetime.timedelta(hours=2)
    )
    recent = _running_task(settings, item_file.pk, started=timezone.now())

    with django_capture_on_commit_callbacks(execute=False):
        call_command("retry_files", verbosity=0)

    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == TaskResultStatus.FAILED
    assert "no result" in old.traceback
    assert recent.status == TaskResultStatus.RUNNING  # may still be working: left alone
    assert ItemFile.objects.get(pk=item_file.pk).status == FileStatus.DONE


def test_dry_run_closes_nothing(settings, ingest, dead_pid):
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    row = _running_task(settings, item_file.pk, started=timezone.now())
    _processing(item_file, f"{socket.gethostname()}:{dead_pid}", timezone.now())
    call_command("retry_files", dry_run=True, verbosity=0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING
    assert ItemFile.objects.get(pk=item_file.pk).status == FileStatus.PROCESSING


def test_admin_listing_shows_a_dead_run_and_offers_to_process_it_again(
    client, superuser, settings, ingest, dead_pid, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    worker = f"{socket.gethostname()}:{dead_pid}"
    row = _running_task(settings, item_file.pk, started=timezone.now())
    _processing(item_file, worker, timezone.now())
    client.force_login(superuser)

    response = client.get("/admin/itemfile/")
    with translation.override(response.headers["Content-Language"]):
        label = gettext("Worker died")
    html = response.content.decode()
    assert label in html and worker in html
    assert f"/admin/itemfile/retry/{item_file.pk}/" in html

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/itemfile/retry/{item_file.pk}/")
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED and worker in row.traceback
    assert ItemFile.objects.get(pk=item_file.pk).status == FileStatus.DONE


def test_admin_listing_shows_why_a_requeued_file_waits(
    client, superuser, ingest, dead_pid, settings, django_capture_on_commit_callbacks
):
    item_file = ingest(ItemFactory(), av_samples.blob(), "a.bin")
    worker = f"{socket.gethostname()}:{dead_pid}"
    _processing(item_file, worker, timezone.now())
    with django_capture_on_commit_callbacks(execute=False):
        call_command("retry_files", verbosity=0)
    client.force_login(superuser)
    html = client.get("/admin/itemfile/").content.decode()
    assert "worker died" in html and worker in html
