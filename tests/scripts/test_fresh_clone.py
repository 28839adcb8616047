"""A fresh clone has no var/: `manage.py migrate` must make the folder its database lives in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow  # every migration of every app, in a subprocess


def test_migrate_creates_the_missing_folder_of_its_sqlite_database(tmp_path):
    database = tmp_path / "clone" / "var" / "db.sqlite3"
    assert not database.parent.exists()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "archive_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert database.is_file() and database.stat().st_size > 0
