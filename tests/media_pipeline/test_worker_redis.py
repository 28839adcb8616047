"""The Redis-backed task queue (django-tasks-rq) with a real redis-server and `rqworker`.

Needs REDIS_TEST_URL (scripts/services/redis.sh start prints it; scripts/test.sh exports it).
Without it these tests are skipped, except under CI=true where that fails the run.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.db import connection

from media_pipeline.ingest import ingest_fileobj
from media_pipeline.models import FileStatus
from tests.factories import ItemFactory

from . import av_samples
from .test_worker import _free_port, _unreachable_s3_masters

QUEUE = "default"  # the queue tasks use unless told otherwise, as in production


@pytest.fixture
def redis_url(settings):
    url = os.environ.get("REDIS_TEST_URL", "")
    if not url:
        message = (
            "REDIS_TEST_URL is not set: start scripts/services/redis.sh and export its URL "
            "(scripts/test.sh does both)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    import redis

    redis.Redis.from_url(url).flushdb()
    settings.RQ_QUEUES = {QUEUE: {"URL": url}}
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [QUEUE], "OPTIONS": {}}
    }
    return url


def _rqworker(tmp_path, redis_url: str) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    database = {
        key: db[key] for key in ("ENGINE", "NAME", "USER", "PASSWORD", "HOST", "PORT", "OPTIONS")
    }
    (tmp_path / "rq_settings.py").write_text(
        "from archive_site.settings.test import *  # noqa\n"
        "INSTALLED_APPS = [*INSTALLED_APPS, 'django_rq']\n"
        f"DATABASES = {{'default': {database!r}}}\n"
        f"STORAGES = {django_settings.STORAGES!r}\n"
        f"RQ_QUEUES = {{{QUEUE!r}: {{'URL': {redis_url!r}}}}}\n"
        "TASKS = {'default': {'BACKEND': 'django_tasks_rq.RQBackend', "
        f"'QUEUES': [{QUEUE!r}]}}}}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rq_settings",
        "PYTHONPATH": os.pathsep.join([str(tmp_path), str(django_settings.BASE_DIR)]),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "manage.py",
            "rqworker",
            QUEUE,
            "--burst",
            "--with-scheduler",
            "--job-class",
            "django_tasks_rq.backend.Job",
        ],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_files_are_processed_through_redis_by_rqworker(redis_url, settings, media_root, tmp_path):
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO(av_samples.blob()), "q.bin")
    item_file.refresh_from_db()
    assert item_file.status == FileStatus.PENDING

    import django_rq

    queued = [job.func_name for job in django_rq.get_queue(QUEUE).jobs]
    assert queued.count("media_pipeline.tasks.process_item_file") == 1  # beside Wagtail's tasks
    result = _rqworker(tmp_path, redis_url)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    item_file.refresh_from_db()
    output = (result.stdout + result.stderr).decode()[-3000:]
    assert item_file.status == FileStatus.DONE, output
    assert django_rq.get_queue(QUEUE).count == 0


@pytest.mark.django_db(transaction=True)
def test_retry_is_scheduled_in_redis(redis_url, settings, media_root):
    from media_pipeline import tasks

    settings.MEDIA_RETRY_BACKOFF_SECONDS = 300
    item_file = ingest_fileobj(ItemFactory(), io.BytesIO(av_samples.blob()), "q.bin")
    _unreachable_s3_masters(settings, _free_port())
    assert tasks.process_item_file.call(item_file.pk) == FileStatus.PENDING
    item_file.refresh_from_db()
    assert item_file.attempts == 1

    import django_rq
    from rq.registry import ScheduledJobRegistry

    queue = django_rq.get_queue(QUEUE)
    registry = ScheduledJobRegistry(queue=queue)
    job_ids = registry.get_job_ids()
    assert len(job_ids) == 1
    scheduled = registry.get_scheduled_time(job_ids[0])
    assert abs((scheduled - item_file.next_attempt_at).total_seconds()) < 1
