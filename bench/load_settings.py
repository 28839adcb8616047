"""Settings for bench/load_bench.py: production's, with every file in the benchmark's own folder
(LOAD_BENCH_DIR) and plain HTTP on loopback. The secrets and the database come from the
environment the benchmark sets, as in production."""

import os
from pathlib import Path

from archive_site.settings.production import *  # noqa: F403
from bench.local_storages import local_storages

_DIR = Path(os.environ["LOAD_BENCH_DIR"])
MEDIA_ROOT = _DIR / "media"
STATIC_ROOT = _DIR / "static"
STORAGES = local_storages(_DIR, "whitenoise.storage.CompressedManifestStaticFilesStorage")
PAGE_CACHE_GENERATION_FILE = _DIR / "page-cache-generation"
# Loopback over plain HTTP: the researchers' session cookie must be sent back.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
# The demo's files are processed while it loads (no worker runs during the benchmark); OCR is
# not what is measured.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
MEDIA_OCR_ITEM_TYPES: list[str] = []
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
