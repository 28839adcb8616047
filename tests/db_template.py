"""Test databases copied from a template that is migrated once.

Running every Wagtail and archive migration costs about a minute of CPU, and under pytest-xdist
each worker would pay it again. Instead the first process that needs a database migrates a
template while holding a file lock; every process (each xdist worker, and the next run too) then
copies it: SQLite by copying the file, PostgreSQL with ``CREATE DATABASE ... TEMPLATE``.

A template is named after a fingerprint of every installed app's migration files and of the
settings, so editing or adding a migration builds a new one and the old ones are dropped.
``pytest --create-db`` rebuilds it regardless. The copy is an ordinary file or database, so tests
that start a real worker process (``manage.py db_worker``, ``rqworker``) open it like any other.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from filelock import FileLock

CACHE_DIR = Path(settings.BASE_DIR) / "var" / "test-db"
SETTINGS_DIR = Path(settings.BASE_DIR) / "archive_site" / "settings"
LOCK_TIMEOUT = 900  # seconds: another process may be migrating on a busy machine


def _migration_files() -> Iterator[Path]:
    for app in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(app.label)
        spec = importlib.util.find_spec(module) if module else None
        for folder in (spec and spec.submodule_search_locations) or ():
            yield from sorted(Path(folder).glob("*.py"))


def fingerprint(vendor: str) -> str:
    """Changes whenever the migrated schema or its data migrations could change."""
    digest = hashlib.sha256(f"{vendor} django {django.get_version()}".encode())
    for path in [*_migration_files(), *sorted(SETTINGS_DIR.glob("*.py"))]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@dataclass
class TestDatabase:
    """The copy one test process works on, and how to give it back."""

    connection: BaseDatabaseWrapper
    original_name: str
    name: str
    template: str

    def restore(self) -> None:
        """Back to the freshly migrated state, after a transactional test flushed it."""
        self.connection.close()
        if self.connection.vendor == "sqlite":
            _copy_sqlite(Path(self.template), Path(self.name))
        else:
            with _lock(self.connection.vendor):
                _clone_postgres(self.connection, self.template, self.name)

    def teardown(self) -> None:
        self.connection.close()
        if self.connection.vendor == "sqlite":
            for suffix in ("", "-wal", "-shm", "-journal", ".template"):
                Path(self.name + suffix).unlink(missing_ok=True)
        else:
            with self.connection._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {self._quoted(self.name)}")
        _point_at(self.connection, self.original_name)

    def _quoted(self, name: str) -> str:
        return self.connection.ops.quote_name(name)


def _point_at(connection: BaseDatabaseWrapper, name: str) -> None:
    connection.close()
    connection.settings_dict["NAME"] = name
    settings.DATABASES[connection.alias]["NAME"] = name


def _migrate_into(connection: BaseDatabaseWrapper, name: str, verbosity: int) -> None:
    original_test_name = connection.settings_dict["TEST"].get("NAME")
    connection.settings_dict["TEST"]["NAME"] = name
    try:
        connection.creation.create_test_db(
            verbosity=verbosity, autoclobber=True, serialize=False, keepdb=False
        )
    finally:
        connection.settings_dict["TEST"]["NAME"] = original_test_name
        connection.close()


def _lock(vendor: str) -> FileLock:
    return FileLock(str(CACHE_DIR / f"{vendor}.lock"), timeout=LOCK_TIMEOUT)


def _sqlite_setup(
    connection: BaseDatabaseWrapper, rebuild: bool, verbosity: int
) -> tuple[str, str]:
    creation: Any = connection.creation  # the SQLite helpers are not in django-stubs
    target = creation._get_test_db_name()
    if creation.is_in_memory_db(target):
        raise RuntimeError("the SQLite test database must be a file (see settings/test.py)")
    key = fingerprint("sqlite")
    template = CACHE_DIR / f"sqlite-{key}.sqlite3"
    with _lock("sqlite"):
        if rebuild or not template.exists():
            for stale in CACHE_DIR.glob("sqlite-*.sqlite3*"):
                stale.unlink()
            building = CACHE_DIR / f"building-{os.getpid()}.sqlite3"
            _migrate_into(connection, str(building), verbosity)
            _single_file(building)
            building.replace(template)
        # A private copy to restore from: another run may replace the shared template meanwhile.
        pristine = Path(f"{target}.template")
        _copy_sqlite(template, pristine)
    _copy_sqlite(pristine, Path(target))
    return target, str(pristine)


def _single_file(path: Path) -> None:
    """Fold the write-ahead log into the file so that a plain copy is complete."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
    db.close()


def _copy_sqlite(template: Path, target: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, target)


def _clone_postgres(connection: BaseDatabaseWrapper, template: str, target: str) -> None:
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(target)}")
        cursor.execute(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(template)}")


def _postgres_setup(
    connection: BaseDatabaseWrapper, rebuild: bool, verbosity: int
) -> tuple[str, str]:
    quote = connection.ops.quote_name
    creation: Any = connection.creation  # _get_test_db_name is not in django-stubs
    # One template for all xdist workers: named after the database, not the worker's test name.
    prefix = f"test_{connection.settings_dict['NAME']}_tpl_"
    template = prefix + fingerprint(connection.vendor)
    # The process id keeps two runs against one server (two developers, or a run left
    # behind) from dropping each other's databases.
    target = f"{creation._get_test_db_name()}_{os.getpid()}"
    with _lock(connection.vendor):
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix + "%"])
            existing = {row[0] for row in cursor.fetchall()}
            for name in existing - ({template} if not rebuild else set()):
                cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        if rebuild or template not in existing:
            _migrate_into(connection, template, verbosity)
        _clone_postgres(connection, template, target)
    return target, template


def setup_test_database(*, rebuild: bool = False, verbosity: int = 0) -> TestDatabase:
    """Give this process its own copy of the migrated template and point Django at it."""
    connection = connections["default"]
    original_name = connection.settings_dict["NAME"]
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        name, template = _sqlite_setup(connection, rebuild, verbosity)
    elif connection.vendor == "postgresql":
        name, template = _postgres_setup(connection, rebuild, verbosity)
    else:
        raise RuntimeError(f"no test database template for {connection.vendor}")
    _point_at(connection, name)
    connection.ensure_connection()
    return TestDatabase(connection, original_name, name, template)
