"""Engine selection. `get_engine()` is the configured primary engine (Elasticsearch when
ELASTICSEARCH_URL is set, else the database engine); `get_database_engine()` is the database
engine, which is always maintained so it can answer when Elasticsearch cannot.

Settings:
- SEARCH_ENGINE: "database" or "elasticsearch" (derived from ELASTICSEARCH_URL in base settings);
- SEARCH_ENGINE_CLASSES: name → dotted path of the engine class (overridable for tests).
Engine classes take no constructor arguments and read their own settings.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.utils.module_loading import import_string

__all__ = [
    "EngineUnavailable",
    "all_engines",
    "get_database_engine",
    "get_engine",
    "reset_engines",
]

DEFAULT_CLASSES = {
    "database": "search.engines.database.DatabaseEngine",
    "elasticsearch": "search.engines.elasticsearch.ElasticsearchEngine",
}


class EngineUnavailable(Exception):  # noqa: N818 — reads as a state, like Django's ObjectDoesNotExist
    """The engine's backing service cannot be reached or refused the request. The message says
    which service and why; search.service falls back to the database engine on it."""


_lock = threading.Lock()
_instances: dict[str, object] = {}


def _engine_class(name: str):
    classes = {**DEFAULT_CLASSES, **getattr(settings, "SEARCH_ENGINE_CLASSES", {})}
    if name not in classes:
        raise LookupError(f"Unknown search engine {name!r}; known: {', '.join(sorted(classes))}")
    return import_string(classes[name])


def get_engine_by_name(name: str):
    with _lock:
        if name not in _instances:
            _instances[name] = _engine_class(name)()
        return _instances[name]


def configured_name() -> str:
    return getattr(settings, "SEARCH_ENGINE", "database") or "database"


def get_engine():
    """The primary engine for searching (may raise EngineUnavailable when used)."""
    return get_engine_by_name(configured_name())


def get_database_engine():
    return get_engine_by_name("database")


def all_engines() -> list:
    """Every engine documents are written to: the database engine always (the fallback), plus
    the configured primary when it is another."""
    engines = [get_database_engine()]
    if configured_name() != "database":
        engines.append(get_engine())
    return engines


def reset_engines() -> None:
    """Forget engine instances (tests switch settings between engines)."""
    with _lock:
        _instances.clear()
