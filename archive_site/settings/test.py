"""Test settings: production-like behaviour, minus slowness.

Differs from production only where tests must be fast or isolated: locmem cache, fast password
hashing, immediate tasks, throwaway media folders (removed when the process exits). The database
comes from DATABASE_URL so the same suite runs on SQLite and on PostgreSQL (make test runs both);
tests/db_template.py gives each test process a copy of a database migrated once.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES

SECRET_KEY = "test-only-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# OCR costs seconds a page: tests that exercise it switch it on themselves.
MEDIA_OCR_ITEM_TYPES = []
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

_tmp = Path(tempfile.mkdtemp(prefix="archive-test-"))
_creator = os.getpid()


def _remove_tmp() -> None:
    # Each test process (every xdist worker, every worker subprocess) makes its own folder; a
    # forked child inherits this hook but must not delete its parent's folder.
    if os.getpid() == _creator:
        shutil.rmtree(_tmp, ignore_errors=True)


atexit.register(_remove_tmp)
MEDIA_ROOT = _tmp / "media"
# The anonymous page cache is off: the suite's page tests look at what a render produces
# (response.context, query counts) and roll their data back without a signal between tests.
# tests/serving/ switches it on and tests it.
PAGE_CACHE_SECONDS = 0
PAGE_CACHE_GENERATION_FILE = _tmp / "page-cache-generation"
STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()  # WhiteNoise warns on every request when its root is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "masters": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_tmp / "masters"), "base_url": None},
    },
    "derivatives": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(_tmp / "derivatives"), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ARCHIVE_IMPORT_ROOTS = [_tmp / "import", BASE_DIR / "fixtures", Path(tempfile.gettempdir())]

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and not os.environ.get(
    "DATABASE_URL"
):
    DATABASES["default"]["NAME"] = str(_tmp / "test.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": str(_tmp / "test.sqlite3")}
