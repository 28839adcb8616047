"""Wagtail admin registrations for the archive. Each import below registers one admin area."""

from .admin import registration  # noqa: F401  registers the archive admin: snippets, tree
from .importer import admin_views  # noqa: F401  registers the import screen
from .oral_history import admin_views as oral_history_admin  # noqa: F401, E402  transcript import and tools
