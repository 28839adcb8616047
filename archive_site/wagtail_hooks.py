"""Fills the catalogue's admin extension points with the media pipeline's parts.

The catalogue declares the hooks and works without them; registering them here keeps the
catalogue from importing the pipeline (see apps.py for the layering).
"""

from __future__ import annotations

from wagtail import hooks

from archive_collections.admin.batch_views import BATCH_PROGRESS_HOOK
from archive_collections.admin.viewsets import ITEM_EDIT_VIEW_HOOK
from archive_collections.importer import FileHandOver
from archive_collections.importer.admin_views import FILE_HAND_OVER_HOOK, IMPORT_PROGRESS_HOOK
from media_pipeline.admin_progress import FormJobs
from media_pipeline.admin_upload import ItemEditView
from search import queue_progress

from .importing import ingest_listed_files


@hooks.register(ITEM_EDIT_VIEW_HOOK)
def item_edit_view_with_upload() -> type[ItemEditView]:
    return ItemEditView


@hooks.register(FILE_HAND_OVER_HOOK)
def imported_files_to_the_pipeline() -> FileHandOver:
    return ingest_listed_files


@hooks.register(IMPORT_PROGRESS_HOOK)
def import_progress_as_jobs() -> FormJobs:
    return FormJobs("import")


@hooks.register(BATCH_PROGRESS_HOOK)
def batch_progress_as_jobs() -> FormJobs:
    """A batch's job ends once the search index has taken the changed records."""
    return FormJobs("batch", queue_progress.FOLLOWER, queue_progress.groups_of)
