"""Storages in a per-test folder, and ingest that runs its on-commit processing like production."""

import io

import pytest
from django.utils import translation

from media_pipeline.ingest import ingest_fileobj


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "public"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "public")},
        },
        "masters": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "masters"), "base_url": None},
        },
        "derivatives": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "derivatives"), "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def ingest(media_root, django_capture_on_commit_callbacks):
    """Ingest bytes as a file named `name`; processing runs (immediate backend) on commit."""

    def run(item, data: bytes, name: str, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            item_file = ingest_fileobj(item, io.BytesIO(data), name, **kwargs)
        item_file.refresh_from_db()
        return item_file

    return run


@pytest.fixture(autouse=True)
def english_messages():
    """Messages are asserted in English, whatever the translations catalogue holds."""
    with translation.override("en"):
        yield
