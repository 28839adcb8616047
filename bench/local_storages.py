"""The storages of a benchmark that keeps every file in its own folder: Django's file system
storage for the public, masters and derivatives storages under `folder`, and the given static
files backend. Shared by the benchmarks' settings modules."""

from __future__ import annotations

from pathlib import Path


def local_storages(folder: Path, staticfiles_backend: str) -> dict:
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        **{
            name: {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(folder / name), "base_url": None},
            }
            for name in ("masters", "derivatives")
        },
        "staticfiles": {"BACKEND": staticfiles_backend},
    }
