"""Settings for bench/contribution_bench.py: the test settings' database from DATABASE_URL, with
every file in the benchmark's own folder (CONTRIBUTION_BENCH_DIR, shared by the benchmark and its
task workers) and the database task backend that `make demo`'s workers run, OCR on the item
types production reads it for."""

import os
from pathlib import Path

from archive_site.settings.base import env_list
from archive_site.settings.test import *  # noqa: F403
from bench.local_storages import local_storages

_DIR = Path(os.environ["CONTRIBUTION_BENCH_DIR"])
MEDIA_ROOT = _DIR / "media"
STORAGES = local_storages(_DIR, "django.contrib.staticfiles.storage.StaticFilesStorage")
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
MEDIA_OCR_ITEM_TYPES = env_list(
    "MEDIA_OCR_ITEM_TYPES", "manuscript,letter,certificate,document,publication"
)
